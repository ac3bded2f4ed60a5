// Who may teach the bot: attach a missed question to an answer or write a new answer. Pure; the learned-answers
// API (knowledge/learned-routes.ts) and the console (pages/misses.ts) use it.
import type { Policy } from "../../domain/staff-roles";
import { isAgencyStaff, isApprover } from "../staff/policy";

/** Reading the missed questions and the answer units: every agency staff member. */
export const mayReadMisses: Policy = isAgencyStaff;

/** What the bot answers from the next message on is an approver's or the admin's decision. */
export const mayCurateAnswers: Policy = isApprover;

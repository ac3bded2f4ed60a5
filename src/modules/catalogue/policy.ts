// Who may edit and who may publish the guide (政府信息公开指南) and the catalogue (目录). Pure; the catalogue API
// (routes.ts) and the console (pages/content.ts, the navigation) use it.
import type { Policy } from "../../domain/staff-roles";
import { isAgencyStaff, isApprover } from "../staff/policy";

/** Drafting the guide and editing catalogue entries: every agency staff member. */
export const mayEditContent: Policy = isAgencyStaff;

/** Publishing the guide, publishing, withdrawing and importing catalogue entries: an approver or the admin. */
export const mayPublishContent: Policy = isApprover;

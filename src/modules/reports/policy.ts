// Who may do what with the annual report. Pure; the reports API (routes.ts) and the console (pages/reports.ts,
// the navigation) use it.
import type { Policy } from "../../domain/staff-roles";
import { isAgencyStaff, isApprover } from "../staff/policy";

/** Drafting the report, its figures and narratives, and the case register: every agency staff member. */
export const mayDraftReport: Policy = isAgencyStaff;

/** Publishing the report is signed off by an approver or the admin. */
export const mayPublishReport: Policy = isApprover;

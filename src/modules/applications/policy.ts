// Who may do what with applications: handle them at all, take a staff action (the per-action roles are the
// procedure's table in lifecycle.ts, re-exported here), and answer withholding. Pure; the applications API, the
// console (pages/application.ts, the navigation) use it.
import type { Policy, RoleHolder } from "../../domain/staff-roles";
import { isAgencyStaff, isApprover } from "../staff/policy";
import { needsApprover } from "./dispositions";
import { roleMay, type ApplicationAction } from "./lifecycle";

export { allowedActions } from "./lifecycle";

/** The queue, the detail view and registration: every agency staff member. */
export const mayHandleApplications: Policy = isAgencyStaff;

/** A staff action on an application, by the procedure's table (lifecycle.ts RULES). */
export const mayTakeAction = (who: RoleHolder, action: ApplicationAction): boolean => roleMay(action, who.role);

/** Withholding (不予公开, 部分公开) is decided by an approver (the head of the GI work unit) or the admin. */
export const mayApproveWithholding: Policy = isApprover;

/** An answer with this disposition: a withholding one needs mayApproveWithholding, the others any handler. */
export function mayAnswerWith(who: RoleHolder, disposition: string): boolean {
  return mayHandleApplications(who) && (!needsApprover(disposition) || mayApproveWithholding(who));
}

// Who may do what with staff accounts, and the role groups every other policy builds on. Pure; the staff API
// (routes.ts, http/auth.ts), the console (session.ts, pages/users.ts, pages/account.ts) and the service use it.
import { rolesMay, type Policy, type RoleHolder, type StaffRole } from "../../domain/staff-roles";

/** Agency staff: they act for their own agency's records. */
export const STAFF_ROLES: StaffRole[] = ["clerk", "approver", "admin"];
/** Oversight: a supervisor reads the agencies under theirs, a platform admin manages the agencies (issue 17). */
export const OVERSIGHT_ROLES: StaffRole[] = ["supervisor", "platform_admin"];
export const ALL_ROLES: StaffRole[] = [...STAFF_ROLES, ...OVERSIGHT_ROLES];
/** The agency staff who sign off for the agency (the head of the GI work unit's level): approver and admin. */
export const APPROVER_ROLES: StaffRole[] = ["approver", "admin"];

/** Agency staff (clerk, approver, admin): what every agency route and console page asks unless it says more. */
export const isAgencyStaff: Policy = rolesMay(...STAFF_ROLES);

/** An approver or the admin: the role group the modules' sign-off rules (publish, withhold, teach the bot) name. */
export const isApprover: Policy = rolesMay(...APPROVER_ROLES);

/** An agency admin manages the agency's accounts (create, role, disable, reset password, revoke sessions). */
export const mayManageUsers: Policy = rolesMay("admin");

/**
 * Accounts above the agencies (supervisor, platform admin) are created and managed by the platform admin (and the
 * CLI), never by an agency admin, even when they sit in the admin's agency.
 */
export const mayManageOversightAccounts: Policy = rolesMay("platform_admin");

/** Two-factor sign-in (TOTP) is offered to admins only for now. */
export const mayUseTotp: Policy = rolesMay("admin");

/**
 * Whose account `actor` (who manages accounts) may see and change: their agency's staff; a supervisor's or platform
 * admin's account only when they manage the oversight accounts (a reset password would hand over the platform).
 */
export const mayManageAccountOf = (actor: RoleHolder, user: RoleHolder): boolean => isAgencyStaff(user) || mayManageOversightAccounts(actor);

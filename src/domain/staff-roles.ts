// Staff roles: plain vocabulary, no TypeORM, so the procedure's rules (lifecycle.ts) and the staff entity
// (infra/entities/staff-user.entity.ts) take it from one place. Agency staff (clerk, approver, admin) act for their
// own agency; a supervisor reads the agencies under theirs and acts on none; a platform admin manages the agencies
// themselves (issue 17).
export type StaffRole = "clerk" | "approver" | "admin" | "supervisor" | "platform_admin";

/** Whom a role rule is about: a signed-in staff member (StaffPrincipal) or anything else with a role. */
export interface RoleHolder {
  readonly role: StaffRole;
}

/**
 * A role rule — "may this staff member do it?". Each module writes its rules once, in its own policy.ts, and the
 * API router (http/auth.ts `requireStaff(app, rule)`), the console (session.ts `requireRole(ctx, rule)`, the
 * navigation, the buttons a page shows) and, where they check roles, the services call the same function.
 */
export type Policy = (who: RoleHolder) => boolean;

/** The rule admitting exactly these roles. */
export function rolesMay(...roles: StaffRole[]): Policy {
  return (who) => roles.includes(who.role);
}

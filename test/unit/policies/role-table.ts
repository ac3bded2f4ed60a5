// Helper for the policy tests: a rule's verdict for every staff role, compared with the roles that may.
import type { Policy, StaffRole } from "../../../src/domain/staff-roles";

export const EVERY_ROLE: StaffRole[] = ["clerk", "approver", "admin", "supervisor", "platform_admin"];

/** The roles the rule admits, in EVERY_ROLE order. */
export function admitted(may: Policy): StaffRole[] {
  return EVERY_ROLE.filter((role) => may({ role }));
}

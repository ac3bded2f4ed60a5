// Who may manage the agencies of the platform and who reads which agencies in the district's oversight views.
// Pure; the platform API (routes.ts), AgencyService.scopeOf and the console (session.ts, layout.ts,
// pages/agencies.ts, pages/district.ts) use it.
import { rolesMay, type Policy, type RoleHolder } from "../../domain/staff-roles";

/** Adding and editing agencies and their first accounts is the platform admin's. */
export const mayManageAgencies: Policy = rolesMay("platform_admin");

/**
 * The agencies an oversight role reads: a platform admin all of them, a supervisor theirs and those under it;
 * agency staff none here (they read their own agency through its pages).
 */
export type DistrictScope = "all" | "subtree" | null;
export function districtScope(who: RoleHolder): DistrictScope {
  if (who.role === "platform_admin") return "all";
  if (who.role === "supervisor") return "subtree";
  return null;
}

/** The district views (deadlines, overdue applications, reports of the agencies in scope). */
export const mayOverseeDistrict: Policy = (who) => districtScope(who) !== null;

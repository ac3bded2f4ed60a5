// Who may manage the agencies of the platform and who may read the district's oversight views. Pure; the
// platform API (routes.ts) and the console (session.ts, layout.ts, pages/agencies.ts, pages/district.ts) use it.
import { rolesMay, type Policy } from "../../domain/staff-roles";

/** Adding and editing agencies and their first accounts is the platform admin's. */
export const mayManageAgencies: Policy = rolesMay("platform_admin");

/** The district views (deadlines, overdue applications, reports of the agencies in scope). */
export const mayOverseeDistrict: Policy = rolesMay("supervisor", "platform_admin");

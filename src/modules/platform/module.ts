// Feature module: one platform, many agencies (issue 17) — agencies as data, the supervisor's district views,
// annual-report reminders, and the platform API and CLI.
import type { AppContext } from "../../context";
import type { Agency } from "../../infra/entities/agency.entity";
import type { CliCommand, FeatureModule } from "../module";
import type { Services } from "../services";
import { AgencyService } from "./agency-service";
import { agencyCommand, reportRemindersCommand } from "./commands";
import { DistrictService } from "./district-service";
import { platformRoutes } from "./routes";

export const platformCommands: CliCommand[] = [agencyCommand, reportRemindersCommand];

/**
 * The platform module: agencies (adding one creates its admin, loads its guide and catalogue, and runs every
 * module's seeds: `seedAgency`, given by the composition root) and the district views.
 */
export function createPlatform(
  ctx: AppContext,
  deps: Pick<Services, "staff" | "catalogue"> & { seedAgency(agency: Agency): Promise<void> },
): { agencies: AgencyService; district: DistrictService; module: FeatureModule } {
  const agencies = new AgencyService(ctx, deps);
  const district = new DistrictService(ctx);
  return { agencies, district, module: { name: "platform", routes: () => platformRoutes(ctx, { agencies, district, staff: deps.staff }) } };
}

// Feature module: one platform, many agencies (issue 17) — agencies as data, the supervisor's district views,
// annual-report reminders, and the platform API and CLI.
import type { FeatureModule } from "../module";
import { AgencyService } from "./agency-service";
import { agencyCommand, reportRemindersCommand } from "./commands";
import { DistrictService } from "./district-service";
import { platformRoutes } from "./routes";

export const platformModule: FeatureModule = {
  name: "platform",
  init(ctx) {
    ctx.services.set("agencies", new AgencyService(ctx));
    ctx.services.set("district", new DistrictService(ctx));
  },
  routes: (ctx) => platformRoutes(ctx),
  commands: [agencyCommand, reportRemindersCommand],
};

// Feature module: applications (依申请公开) — intake, the statutory clock, staff triage, audit, reply letters.
import type { FeatureModule } from "../module";
import { Application } from "./application.entity";
import { ApplicationService } from "./application-service";
import { applicationRoutes } from "./routes";

export const applicationsModule: FeatureModule = {
  name: "applications",
  entities: [Application],
  init(ctx) {
    ctx.services.set("applications", new ApplicationService(ctx));
  },
  routes: (ctx) => applicationRoutes(ctx),
};

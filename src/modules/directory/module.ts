// Feature module: the agency directory citizens use to reach the right agency of the platform (issue 17).
import type { FeatureModule } from "../module";
import { AgencyDirectory, DIRECTORY_SERVICE } from "./agency-directory";
import { directoryRoutes } from "./routes";

export const directoryModule: FeatureModule = {
  name: "directory",
  init(ctx) {
    ctx.services.set(DIRECTORY_SERVICE, new AgencyDirectory(ctx));
  },
  routes: (ctx) => directoryRoutes(ctx),
};

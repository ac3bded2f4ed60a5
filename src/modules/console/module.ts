// Feature module: the staff console — server-rendered pages under /console that call the services in-process.
import type { FeatureModule } from "../module";
import { consoleRoutes } from "./routes";

export const consoleModule: FeatureModule = {
  name: "console",
  routes: (ctx) => [consoleRoutes(ctx)],
};

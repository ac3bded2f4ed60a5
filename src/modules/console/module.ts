// Feature module: the staff console — server-rendered pages under /console that call the services in-process.
import type { AppContext } from "../../context";
import type { FeatureModule } from "../module";
import type { Services } from "../services";
import { consoleRoutes } from "./routes";

/** The console module: pages only, each given the typed services it uses. */
export function createConsole(ctx: AppContext, deps: Services): { module: FeatureModule } {
  return { module: { name: "console", routes: () => [consoleRoutes(ctx, deps)] } };
}

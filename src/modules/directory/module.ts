// Feature module: the agency directory citizens use to reach the right agency of the platform (issue 17).
import type { AppContext } from "../../context";
import type { FeatureModule } from "../module";
import { AgencyDirectory } from "./agency-directory";
import { directoryRoutes } from "./routes";

/** The directory module: the directory (a read model of the agencies table) and its public route. */
export function createDirectory(ctx: AppContext): { directory: AgencyDirectory; module: FeatureModule } {
  const directory = new AgencyDirectory(ctx);
  return { directory, module: { name: "directory", routes: () => directoryRoutes(ctx, { directory }) } };
}

// Feature module: the public portal — the agency's 政府信息公开 pages and the web chat, server-rendered HTML
// that calls the other modules' services in-process (no separate front end, no build step).
import type { FeatureModule } from "../module";
import { portalRoutes } from "./routes";

export const portalModule: FeatureModule = {
  name: "portal",
  routes: (ctx) => [portalRoutes(ctx)],
};

// Feature module: the public portal — the agency's 政府信息公开 pages and the web chat, server-rendered HTML
// that calls the other modules' services in-process (no separate front end, no build step).
import type { AppContext } from "../../context";
import type { FeatureModule } from "../module";
import type { Services } from "../services";
import { portalRoutes } from "./routes";

/** The portal module: pages only, on the services of the modules it shows. */
export function createPortal(
  ctx: AppContext,
  deps: Pick<Services, "applications" | "attachments" | "catalogue" | "conversation" | "directory" | "reports">,
): { module: FeatureModule } {
  return { module: { name: "portal", routes: () => [portalRoutes(ctx, deps)] } };
}

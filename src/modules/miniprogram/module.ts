// Feature module: the mini-program API (/api/miniprogram/*) and its OpenAPI document (/api/openapi.json).
import type { AppContext } from "../../context";
import type { FeatureModule } from "../module";
import type { Services } from "../services";
import { openApiRoutes } from "./openapi";
import { miniprogramRoutes } from "./routes";

/** The mini-program module: routes only, on the services of the modules it fronts. */
export function createMiniprogram(
  ctx: AppContext,
  deps: Pick<Services, "applications" | "attachments" | "catalogue" | "conversation" | "reports">,
): { module: FeatureModule } {
  return {
    module: {
      name: "miniprogram",
      // The document is built from the declared routes, so its router comes after them.
      routes: () => [miniprogramRoutes(ctx, deps), openApiRoutes(ctx)],
    },
  };
}

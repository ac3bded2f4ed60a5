// Feature module: the mini-program API (/api/miniprogram/*) and its OpenAPI document (/api/openapi.json).
import type { FeatureModule } from "../module";
import { openApiRoutes } from "./openapi";
import { miniprogramRoutes } from "./routes";

export const miniprogramModule: FeatureModule = {
  name: "miniprogram",
  // The document is built from the declared routes, so its router comes after them.
  routes: (ctx) => [miniprogramRoutes(ctx), openApiRoutes(ctx)],
};

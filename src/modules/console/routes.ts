// The console router: every page lives under /console; pages whose backing service is not registered
// are not mounted, so a partial deployment never shows a broken page.
import Router from "@koa/router";
import type { AppContext } from "../../context";
import { assetRoutes } from "./assets";
import { loginRoutes } from "./pages/login";
import { userRoutes } from "./pages/users";
import { consoleGuard } from "./session";

export function consoleRoutes(app: AppContext): Router {
  const r = new Router({ prefix: "/console" });
  r.use(consoleGuard(app));
  assetRoutes(r);
  loginRoutes(app, r);
  userRoutes(app, r);
  return r;
}

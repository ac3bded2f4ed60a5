// The console router: every page lives under /console, each given the typed services it uses; pages whose
// backing service or table is absent are not mounted, so a partial deployment never shows a broken page.
import Router from "@koa/router";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { assetRoutes } from "./assets";
import { accountRoutes } from "./pages/account";
import { html } from "../../http/html";
import { errorPage, markMounted, page } from "./layout";
import { applicationRoutes } from "./pages/application";
import { consultationRoutes, consultationsAvailable } from "./pages/consultations";
import { agencyRoutes } from "./pages/agencies";
import { districtRoutes } from "./pages/district";
import { contentRoutes } from "./pages/content";
import { loginRoutes } from "./pages/login";
import { missesRoutes } from "./pages/misses";
import { queueRoutes } from "./pages/queue";
import { registerRoutes } from "./pages/register";
import { reportRoutes } from "./pages/reports";
import { statisticsRoutes } from "./pages/statistics";
import { userRoutes } from "./pages/users";
import { consoleGuard, takeFlash } from "./session";

export function consoleRoutes(app: AppContext, deps: Services): Router {
  const r = new Router({ prefix: "/console" });
  const has = (name: keyof Services) => deps[name] !== undefined;
  r.use(consoleGuard(app, deps));
  assetRoutes(r);
  loginRoutes(app, r, deps);
  userRoutes(app, r, deps);
  accountRoutes(app, r, deps);
  markMounted(app, "users");
  if (has("applications")) {
    queueRoutes(app, r, deps);
    registerRoutes(app, r, deps); // before /applications/:no
    applicationRoutes(app, r, deps);
    markMounted(app, "queue");
  } else {
    r.get("/", async (ctx) => {
      ctx.type = "html";
      ctx.body = page(ctx, { title: "工作台", body: html`<p>申请办理功能尚未启用。</p>`, flash: takeFlash(ctx) }).value;
    });
  }
  if (has("reports") && has("applications")) {
    statisticsRoutes(app, r, deps);
    markMounted(app, "statistics");
  }
  if (has("reports")) {
    reportRoutes(app, r, deps);
    markMounted(app, "reports");
  }
  if (has("catalogue")) {
    contentRoutes(app, r, deps);
    markMounted(app, "content");
  }
  if (consultationsAvailable(app) && has("conversation")) {
    consultationRoutes(app, r, deps);
    markMounted(app, "consultations");
  }
  if (has("learned")) {
    missesRoutes(app, r, deps);
    markMounted(app, "misses");
  }
  if (has("agencies") && has("district")) {
    districtRoutes(app, r, deps);
    agencyRoutes(app, r, deps);
    markMounted(app, "district");
    markMounted(app, "agencies");
  }
  // Anything else under /console: an HTML "not found" page inside the layout (after the guard, so
  // unknown paths still need a login and reveal nothing).
  r.all("/{*rest}", async (ctx) => {
    ctx.status = 404;
    ctx.type = "html";
    ctx.body = errorPage(ctx, 404, "页面不存在").value;
  });
  return r;
}

// The console router: every page lives under /console; pages whose backing service is not registered
// are not mounted, so a partial deployment never shows a broken page.
import Router from "@koa/router";
import type { AppContext } from "../../context";
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
import { missesAvailable, missesRoutes } from "./pages/misses";
import { queueRoutes } from "./pages/queue";
import { registerRoutes } from "./pages/register";
import { reportRoutes } from "./pages/reports";
import { statisticsRoutes } from "./pages/statistics";
import { userRoutes } from "./pages/users";
import { consoleGuard, takeFlash } from "./session";

export function consoleRoutes(app: AppContext): Router {
  const r = new Router({ prefix: "/console" });
  const has = (name: string) => app.services.has(name);
  r.use(consoleGuard(app));
  assetRoutes(r);
  loginRoutes(app, r);
  userRoutes(app, r);
  accountRoutes(app, r);
  markMounted(app, "users");
  if (has("applications")) {
    queueRoutes(app, r);
    registerRoutes(app, r); // before /applications/:no
    applicationRoutes(app, r);
    markMounted(app, "queue");
  } else {
    r.get("/", async (ctx) => {
      ctx.type = "html";
      ctx.body = page(ctx, { title: "工作台", body: html`<p>申请办理功能尚未启用。</p>`, flash: takeFlash(ctx) }).value;
    });
  }
  if (has("reports") && has("applications")) {
    statisticsRoutes(app, r);
    markMounted(app, "statistics");
  }
  if (has("reports")) {
    reportRoutes(app, r);
    markMounted(app, "reports");
  }
  if (has("catalogue")) {
    contentRoutes(app, r);
    markMounted(app, "content");
  }
  if (consultationsAvailable(app) && has("conversation")) {
    consultationRoutes(app, r);
    markMounted(app, "consultations");
  }
  if (missesAvailable(app)) {
    missesRoutes(app, r);
    markMounted(app, "misses");
  }
  if (has("agencies") && has("district")) {
    districtRoutes(app, r);
    agencyRoutes(app, r);
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

// GET /healthz: 200 when the database and the key-value store answer, 503 naming the part that does not.
import Router from "@koa/router";
import type { AppContext } from "../context";
import { pingDatabase } from "../infra/database";

export function healthRoutes(app: AppContext): Router {
  const router = new Router();
  router.get("/healthz", async (ctx) => {
    const [dbOk, kvOk] = await Promise.all([pingDatabase(app.db), app.kv.ping()]);
    const ok = dbOk && kvOk;
    ctx.status = ok ? 200 : 503;
    ctx.body = {
      status: ok ? "ok" : "degraded",
      database: { type: app.dbType, ok: dbOk },
      redis: { mode: app.kv.mode, ok: kvOk },
      ...(ok ? {} : { failing: [...(dbOk ? [] : ["database"]), ...(kvOk ? [] : ["redis"])] }),
    };
  });
  return router;
}

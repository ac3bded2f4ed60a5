// GET /healthz: 200 when the database and the key-value store answer and (in a cluster, WEB_CONCURRENCY > 1)
// every worker the primary started beats; 503 naming the part that does not. Any worker answers for all: the
// primary tells each worker which workers beat within the last seconds (src/cluster/).
import Router from "@koa/router";
import type { AppContext } from "../context";
import { pingDatabase } from "../infra/database";
import { clusterView } from "../cluster/worker-state";

export function healthRoutes(app: AppContext): Router {
  const router = new Router();
  router.get("/healthz", async (ctx) => {
    const [dbOk, kvOk] = await Promise.all([pingDatabase(app.db), app.kv.ping()]);
    const cluster = clusterView();
    const workersOk = !cluster || (cluster.fresh && cluster.expected > 0 && cluster.ready >= cluster.expected);
    const ok = dbOk && kvOk && workersOk;
    ctx.status = ok ? 200 : 503;
    ctx.body = {
      status: ok ? "ok" : "degraded",
      database: { type: app.dbType, ok: dbOk },
      redis: { mode: app.kv.mode, ok: kvOk },
      ...(cluster
        ? {
            workers: {
              ok: workersOk,
              expected: cluster.expected,
              ready: cluster.ready,
              restarts: cluster.restarts,
              pids: cluster.workers.filter((w) => w.ready).map((w) => w.pid),
              singletons: cluster.workers.find((w) => w.singletons)?.pid ?? null,
              answeredBy: process.pid,
            },
          }
        : {}),
      ...(ok ? {} : { failing: [...(dbOk ? [] : ["database"]), ...(kvOk ? [] : ["redis"]), ...(workersOk ? [] : ["workers"])] }),
    };
  });
  return router;
}

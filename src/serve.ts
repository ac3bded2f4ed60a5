// One serving process (the only one, or a cluster worker): build stores and services, prepare the database,
// start every feature module's background work (the singletons only where the primary says so), listen, and on
// SIGTERM/SIGINT drain — stop accepting, let requests under way finish, stop background work, close the stores.
import cluster from "node:cluster";
import type { Config } from "./config";
import { databaseTarget } from "./config";
import { closeContext, createContext, prepare } from "./bootstrap";
import { buildApp } from "./http/app";
import { createHttpServer } from "./http/server";
import { configWarnings } from "./config-warnings";
import { compose } from "./composition";
import { withTimeout } from "./infra/kv";
import { isDependencyDown } from "./infra/unavailable";
import { joinCluster, startHeartbeat } from "./cluster/worker-state";

/** How long requests under way may take to finish after SIGTERM before their connections are cut. */
const DRAIN_MS = 10_000;

export async function serve(config: Config): Promise<void> {
  // A worker learns from the primary whether it runs the singletons; a lone process runs them itself.
  const role = cluster.isWorker ? await joinCluster() : { singletons: true };
  const ctx = await createContext(config);
  for (const warning of configWarnings(config)) ctx.logger.warn({ config: warning.variable }, warning.message);
  // A dependency outage must not end the process: a promise nobody awaited is logged, not fatal (Node's
  // default exits). An exception thrown outside any request leaves unknown state: log it and exit, so the
  // supervisor restarts a clean process.
  process.on("unhandledRejection", (reason) => {
    ctx.logger.error(
      { err: reason instanceof Error ? reason.message : String(reason), dependencyDown: isDependencyDown(reason) },
      "unhandled promise rejection",
    );
  });
  process.on("uncaughtException", (err) => {
    ctx.logger.fatal({ err: err.message, stack: err.stack }, "uncaught exception; exiting");
    process.exit(1);
  });
  const app = compose(ctx);
  await prepare(app);
  const target = databaseTarget(config);
  ctx.logger.info(
    {
      database: target.type === "sqlite" ? { type: "sqlite", path: target.path } : { type: "postgres" },
      sessionStore: ctx.kv.mode === "redis" ? "redis" : "memory (in-process; set REDIS_URL for production)",
    },
    `storage: ${target.type === "sqlite" ? `SQLite ${target.path}` : "PostgreSQL"}; session store: ${ctx.kv.mode}`,
  );
  const stoppers: Array<() => Promise<void>> = [];
  for (const m of app.modules) {
    const stop = await m.start?.();
    if (stop) stoppers.push(stop);
  }
  if (role.singletons) {
    for (const m of app.modules) {
      const stop = await m.startSingletons?.();
      if (stop) stoppers.push(stop);
    }
    ctx.logger.info({ pid: process.pid, worker: cluster.isWorker }, "singletons started (year-end scheduler, outbox delivery, purges)");
  }
  let stopBeat = () => undefined as void;
  const server = createHttpServer(buildApp(app).callback(), config).listen(config.PORT, config.HOST, () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : config.PORT;
    const url = config.PUBLIC_BASE_URL ?? `http://localhost:${port}`;
    ctx.logger.info({ url, pid: process.pid }, `service listening on ${url} (health: ${url}/healthz)`);
    stopBeat = startHeartbeat();
  });
  const shutdown = async (signal: string) => {
    ctx.logger.info({ signal, pid: process.pid }, "shutting down: finishing the requests under way");
    stopBeat();
    // Stop accepting; idle keep-alive connections close now, busy ones after their response. Bounded: a
    // request stuck on a dependency does not hold the shutdown for ever.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await withTimeout(closed, DRAIN_MS).catch(() => server.closeAllConnections());
    // Bounded: a worker closing while Redis is down would otherwise wait for Redis.
    for (const stop of stoppers) await withTimeout(stop(), 5000).catch(() => undefined);
    await closeContext(ctx);
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

// Composition root: read config, build stores and services, prepare the database, start the HTTP server
// and the background work of every feature module.
import { z } from "zod";
import { ConfigError, loadConfig } from "./config";
import { closeContext, createContext, prepare } from "./bootstrap";
import { buildApp } from "./http/app";
import { createHttpServer } from "./http/server";
import { configWarnings } from "./config-warnings";
import { modules } from "./modules";
import { databaseTarget } from "./config";
import { withTimeout } from "./infra/kv";
import { isDependencyDown } from "./infra/unavailable";

z.config(z.locales.zhCN());

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  const ctx = await createContext(config);
  for (const warning of configWarnings(config)) ctx.logger.warn({ config: warning.variable }, warning.message);
  // A dependency outage must not end the process: a promise nobody awaited is logged, not fatal (Node's
  // default exits). An exception thrown outside any request leaves unknown state: log it and exit, so the
  // supervisor restarts a clean process.
  process.on("unhandledRejection", (reason) => {
    ctx.logger.error({ err: reason instanceof Error ? reason.message : String(reason), dependencyDown: isDependencyDown(reason) }, "unhandled promise rejection");
  });
  process.on("uncaughtException", (err) => {
    ctx.logger.fatal({ err: err.message, stack: err.stack }, "uncaught exception; exiting");
    process.exit(1);
  });
  await prepare(ctx);
  const target = databaseTarget(config);
  ctx.logger.info(
    {
      database: target.type === "sqlite" ? { type: "sqlite", path: target.path } : { type: "postgres" },
      sessionStore: ctx.kv.mode === "redis" ? "redis" : "memory (in-process; set REDIS_URL for production)",
    },
    `storage: ${target.type === "sqlite" ? `SQLite ${target.path}` : "PostgreSQL"}; session store: ${ctx.kv.mode}`,
  );
  const stoppers: Array<() => Promise<void>> = [];
  for (const m of modules) {
    const stop = await m.start?.(ctx);
    if (stop) stoppers.push(stop);
  }
  const server = createHttpServer(buildApp(ctx).callback(), config).listen(config.PORT, config.HOST, () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : config.PORT;
    const url = config.PUBLIC_BASE_URL ?? `http://localhost:${port}`;
    ctx.logger.info({ url }, `service listening on ${url} (health: ${url}/healthz)`);
  });
  const shutdown = async (signal: string) => {
    ctx.logger.info({ signal }, "shutting down");
    server.close();
    // Bounded: a worker closing while Redis is down would otherwise wait for Redis.
    for (const stop of stoppers) await withTimeout(stop(), 5000).catch(() => undefined);
    await closeContext(ctx);
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

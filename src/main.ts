// Entry point of the server: read config, then either supervise HTTP workers (WEB_CONCURRENCY > 1: the
// cluster primary, src/cluster/primary.ts) or serve in this process (src/serve.ts; a worker, or the only process).
import cluster from "node:cluster";
import { z } from "zod";
import { ConfigError, loadConfig, webConcurrency } from "./config";
import { createLogger } from "./infra/logger";

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
  const workers = webConcurrency(config);
  if (workers > 1 && cluster.isPrimary) {
    // Loaded only here: the primary stays a small process without the database, the stores or the engine.
    const { runPrimary } = await import("./cluster/primary");
    return runPrimary(workers, createLogger(config.LOG_LEVEL));
  }
  const { serve } = await import("./serve");
  await serve(config);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

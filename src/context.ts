// What every feature receives: configuration, logger, database, key-value store and clock.
import type { DataSource } from "typeorm";
import type { Config } from "./config";
import type { Clock } from "./domain/china-time";
import type { DatabaseType } from "./infra/database";
import type { KeyValueStore } from "./infra/kv";
import type { Logger } from "./infra/logger";
import type { SqlDialect } from "./infra/sql-dialect";

export interface AppContext {
  config: Config;
  logger: Logger;
  db: DataSource;
  dbType: DatabaseType;
  /** The SQL dialect of `db` (placeholders, lists, upserts…), chosen once here: hand-written SQL goes through it. */
  sql: SqlDialect;
  /** Sessions, dedupe, rate limits, caches: Redis when REDIS_URL is set, else in-process. */
  kv: KeyValueStore;
  /** Raw Redis connection options for BullMQ; undefined on the embedded default. */
  redisUrl?: string;
  clock: Clock;
  /** Today's date in the agency time zone (YYYY-MM-DD). */
  today(): string;
  /** Services registered by feature modules at start, looked up by name (see src/modules/index.ts). */
  services: Map<string, unknown>;
}

export function getService<T>(ctx: AppContext, name: string): T {
  const s = ctx.services.get(name);
  if (!s) throw new Error(`service ${name} is not registered`);
  return s as T;
}

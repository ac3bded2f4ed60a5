// What every feature receives: configuration, logger, database, key-value store and clock. Services are not
// here: the composition root (src/composition.ts) builds them and hands each module the typed ones it needs.
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
}

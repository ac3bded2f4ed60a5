// TypeORM DataSource chosen by DATABASE_URL: PostgreSQL, or SQLite (better-sqlite3) as the embedded default.
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { DataSource, type EntityManager, type EntitySchema, type MixedList } from "typeorm";
import { databaseTarget, type Config } from "../config";
import { migrations } from "../../migrations";
import { withTimeout } from "./kv";
import { sqlDialect } from "./sql-dialect";

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

export function createDataSource(config: Pick<Config, "DATABASE_URL"> & Partial<Pick<Config, "DB_STATEMENT_TIMEOUT_MS">>, entities: EntityList): DataSource {
  const target = databaseTarget(config);
  if (target.type === "postgres") {
    // Request work gets a statement timeout on every connection: one costly query must not hold a pool
    // connection for seconds (10 of them made /healthz and every search 503). Reports and imports raise it
    // inside their own transactions (withStatementTimeout below); migrations run on a pool of their own.
    const timeout = config.DB_STATEMENT_TIMEOUT_MS ? ` -c statement_timeout=${Math.floor(config.DB_STATEMENT_TIMEOUT_MS)}` : "";
    const options = `${target.schema ? `-c search_path=${target.schema}` : ""}${timeout}`.trim();
    return new DataSource({
      type: "postgres",
      url: target.url,
      schema: target.schema,
      entities,
      migrations,
      migrationsTableName: "schema_migrations",
      synchronize: false,
      logging: false,
      // Each connection works inside the configured schema (tests give every file its own).
      extra: {
        max: 10,
        // A connection attempt to an unreachable server gives up within 2 s, so a request fails fast (503).
        connectionTimeoutMillis: 2000,
        ...(options ? { options } : {}),
      },
    });
  }
  if (target.path !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(target.path)), { recursive: true });
  return new DataSource({
    type: "better-sqlite3",
    database: target.path,
    entities,
    migrations,
    migrationsTableName: "schema_migrations",
    synchronize: false,
    logging: false,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma("journal_mode = WAL");
      db.pragma("busy_timeout = 5000");
      db.pragma("foreign_keys = ON");
    },
  });
}

export type DatabaseType = "postgres" | "sqlite";

export function databaseType(ds: DataSource): DatabaseType {
  return ds.options.type === "postgres" ? "postgres" : "sqlite";
}

export async function pingDatabase(ds: DataSource, timeoutMs = 1500): Promise<boolean> {
  if (!ds.isInitialized) return false;
  try {
    await withTimeout(ds.query("SELECT 1"), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/**
 * Raises (or lowers) the statement timeout for the rest of the transaction `m` is in: report generation and
 * imports legitimately run longer than request work. PostgreSQL only (SQLite has no statement timeout).
 */
export async function withStatementTimeout(m: EntityManager, ms: number): Promise<void> {
  const set = sqlDialect(m.connection).statementTimeout(ms);
  if (set) await m.query(set);
}

/**
 * Runs `fn` with a stand-in for `ds` whose query() runs inside one transaction with a statement timeout of
 * `ms` (report statistics: long aggregate queries written against the DataSource). Anything else `fn` uses
 * of the stand-in is the DataSource itself.
 */
export async function underStatementTimeout<T>(ds: DataSource, ms: number, fn: (db: DataSource) => Promise<T>): Promise<T> {
  if (!sqlDialect(ds).statementTimeout(ms)) return fn(ds);
  return ds.transaction(async (m) => {
    await withStatementTimeout(m, ms);
    const db = Object.create(ds, { query: { value: (sql: string, params?: unknown[]) => m.query(sql, params) } }) as DataSource;
    return fn(db);
  });
}

// TypeORM DataSource chosen by DATABASE_URL: PostgreSQL, or SQLite (better-sqlite3) as the embedded default.
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { DataSource, type EntitySchema, type MixedList } from "typeorm";
import { databaseTarget, type Config } from "../config";
import { migrations } from "../../migrations";
import { withTimeout } from "./kv";

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

export function createDataSource(config: Pick<Config, "DATABASE_URL">, entities: EntityList): DataSource {
  const target = databaseTarget(config);
  if (target.type === "postgres") {
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
        ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
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

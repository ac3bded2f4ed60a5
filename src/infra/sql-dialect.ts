// The one SQL dialect seam: what differs between PostgreSQL and SQLite in the SQL written by hand (placeholders,
// lists of values, booleans, NULL order, row locks, upserts, RETURNING results), chosen once per DataSource.
import type { DatabaseType } from "./database";

/**
 * Parameters of one statement, in order of appearance: `p(v)` appends `v` and returns its placeholder ($n on
 * PostgreSQL, ? on SQLite, whose "?" are positional: a value used twice is appended twice).
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: SqlDialect) {}

  p(v: unknown): string {
    this.values.push(v);
    return this.dialect.placeholder(this.values.length);
  }

  /** `column` equals one of `values`: one array parameter on PostgreSQL, a list on SQLite; never true for none. */
  in(column: string, values: readonly unknown[], arrayType = "varchar"): string {
    return this.dialect.oneOf(this, column, values, arrayType);
  }
}

export interface Upsert {
  table: string;
  /** Column → value of the new row (each a parameter). */
  row: Record<string, unknown>;
  /** The unique key whose conflict turns the insert into `update`. */
  conflict: string[];
  /** SET list of the update (the existing row is `table`, the new one `excluded`). */
  update: string;
  returning?: string;
}

export interface SqlDialect {
  readonly name: DatabaseType;
  /** A new parameter list for one statement. */
  params(): SqlParams;
  /** The placeholder of the n-th parameter (1-based). */
  placeholder(n: number): string;
  /** `column` equals one of `values`, appended to `q` (see SqlParams.in). */
  oneOf(q: SqlParams, column: string, values: readonly unknown[], arrayType?: string): string;
  /** A boolean literal. */
  bool(v: boolean): string;
  /** `expr` in descending order with NULLs last. */
  descNullsLast(expr: string): string;
  /** A statement locking the row `id` of `table` until the transaction ends; null where writes are serialised anyway. */
  lockRow(q: SqlParams, table: string, id: string): string | null;
  /** INSERT … ON CONFLICT (…) DO UPDATE SET … [RETURNING …], its values appended to `q`. */
  upsert(q: SqlParams, u: Upsert): string;
  /** The rows of a statement with RETURNING, whatever shape the driver answers in. */
  returnedRows<T>(result: unknown): T[];
  /** The statement setting the timeout of statements for the rest of the transaction; null where there is none. */
  statementTimeout(ms: number): string | null;
}

abstract class BaseDialect implements SqlDialect {
  abstract readonly name: DatabaseType;
  abstract placeholder(n: number): string;
  abstract oneOf(q: SqlParams, column: string, values: readonly unknown[], arrayType?: string): string;
  abstract bool(v: boolean): string;
  abstract descNullsLast(expr: string): string;
  abstract lockRow(q: SqlParams, table: string, id: string): string | null;
  abstract statementTimeout(ms: number): string | null;

  params(): SqlParams {
    return new SqlParams(this);
  }

  // The same syntax on both (SQLite 3.24+ upserts, 3.35+ RETURNING); only the placeholders differ.
  upsert(q: SqlParams, u: Upsert): string {
    const cols = Object.keys(u.row);
    const values = cols.map((c) => q.p(u.row[c])).join(", ");
    const returning = u.returning ? ` RETURNING ${u.returning}` : "";
    return `INSERT INTO ${u.table} (${cols.join(", ")}) VALUES (${values}) ON CONFLICT (${u.conflict.join(", ")}) DO UPDATE SET ${u.update}${returning}`;
  }

  returnedRows<T>(result: unknown): T[] {
    return Array.isArray(result) ? (result as T[]) : [];
  }
}

export class PostgresDialect extends BaseDialect {
  readonly name = "postgres" as const;

  placeholder(n: number): string {
    return `$${n}`;
  }

  oneOf(q: SqlParams, column: string, values: readonly unknown[], arrayType = "varchar"): string {
    return `${column} = ANY(${q.p(values)}::${arrayType}[])`;
  }

  bool(v: boolean): string {
    return v ? "true" : "false";
  }

  descNullsLast(expr: string): string {
    return `${expr} DESC NULLS LAST`;
  }

  lockRow(q: SqlParams, table: string, id: string): string {
    return `SELECT id FROM ${table} WHERE id = ${q.p(id)} FOR UPDATE`;
  }

  statementTimeout(ms: number): string {
    return `SET LOCAL statement_timeout = ${Math.max(0, Math.floor(ms))}`;
  }

  // Through TypeORM, pg answers [rows, count] for an UPDATE or DELETE … RETURNING, the rows for an INSERT.
  override returnedRows<T>(result: unknown): T[] {
    if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === "number") return result[0] as T[];
    return super.returnedRows<T>(result);
  }
}

export class SqliteDialect extends BaseDialect {
  readonly name = "sqlite" as const;

  placeholder(): string {
    return "?";
  }

  oneOf(q: SqlParams, column: string, values: readonly unknown[]): string {
    return values.length ? `${column} IN (${values.map((v) => q.p(v)).join(", ")})` : "1 = 0";
  }

  bool(v: boolean): string {
    return v ? "1" : "0";
  }

  // SQLite sorts NULLs first ascending, so last descending.
  descNullsLast(expr: string): string {
    return `${expr} DESC`;
  }

  // One write transaction at a time: nothing to lock.
  lockRow(): null {
    return null;
  }

  // SQLite has no statement timeout.
  statementTimeout(): null {
    return null;
  }
}

export const postgresDialect: SqlDialect = new PostgresDialect();
export const sqliteDialect: SqlDialect = new SqliteDialect();

/**
 * The dialect of a DataSource (or an EntityManager's `connection`): the one place that reads the driver type.
 * The context holds it as `ctx.sql`; code given only a DataSource or EntityManager asks here.
 */
export function sqlDialect(db: { options: { type: string } }): SqlDialect {
  return db.options.type === "postgres" ? postgresDialect : sqliteDialect;
}

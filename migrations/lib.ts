// Column builders shared by the migrations so that one migration runs unchanged on PostgreSQL and SQLite.
// Conventions: ids are UUID strings; calendar dates are China-local 'YYYY-MM-DD' strings (varchar 10);
// instants are ISO-8601 UTC strings (varchar 30, sortable); JSON is stored as text.
import type { QueryRunner, TableColumnOptions } from "typeorm";

export const id = (name = "id"): TableColumnOptions => ({ name, type: "varchar", length: "36", isPrimary: true });
export const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: "36", isNullable: nullable });
export const str = (name: string, length: number, nullable = false, def?: string): TableColumnOptions => ({
  name,
  type: "varchar",
  length: String(length),
  isNullable: nullable,
  ...(def !== undefined ? { default: `'${def}'` } : {}),
});
export const text = (name: string, nullable = true): TableColumnOptions => ({ name, type: "text", isNullable: nullable });
export const int = (name: string, def?: number, nullable = false): TableColumnOptions => ({
  name,
  type: "integer",
  isNullable: nullable,
  ...(def !== undefined ? { default: String(def) } : {}),
});
export const bigint = (name: string, def?: number): TableColumnOptions => ({
  name,
  type: "bigint",
  isNullable: false,
  ...(def !== undefined ? { default: String(def) } : {}),
});
export const bool = (name: string, def: boolean): TableColumnOptions => ({ name, type: "boolean", isNullable: false, default: def ? "true" : "false" });
export const numeric = (name: string, nullable = true): TableColumnOptions => ({ name, type: "numeric", precision: 14, scale: 4, isNullable: nullable });
export const date = (name: string, nullable = true): TableColumnOptions => ({ name, type: "varchar", length: "10", isNullable: nullable });
export const instant = (name: string, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: "30", isNullable: nullable });
export const json = (name: string, nullable = true): TableColumnOptions => ({ name, type: "text", isNullable: nullable });

export function isPostgres(qr: QueryRunner): boolean {
  return qr.connection.options.type === "postgres";
}

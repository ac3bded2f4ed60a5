// Per-agency sequence numbers in the shared counters table, bumped atomically (one upsert with RETURNING,
// on PostgreSQL and SQLite) so concurrent callers never receive the same number.
import type { EntityManager } from "typeorm";
import { sqlDialect } from "./sql-dialect";

/** Adds `by` to the named counter of the agency (creating it at 0) and returns the new value. */
export async function bumpCounter(m: EntityManager, agencyId: string, name: string, by = 1): Promise<number> {
  const sql = sqlDialect(m.connection);
  const q = sql.params();
  const text = sql.upsert(q, {
    table: "counters",
    row: { agency_id: agencyId, name, value: by },
    conflict: ["agency_id", "name"],
    update: "value = counters.value + excluded.value",
    returning: "value",
  });
  const rows = sql.returnedRows<{ value: number | string }>(await m.query(text, q.values));
  return Number(rows[0].value);
}

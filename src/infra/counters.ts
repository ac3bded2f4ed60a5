// Per-agency sequence numbers in the shared counters table, bumped atomically (one upsert with RETURNING,
// on PostgreSQL and SQLite) so concurrent callers never receive the same number.
import type { EntityManager } from "typeorm";

/** Adds `by` to the named counter of the agency (creating it at 0) and returns the new value. */
export async function bumpCounter(m: EntityManager, agencyId: string, name: string, by = 1): Promise<number> {
  const pg = m.connection.options.type === "postgres";
  const sql = `INSERT INTO counters (agency_id, name, value) VALUES (${pg ? "$1, $2, $3" : "?, ?, ?"})
    ON CONFLICT (agency_id, name) DO UPDATE SET value = counters.value + excluded.value RETURNING value`;
  const rows = (await m.query(sql, [agencyId, name, by])) as Array<{ value: number | string }>;
  return Number(rows[0].value);
}

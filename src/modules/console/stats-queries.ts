// SQL aggregates behind the statistics charts: monthly intake by channel, dispositions, working days taken.
// Each is one GROUP BY query; JavaScript only arranges the few grouped rows (and, for working days, applies
// the holiday calendar to each distinct (start, answer) date pair — the calendar is not in the database).
import type { DataSource } from "typeorm";
import { nationalCalendar, type WorkingDayCalendar } from "../../domain/working-days";
import { sqlDialect } from "../../infra/sql-dialect";

export interface MonthlyIntake {
  months: string[];
  /** channel → 12 monthly counts */
  byChannel: Record<string, number[]>;
}

export async function monthlyIntakeByChannel(db: DataSource, agencyId: string, year: number): Promise<MonthlyIntake> {
  const q = sqlDialect(db).params();
  const rows: Array<{ m: string; channel: string; n: unknown }> = await db.query(
    `SELECT SUBSTR(received_at, 6, 2) AS m, channel, COUNT(*) AS n FROM applications
     WHERE agency_id = ${q.p(agencyId)} AND received_at >= ${q.p(`${year}-01-01`)} AND received_at <= ${q.p(`${year}-12-31`)}
     GROUP BY SUBSTR(received_at, 6, 2), channel`,
    q.values,
  );
  const months = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, "0"));
  const byChannel: Record<string, number[]> = {};
  for (const r of rows) {
    byChannel[r.channel] ??= months.map(() => 0);
    const i = months.indexOf(r.m);
    if (i >= 0) byChannel[r.channel][i] += Number(r.n);
  }
  return { months, byChannel };
}

export async function dispositionCounts(db: DataSource, agencyId: string, year: number): Promise<Array<{ disposition: string; n: number }>> {
  const q = sqlDialect(db).params();
  const rows: Array<{ disposition: string; n: unknown }> = await db.query(
    `SELECT disposition, COUNT(*) AS n FROM applications
     WHERE agency_id = ${q.p(agencyId)} AND disposition IS NOT NULL AND disposition_date >= ${q.p(`${year}-01-01`)} AND disposition_date <= ${q.p(`${year}-12-31`)}
     GROUP BY disposition ORDER BY COUNT(*) DESC`,
    q.values,
  );
  return rows.map((r) => ({ disposition: r.disposition, n: Number(r.n) }));
}

export const WORKING_DAY_BUCKETS: Array<{ label: string; max: number }> = [
  { label: "0–5天", max: 5 },
  { label: "6–10天", max: 10 },
  { label: "11–15天", max: 15 },
  { label: "16–20天", max: 20 },
  { label: "21–30天", max: 30 },
  { label: "31–40天", max: 40 },
  { label: "40天以上", max: Infinity },
];

/** Applications answered in the year by working days from the clock start to the answer (pauses not deducted). */
export async function workingDaysTaken(
  db: DataSource,
  agencyId: string,
  year: number,
  cal: WorkingDayCalendar = nationalCalendar,
): Promise<{ buckets: number[]; average: number | null; total: number }> {
  const q = sqlDialect(db).params();
  const rows: Array<{ s: string; d: string; n: unknown }> = await db.query(
    `SELECT clock_start_date AS s, disposition_date AS d, COUNT(*) AS n FROM applications
     WHERE agency_id = ${q.p(agencyId)} AND clock_start_date IS NOT NULL AND disposition_date >= ${q.p(`${year}-01-01`)} AND disposition_date <= ${q.p(`${year}-12-31`)}
     GROUP BY clock_start_date, disposition_date`,
    q.values,
  );
  const buckets = WORKING_DAY_BUCKETS.map(() => 0);
  let sum = 0;
  let total = 0;
  for (const r of rows) {
    const n = Number(r.n);
    const days = Math.max(0, cal.workingDaysBetween(r.s, r.d));
    buckets[WORKING_DAY_BUCKETS.findIndex((b) => days <= b.max)] += n;
    sum += days * n;
    total += n;
  }
  return { buckets, average: total ? Math.round((sum / total) * 10) / 10 : null, total };
}

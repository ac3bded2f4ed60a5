// Benchmark: the supervisor's district views (issue 17) over 200 agencies and 1,000,000 applications in
// PostgreSQL, against one raw GROUP BY over the same rows (the report year's scope of all the agencies, grouped
// by agency and applicant category) in the same run. Targets: the overview and the district table ≤ 1 s and
// ≤ 3× the raw GROUP BY; the year-end run (every agency's draft, then the reminders) for 200 agencies ≤ 60 s.
// Also a smaller size (50 agencies, 250,000 rows) to show how the figures grow with agencies and rows.
// Run: npm run bench -- district   (env BENCH_PG_URL, BENCH_REPEAT; --quick: 20 agencies / 50,000 rows only)
// Rows are generated inside PostgreSQL (generate_series), never inserted one by one. Each size uses its own
// schema, dropped afterwards. Not part of `npm test`.
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Client } from "pg";
import { z } from "zod";
import { closeContext, createContext, prepare } from "../src/bootstrap";
import { compose } from "../src/composition";
import { loadConfig } from "../src/config";
import { fixedClock } from "../src/domain/china-time";
import { createLogger } from "../src/infra/logger";
import { DISPOSITION_CODES } from "../src/modules/applications/dispositions";
import { formatForYear } from "../src/modules/reports/formats";
import { agencyTablesSql } from "../src/modules/reports/statistics";
import { postgresDialect } from "../src/infra/sql-dialect";
import { QUICK, ratioOf, writeResult, type SummaryRow } from "./lib/results";

z.config(z.locales.zhCN());

const PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REPEAT = Number(process.env.BENCH_REPEAT ?? (QUICK ? 5 : 15));
/** BENCH_DISTRICT_SIZES="50:250000,200:1000000" overrides the sizes (agencies:rows, comma-separated). */
const SIZES = process.env.BENCH_DISTRICT_SIZES
  ? process.env.BENCH_DISTRICT_SIZES.split(",").map((p) => ({ agencies: Number(p.split(":")[0]), rows: Number(p.split(":")[1]) }))
  : QUICK
    ? [{ agencies: 20, rows: 50_000 }]
    : [
        { agencies: 50, rows: 250_000 },
        { agencies: 200, rows: 1_000_000 },
      ];
const YEARS = [2021, 2022, 2023, 2024, 2025];
const YEAR = 2025;
/** "Today" in the run: mid-December of the report year, so open applications are near or past their deadline. */
const NOW = "2025-12-15T02:00:00.000Z";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 2; i++) await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function runSize(agencies: number, rows: number) {
  const schema = `bench_district_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: `${PG_URL}?schema=${schema}`, YEAR_END_JOB_ENABLED: "false" });
  const ctx = await createContext(config, { logger: createLogger("silent"), clock: fixedClock(NOW) });
  try {
    const app = compose(ctx);
    await prepare(app);
    const db = ctx.db;
    // The load runs on the admin connection (no request statement timeout); the views on the service's pool.
    await admin.query(`SET search_path TO "${schema}"`);
    const load = { query: (sql: string, params?: unknown[]) => admin.query(sql, params).then((r) => r.rows) };
    const [root] = await db.query(`SELECT id FROM agencies`);
    // The district tree: the seed agency at the top, the other agencies under it (set-based, one statement).
    await load.query(
      `INSERT INTO agencies (id, code, name, parent_id, profile, created_at, updated_at)
       SELECT gen_random_uuid()::text, 'bench-' || g, '测试机关' || g, $1, '{"channels":[],"contact":{}}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
       FROM generate_series(1, ${agencies - 1}) g`,
      [root.id],
    );
    const agencyIds: string[] = (await db.query(`SELECT id FROM agencies ORDER BY code`)).map((r: { id: string }) => r.id);
    // One clerk per agency: the reminders go to every agency's staff.
    await load.query(
      `INSERT INTO staff_users (id, agency_id, username, display_name, password_hash, role, active, created_at, updated_at)
       SELECT gen_random_uuid()::text, id, 'clerk', NULL, 'x', 'clerk', true, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z' FROM agencies`,
    );
    const cats = ["natural_person", "org.commercial", "org.research", "org.public_welfare", "org.legal_service", "org.other"];
    const days = Math.round((Date.UTC(YEARS[YEARS.length - 1], 11, 15) - Date.UTC(YEARS[0], 0, 1)) / 86400000);

    // Receipt dates over five years up to "today", 80 % natural persons, concluded 1–45 days after receipt and
    // not after today, due 20 working days (≈ 28 days) after receipt; 3 % of the rows older than a month still open.
    const t0 = performance.now();
    await load.query(`SELECT setseed(0.17)`);
    await load.query(
      `INSERT INTO applications (id, agency_id, application_no, query_code_hash, status, channel, applicant_category, applicant_name, applicant, description,
         delivery_form, delivery_method, submitted_at, received_at, due_date, disposition, disposition_date, created_at, updated_at)
       SELECT gen_random_uuid()::text, ($1::text[])[1 + g % ${agencies}], 'B' || g, 'x',
         CASE WHEN open THEN 'in_progress' ELSE 'answered' END, 'online',
         CASE WHEN r1 < 0.8 THEN 'natural_person' ELSE ($2::text[])[2 + floor(r2 * 5)::int] END,
         'x', '{}', 'x', 'paper', 'pickup', '2025-01-01T00:00:00Z',
         to_char(recv, 'YYYY-MM-DD'), to_char(recv + 28, 'YYYY-MM-DD'),
         CASE WHEN open THEN NULL ELSE ($3::text[])[1 + floor(r3 * ${DISPOSITION_CODES.length})::int] END,
         CASE WHEN open THEN NULL ELSE to_char(LEAST(recv + (1 + floor(r4 * 45))::int, DATE '2025-12-15'), 'YYYY-MM-DD') END,
         '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
       FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                    (random() < 0.03 OR recv > DATE '2025-12-15' - 45 AND random() < 0.5) AS open, recv
             FROM (SELECT g, DATE '${YEARS[0]}-01-01' + floor(random() * ${days})::int AS recv FROM generate_series(1, ${rows}) g) d) s`,
      [agencyIds, cats, DISPOSITION_CODES],
    );
    const loadSeconds = (performance.now() - t0) / 1000;
    await load.query(`VACUUM ANALYZE applications`);
    await load.query(`ANALYZE agencies`);

    const district = app.services.district;
    const svc = app.services.agencies;
    const supervisor = { id: "bench", username: "bench", displayName: null, role: "supervisor" as const, agencyId: root.id };
    const today = ctx.today();
    const fmt = formatForYear(YEAR);
    const scopeSql = `agency_id = ANY($1::varchar[]) AND received_at IS NOT NULL AND received_at <= $2 AND (received_at >= $3 OR disposition_date IS NULL OR disposition_date >= $3)`;
    const scopeParams = [agencyIds, `${YEAR}-12-31`, `${YEAR}-01-01`];
    const rowsInScope = Number((await db.query(`SELECT COUNT(*) AS n FROM applications WHERE ${scopeSql}`, scopeParams))[0].n);

    const raw = await time(() =>
      db.query(`SELECT agency_id, applicant_category, COUNT(*) FROM applications WHERE ${scopeSql} GROUP BY agency_id, applicant_category`, scopeParams),
    );
    // What the API does for each view: the supervisor's scope (recursive query), then the view.
    const overview = await time(async () => {
      const ids = await svc.scopeOf(supervisor);
      await Promise.all([district.deadlines(ids, today), district.overdueList(ids, today), district.publications(ids, YEAR - 1, today)]);
    });
    const table = await time(async () => district.districtTable(await svc.scopeOf(supervisor), YEAR, today));
    const check = await district.districtTable(agencyIds, YEAR, today);
    const totals = check.total.rows;
    const ti = check.total.columns.length - 1;
    const sumOfAgencies = check.agencies.reduce((s, a) => s + a.table.rows["received.new"][ti], 0);
    const balanced = check.total.columns.every(
      (_, i) => totals["received.new"][i] + totals["received.carried_over"][i] === totals["result.total"][i] + totals.carried_forward[i],
    );
    const deadlines = await district.deadlines(agencyIds, today);
    // The district statement gives each agency exactly its own report's table (checked on a few agencies).
    const sameAsOwn: boolean[] = [];
    for (const i of [0, 7, agencies - 1]) {
      const own = await app.services.reports.liveTable(agencyIds[i], YEAR);
      sameAsOwn.push(JSON.stringify(own.rows) === JSON.stringify(check.agencies.find((a) => a.id === agencyIds[i])!.table.rows));
    }

    const { sql, params } = agencyTablesSql(fmt, postgresDialect, agencyIds, YEAR);
    const plan = (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)).map((r: Record<string, string>) => r["QUERY PLAN"]);
    const deadlinePlan = (
      await db.query(
        `EXPLAIN (ANALYZE) SELECT agency_id, COUNT(*) FROM applications WHERE status IN ('awaiting_confirmation','received','correction_requested','in_progress','consultation') AND agency_id = ANY($1::varchar[]) AND due_date < $2 GROUP BY agency_id`,
        [agencyIds, today],
      )
    ).map((r: Record<string, string>) => r["QUERY PLAN"]);

    // The year-end run, once (it writes): every agency's draft of the report year, then the reminders.
    const y0 = performance.now();
    const drafted = await app.services.reports.generateYearEnd(YEAR);
    const reminders = await district.sendReportReminders(YEAR, today);
    const yearEndSeconds = (performance.now() - y0) / 1000;

    return {
      agencies,
      rows,
      loadSeconds: Number(loadSeconds.toFixed(1)),
      rowsInScope,
      repeat: REPEAT,
      rawGroupByMs: Number(median(raw).toFixed(2)),
      overviewMs: Number(median(overview).toFixed(2)),
      overviewRatio: ratioOf(median(overview), median(raw)),
      districtTableMs: Number(median(table).toFixed(2)),
      districtTableRatio: ratioOf(median(table), median(raw)),
      yearEndSeconds: Number(yearEndSeconds.toFixed(1)),
      draftsGenerated: drafted.generated.length,
      reminderMessages: reminders.messages,
      totalsBalance: balanced,
      totalIsSumOfAgencies: sumOfAgencies === totals["received.new"][ti],
      agencyTablesEqualOwnReports: sameAsOwn.every(Boolean),
      overdue: deadlines.totals.overdue,
      atRisk: deadlines.totals.atRisk,
      open: deadlines.totals.open,
      tablePlan: plan,
      deadlinePlan,
    };
  } finally {
    await closeContext(ctx);
    if (process.env.BENCH_KEEP) console.log(`kept schema ${schema}`);
    else await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const uptime = os.loadavg().map((x) => Number(x.toFixed(2)));
  const sizes = [];
  for (const s of SIZES) {
    console.log(`--- ${s.agencies} agencies, ${s.rows.toLocaleString("en-US")} applications ---`);
    const r = await runSize(s.agencies, s.rows);
    const { tablePlan: _p, deadlinePlan: _d, ...shown } = r;
    console.log(JSON.stringify(shown, null, 2));
    sizes.push(r);
  }
  const big = sizes[sizes.length - 1];
  const small = sizes.length > 1 ? sizes[0] : null;
  const summary: SummaryRow[] = [];
  const n = `${big.agencies} agencies, ${big.rows.toLocaleString("en-US")} applications`;
  const overviewOk = big.overviewMs <= 1000 && big.overviewRatio <= 3;
  const tableOk = big.districtTableMs <= 1000 && big.districtTableRatio <= 3;
  const yearEndOk = big.yearEndSeconds <= 60;
  summary.push(
    {
      figure: `supervisor's overview (deadlines, on-time rates, report states), ${n}`,
      value: big.overviewMs,
      unit: "ms",
      baseline: "one raw GROUP BY over the year's rows of all agencies",
      baselineValue: big.rawGroupByMs,
      ratio: big.overviewRatio,
      target: "≤ 1 s and ≤ 3×",
      met: overviewOk,
    },
    {
      figure: `district total table with every agency's table and checks, ${n}`,
      value: big.districtTableMs,
      unit: "ms",
      baseline: "one raw GROUP BY over the same rows",
      baselineValue: big.rawGroupByMs,
      ratio: big.districtTableRatio,
      target: "≤ 1 s and ≤ 3×",
      met: tableOk,
    },
    {
      figure: `year-end run for all ${big.agencies} agencies (drafts + reminders)`,
      value: big.yearEndSeconds * 1000,
      unit: "ms",
      baseline: "one raw GROUP BY",
      baselineValue: big.rawGroupByMs,
      ratio: ratioOf(big.yearEndSeconds * 1000, big.rawGroupByMs),
      target: "≤ 60 s",
      met: yearEndOk,
    },
  );
  if (small) {
    summary.push(
      {
        figure: `district table: ${big.agencies}/${big.rows.toLocaleString("en-US")} vs ${small.agencies}/${small.rows.toLocaleString("en-US")}`,
        value: big.districtTableMs,
        unit: "ms",
        baseline: `same at ${small.agencies} agencies`,
        baselineValue: small.districtTableMs,
        ratio: ratioOf(big.districtTableMs, small.districtTableMs),
      },
      {
        figure: `year-end run: ${big.agencies} vs ${small.agencies} agencies`,
        value: big.yearEndSeconds * 1000,
        unit: "ms",
        baseline: `same at ${small.agencies} agencies`,
        baselineValue: small.yearEndSeconds * 1000,
        ratio: ratioOf(big.yearEndSeconds, small.yearEndSeconds),
      },
    );
  }
  const ok = overviewOk && tableOk && yearEndOk && sizes.every((s) => s.totalsBalance && s.totalIsSumOfAgencies && s.agencyTablesEqualOwnReports);
  console.log(ok ? "TARGETS MET" : "TARGET MISSED");
  const result = { loadAverageAtStart: uptime, sizes };
  writeResult("district", result, summary);
  if (!sizes.every((s) => s.totalsBalance && s.totalIsSumOfAgencies && s.agencyTablesEqualOwnReports))
    throw new Error("the district table does not add up or differs from an agency's own report");
  return result;
}

if (require.main === module) {
  run().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

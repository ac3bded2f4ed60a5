// The statistics of a report year as SQL aggregates: table 三 from the application records and table 四 from
// the case register. Rows are never loaded to be counted; JavaScript only places the aggregated counts into
// the grid. Also the small diagnostic queries that name the applications behind a failed check.
import type { DataSource } from "typeorm";
import { sqlDialect, type SqlDialect, type SqlParams } from "../../infra/sql-dialect";
import { APPLICANT_CATEGORIES } from "../applications/application.entity";
import { applicationColumns, applicationRows, categoryColumns, dispositionRowMap, reviewColumns, TOTAL_COLUMN, type ReportFormat } from "./formats";

export interface ApplicationTable {
  columns: string[];
  rows: Record<string, number[]>;
}

const SAFE_CODE = /^[a-z_.]+$/;

export const yearBounds = (year: number) => ({ start: `${year}-01-01`, end: `${year}-12-31` });

/** CASE expression mapping a disposition code to its row of table 三 in this format (codes from the JSON). */
function dispositionCase(fmt: ReportFormat, column: string): string {
  const whens = [...dispositionRowMap(fmt.id)].map(([code, row]) => {
    if (!SAFE_CODE.test(code) || !SAFE_CODE.test(row)) throw new Error(`unsafe code in report-formats.json: ${code} → ${row}`);
    return `WHEN '${code}' THEN '${row}'`;
  });
  return `CASE ${column} ${whens.join(" ")} ELSE NULL END`;
}

/** The scope of a report year: received on or before 31 Dec and either received in the year or open on 1 Jan. */
function scopeWhere(q: SqlParams, agencyId: string, year: number): string {
  return scopeOf(q, `agency_id = ${q.p(agencyId)}`, year);
}

function scopeOf(q: SqlParams, agencyCondition: string, year: number): string {
  const { start, end } = yearBounds(year);
  return `${agencyCondition} AND received_at IS NOT NULL AND received_at <= ${q.p(end)}
    AND (received_at >= ${q.p(start)} OR disposition_date IS NULL OR disposition_date >= ${q.p(start)})`;
}

/** `agency_id` among many agencies (see SqlParams.in). */
export function agencyIn(q: SqlParams, agencyIds: string[], column = "agency_id"): string {
  return q.in(column, agencyIds);
}

/** The SQL of table 三 (exported for the benchmark, which times exactly this statement). */
export function applicationTableSql(fmt: ReportFormat, sql: SqlDialect, agencyId: string, year: number): { sql: string; params: unknown[] } {
  return tableSql(fmt, sql.params(), (q) => `agency_id = ${q.p(agencyId)}`, year, false);
}

/**
 * Table 三 of many agencies in one statement (the supervisor's district view, issue 17): the same aggregate as
 * one agency's, grouped by agency as well. Exported for bench/district.bench.ts.
 */
export function agencyTablesSql(fmt: ReportFormat, sql: SqlDialect, agencyIds: string[], year: number): { sql: string; params: unknown[] } {
  return tableSql(fmt, sql.params(), (q) => agencyIn(q, agencyIds), year, true);
}

function tableSql(
  fmt: ReportFormat,
  q: SqlParams,
  agencyCondition: (q: SqlParams) => string,
  year: number,
  byAgency: boolean,
): { sql: string; params: unknown[] } {
  const { start, end } = yearBounds(year);
  // Inner aggregate: one pass over the year's scope, grouped by category, disposition and two small buckets;
  // outer aggregate: maps dispositions to rows over those few groups.
  const isNew = `CASE WHEN received_at >= ${q.p(start)} THEN 1 ELSE 0 END`;
  // Phase as a small integer (2 open at 31 Dec, 1 concluded in the year, 0 concluded before it): cheaper to
  // hash and group per row than text labels.
  const phase = `CASE WHEN disposition_date IS NULL OR disposition_date > ${q.p(end)} THEN 2 WHEN disposition_date >= ${q.p(start)} THEN 1 ELSE 0 END`;
  const where = scopeOf(q, agencyCondition(q), year);
  const agency = byAgency ? "agency_id, " : "";
  const sql = `WITH scope AS (
      SELECT ${agency}applicant_category AS cat, disposition AS disp, ${isNew} AS is_new, ${phase} AS phase, COUNT(*) AS n
      FROM applications WHERE ${where}
      GROUP BY ${agency}cat, disp, is_new, phase
    )
    SELECT ${agency}cat, CASE WHEN phase = 1 THEN ${dispositionCase(fmt, "disp")} ELSE NULL END AS result_row,
      SUM(CASE WHEN is_new = 1 THEN n ELSE 0 END) AS new_n,
      SUM(CASE WHEN is_new = 0 THEN n ELSE 0 END) AS carried_n,
      SUM(CASE WHEN phase = 1 THEN n ELSE 0 END) AS done_n,
      SUM(CASE WHEN phase = 2 THEN n ELSE 0 END) AS open_n
    FROM scope
    GROUP BY ${agency}cat, result_row`;
  return { sql, params: q.values };
}

export function emptyTable(fmt: ReportFormat): ApplicationTable {
  const columns = applicationColumns(fmt);
  const rows: Record<string, number[]> = {};
  for (const r of applicationRows(fmt)) rows[r] = columns.map(() => 0);
  return { columns, rows };
}

type TableGroup = { cat: string; result_row: string | null; new_n: unknown; carried_n: unknown; done_n: unknown; open_n: unknown };

/** Places aggregated groups into the grid of the format (JavaScript adds a few dozen counts, never rows). */
function placeGroups(fmt: ReportFormat, groups: TableGroup[]): ApplicationTable {
  const table = emptyTable(fmt);
  const cats = categoryColumns(fmt);
  const totalIdx = table.columns.indexOf(TOTAL_COLUMN);
  const add = (row: string, cat: string, n: number) => {
    if (!n || !table.rows[row]) return;
    const i = cats.indexOf(cat);
    if (i >= 0) table.rows[row][table.columns.indexOf(cat)] += n;
    table.rows[row][totalIdx] += n;
  };
  for (const g of groups) {
    add("received.new", g.cat, Number(g.new_n));
    add("received.carried_over", g.cat, Number(g.carried_n));
    add("result.total", g.cat, Number(g.done_n));
    add("carried_forward", g.cat, Number(g.open_n));
    if (g.result_row) add(g.result_row, g.cat, Number(g.done_n));
  }
  return table;
}

/** Table 三 of an agency and year. 总计 counts every application (so an unknown category shows up in the checks). */
export async function computeApplicationTable(db: DataSource, fmt: ReportFormat, agencyId: string, year: number): Promise<ApplicationTable> {
  const { sql, params } = applicationTableSql(fmt, sqlDialect(db), agencyId, year);
  return placeGroups(fmt, await db.query(sql, params));
}

/** Table 三 of every agency given, in one statement; an agency without applications gets the empty grid. */
export async function computeAgencyTables(db: DataSource, fmt: ReportFormat, agencyIds: string[], year: number): Promise<Map<string, ApplicationTable>> {
  const { sql, params } = agencyTablesSql(fmt, sqlDialect(db), agencyIds, year);
  const groups: Array<TableGroup & { agency_id: string }> = agencyIds.length ? await db.query(sql, params) : [];
  const byAgency = new Map<string, TableGroup[]>(agencyIds.map((id) => [id, []]));
  for (const g of groups) byAgency.get(g.agency_id)?.push(g);
  return new Map([...byAgency].map(([id, gs]) => [id, placeGroups(fmt, gs)]));
}

/** The sum of tables of one format, cell by cell (the district's total table). */
export function sumTables(fmt: ReportFormat, tables: Iterable<ApplicationTable>): ApplicationTable {
  const out = emptyTable(fmt);
  for (const t of tables) for (const [r, vals] of Object.entries(t.rows)) if (out.rows[r]) vals.forEach((n, i) => (out.rows[r][i] += n));
  return out;
}

export type ReviewTable = Record<string, number>;
const KIND_PREFIX: Record<string, string> = { review: "review", litigation_direct: "litigation.direct", litigation_after_review: "litigation.after_review" };

/**
 * Table 四 from the case register: cases filed by 31 Dec and not concluded before 1 Jan. A case concluded in
 * the year counts under its outcome; one still open at 31 Dec counts as 尚未审结 — and again next year until
 * it is concluded (the carry-over the format implies). 总计 is COUNT(*), so a bad outcome shows in the check.
 */
export async function computeReviewTable(db: DataSource, fmt: ReportFormat, agencyId: string, year: number): Promise<ReviewTable> {
  const { start, end } = yearBounds(year);
  const q = sqlDialect(db).params();
  const closed = (o: string) => `SUM(CASE WHEN concluded_at IS NOT NULL AND concluded_at <= ${q.p(end)} AND outcome = '${o}' THEN 1 ELSE 0 END) AS ${o}`;
  const parts = [closed("upheld"), closed("corrected"), closed("other")];
  const pending = `SUM(CASE WHEN concluded_at IS NULL OR concluded_at > ${q.p(end)} THEN 1 ELSE 0 END) AS pending`;
  const sql = `SELECT kind, COUNT(*) AS total, ${parts.join(", ")}, ${pending}
    FROM report_cases WHERE agency_id = ${q.p(agencyId)} AND filed_at <= ${q.p(end)} AND (concluded_at IS NULL OR concluded_at >= ${q.p(start)})
    GROUP BY kind`;
  const rows: Array<Record<string, unknown>> = await db.query(sql, q.values);
  const out: ReviewTable = {};
  for (const c of reviewColumns(fmt)) out[c] = 0;
  for (const r of rows) {
    const prefix = KIND_PREFIX[String(r.kind)];
    if (!prefix) continue;
    for (const k of ["upheld", "corrected", "other", "pending", "total"]) out[`${prefix}.${k}`] = Number(r[k]);
  }
  return out;
}

/** Table 四 of every agency given, in one statement grouped by agency and kind. */
export async function computeReviewTables(db: DataSource, fmt: ReportFormat, agencyIds: string[], year: number): Promise<Map<string, ReviewTable>> {
  const { start, end } = yearBounds(year);
  const q = sqlDialect(db).params();
  const closed = (o: string) => `SUM(CASE WHEN concluded_at IS NOT NULL AND concluded_at <= ${q.p(end)} AND outcome = '${o}' THEN 1 ELSE 0 END) AS ${o}`;
  const parts = [closed("upheld"), closed("corrected"), closed("other")];
  const pending = `SUM(CASE WHEN concluded_at IS NULL OR concluded_at > ${q.p(end)} THEN 1 ELSE 0 END) AS pending`;
  const sql = `SELECT agency_id, kind, COUNT(*) AS total, ${parts.join(", ")}, ${pending}
    FROM report_cases WHERE ${agencyIn(q, agencyIds)} AND filed_at <= ${q.p(end)} AND (concluded_at IS NULL OR concluded_at >= ${q.p(start)})
    GROUP BY agency_id, kind`;
  const rows: Array<Record<string, unknown>> = agencyIds.length ? await db.query(sql, q.values) : [];
  const out = new Map<string, ReviewTable>();
  for (const id of agencyIds) {
    const t: ReviewTable = {};
    for (const c of reviewColumns(fmt)) t[c] = 0;
    out.set(id, t);
  }
  for (const r of rows) {
    const prefix = KIND_PREFIX[String(r.kind)];
    const t = out.get(String(r.agency_id));
    if (!prefix || !t) continue;
    for (const k of ["upheld", "corrected", "other", "pending", "total"]) t[`${prefix}.${k}`] = Number(r[k]);
  }
  return out;
}

// ---- diagnostics: the applications behind a failed check (small, LIMITed lists) ----

const LIMIT = 50;

async function listNos(db: DataSource, build: (q: SqlParams) => string): Promise<string[]> {
  const q = sqlDialect(db).params();
  const where = build(q);
  const rows: Array<{ application_no: string }> = await db.query(
    `SELECT application_no FROM applications WHERE ${where} ORDER BY application_no LIMIT ${LIMIT}`,
    q.values,
  );
  return rows.map((r) => r.application_no);
}

const inList = (q: SqlParams, values: string[]) => values.map((v) => q.p(v)).join(", ");

/** Applications of the year whose applicant category is not one of the six columns. */
export const unknownCategoryNos = (db: DataSource, agencyId: string, year: number) =>
  listNos(db, (q) => `${scopeWhere(q, agencyId, year)} AND applicant_category NOT IN (${inList(q, APPLICANT_CATEGORIES)})`);

/** Applications concluded in the year whose disposition code has no row in this format. */
export const unmappedDispositionNos = (db: DataSource, fmt: ReportFormat, agencyId: string, year: number) =>
  listNos(db, (q) => {
    const { start, end } = yearBounds(year);
    return `${scopeWhere(q, agencyId, year)} AND disposition_date >= ${q.p(start)} AND disposition_date <= ${q.p(end)}
      AND (disposition IS NULL OR disposition NOT IN (${inList(q, [...dispositionRowMap(fmt.id).keys()])}))`;
  });

/** Applications received in the year but concluded before the year started (impossible dates). */
export const disposedBeforeReceivedNos = (db: DataSource, agencyId: string, year: number) =>
  listNos(db, (q) => {
    const { start, end } = yearBounds(year);
    return `agency_id = ${q.p(agencyId)} AND received_at >= ${q.p(start)} AND received_at <= ${q.p(end)} AND disposition_date < ${q.p(start)}`;
  });

/** Application numbers counted in row 四 (open at 31 Dec) — stored with a publication. */
export async function carriedForwardNos(db: DataSource, agencyId: string, year: number): Promise<string[]> {
  const q = sqlDialect(db).params();
  const { end } = yearBounds(year);
  const rows: Array<{ application_no: string }> = await db.query(
    `SELECT application_no FROM applications WHERE agency_id = ${q.p(agencyId)} AND received_at IS NOT NULL AND received_at <= ${q.p(end)}
     AND (disposition_date IS NULL OR disposition_date > ${q.p(end)}) ORDER BY application_no`,
    q.values,
  );
  return rows.map((r) => r.application_no);
}

/** Cases in scope of the year whose outcome is not consistent with their dates. */
export async function inconsistentCaseRefs(db: DataSource, agencyId: string, year: number): Promise<string[]> {
  const q = sqlDialect(db).params();
  const { start, end } = yearBounds(year);
  const rows: Array<{ id: string; reference: string | null }> = await db.query(
    `SELECT id, reference FROM report_cases WHERE agency_id = ${q.p(agencyId)} AND filed_at <= ${q.p(end)} AND (concluded_at IS NULL OR concluded_at >= ${q.p(start)})
     AND (outcome NOT IN ('upheld', 'corrected', 'other', 'pending') OR kind NOT IN ('review', 'litigation_direct', 'litigation_after_review')
          OR (concluded_at IS NOT NULL AND concluded_at <= ${q.p(end)} AND outcome = 'pending'))
     ORDER BY filed_at LIMIT ${LIMIT}`,
    q.values,
  );
  return rows.map((r) => r.reference ?? r.id);
}

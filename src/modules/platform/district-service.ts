// The supervisor's district (issue 17): over the agencies under theirs, read-only — overdue and at-risk
// applications by agency, on-time answer rates, each agency's report (live checks, published versions, missing or
// late at 31 January, Art. 49), the district total table (the sum of the agencies' tables) and the reminders the
// year-end job sends to agencies whose report fails its checks or is not published. Every count is a SQL
// aggregate over all the agencies at once (one statement per question, not one per agency).
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import { localDate, yearOf } from "../../domain/china-time";
import { underStatementTimeout } from "../../infra/database";
import { Agency } from "../../infra/entities/agency.entity";
import { OutboxMessage } from "../../infra/entities/outbox-message.entity";
import { asRows } from "../../infra/rows";
import { nationalCalendar } from "../../domain/working-days";
import { OPEN_STATUSES } from "../applications/lifecycle";
import { noEvidence, runChecks, type CheckResult } from "../reports/checks";
import type { DisclosureValues } from "../reports/entities";
import { formatForYear, type FormatId } from "../reports/formats";
import type { ReportJson } from "../reports/narrative";
import { agencyIn, computeAgencyTables, computeReviewTables, sumTables, type ApplicationTable } from "../reports/statistics";
import { STAFF_ROLES } from "../staff/staff-service";

/** Working days before the due date from which an open application counts as at risk (the queue's badge too). */
export const AT_RISK_WORKING_DAYS = 5;
/** Overdue applications listed by number (the counts cover all of them). */
const OVERDUE_LIST_LIMIT = 100;

export type PublicationState = "on_time" | "late" | "missing" | "pending";
export const PUBLICATION_STATE_LABELS: Record<PublicationState, string> = {
  on_time: "已按时发布",
  late: "逾期发布",
  missing: "逾期未发布",
  pending: "尚未发布（未到期限）",
};

export interface AgencyRef {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

export interface DeadlineRow extends AgencyRef {
  open: number;
  overdue: number;
  atRisk: number;
  answered: number;
  answeredOnTime: number;
  /** answeredOnTime / answered, or null when nothing was answered in the year. */
  onTimeRate: number | null;
}

export interface PublicationRow {
  year: number;
  /** 31 January of the next year (条例第四十九条). */
  deadline: string;
  state: PublicationState;
  version: number | null;
  firstPublishedOn: string | null;
  lastPublishedAt: string | null;
  /** The checks stored with the latest published version. */
  publishedChecks: CheckResult[] | null;
}

export interface AgencyReportRow extends AgencyRef {
  publication: PublicationRow;
  draftGeneratedAt: string | null;
  table: ApplicationTable;
  checks: CheckResult[];
  checksOk: boolean;
}

/** The deadline of a year's annual report and its state on `today` (China-local dates). */
export function publicationState(year: number, firstPublishedOn: string | null, today: string): { deadline: string; state: PublicationState } {
  const deadline = `${year + 1}-01-31`;
  if (firstPublishedOn) return { deadline, state: firstPublishedOn <= deadline ? "on_time" : "late" };
  return { deadline, state: today > deadline ? "missing" : "pending" };
}

export class DistrictService {
  constructor(private readonly ctx: AppContext) {}

  private q() {
    return this.ctx.sql.params();
  }

  async agencies(ids: string[]): Promise<AgencyRef[]> {
    if (!ids.length) return [];
    const q = this.q();
    const rows: Array<{ id: string; code: string; name: string; parent_id: string | null }> = await this.ctx.db.query(
      `SELECT id, code, name, parent_id FROM agencies WHERE ${agencyIn(q, ids, "id")} ORDER BY code`,
      q.values,
    );
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, parentId: r.parent_id }));
  }

  /** Open, overdue and at-risk applications and the year's on-time answer rate of every agency given. */
  async deadlines(
    ids: string[],
    today: string,
  ): Promise<{ rows: DeadlineRow[]; totals: Omit<DeadlineRow, keyof AgencyRef>; atRiskUntil: string; year: number }> {
    const year = yearOf(today);
    const atRiskUntil = nationalCalendar.addWorkingDays(today, AT_RISK_WORKING_DAYS);
    const agencies = await this.agencies(ids);
    const open = this.q();
    // Served by the partial index ix_applications_open_due (open rows only). Placeholders are pushed in the order
    // they appear in the text (SQLite's are positional).
    const openSql = `SELECT agency_id, COUNT(*) AS open,
        SUM(CASE WHEN paused_since IS NULL AND due_date < ${open.p(today)} THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN paused_since IS NULL AND due_date >= ${open.p(today)} AND due_date <= ${open.p(atRiskUntil)} THEN 1 ELSE 0 END) AS at_risk
      FROM applications WHERE status IN (${OPEN_STATUSES.map((s) => open.p(s)).join(", ")}) AND ${agencyIn(open, ids)} GROUP BY agency_id`;
    const done = this.q();
    // Served by ix_applications_answered_due (the year's answers by disposition date, with their due date).
    const doneSql = `SELECT agency_id, COUNT(*) AS answered, SUM(CASE WHEN due_date IS NOT NULL AND disposition_date <= due_date THEN 1 ELSE 0 END) AS on_time
      FROM applications WHERE disposition_date >= ${done.p(`${year}-01-01`)} AND disposition_date <= ${done.p(today)} AND ${agencyIn(done, ids)} GROUP BY agency_id`;
    const [openRows, doneRows]: [Array<Record<string, unknown>>, Array<Record<string, unknown>>] = ids.length
      ? await Promise.all([this.ctx.db.query(openSql, open.values), this.ctx.db.query(doneSql, done.values)])
      : [[], []];
    const openBy = new Map(openRows.map((r) => [String(r.agency_id), r]));
    const doneBy = new Map(doneRows.map((r) => [String(r.agency_id), r]));
    const rows = agencies.map((a) => {
      const o = openBy.get(a.id);
      const d = doneBy.get(a.id);
      const answered = Number(d?.answered ?? 0);
      const answeredOnTime = Number(d?.on_time ?? 0);
      return {
        ...a,
        open: Number(o?.open ?? 0),
        overdue: Number(o?.overdue ?? 0),
        atRisk: Number(o?.at_risk ?? 0),
        answered,
        answeredOnTime,
        onTimeRate: answered ? answeredOnTime / answered : null,
      };
    });
    const sum = (k: "open" | "overdue" | "atRisk" | "answered" | "answeredOnTime") => rows.reduce((s, r) => s + r[k], 0);
    const answered = sum("answered");
    const totals = {
      open: sum("open"),
      overdue: sum("overdue"),
      atRisk: sum("atRisk"),
      answered,
      answeredOnTime: sum("answeredOnTime"),
      onTimeRate: answered ? sum("answeredOnTime") / answered : null,
    };
    return { rows, totals, atRiskUntil, year };
  }

  /** The overdue applications themselves (number, agency, due date, status; nothing about the applicant). */
  async overdueList(ids: string[], today: string): Promise<Array<{ agencyId: string; applicationNo: string; dueDate: string; status: string }>> {
    if (!ids.length) return [];
    const q = this.q();
    const rows: Array<{ agency_id: string; application_no: string; due_date: string; status: string }> = await this.ctx.db.query(
      `SELECT agency_id, application_no, due_date, status FROM applications
       WHERE status IN (${OPEN_STATUSES.map((s) => q.p(s)).join(", ")}) AND paused_since IS NULL AND due_date < ${q.p(today)} AND ${agencyIn(q, ids)}
       ORDER BY due_date, application_no LIMIT ${OVERDUE_LIST_LIMIT}`,
      q.values,
    );
    return rows.map((r) => ({ agencyId: r.agency_id, applicationNo: r.application_no, dueDate: r.due_date, status: r.status }));
  }

  /** The publication state of every agency's report of `year` (from the publications alone: cheap, for the overview). */
  async publications(ids: string[], year: number, today: string): Promise<Map<string, PublicationRow>> {
    const out = new Map<string, PublicationRow>();
    const rows: Array<{ agency_id: string; version: number; published_at: string; snapshot: string | null; first_at: string }> = [];
    if (ids.length) {
      const q = this.q();
      // The latest version of each agency's year with the time of its first version (the date that counts for Art. 49).
      rows.push(
        ...(await this.ctx.db.query(
          `SELECT p.agency_id, p.version, p.published_at, p.snapshot, f.first_at FROM report_publications p
           JOIN (SELECT agency_id, MAX(version) AS v, MIN(published_at) AS first_at FROM report_publications WHERE year = ${q.p(year)} AND ${agencyIn(q, ids)} GROUP BY agency_id) f
             ON f.agency_id = p.agency_id AND f.v = p.version
           WHERE p.year = ${q.p(year)}`,
          q.values,
        )),
      );
    }
    const by = new Map(rows.map((r) => [r.agency_id, r]));
    for (const id of ids) {
      const r = by.get(id);
      const firstOn = r ? localDate(new Date(r.first_at), this.ctx.config.APP_TIMEZONE) : null;
      const { deadline, state } = publicationState(year, firstOn, today);
      const snap = r?.snapshot ? (JSON.parse(r.snapshot) as ReportJson) : null;
      out.set(id, {
        year,
        deadline,
        state,
        version: r ? Number(r.version) : null,
        firstPublishedOn: firstOn,
        lastPublishedAt: r?.published_at ?? null,
        publishedChecks: snap?.checks ?? null,
      });
    }
    return out;
  }

  /**
   * Every agency's report of `year` as it stands: the live table 三 and 四 (two grouped statements for all the
   * agencies), the checks of each (the same pure runChecks as one agency's report; the lists of applications
   * behind a failed check are on the agency's own report page), and its publication state.
   */
  async reports(ids: string[], year: number, today: string): Promise<AgencyReportRow[]> {
    const fmt = formatForYear(year);
    const db = this.ctx.db;
    const agencies = await this.agencies(ids);
    // The tables of every agency run under the report statement timeout, as one agency's report does, not the
    // request one: a district's year is a large scan.
    const [tables, reviews, drafts, pubs, prevPubs] = await Promise.all([
      underStatementTimeout(db, this.ctx.config.DB_REPORT_STATEMENT_TIMEOUT_MS, (rdb) => computeAgencyTables(rdb, fmt, ids, year)),
      computeReviewTables(db, fmt, ids, year),
      this.drafts(ids, [year, year - 1]),
      this.publications(ids, year, today),
      this.latestSnapshots(ids, year - 1),
    ]);
    const out: AgencyReportRow[] = [];
    for (const a of agencies) {
      const table = tables.get(a.id)!;
      const draft = drafts.get(`${a.id}:${year}`);
      const prevDraft = drafts.get(`${a.id}:${year - 1}`);
      const prevPub = prevPubs.get(a.id);
      // Without a published previous report, the previous year's live "四、结转下年度继续办理" is by definition the
      // same set of applications as this year's live "二、上年结转" (received by 31 Dec, not concluded by then), so
      // this year's row stands in for it instead of a second pass over last year's rows.
      const previous = prevPub
        ? {
            year: year - 1,
            source: "published" as const,
            version: prevPub.version,
            carriedForward: prevPub.snapshot.applications.rows.carried_forward,
            activeDisclosure: prevPub.snapshot.activeDisclosure,
            formatId: prevPub.formatId,
          }
        : {
            year: year - 1,
            source: "live" as const,
            carriedForward: table.rows["received.carried_over"],
            activeDisclosure: prevDraft?.activeDisclosure ?? null,
            formatId: formatForYear(year - 1).id,
          };
      const checks = await runChecks({
        fmt,
        year,
        applications: table,
        reviewLitigation: reviews.get(a.id)!,
        activeDisclosure: draft?.activeDisclosure ?? null,
        previous,
        evidence: noEvidence,
      });
      out.push({ ...a, publication: pubs.get(a.id)!, draftGeneratedAt: draft?.generatedAt ?? null, table, checks, checksOk: checks.every((c) => c.ok) });
    }
    return out;
  }

  /** The district's total table 三 (the sum of the agencies' tables) with every agency's report and checks. */
  async districtTable(
    ids: string[],
    year: number,
    today: string,
  ): Promise<{ year: number; format: FormatId; total: ApplicationTable; agencies: AgencyReportRow[] }> {
    const fmt = formatForYear(year);
    const agencies = await this.reports(ids, year, today);
    return {
      year,
      format: fmt.id,
      total: sumTables(
        fmt,
        agencies.map((a) => a.table),
      ),
      agencies,
    };
  }

  /**
   * Reminders (outbox, to each active staff member of the agency) for every agency whose report of `year` fails
   * its checks or is not published. One per agency, recipient and day: the job may run again the same day.
   */
  async sendReportReminders(year: number, today: string, ids?: string[]): Promise<{ agencies: string[]; messages: number }> {
    const scope = ids ?? (await this.ctx.db.getRepository(Agency).find({ select: { id: true } })).map((a) => a.id);
    const reports = await this.reports(scope, year, today);
    const due = reports.filter((r) => !r.checksOk || r.publication.state === "pending" || r.publication.state === "missing");
    if (!due.length) return { agencies: [], messages: 0 };
    const dueIds = due.map((r) => r.id);
    const staffQ = this.q();
    const staff: Array<{ id: string; agency_id: string }> = await this.ctx.db.query(
      `SELECT id, agency_id FROM staff_users WHERE active = ${this.ctx.sql.bool(true)} AND role IN (${STAFF_ROLES.map((r) => staffQ.p(r)).join(", ")}) AND ${agencyIn(staffQ, dueIds)}`,
      staffQ.values,
    );
    const since = new Date(`${today}T00:00:00+08:00`).toISOString();
    const sentQ = this.q();
    const sent: Array<{ recipient: string }> = await this.ctx.db.query(
      `SELECT recipient FROM outbox WHERE kind = ${sentQ.p("report.reminder")} AND created_at >= ${sentQ.p(since)} AND ${agencyIn(sentQ, dueIds)}`,
      sentQ.values,
    );
    const already = new Set(sent.map((s) => s.recipient));
    const now = this.ctx.clock.now().toISOString();
    const byAgency = new Map(due.map((r) => [r.id, r]));
    const rows = staff
      .filter((s) => !already.has(`staff:${s.id}`))
      .map((s) => {
        const r = byAgency.get(s.agency_id)!;
        return Object.assign(new OutboxMessage(), {
          id: randomUUID(),
          agencyId: s.agency_id,
          applicationId: null,
          channel: "console",
          recipient: `staff:${s.id}`,
          kind: "report.reminder",
          payload: {
            year,
            deadline: r.publication.deadline,
            state: r.publication.state,
            failedChecks: r.checks.filter((c) => !c.ok).map((c) => c.id),
            message: reminderText(r, year),
          },
          status: "pending" as const,
          attempts: 0,
          lastError: null,
          createdAt: now,
          deliveredAt: null,
        });
      });
    if (rows.length) await this.ctx.db.getRepository(OutboxMessage).insert(asRows(rows));
    this.ctx.logger.info({ year, agencies: due.length, messages: rows.length }, "annual report reminders");
    return { agencies: due.map((r) => r.code), messages: rows.length };
  }

  /** The reminders addressed to one staff member, newest first (shown on their console). */
  async remindersFor(staffId: string, limit = 5): Promise<Array<{ createdAt: string; message: string }>> {
    const rows = await this.ctx.db
      .getRepository(OutboxMessage)
      .find({ where: { recipient: `staff:${staffId}`, kind: "report.reminder" }, order: { createdAt: "DESC" }, take: limit });
    return rows.map((r) => ({ createdAt: r.createdAt, message: String(r.payload?.message ?? "") }));
  }

  private async drafts(ids: string[], years: number[]): Promise<Map<string, { activeDisclosure: DisclosureValues | null; generatedAt: string | null }>> {
    const out = new Map<string, { activeDisclosure: DisclosureValues | null; generatedAt: string | null }>();
    if (!ids.length) return out;
    const q = this.q();
    const rows: Array<{ agency_id: string; year: number; active_disclosure: string | null; generated_at: string | null }> = await this.ctx.db.query(
      `SELECT agency_id, year, active_disclosure, generated_at FROM report_drafts WHERE year IN (${years.map((y) => q.p(y)).join(", ")}) AND ${agencyIn(q, ids)}`,
      q.values,
    );
    for (const r of rows)
      out.set(`${r.agency_id}:${Number(r.year)}`, {
        activeDisclosure: r.active_disclosure ? (JSON.parse(r.active_disclosure) as DisclosureValues) : null,
        generatedAt: r.generated_at,
      });
    return out;
  }

  private async latestSnapshots(ids: string[], year: number): Promise<Map<string, { version: number; formatId: FormatId; snapshot: ReportJson }>> {
    const out = new Map<string, { version: number; formatId: FormatId; snapshot: ReportJson }>();
    if (!ids.length) return out;
    const q = this.q();
    const rows: Array<{ agency_id: string; version: number; format_id: FormatId; snapshot: string }> = await this.ctx.db.query(
      `SELECT p.agency_id, p.version, p.format_id, p.snapshot FROM report_publications p
       JOIN (SELECT agency_id, MAX(version) AS v FROM report_publications WHERE year = ${q.p(year)} AND ${agencyIn(q, ids)} GROUP BY agency_id) m ON m.agency_id = p.agency_id AND m.v = p.version
       WHERE p.year = ${q.p(year)}`,
      q.values,
    );
    for (const r of rows) out.set(r.agency_id, { version: Number(r.version), formatId: r.format_id, snapshot: JSON.parse(r.snapshot) as ReportJson });
    return out;
  }
}

function reminderText(r: AgencyReportRow, year: number): string {
  const failed = r.checks.filter((c) => !c.ok);
  const parts: string[] = [];
  if (r.publication.state === "pending") parts.push(`${year}年政府信息公开工作年度报告尚未发布，请于${r.publication.deadline}前发布（条例第四十九条）`);
  if (r.publication.state === "missing")
    parts.push(`${year}年政府信息公开工作年度报告已超过${r.publication.deadline}的发布期限仍未发布（条例第四十九条），请尽快发布`);
  if (failed.length)
    parts.push(
      `报告有${failed.length}项校验未通过：${failed
        .map((c) => c.detail)
        .join("；")
        .slice(0, 300)}`,
    );
  return `${r.name}：${parts.join("；")}。`;
}

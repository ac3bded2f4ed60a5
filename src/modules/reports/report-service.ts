// The reports service: live statistics, the draft of a report year (narratives, section 二, fees), the case
// register of section 四, checks, year-end drafting, publication as immutable versions, and the published
// figures the bot quotes. Built by the reports module (createReports) with the catalogue it enters reports in.
import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { AppContext } from "../../context";
import { isIsoDate, yearOf } from "../../domain/china-time";
import { DomainError } from "../../domain/errors";
import { agencyById } from "../../infra/agencies";
import { underStatementTimeout } from "../../infra/database";
import { Agency } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent } from "../../infra/entities/audit-event.entity";
import { Application } from "../applications/application.entity";
import { EARLIEST_RECEIPT_DATE } from "../applications/intake-schema";
import type { CatalogueFacade } from "../catalogue/facade";
import type { StaffPrincipal } from "../staff/staff-service";
import { runChecks, type PreviousYear } from "./checks";
import { ReportDraft, ReportPublication, ReviewCase, type CaseKind, type CaseOutcome, type DisclosureValues } from "./entities";
import { applicationColumns, applicationRows, formatForYear, formatIdForYear, getFormat, reviewColumnLabel, reviewColumns, columnLabel, TOTAL_COLUMN, type FormatId } from "./formats";
import { diffReports, draftSection1, section6WithFees, type Difference, type ReportJson } from "./narrative";
import {
  carriedForwardNos,
  computeApplicationTable,
  computeReviewTable,
  disposedBeforeReceivedNos,
  inconsistentCaseRefs,
  unknownCategoryNos,
  unmappedDispositionNos,
  yearBounds,
  type ApplicationTable,
} from "./statistics";

export interface LiveTable extends ApplicationTable {
  year: number;
  format: FormatId;
}

export interface SectionsPatch {
  preamble?: string | null;
  s1?: string | null;
  s5?: string | null;
  s6?: string | null;
}

export interface CaseInput {
  kind: CaseKind;
  outcome: CaseOutcome;
  filedAt: string;
  concludedAt?: string | null;
  applicationNo?: string | null;
  reference?: string | null;
  note?: string | null;
}

export interface Figures {
  agency: { code: string; name: string };
  year: number;
  version: number;
  publishedAt: string;
  format: FormatId;
  summary: string;
  columns: Array<{ code: string; label: string }>;
  applications: Array<{ code: string; label: string; total: number; byColumn: Record<string, number> }>;
  reviewLitigation: Array<{ code: string; label: string; count: number }>;
}

/** Agencies drafted at once by the year-end job (the pool has 10 connections; requests keep the rest). */
const YEAR_END_CONCURRENCY = 4;

const FIRST_YEAR = 2008; // the Regulation's first reporting year; earlier years are refused

export function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > 2200) throw new DomainError("REPORT.INVALID_YEAR", `年度须为${FIRST_YEAR}年以后的四位年份`);
}

const caseView = (c: ReviewCase, applicationNo: string | null) => ({
  id: c.id,
  kind: c.kind,
  outcome: c.outcome,
  filedAt: c.filedAt,
  concludedAt: c.concludedAt,
  applicationId: c.applicationId,
  applicationNo,
  reference: c.reference,
  note: c.note,
  version: c.version,
  updatedAt: c.updatedAt,
});

export class ReportsService {
  constructor(
    private readonly ctx: AppContext,
    /** The catalogue a published report is entered in (none: not entered). */
    private readonly catalogue?: { entries: Pick<CatalogueFacade["entries"], "list" | "create"> },
  ) {}

  private now() {
    return this.ctx.clock.now().toISOString();
  }

  private audit(agencyId: string, entityType: string, entityId: string, action: string, actor: StaffPrincipal | null, data: Record<string, unknown> | null): AuditEvent {
    return auditEvent({ agencyId, entityType, entityId, action, actor: actor ? { type: "staff", id: actor.id } : null, data, at: this.now() });
  }

  // ---------- statistics ----------

  /** Table 三 for any year, computed now from the records (the console's live view). */
  async liveTable(agencyId: string, year: number): Promise<LiveTable> {
    assertYear(year);
    const fmt = formatForYear(year);
    return { year, format: fmt.id, ...(await computeApplicationTable(this.ctx.db, fmt, agencyId, year)) };
  }

  async latestPublication(agencyId: string, year: number): Promise<ReportPublication | null> {
    return this.ctx.db.getRepository(ReportPublication).findOne({ where: { agencyId, year }, order: { version: "DESC" } });
  }

  /** The latest published version of every year, newest year first (the bot's knowledge index reads them all). */
  async publishedReports(agencyId: string): Promise<ReportPublication[]> {
    const versions = await this.ctx.db.getRepository(ReportPublication).find({ where: { agencyId }, select: { year: true, version: true }, order: { year: "DESC", version: "DESC" } });
    const latest = new Map<number, number>();
    for (const v of versions) if (!latest.has(v.year)) latest.set(v.year, v.version);
    const out: ReportPublication[] = [];
    for (const [year, version] of latest) {
      const pub = await this.publication(agencyId, year, version);
      if (pub) out.push(pub);
    }
    return out;
  }

  async publication(agencyId: string, year: number, version: number): Promise<ReportPublication | null> {
    return this.ctx.db.getRepository(ReportPublication).findOneBy({ agencyId, year, version });
  }

  async draft(agencyId: string, year: number): Promise<ReportDraft | null> {
    return this.ctx.db.getRepository(ReportDraft).findOneBy({ agencyId, year });
  }

  private async previousYear(agencyId: string, year: number): Promise<PreviousYear & { table?: ApplicationTable; publishedNos?: string[] | null }> {
    const prevYear = year - 1;
    const pub = await this.latestPublication(agencyId, prevYear);
    if (pub) {
      const snap = pub.snapshot as ReportJson;
      return {
        year: prevYear,
        source: "published",
        version: pub.version,
        carriedForward: snap.applications.rows.carried_forward,
        activeDisclosure: snap.activeDisclosure,
        formatId: pub.formatId,
        table: snap.applications,
        publishedNos: pub.carriedForwardNos,
      };
    }
    if (prevYear < FIRST_YEAR) return { year: prevYear, source: null };
    const table = await this.reportQuery((db) => computeApplicationTable(db, formatForYear(prevYear), agencyId, prevYear));
    const d = await this.draft(agencyId, prevYear);
    return { year: prevYear, source: "live", carriedForward: table.rows.carried_forward, activeDisclosure: d?.activeDisclosure ?? null, formatId: formatIdForYear(prevYear), table };
  }

  /** The report of a year as it stands now: live tables, the draft's texts and figures, and every check. */
  /** Report generation's statistics run under DB_REPORT_STATEMENT_TIMEOUT_MS, not the request timeout. */
  private reportQuery<T>(fn: (db: DataSource) => Promise<T>): Promise<T> {
    return underStatementTimeout(this.ctx.db, this.ctx.config.DB_REPORT_STATEMENT_TIMEOUT_MS, fn);
  }

  async buildReport(agencyId: string, year: number): Promise<ReportJson> {
    return (await this.buildReportAndDraft(agencyId, year)).report;
  }

  /** buildReport with the draft row it read, for callers that show the draft too (one read instead of two). */
  private async buildReportAndDraft(agencyId: string, year: number): Promise<{ report: ReportJson; draft: ReportDraft | null }> {
    assertYear(year);
    const agency = await agencyById(this.ctx, agencyId);
    const fmt = formatForYear(year);
    const db = this.ctx.db;
    const [[applications, reviewLitigation], draft, previous] = await Promise.all([
      this.reportQuery(async (rdb) => [await computeApplicationTable(rdb, fmt, agencyId, year), await computeReviewTable(rdb, fmt, agencyId, year)] as const),
      this.draft(agencyId, year),
      this.previousYear(agencyId, year),
    ]);
    const activeDisclosure = this.disclosureFor(fmt.id, draft);
    const checks = await runChecks({
      fmt,
      year,
      applications,
      reviewLitigation,
      activeDisclosure,
      previous,
      evidence: {
        unknownCategory: () => unknownCategoryNos(db, agencyId, year),
        unmappedDisposition: () => unmappedDispositionNos(db, fmt, agencyId, year),
        disposedBeforeReceived: () => disposedBeforeReceivedNos(db, agencyId, year),
        inconsistentCases: () => inconsistentCaseRefs(db, agencyId, year),
        crossYearDifference: async () => {
          if (previous.source !== "published" || !previous.publishedNos) return { added: [], missing: [] };
          const now = await carriedForwardNos(db, agencyId, year - 1);
          const before = new Set(previous.publishedNos);
          const after = new Set(now);
          return { added: now.filter((n) => !before.has(n)), missing: previous.publishedNos.filter((n) => !after.has(n)) };
        },
      },
    });
    const report: ReportJson = {
      agency: { code: agency.code, name: agency.name },
      year,
      format: fmt.id,
      applications,
      reviewLitigation,
      activeDisclosure,
      sections: {
        preamble: draft?.preamble ?? "",
        s1: draft?.section1 ?? "",
        s5: draft?.section5 ?? "",
        s6: section6WithFees(draft?.section6 ?? null, draft?.feeCases ?? 0, Number(draft?.feeAmountYuan ?? 0)),
      },
      checks,
    };
    return { report, draft };
  }

  /** Section 二 of the draft with every cell of the year's format present (null where not entered). */
  private disclosureFor(formatId: FormatId, draft: ReportDraft | null): DisclosureValues {
    const fmt = getFormat(formatId);
    const out: DisclosureValues = {};
    for (const s of fmt.tables.activeDisclosure.subTables) {
      out[s.code] = {};
      for (const r of s.rows) {
        out[s.code][r.code] = {};
        for (const c of s.columns.filter((x) => x.kind === "data")) out[s.code][r.code][c.code] = draft?.activeDisclosure?.[s.code]?.[r.code]?.[c.code] ?? null;
      }
    }
    if (formatId === "2019" && draft?.purchaseAmountUnit) (out as Record<string, unknown>).units = { art20_9: { purchase_amount: draft.purchaseAmountUnit } };
    return out;
  }

  // ---------- draft editing ----------

  private async ensureDraft(m: EntityManager, agencyId: string, year: number): Promise<ReportDraft> {
    const repo = m.getRepository(ReportDraft);
    const existing = await repo.findOneBy({ agencyId, year });
    if (existing) return existing;
    const now = this.now();
    const d = repo.create({
      id: randomUUID(),
      agencyId,
      year,
      formatId: formatIdForYear(year),
      preamble: null,
      section1: null,
      section5: null,
      section6: null,
      activeDisclosure: null,
      purchaseAmountUnit: null,
      feeCases: 0,
      feeAmountYuan: null,
      generatedAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await repo.insert(d);
    return d;
  }

  /** Creates the draft row, tolerating a concurrent creator (unique agency+year). */
  private async draftRow(agencyId: string, year: number): Promise<ReportDraft> {
    try {
      return await this.ensureDraft(this.ctx.db.manager, agencyId, year);
    } catch (e) {
      const again = await this.draft(agencyId, year);
      if (again) return again;
      throw e;
    }
  }

  private async saveDraft(d: ReportDraft, action: string, actor: StaffPrincipal | null, data: Record<string, unknown>, expectedVersion?: number): Promise<ReportDraft> {
    if (expectedVersion !== undefined && expectedVersion !== d.version) throw new DomainError("REPORT.CONFLICT", "草稿已被他人修改，请刷新后重试", { currentVersion: d.version });
    const prevVersion = d.version;
    d.version = prevVersion + 1;
    d.updatedAt = this.now();
    await this.ctx.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ReportDraft)
        .set({
          preamble: d.preamble,
          section1: d.section1,
          section5: d.section5,
          section6: d.section6,
          activeDisclosure: d.activeDisclosure,
          purchaseAmountUnit: d.purchaseAmountUnit,
          feeCases: d.feeCases,
          feeAmountYuan: d.feeAmountYuan,
          generatedAt: d.generatedAt,
          version: d.version,
          updatedAt: d.updatedAt,
        })
        .where("id = :id AND version = :v", { id: d.id, v: prevVersion })
        .execute();
      if (!res.affected) throw new DomainError("REPORT.CONFLICT", "草稿已被他人修改，请刷新后重试");
      await m.save(AuditEvent, this.audit(d.agencyId, "report_draft", d.id, action, actor, { year: d.year, ...data }));
    });
    return d;
  }

  async updateSections(agencyId: string, year: number, patch: SectionsPatch, actor: StaffPrincipal, expectedVersion?: number): Promise<ReportDraft> {
    assertYear(year);
    const d = await this.draftRow(agencyId, year);
    const changed: string[] = [];
    const fields: Array<[keyof SectionsPatch, "preamble" | "section1" | "section5" | "section6"]> = [
      ["preamble", "preamble"],
      ["s1", "section1"],
      ["s5", "section5"],
      ["s6", "section6"],
    ];
    for (const [k, col] of fields) {
      if (patch[k] === undefined) continue;
      if ((d[col] ?? null) !== (patch[k] ?? null)) changed.push(k);
      d[col] = patch[k] ?? null;
    }
    return this.saveDraft(d, "report.sections_updated", actor, { sections: changed }, expectedVersion);
  }

  /** Section 二 figures; only cells of the year's format are accepted (others are refused with their path). */
  async setActiveDisclosure(agencyId: string, year: number, values: DisclosureValues, purchaseAmountUnit: string | null | undefined, actor: StaffPrincipal): Promise<ReportDraft> {
    assertYear(year);
    const fmt = formatForYear(year);
    const problems: Array<{ field: string; message: string }> = [];
    for (const [s, rows] of Object.entries(values)) {
      const sub = fmt.tables.activeDisclosure.subTables.find((x) => x.code === s);
      if (!sub) {
        problems.push({ field: s, message: `${fmt.id}年版格式没有这一项` });
        continue;
      }
      for (const [r, cols] of Object.entries(rows)) {
        if (!sub.rows.some((x) => x.code === r)) problems.push({ field: `${s}.${r}`, message: `${sub.caption}没有这一行` });
        for (const [c, v] of Object.entries(cols ?? {})) {
          if (!sub.columns.some((x) => x.code === c && x.kind === "data")) problems.push({ field: `${s}.${r}.${c}`, message: `${sub.caption}没有这一列` });
          else if (v != null && c !== "change" && c !== "fee_amount" && c !== "purchase_amount" && (!Number.isInteger(v) || v < 0))
            problems.push({ field: `${s}.${r}.${c}`, message: "应为非负整数" });
          else if (v != null && (c === "fee_amount" || c === "purchase_amount") && v < 0) problems.push({ field: `${s}.${r}.${c}`, message: "金额不能为负数" });
          else if (v != null && c === "change" && !Number.isInteger(v)) problems.push({ field: `${s}.${r}.${c}`, message: "本年增/减应为整数" });
        }
      }
    }
    if (problems.length) throw new DomainError("VALIDATION.INVALID_INPUT", "第二十条数据有误", problems);
    const d = await this.draftRow(agencyId, year);
    const before = d.activeDisclosure;
    const merged: DisclosureValues = JSON.parse(JSON.stringify(before ?? {}));
    for (const [s, rows] of Object.entries(values))
      for (const [r, cols] of Object.entries(rows)) for (const [c, v] of Object.entries(cols ?? {})) ((merged[s] ??= {})[r] ??= {})[c] = v;
    d.activeDisclosure = merged;
    if (purchaseAmountUnit !== undefined) d.purchaseAmountUnit = purchaseAmountUnit;
    return this.saveDraft(d, "report.active_disclosure_updated", actor, { before, after: merged });
  }

  async setFees(agencyId: string, year: number, cases: number, amountYuan: number, actor: StaffPrincipal): Promise<ReportDraft> {
    assertYear(year);
    // The columns are integer and numeric(14,4): larger figures are refused here for every caller (API, console).
    const tooLarge = [...(cases > 1_000_000 ? [{ field: "cases", message: "收费件数过大" }] : []), ...(amountYuan > 1_000_000_000 ? [{ field: "amountYuan", message: "收费金额过大" }] : [])];
    if (tooLarge.length) throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", tooLarge);
    const d = await this.draftRow(agencyId, year);
    const before = { cases: d.feeCases, amountYuan: Number(d.feeAmountYuan ?? 0) };
    d.feeCases = cases;
    d.feeAmountYuan = amountYuan;
    return this.saveDraft(d, "report.fees_updated", actor, { before, after: { cases, amountYuan } });
  }

  // ---------- section 四 case register ----------

  private async applicationIdByNo(agencyId: string, no: string | null | undefined): Promise<string | null> {
    if (!no) return null;
    const app = await this.ctx.db.getRepository(Application).findOne({ where: { agencyId, applicationNo: no }, select: { id: true } });
    if (!app) throw new DomainError("APPLICATION.NOT_FOUND", `申请编号 ${no} 不存在`);
    return app.id;
  }

  private validateCase(c: { outcome: CaseOutcome; filedAt: string; concludedAt: string | null }) {
    if (!isIsoDate(c.filedAt)) throw new DomainError("REPORT.INVALID_CASE", "立案日期格式不正确，应为YYYY-MM-DD");
    if (c.concludedAt && !isIsoDate(c.concludedAt)) throw new DomainError("REPORT.INVALID_CASE", "审结日期格式不正确，应为YYYY-MM-DD");
    if (c.outcome === "pending" && c.concludedAt) throw new DomainError("REPORT.INVALID_CASE", "尚未审结的案件不能有审结日期");
    if (c.outcome !== "pending" && !c.concludedAt) throw new DomainError("REPORT.INVALID_CASE", "已审结的案件须填写审结日期");
    if (c.concludedAt && c.concludedAt < c.filedAt) throw new DomainError("REPORT.INVALID_CASE", "审结日期不能早于立案日期");
    // A date outside the Regulation's time or in the future would count the case as pending in every year.
    if (c.filedAt < EARLIEST_RECEIPT_DATE) throw new DomainError("REPORT.INVALID_CASE", `立案日期不能早于${EARLIEST_RECEIPT_DATE}（政府信息公开条例施行之日）`);
    const today = this.ctx.today();
    if (c.filedAt > today) throw new DomainError("REPORT.INVALID_CASE", "立案日期不能晚于今天");
    if (c.concludedAt && c.concludedAt > today) throw new DomainError("REPORT.INVALID_CASE", "审结日期不能晚于今天");
  }

  async createCase(agencyId: string, input: CaseInput, actor: StaffPrincipal) {
    const concludedAt = input.concludedAt ?? null;
    this.validateCase({ outcome: input.outcome, filedAt: input.filedAt, concludedAt });
    const applicationId = await this.applicationIdByNo(agencyId, input.applicationNo);
    const now = this.now();
    const c = Object.assign(new ReviewCase(), {
      id: randomUUID(),
      agencyId,
      kind: input.kind,
      outcome: input.outcome,
      filedAt: input.filedAt,
      concludedAt,
      applicationId,
      reference: input.reference ?? null,
      note: input.note ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await this.ctx.db.transaction(async (m) => {
      await m.insert(ReviewCase, c);
      await m.save(AuditEvent, this.audit(agencyId, "report_case", c.id, "report.case_created", actor, { kind: c.kind, outcome: c.outcome, filedAt: c.filedAt, concludedAt }));
    });
    return caseView(c, input.applicationNo ?? null);
  }

  async updateCase(agencyId: string, id: string, patch: Partial<CaseInput>, actor: StaffPrincipal) {
    const repo = this.ctx.db.getRepository(ReviewCase);
    const c = await repo.findOneBy({ id, agencyId });
    if (!c) throw new DomainError("REPORT_CASE.NOT_FOUND", "案件不存在");
    const before = { kind: c.kind, outcome: c.outcome, filedAt: c.filedAt, concludedAt: c.concludedAt };
    if (patch.kind) c.kind = patch.kind;
    if (patch.outcome) c.outcome = patch.outcome;
    if (patch.filedAt) c.filedAt = patch.filedAt;
    if (patch.concludedAt !== undefined) c.concludedAt = patch.concludedAt;
    if (patch.reference !== undefined) c.reference = patch.reference;
    if (patch.note !== undefined) c.note = patch.note;
    if (patch.applicationNo !== undefined) c.applicationId = await this.applicationIdByNo(agencyId, patch.applicationNo);
    this.validateCase(c);
    const prev = c.version;
    c.version++;
    c.updatedAt = this.now();
    await this.ctx.db.transaction(async (m) => {
      const res = await m
        .createQueryBuilder()
        .update(ReviewCase)
        .set({ kind: c.kind, outcome: c.outcome, filedAt: c.filedAt, concludedAt: c.concludedAt, applicationId: c.applicationId, reference: c.reference, note: c.note, version: c.version, updatedAt: c.updatedAt })
        .where("id = :id AND version = :v", { id: c.id, v: prev })
        .execute();
      if (!res.affected) throw new DomainError("REPORT.CONFLICT", "案件已被他人修改，请刷新后重试");
      await m.save(AuditEvent, this.audit(agencyId, "report_case", c.id, "report.case_updated", actor, { before, after: { kind: c.kind, outcome: c.outcome, filedAt: c.filedAt, concludedAt: c.concludedAt } }));
    });
    const linked = c.applicationId ? await this.ctx.db.getRepository(Application).findOne({ where: { id: c.applicationId }, select: { applicationNo: true } }) : null;
    return caseView(c, linked?.applicationNo ?? null);
  }

  /** Cases counted in a year's table 四 (filed by 31 Dec, not concluded before 1 Jan), or all when no year. */
  async listCases(agencyId: string, year?: number) {
    const qb = this.ctx.db
      .getRepository(ReviewCase)
      .createQueryBuilder("c")
      .leftJoin(Application, "a", "a.id = c.application_id")
      .select("c")
      .addSelect("a.application_no", "application_no")
      .where("c.agency_id = :agencyId", { agencyId })
      .orderBy("c.filed_at", "ASC");
    if (year !== undefined) qb.andWhere("c.filed_at <= :end AND (c.concluded_at IS NULL OR c.concluded_at >= :start)", yearBounds(year));
    const { entities, raw } = await qb.getRawAndEntities();
    return entities.map((c, i) => caseView(c, (raw[i] as { application_no?: string | null }).application_no ?? null));
  }

  // ---------- year-end draft ----------

  /**
   * Drafts section 一 from the figures (compared with last year) and marks the draft generated. Idempotent:
   * a second run finds generated_at set and changes nothing unless `overwrite`.
   */
  async generateDraft(agencyId: string, year: number, opts: { actor?: StaffPrincipal | null; overwrite?: boolean } = {}): Promise<{ generated: boolean; draft: ReportDraft }> {
    assertYear(year);
    const d = await this.draftRow(agencyId, year);
    if (d.generatedAt && !opts.overwrite) return { generated: false, draft: d };
    const agency = await agencyById(this.ctx, agencyId);
    const fmt = formatForYear(year);
    const table = await this.reportQuery((db) => computeApplicationTable(db, fmt, agencyId, year));
    const previous = await this.previousYear(agencyId, year);
    const s1 = draftSection1(fmt.id, year, agency.name, table, previous.table ?? null);
    const now = this.now();
    const keepS1 = !!d.section1 && !opts.overwrite;
    const res = await this.ctx.db.transaction(async (m) => {
      const qb = m
        .createQueryBuilder()
        .update(ReportDraft)
        .set({ section1: keepS1 ? d.section1 : s1, section6: d.section6 ?? "无。", generatedAt: now, version: d.version + 1, updatedAt: now })
        .where("id = :id", { id: d.id });
      if (!opts.overwrite) qb.andWhere("generated_at IS NULL");
      const r = await qb.execute();
      if (r.affected) await m.save(AuditEvent, this.audit(agencyId, "report_draft", d.id, "report.draft_generated", opts.actor ?? null, { year, overwrite: !!opts.overwrite }));
      return r.affected ?? 0;
    });
    return { generated: res > 0, draft: (await this.draft(agencyId, year))! };
  }

  /** The year-end job: drafts `year` for every agency. Returns how many drafts were generated now. */
  async generateYearEnd(year: number): Promise<{ year: number; generated: string[]; skipped: string[] }> {
    const agencies = await this.ctx.db.getRepository(Agency).find({ order: { code: "ASC" } });
    const generated: string[] = [];
    const skipped: string[] = [];
    // A district has hundreds of agencies (issue 17): a few drafts at a time (each is a handful of short queries,
    // mostly waiting on the database), well inside the connection pool; one failure stops the run, as before.
    let next = 0;
    const worker = async () => {
      while (next < agencies.length) {
        const a = agencies[next++];
        const r = await this.generateDraft(a.id, year);
        (r.generated ? generated : skipped).push(a.code);
      }
    };
    await Promise.all(Array.from({ length: Math.min(YEAR_END_CONCURRENCY, agencies.length) }, worker));
    generated.sort();
    skipped.sort();
    this.ctx.logger.info({ year, generated, skipped }, "year-end report drafts");
    return { year, generated, skipped };
  }

  // ---------- publication ----------

  async publish(agencyId: string, year: number, actor: StaffPrincipal | null, source = "staff"): Promise<ReportPublication> {
    assertYear(year);
    if (year >= yearOf(this.ctx.today())) throw new DomainError("REPORT.YEAR_NOT_ENDED", `${year}年尚未结束，不能发布该年度报告`);
    const report = await this.buildReport(agencyId, year);
    const failed = report.checks.filter((c) => !c.ok);
    if (failed.length) throw new DomainError("REPORT.CHECKS_FAILED", "报告校验未通过，不能发布", failed);
    const prev = await this.latestPublication(agencyId, year);
    const differences: Difference[] = prev ? diffReports(prev.snapshot as ReportJson, report) : [];
    if (prev && !differences.length) throw new DomainError("REPORT.UNCHANGED", `与已发布的第${prev.version}版相比没有变化，无需重新发布`);
    const nos = await carriedForwardNos(this.ctx.db, agencyId, year);
    const pub = Object.assign(new ReportPublication(), {
      id: randomUUID(),
      agencyId,
      year,
      version: (prev?.version ?? 0) + 1,
      formatId: report.format,
      snapshot: report,
      carriedForwardNos: nos,
      differences,
      source,
      publishedBy: actor?.id ?? null,
      publishedAt: this.now(),
    });
    try {
      await this.ctx.db.transaction(async (m) => {
        await m.insert(ReportPublication, pub);
        await m.save(AuditEvent, this.audit(agencyId, "report_publication", pub.id, "report.published", actor, { year, version: pub.version, differences: differences.length }));
      });
    } catch (e) {
      if (await this.publication(agencyId, year, pub.version)) throw new DomainError("REPORT.CONFLICT", "该年度报告刚刚由他人发布，请刷新后重试");
      throw e;
    }
    await this.enterCatalogue(agencyId, report.agency, year);
    return pub;
  }

  /**
   * A published report is an entry of the catalogue (category 年度报告, with its public URL), so the catalogue,
   * the bot and the report pages agree. An entry of the same title (the seed's 2019 report, a republished year)
   * is kept. The publication stands even if this fails: the entry can be added by hand; the failure is logged.
   */
  private async enterCatalogue(agencyId: string, agency: { code: string; name: string }, year: number): Promise<void> {
    const cat = this.catalogue;
    if (!cat?.entries) return;
    const title = `${agency.name}${year}年政府信息公开工作年度报告`;
    try {
      const { items } = await cat.entries.list(agencyId, { status: "active", page: 1, pageSize: 2000 });
      if (items.some((i) => i.title.replace(/[《》]/g, "") === title)) return;
      const today = this.ctx.today();
      await cat.entries.create(
        agencyId,
        { title, publisher: agency.name, writtenDate: today, publishedDate: today, subjectCategory: "年度报告", disclosureMode: "主动公开", validity: "有效", url: `/api/reports/${year}?agency=${agency.code}` },
        { type: "system", id: null },
      );
    } catch (err) {
      this.ctx.logger.warn({ err: String(err), year }, "published report not entered in the catalogue");
    }
  }

  async versions(agencyId: string, year: number) {
    const rows = await this.ctx.db.getRepository(ReportPublication).find({ where: { agencyId, year }, order: { version: "ASC" } });
    return rows.map((p) => ({ version: p.version, format: p.formatId, publishedAt: p.publishedAt, publishedBy: p.publishedBy, source: p.source, differences: p.differences as Difference[] }));
  }

  /** The staff view of a year: draft, live report with checks, the latest version and what would change. */
  async staffView(agencyId: string, year: number) {
    const [{ report, draft: d }, pub] = await Promise.all([this.buildReportAndDraft(agencyId, year), this.latestPublication(agencyId, year)]);
    return {
      year,
      format: report.format,
      draft: d
        ? {
            version: d.version,
            generatedAt: d.generatedAt,
            updatedAt: d.updatedAt,
            sections: { preamble: d.preamble ?? "", s1: d.section1 ?? "", s5: d.section5 ?? "", s6: d.section6 ?? "" },
            fees: { cases: d.feeCases, amountYuan: Number(d.feeAmountYuan ?? 0) },
            purchaseAmountUnit: d.purchaseAmountUnit,
          }
        : null,
      report,
      published: pub ? { version: pub.version, publishedAt: pub.publishedAt, source: pub.source } : null,
      pendingDifferences: pub ? diffReports(pub.snapshot as ReportJson, report) : [],
      publishable: report.checks.every((c) => c.ok) && year < yearOf(this.ctx.today()),
    };
  }

  // ---------- citizens' figures ----------

  /** The latest published figures of a year, labelled for quoting; null when nothing is published. */
  async figures(agencyId: string, year: number): Promise<Figures | null> {
    const pub = await this.latestPublication(agencyId, year);
    if (!pub) return null;
    const r = pub.snapshot as ReportJson;
    const fmt = getFormat(r.format);
    const cols = applicationColumns(fmt);
    const ti = cols.indexOf(TOTAL_COLUMN);
    const rowsSpec = fmt.tables.applications.rows;
    const fullLabel = (code: string) => {
      const parts: string[] = [];
      let n = rowsSpec.find((x) => x.code === code);
      while (n) {
        parts.unshift(n.label);
        n = n.parent ? rowsSpec.find((x) => x.code === n!.parent) : undefined;
      }
      return parts.join("");
    };
    const t = (code: string) => r.applications.rows[code]?.[ti] ?? 0;
    return {
      agency: r.agency,
      year: r.year,
      version: pub.version,
      publishedAt: pub.publishedAt,
      format: r.format,
      summary: `${r.year}年，${r.agency.name}新收政府信息公开申请${t("received.new")}件，上年结转${t("received.carried_over")}件，本年度办结${t("result.total")}件（其中予以公开${t("result.granted")}件、部分公开${t("result.partial")}件），结转下年度继续办理${t("carried_forward")}件；行政复议${r.reviewLitigation["review.total"] ?? 0}件，行政诉讼${(r.reviewLitigation["litigation.direct.total"] ?? 0) + (r.reviewLitigation["litigation.after_review.total"] ?? 0)}件。`,
      columns: cols.map((c) => ({ code: c, label: columnLabel(fmt, c) })),
      applications: applicationRows(fmt).map((code) => ({
        code,
        label: fullLabel(code),
        total: t(code),
        byColumn: Object.fromEntries(cols.map((c, i) => [c, r.applications.rows[code]?.[i] ?? 0])),
      })),
      reviewLitigation: reviewColumns(fmt).map((c) => ({ code: c, label: reviewColumnLabel(fmt, c), count: r.reviewLitigation[c] ?? 0 })),
    };
  }
}

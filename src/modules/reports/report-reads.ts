// The reads of the reports service: table 三 live from the records, stored drafts and published versions, the
// previous year a report is compared with, and the report of a year as it stands now (live tables, the draft's
// texts and figures, every check). Writes live in report-drafts.ts, report-cases.ts and report-publication.ts.
import type { DataSource } from "typeorm";
import type { AppContext } from "../../context";
import { agencyById } from "../../infra/agencies";
import { underStatementTimeout } from "../../infra/database";
import { runChecks, type PreviousYear } from "./checks";
import { ReportDraft, ReportPublication } from "./entities";
import { formatForYear, formatIdForYear, type FormatId } from "./formats";
import { section6WithFees, type ReportJson } from "./narrative";
import { assertYear, carriedForwardDifference, disclosureFor, FIRST_YEAR } from "./report-rules";
import {
  carriedForwardNos,
  computeApplicationTable,
  computeReviewTable,
  disposedBeforeReceivedNos,
  inconsistentCaseRefs,
  unknownCategoryNos,
  unmappedDispositionNos,
  type ApplicationTable,
} from "./statistics";

export interface LiveTable extends ApplicationTable {
  year: number;
  format: FormatId;
}

/** The previous year as the checks and the year-end narrative compare with it. */
export type PreviousYearFigures = PreviousYear & { table?: ApplicationTable; publishedNos?: string[] | null };

export class ReportReads {
  constructor(private readonly ctx: AppContext) {}

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
    const versions = await this.ctx.db
      .getRepository(ReportPublication)
      .find({ where: { agencyId }, select: { year: true, version: true }, order: { year: "DESC", version: "DESC" } });
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

  /** The previous year: its latest published version, else computed now (with the draft's section 二), else nothing. */
  async previousYear(agencyId: string, year: number): Promise<PreviousYearFigures> {
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
    return {
      year: prevYear,
      source: "live",
      carriedForward: table.rows.carried_forward,
      activeDisclosure: d?.activeDisclosure ?? null,
      formatId: formatIdForYear(prevYear),
      table,
    };
  }

  /** Report generation's statistics run under DB_REPORT_STATEMENT_TIMEOUT_MS, not the request timeout. */
  reportQuery<T>(fn: (db: DataSource) => Promise<T>): Promise<T> {
    return underStatementTimeout(this.ctx.db, this.ctx.config.DB_REPORT_STATEMENT_TIMEOUT_MS, fn);
  }

  /** The report of a year as it stands now: live tables, the draft's texts and figures, and every check. */
  async buildReport(agencyId: string, year: number): Promise<ReportJson> {
    return (await this.buildReportAndDraft(agencyId, year)).report;
  }

  /** buildReport with the draft row it read, for callers that show the draft too (one read instead of two). */
  async buildReportAndDraft(agencyId: string, year: number): Promise<{ report: ReportJson; draft: ReportDraft | null }> {
    assertYear(year);
    const agency = await agencyById(this.ctx, agencyId);
    const fmt = formatForYear(year);
    const db = this.ctx.db;
    const [[applications, reviewLitigation], draft, previous] = await Promise.all([
      this.reportQuery(async (rdb) => [await computeApplicationTable(rdb, fmt, agencyId, year), await computeReviewTable(rdb, fmt, agencyId, year)] as const),
      this.draft(agencyId, year),
      this.previousYear(agencyId, year),
    ]);
    const activeDisclosure = disclosureFor(fmt.id, draft);
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
          return carriedForwardDifference(previous.publishedNos, await carriedForwardNos(db, agencyId, year - 1));
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
}

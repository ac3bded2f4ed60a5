// The reports service: live statistics, the draft of a report year (narratives, section 二, fees), the case
// register of section 四, checks, year-end drafting, publication as immutable versions, and the published
// figures the bot quotes. Built by the reports module (createReports) with the catalogue it enters reports in. The class is the one door other modules call; the
// work is done by report-reads.ts, report-drafts.ts, report-cases.ts and report-publication.ts, and the decisions
// are the pure report-rules.ts.
import type { AppContext } from "../../context";
import type { StaffPrincipal } from "../staff/staff-service";
import { ReportCases, type CaseInput } from "./report-cases";
import { ReportDrafts } from "./report-drafts";
import type { DisclosureValues, ReportDraft, ReportPublication } from "./entities";
import type { ReportJson } from "./narrative";
import type { Figures } from "./published-figures";
import { ReportPublishing, type CatalogueEntriesPort } from "./report-publication";
import { ReportReads, type LiveTable } from "./report-reads";
import type { SectionsPatch } from "./report-rules";

export type { CaseInput, CaseView } from "./report-cases";
export type { Figures } from "./published-figures";
export type { LiveTable } from "./report-reads";
export { assertYear, type SectionsPatch } from "./report-rules";

export class ReportsService {
  private readonly reads: ReportReads;
  private readonly drafts: ReportDrafts;
  private readonly cases: ReportCases;
  private readonly publishing: ReportPublishing;

  constructor(
    ctx: AppContext,
    /** The catalogue a published report is entered in (none: not entered). */
    catalogue?: CatalogueEntriesPort,
  ) {
    this.reads = new ReportReads(ctx);
    this.drafts = new ReportDrafts(ctx, this.reads);
    this.cases = new ReportCases(ctx);
    this.publishing = new ReportPublishing(ctx, this.reads, () => catalogue);
  }

  // ---------- statistics and stored reports (report-reads.ts) ----------

  /** Table 三 for any year, computed now from the records (the console's live view). */
  liveTable(agencyId: string, year: number): Promise<LiveTable> {
    return this.reads.liveTable(agencyId, year);
  }

  latestPublication(agencyId: string, year: number): Promise<ReportPublication | null> {
    return this.reads.latestPublication(agencyId, year);
  }

  /** The latest published version of every year, newest year first (the bot's knowledge index reads them all). */
  publishedReports(agencyId: string): Promise<ReportPublication[]> {
    return this.reads.publishedReports(agencyId);
  }

  publication(agencyId: string, year: number, version: number): Promise<ReportPublication | null> {
    return this.reads.publication(agencyId, year, version);
  }

  draft(agencyId: string, year: number): Promise<ReportDraft | null> {
    return this.reads.draft(agencyId, year);
  }

  /** The report of a year as it stands now: live tables, the draft's texts and figures, and every check. */
  buildReport(agencyId: string, year: number): Promise<ReportJson> {
    return this.reads.buildReport(agencyId, year);
  }

  // ---------- draft editing and year-end drafting (report-drafts.ts) ----------

  updateSections(agencyId: string, year: number, patch: SectionsPatch, actor: StaffPrincipal, expectedVersion?: number): Promise<ReportDraft> {
    return this.drafts.updateSections(agencyId, year, patch, actor, expectedVersion);
  }

  /** Section 二 figures; only cells of the year's format are accepted (others are refused with their path). */
  setActiveDisclosure(
    agencyId: string,
    year: number,
    values: DisclosureValues,
    purchaseAmountUnit: string | null | undefined,
    actor: StaffPrincipal,
  ): Promise<ReportDraft> {
    return this.drafts.setActiveDisclosure(agencyId, year, values, purchaseAmountUnit, actor);
  }

  setFees(agencyId: string, year: number, cases: number, amountYuan: number, actor: StaffPrincipal): Promise<ReportDraft> {
    return this.drafts.setFees(agencyId, year, cases, amountYuan, actor);
  }

  /**
   * Drafts section 一 from the figures (compared with last year) and marks the draft generated. Idempotent:
   * a second run finds generated_at set and changes nothing unless `overwrite`.
   */
  generateDraft(
    agencyId: string,
    year: number,
    opts: { actor?: StaffPrincipal | null; overwrite?: boolean } = {},
  ): Promise<{ generated: boolean; draft: ReportDraft }> {
    return this.drafts.generateDraft(agencyId, year, opts);
  }

  /** The year-end job: drafts `year` for every agency. Returns how many drafts were generated now. */
  generateYearEnd(year: number): Promise<{ year: number; generated: string[]; skipped: string[] }> {
    return this.drafts.generateYearEnd(year);
  }

  // ---------- section 四 case register (report-cases.ts) ----------

  createCase(agencyId: string, input: CaseInput, actor: StaffPrincipal) {
    return this.cases.createCase(agencyId, input, actor);
  }

  updateCase(agencyId: string, id: string, patch: Partial<CaseInput>, actor: StaffPrincipal) {
    return this.cases.updateCase(agencyId, id, patch, actor);
  }

  /** Cases counted in a year's table 四 (filed by 31 Dec, not concluded before 1 Jan), or all when no year. */
  listCases(agencyId: string, year?: number) {
    return this.cases.listCases(agencyId, year);
  }

  // ---------- publication (report-publication.ts) ----------

  publish(agencyId: string, year: number, actor: StaffPrincipal | null, source = "staff"): Promise<ReportPublication> {
    return this.publishing.publish(agencyId, year, actor, source);
  }

  versions(agencyId: string, year: number) {
    return this.publishing.versions(agencyId, year);
  }

  /** The staff view of a year: draft, live report with checks, the latest version and what would change. */
  staffView(agencyId: string, year: number) {
    return this.publishing.staffView(agencyId, year);
  }

  /** The latest published figures of a year, labelled for quoting; null when nothing is published. */
  figures(agencyId: string, year: number): Promise<Figures | null> {
    return this.publishing.figures(agencyId, year);
  }
}

// The draft of a report year: its texts (section 一, 五, 六 and the preamble), section 二 figures and fees, each saved
// over the version the editor saw with an audit row, and the year-end run that drafts section 一 for every agency.
// The rules (what an edit changes, what is refused) are report-rules.ts.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import { agencyById } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent, staffOrSystem } from "../../infra/entities/audit-event.entity";
import { updateVersioned, versionConflict } from "../../infra/versioned-update";
import type { StaffPrincipal } from "../staff/staff-service";
import { ReportDraft, type DisclosureValues } from "./entities";
import { formatForYear, formatIdForYear } from "./formats";
import { draftSection1 } from "./narrative";
import type { ReportReads } from "./report-reads";
import {
  assertDisclosureValues,
  assertDraftVersion,
  assertFees,
  assertYear,
  DRAFT_CONFLICT_MESSAGE,
  generatedTexts,
  mayGenerate,
  mergeDisclosure,
  sectionsEdit,
  type SectionsPatch,
} from "./report-rules";
import { computeApplicationTable } from "./statistics";

/** Agencies drafted at once by the year-end job (the pool has 10 connections; requests keep the rest). */
const YEAR_END_CONCURRENCY = 4;
/** generateDraft's reads-and-writes before it gives up on a draft that keeps moving under it (staff saves are rare). */
const GENERATE_ATTEMPTS = 5;

export class ReportDrafts {
  constructor(
    private readonly ctx: AppContext,
    private readonly reads: ReportReads,
  ) {}

  private now() {
    return this.ctx.clock.now().toISOString();
  }

  /** The draft row of a year, created empty when missing, tolerating a concurrent creator (unique agency+year). */
  private async draftRow(agencyId: string, year: number): Promise<ReportDraft> {
    try {
      const repo = this.ctx.db.getRepository(ReportDraft);
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
    } catch (e) {
      const again = await this.reads.draft(agencyId, year);
      if (again) return again;
      throw e;
    }
  }

  /** Writes the edited draft over the version it was read at (or the editor's `expectedVersion`) with its audit row. */
  private async saveDraft(
    d: ReportDraft,
    action: string,
    actor: StaffPrincipal | null,
    data: Record<string, unknown>,
    expectedVersion?: number,
  ): Promise<ReportDraft> {
    assertDraftVersion(d.version, expectedVersion);
    const readVersion = d.version;
    d.updatedAt = this.now();
    await this.ctx.db.transaction(async (m) => {
      d.version = await updateVersioned(
        m,
        ReportDraft,
        d.id,
        readVersion,
        {
          preamble: d.preamble,
          section1: d.section1,
          section5: d.section5,
          section6: d.section6,
          activeDisclosure: d.activeDisclosure,
          purchaseAmountUnit: d.purchaseAmountUnit,
          feeCases: d.feeCases,
          feeAmountYuan: d.feeAmountYuan,
          generatedAt: d.generatedAt,
          updatedAt: d.updatedAt,
        },
        versionConflict("REPORT.CONFLICT", DRAFT_CONFLICT_MESSAGE),
      );
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: d.agencyId,
          entityType: "report_draft",
          entityId: d.id,
          action,
          actor: staffOrSystem(actor),
          data: { year: d.year, ...data },
          at: d.updatedAt,
        }),
      );
    });
    return d;
  }

  async updateSections(agencyId: string, year: number, patch: SectionsPatch, actor: StaffPrincipal, expectedVersion?: number): Promise<ReportDraft> {
    assertYear(year);
    const d = await this.draftRow(agencyId, year);
    const { changes, changed } = sectionsEdit(d, patch);
    Object.assign(d, changes);
    return this.saveDraft(d, "report.sections_updated", actor, { sections: changed }, expectedVersion);
  }

  /** Section 二 figures; only cells of the year's format are accepted (others are refused with their path). */
  async setActiveDisclosure(
    agencyId: string,
    year: number,
    values: DisclosureValues,
    purchaseAmountUnit: string | null | undefined,
    actor: StaffPrincipal,
  ): Promise<ReportDraft> {
    assertYear(year);
    assertDisclosureValues(formatForYear(year), values);
    const d = await this.draftRow(agencyId, year);
    const before = d.activeDisclosure;
    const merged = mergeDisclosure(before, values);
    d.activeDisclosure = merged;
    if (purchaseAmountUnit !== undefined) d.purchaseAmountUnit = purchaseAmountUnit;
    return this.saveDraft(d, "report.active_disclosure_updated", actor, { before, after: merged });
  }

  async setFees(agencyId: string, year: number, cases: number, amountYuan: number, actor: StaffPrincipal): Promise<ReportDraft> {
    assertYear(year);
    assertFees(cases, amountYuan);
    const d = await this.draftRow(agencyId, year);
    const before = { cases: d.feeCases, amountYuan: Number(d.feeAmountYuan ?? 0) };
    d.feeCases = cases;
    d.feeAmountYuan = amountYuan;
    return this.saveDraft(d, "report.fees_updated", actor, { before, after: { cases, amountYuan } });
  }

  /**
   * Drafts section 一 from the figures (compared with last year) and marks the draft generated. Idempotent:
   * a second run finds generated_at set and changes nothing unless `overwrite`.
   * A versioned update over the draft as read: when a staff save (or another run) lands between the read and the
   * write, the draft is read again and the decision taken again on what is stored now (a run that finds it
   * generated skips it; otherwise staff's section 一/六 as saved are kept), so no save is lost and no two writes
   * share a version. After GENERATE_ATTEMPTS moves in a row it gives up with REPORT.CONFLICT.
   */
  async generateDraft(
    agencyId: string,
    year: number,
    opts: { actor?: StaffPrincipal | null; overwrite?: boolean } = {},
  ): Promise<{ generated: boolean; draft: ReportDraft }> {
    assertYear(year);
    const overwrite = !!opts.overwrite;
    let d = await this.draftRow(agencyId, year);
    if (!mayGenerate(d, overwrite)) return { generated: false, draft: d };
    const agency = await agencyById(this.ctx, agencyId);
    const fmt = formatForYear(year);
    const table = await this.reads.reportQuery((db) => computeApplicationTable(db, fmt, agencyId, year));
    const previous = await this.reads.previousYear(agencyId, year);
    const drafted = draftSection1(fmt.id, year, agency.name, table, previous.table ?? null);
    for (let attempt = 1; ; attempt++) {
      if (await this.writeGenerated(d, drafted, overwrite, opts.actor)) return { generated: true, draft: (await this.reads.draft(agencyId, year))! };
      const stored = await this.reads.draft(agencyId, year);
      if (stored && !mayGenerate(stored, overwrite)) return { generated: false, draft: stored };
      if (!stored || attempt >= GENERATE_ATTEMPTS) throw versionConflict("REPORT.CONFLICT", DRAFT_CONFLICT_MESSAGE, stored?.version);
      d = stored;
    }
  }

  /** One attempt of generateDraft over the draft `d` as read; false (nothing written) when it moved on since. */
  private async writeGenerated(d: ReportDraft, drafted: string, overwrite: boolean, actor: StaffPrincipal | null | undefined): Promise<boolean> {
    const now = this.now();
    const moved = versionConflict("REPORT.CONFLICT", DRAFT_CONFLICT_MESSAGE);
    try {
      await this.ctx.db.transaction(async (m) => {
        await updateVersioned(m, ReportDraft, d.id, d.version, { ...generatedTexts(d, drafted, overwrite), generatedAt: now, updatedAt: now }, moved);
        await m.save(
          AuditEvent,
          auditEvent({
            agencyId: d.agencyId,
            entityType: "report_draft",
            entityId: d.id,
            action: "report.draft_generated",
            actor: staffOrSystem(actor),
            data: { year: d.year, overwrite },
            at: now,
          }),
        );
      });
      return true;
    } catch (e) {
      if (e === moved) return false;
      throw e;
    }
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
}

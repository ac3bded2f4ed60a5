// Publication of a report year as immutable versions: publish (year ended, checks passed, something changed), the
// catalogue entry of a published report, the list of versions, the staff view of a year (draft, live report, what
// would change) and the published figures citizens and the bot quote. The rules are report-rules.ts.
import { randomUUID } from "node:crypto";
import type { CatalogueFacade } from "../catalogue/facade";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { AuditEvent, auditEvent, staffOrSystem } from "../../infra/entities/audit-event.entity";
import type { StaffPrincipal } from "../staff/staff-service";
import { ReportPublication } from "./entities";
import type { Difference, ReportJson } from "./narrative";
import { figuresOf, type Figures } from "./published-figures";
import type { ReportReads } from "./report-reads";
import { assertChecksPassed, assertYear, assertYearEnded, isPublishable, nextPublication, pendingDifferences } from "./report-rules";
import { carriedForwardNos } from "./statistics";

/** What publication needs of the catalogue: its entries, to list a year's report once (the catalogue module's facade). */
export interface CatalogueEntriesPort {
  entries: Pick<CatalogueFacade["entries"], "list" | "create">;
}

/** A stored publication with its snapshot typed (the column is JSON). */
const published = (p: ReportPublication | null): { version: number; snapshot: ReportJson } | null =>
  p ? { version: p.version, snapshot: p.snapshot as ReportJson } : null;

export class ReportPublishing {
  constructor(
    private readonly ctx: AppContext,
    private readonly reads: ReportReads,
    /** The catalogue, looked up when a report is published (absent in a process without the catalogue module). */
    private readonly catalogue: () => CatalogueEntriesPort | undefined,
  ) {}

  async publish(agencyId: string, year: number, actor: StaffPrincipal | null, source = "staff"): Promise<ReportPublication> {
    assertYear(year);
    assertYearEnded(year, this.ctx.today());
    const report = await this.reads.buildReport(agencyId, year);
    assertChecksPassed(report.checks);
    const { version, differences } = nextPublication(published(await this.reads.latestPublication(agencyId, year)), report);
    const nos = await carriedForwardNos(this.ctx.db, agencyId, year);
    const pub = Object.assign(new ReportPublication(), {
      id: randomUUID(),
      agencyId,
      year,
      version,
      formatId: report.format,
      snapshot: report,
      carriedForwardNos: nos,
      differences,
      source,
      publishedBy: actor?.id ?? null,
      publishedAt: this.ctx.clock.now().toISOString(),
    });
    try {
      await this.ctx.db.transaction(async (m) => {
        await m.insert(ReportPublication, pub);
        const data = { year, version, differences: differences.length };
        await m.save(
          AuditEvent,
          auditEvent({
            agencyId,
            entityType: "report_publication",
            entityId: pub.id,
            action: "report.published",
            actor: staffOrSystem(actor),
            data,
            at: pub.publishedAt,
          }),
        );
      });
    } catch (e) {
      // The unique (agency, year, version) refused a second publisher of the same version.
      if (await this.reads.publication(agencyId, year, version)) throw new DomainError("REPORT.CONFLICT", "该年度报告刚刚由他人发布，请刷新后重试");
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
    const cat = this.catalogue();
    if (!cat?.entries) return;
    const title = `${agency.name}${year}年政府信息公开工作年度报告`;
    try {
      const { items } = await cat.entries.list(agencyId, { status: "active", page: 1, pageSize: 2000 });
      if (items.some((i) => i.title.replace(/[《》]/g, "") === title)) return;
      const today = this.ctx.today();
      await cat.entries.create(
        agencyId,
        {
          title,
          publisher: agency.name,
          writtenDate: today,
          publishedDate: today,
          subjectCategory: "年度报告",
          disclosureMode: "主动公开",
          validity: "有效",
          url: `/api/reports/${year}?agency=${agency.code}`,
        },
        { type: "system", id: null },
      );
    } catch (err) {
      this.ctx.logger.warn({ err: String(err), year }, "published report not entered in the catalogue");
    }
  }

  async versions(agencyId: string, year: number) {
    const rows = await this.ctx.db.getRepository(ReportPublication).find({ where: { agencyId, year }, order: { version: "ASC" } });
    return rows.map((p) => ({
      version: p.version,
      format: p.formatId,
      publishedAt: p.publishedAt,
      publishedBy: p.publishedBy,
      source: p.source,
      differences: p.differences as Difference[],
    }));
  }

  /** The staff view of a year: draft, live report with checks, the latest version and what would change. */
  async staffView(agencyId: string, year: number) {
    const [{ report, draft: d }, pub] = await Promise.all([this.reads.buildReportAndDraft(agencyId, year), this.reads.latestPublication(agencyId, year)]);
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
      pendingDifferences: pendingDifferences(published(pub), report),
      publishable: isPublishable(year, this.ctx.today(), report.checks),
    };
  }

  /** The latest published figures of a year, labelled for quoting; null when nothing is published. */
  async figures(agencyId: string, year: number): Promise<Figures | null> {
    const pub = await this.reads.latestPublication(agencyId, year);
    return pub ? figuresOf(pub.snapshot as ReportJson, pub) : null;
  }
}

// Historical reports shipped as data (config/reports/<agency>-<year>.json) become published versions of the
// agency's report at first start: the default agency's 2019 report from the seed document. Idempotent.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../../context";
import type { Agency } from "../../infra/entities/agency.entity";
import { auditEvent } from "../../infra/entities/audit-event.entity";
import { noEvidence, runChecks } from "./checks";
import { ReportDraft, ReportPublication, type DisclosureValues } from "./entities";
import { getFormat, type FormatId } from "./formats";
import type { ReportJson } from "./narrative";
import type { ApplicationTable } from "./statistics";

export const REPORTS_DATA_DIR = "config/reports";

interface SeedReport {
  agency: string;
  year: number;
  format: FormatId;
  source: string;
  sections: ReportJson["sections"];
  activeDisclosure: DisclosureValues;
  applications: ApplicationTable;
  reviewLitigation: Record<string, number>;
}

export function seedFiles(agencyCode: string, dir = REPORTS_DATA_DIR): string[] {
  const abs = path.resolve(process.cwd(), dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs)
    .filter((f) => f.startsWith(`${agencyCode}-`) && f.endsWith(".json"))
    .sort()
    .map((f) => path.join(abs, f));
}

export async function seedReports(ctx: AppContext, agency: Agency): Promise<number> {
  let loaded = 0;
  for (const file of seedFiles(agency.code)) {
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as SeedReport;
    if (data.agency !== agency.code) continue;
    const existing = await ctx.db.getRepository(ReportPublication).findOneBy({ agencyId: agency.id, year: data.year });
    if (existing) continue;
    const fmt = getFormat(data.format);
    const checks = await runChecks({
      fmt,
      year: data.year,
      applications: data.applications,
      reviewLitigation: data.reviewLitigation,
      activeDisclosure: data.activeDisclosure,
      previous: { year: data.year - 1, source: null },
      evidence: noEvidence,
    });
    const snapshot: ReportJson = {
      agency: { code: agency.code, name: agency.name },
      year: data.year,
      format: data.format,
      applications: data.applications,
      reviewLitigation: data.reviewLitigation,
      activeDisclosure: data.activeDisclosure,
      sections: data.sections,
      checks,
    };
    const now = ctx.clock.now().toISOString();
    try {
      await insertSeed(ctx, agency, data, snapshot, now);
    } catch (e) {
      // Another process seeding at the same moment: the unique (agency, year, version) keeps one copy.
      if (await ctx.db.getRepository(ReportPublication).findOneBy({ agencyId: agency.id, year: data.year })) continue;
      throw e;
    }
    ctx.logger.info({ agency: agency.code, year: data.year }, "seed report loaded as published version 1");
    loaded++;
  }
  return loaded;
}

async function insertSeed(ctx: AppContext, agency: Agency, data: SeedReport, snapshot: ReportJson, now: string): Promise<void> {
  await ctx.db.transaction(async (m) => {
    const pub = Object.assign(new ReportPublication(), {
      id: randomUUID(),
      agencyId: agency.id,
      year: data.year,
      version: 1,
      formatId: data.format,
      snapshot,
      carriedForwardNos: [],
      differences: [],
      source: "seed",
      publishedBy: null,
      publishedAt: now,
    });
    await m.insert(ReportPublication, pub);
    // The draft carries the same texts so that a corrected version keeps the published narrative.
    if (!(await m.getRepository(ReportDraft).findOneBy({ agencyId: agency.id, year: data.year }))) {
      await m.insert(ReportDraft, {
        id: randomUUID(),
        agencyId: agency.id,
        year: data.year,
        formatId: data.format,
        preamble: data.sections.preamble || null,
        section1: data.sections.s1,
        section5: data.sections.s5,
        section6: data.sections.s6,
        activeDisclosure: data.activeDisclosure,
        purchaseAmountUnit: null,
        feeCases: 0,
        feeAmountYuan: null,
        generatedAt: now,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
    }
    await m.save(
      auditEvent({
        agencyId: agency.id,
        entityType: "report_publication",
        entityId: pub.id,
        action: "report.seeded",
        data: { year: data.year, source: data.source },
        at: now,
      }),
    );
  });
}

// HTTP: public published reports and figures (/api/reports/...) and the staff endpoints to edit, preview,
// publish and compare versions (/api/staff/reports/...). Documented in docs/reports.md (HTTP API).
import Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { isIsoDate } from "../../domain/china-time";
import { DomainError } from "../../domain/errors";
import { currentStaff, requireStaff } from "../../http/auth";
import { parseInput } from "../../http/validate";
import { agencyByCode } from "../../infra/agencies";
import { CASE_KINDS, CASE_OUTCOMES } from "./entities";
import type { RenderOptions } from "./draft-notice";
import type { ReportJson } from "./narrative";
import { mayDraftReport, mayPublishReport } from "./policy";
import { OUTPUT_FORMATS, renderReport, type OutputFormat } from "./render";
import { assertYear } from "./report-service";

const yearParam = (ctx: Context): number => {
  const y = Number(ctx.params.year);
  if (!/^\d{4}$/.test(String(ctx.params.year))) throw new DomainError("REPORT.INVALID_YEAR", "年度格式不正确，应为四位年份，如2019");
  assertYear(y);
  return y;
};

/** Versions and counts are stored as 32-bit integers. */
const MAX_INT = 2_147_483_647;

const formatQuery = z.object({
  format: z.enum(OUTPUT_FORMATS, { error: `format应为以下之一：${OUTPUT_FORMATS.join("、")}` }).default("json"),
  agency: z.string().max(40).optional(),
  version: z.coerce.number().int().positive().max(MAX_INT, "版本号过大").optional(),
});

async function send(ctx: Context, report: ReportJson, format: OutputFormat, headers: Record<string, string>, opts: RenderOptions = {}) {
  const out = await renderReport(report, format, opts);
  for (const [k, v] of Object.entries(headers)) ctx.set(k, v);
  ctx.type = out.contentType;
  if (format === "docx" || format === "xlsx") ctx.attachment(out.filename);
  ctx.body = format === "json" ? report : out.body;
}

const dateStr = z.string().refine(isIsoDate, "日期格式不正确，应为YYYY-MM-DD");
const text = z.string().max(50_000, "内容过长").nullable().optional();
const sectionsSchema = z.object({ preamble: text, s1: text, s5: text, s6: text, version: z.number().int().positive().max(MAX_INT, "版本号过大").optional() });
const disclosureSchema = z.object({
  values: z.record(
    z.string(),
    z.record(z.string(), z.record(z.string(), z.number({ error: "应为数字" }).min(-1e12, "数值过小").max(1e12, "数值过大").nullable())),
  ),
  purchaseAmountUnit: z.string().max(20).nullable().optional(),
});
const feesSchema = z.object({
  cases: z.number({ error: "请填写收费件数" }).int("收费件数应为整数").min(0, "收费件数不能为负数").max(1_000_000, "收费件数过大"),
  amountYuan: z.number({ error: "请填写收费金额（元）" }).min(0, "收费金额不能为负数").max(1_000_000_000, "收费金额过大"),
});
const caseSchema = z.object({
  kind: z.enum(CASE_KINDS, { error: "kind应为review、litigation_direct或litigation_after_review" }),
  outcome: z.enum(CASE_OUTCOMES, { error: "outcome应为upheld、corrected、other或pending" }),
  filedAt: dateStr,
  concludedAt: dateStr.nullable().optional(),
  applicationNo: z.string().max(40).nullable().optional(),
  reference: z.string().max(100).nullable().optional(),
  note: z.string().max(2000).nullable().optional(),
});
const generateSchema = z.object({ overwrite: z.boolean().optional() });

export function reportRoutes(app: AppContext, deps: Pick<Services, "reports" | "staff">): Router[] {
  const svc = () => deps.reports;

  // ---- public ----
  const pub = new Router({ prefix: "/api/reports" });

  pub.get("/:year/figures", async (ctx) => {
    const year = yearParam(ctx);
    const q = parseInput(formatQuery, ctx.query);
    const agency = await agencyByCode(app, q.agency);
    const figures = await svc().figures(agency.id, year);
    if (!figures) throw new DomainError("REPORT.NOT_FOUND", `${agency.name}${year}年政府信息公开工作年度报告尚未发布`);
    ctx.body = figures;
  });

  pub.get("/:year", async (ctx) => {
    const year = yearParam(ctx);
    const q = parseInput(formatQuery, ctx.query);
    const agency = await agencyByCode(app, q.agency);
    const p = q.version ? await svc().publication(agency.id, year, q.version) : await svc().latestPublication(agency.id, year);
    if (!p) throw new DomainError("REPORT.NOT_FOUND", `${agency.name}${year}年政府信息公开工作年度报告尚未发布`);
    await send(ctx, p.snapshot as ReportJson, q.format, { "X-Report-Version": String(p.version), "X-Report-Published-At": p.publishedAt });
  });

  // ---- staff ----
  const staff = new Router({ prefix: "/api/staff/reports" });
  const anyStaff = requireStaff(deps.staff, mayDraftReport);
  const publisher = requireStaff(deps.staff, mayPublishReport);

  // Case register first so that "cases" is never read as a year.
  staff.get("/cases", anyStaff, async (ctx) => {
    const y = ctx.query.year ? Number(ctx.query.year) : undefined;
    if (y !== undefined) assertYear(y);
    ctx.body = { cases: await svc().listCases(currentStaff(ctx).agencyId, y) };
  });
  staff.post("/cases", anyStaff, async (ctx) => {
    const body = parseInput(caseSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { case: await svc().createCase(currentStaff(ctx).agencyId, body, currentStaff(ctx)) };
  });
  staff.patch("/cases/:id", anyStaff, async (ctx) => {
    const body = parseInput(caseSchema.partial(), ctx.request.body);
    ctx.body = { case: await svc().updateCase(currentStaff(ctx).agencyId, ctx.params.id, body, currentStaff(ctx)) };
  });

  staff.get("/:year", anyStaff, async (ctx) => {
    ctx.body = await svc().staffView(currentStaff(ctx).agencyId, yearParam(ctx));
  });
  staff.get("/:year/live", anyStaff, async (ctx) => {
    ctx.body = await svc().liveTable(currentStaff(ctx).agencyId, yearParam(ctx));
  });
  staff.get("/:year/preview", anyStaff, async (ctx) => {
    const year = yearParam(ctx);
    const q = parseInput(formatQuery, ctx.query);
    await send(
      ctx,
      await svc().buildReport(currentStaff(ctx).agencyId, year),
      q.format,
      { "X-Report-Status": "draft" },
      { status: "草稿（实时数据，尚未发布）", draft: true },
    );
  });
  staff.put("/:year/sections", anyStaff, async (ctx) => {
    const year = yearParam(ctx);
    const body = parseInput(sectionsSchema, ctx.request.body);
    const { version, ...patch } = body;
    const d = await svc().updateSections(currentStaff(ctx).agencyId, year, patch, currentStaff(ctx), version);
    ctx.body = { version: d.version, sections: { preamble: d.preamble ?? "", s1: d.section1 ?? "", s5: d.section5 ?? "", s6: d.section6 ?? "" } };
  });
  staff.put("/:year/active-disclosure", anyStaff, async (ctx) => {
    const year = yearParam(ctx);
    const body = parseInput(disclosureSchema, ctx.request.body);
    const d = await svc().setActiveDisclosure(currentStaff(ctx).agencyId, year, body.values, body.purchaseAmountUnit, currentStaff(ctx));
    ctx.body = { version: d.version, activeDisclosure: d.activeDisclosure, purchaseAmountUnit: d.purchaseAmountUnit };
  });
  staff.put("/:year/fees", anyStaff, async (ctx) => {
    const year = yearParam(ctx);
    const body = parseInput(feesSchema, ctx.request.body);
    const d = await svc().setFees(currentStaff(ctx).agencyId, year, body.cases, body.amountYuan, currentStaff(ctx));
    ctx.body = { version: d.version, fees: { cases: d.feeCases, amountYuan: Number(d.feeAmountYuan ?? 0) } };
  });
  staff.post("/:year/generate", anyStaff, async (ctx) => {
    const year = yearParam(ctx);
    const body = parseInput(generateSchema, ctx.request.body);
    const r = await svc().generateDraft(currentStaff(ctx).agencyId, year, { actor: currentStaff(ctx), overwrite: body.overwrite });
    ctx.body = { generated: r.generated, version: r.draft.version, generatedAt: r.draft.generatedAt, s1: r.draft.section1 ?? "" };
  });
  staff.post("/:year/publish", publisher, async (ctx) => {
    const year = yearParam(ctx);
    const p = await svc().publish(currentStaff(ctx).agencyId, year, currentStaff(ctx));
    ctx.status = 201;
    ctx.body = { version: p.version, publishedAt: p.publishedAt, differences: p.differences };
  });
  staff.get("/:year/versions", anyStaff, async (ctx) => {
    ctx.body = { versions: await svc().versions(currentStaff(ctx).agencyId, yearParam(ctx)) };
  });
  staff.get("/:year/versions/:version", anyStaff, async (ctx) => {
    const year = yearParam(ctx);
    const q = parseInput(formatQuery, ctx.query);
    const v = Number(ctx.params.version);
    const p = Number.isInteger(v) && v > 0 && v <= MAX_INT ? await svc().publication(currentStaff(ctx).agencyId, year, v) : null;
    if (!p) throw new DomainError("REPORT.NOT_FOUND", "该版本不存在");
    if (ctx.query.format) await send(ctx, p.snapshot as ReportJson, q.format, { "X-Report-Version": String(p.version) });
    else ctx.body = { version: p.version, publishedAt: p.publishedAt, source: p.source, differences: p.differences, report: p.snapshot };
  });

  return [pub, staff];
}

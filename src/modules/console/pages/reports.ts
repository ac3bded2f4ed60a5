// The annual report of a year: narratives and section 二 to edit, fees, the case register of section 四,
// the checks, a preview in the official layout, publication (approver/admin), versions with their
// differences, and downloads (HTML/DOCX/XLSX through the reports API, which accepts the console's cookie).
import type Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { isIsoDate, yearOf } from "../../../domain/china-time";
import { DomainError } from "../../../domain/errors";
import { parseInput } from "../../../http/validate";
import { CASE_KINDS, CASE_OUTCOMES, type CaseKind, type CaseOutcome } from "../../reports/entities";
import { getFormat, AMOUNT_DISCLOSURE_COLUMNS, SIGNED_DISCLOSURE_COLUMNS } from "../../reports/formats";
import type { Difference, ReportJson } from "../../reports/narrative";
import { gridsOf, paragraphs, reportTitle } from "../../reports/render-text";
import { html, options, raw, type SafeHtml } from "../../../http/html";
import { localTime, page } from "../layout";
import { gridHtml } from "../report-table";
import { consoleStaff, requireRole, setFlash, takeFlash } from "../session";
import { mayPublishReport } from "../../reports/policy";
import { checksList, parseYear } from "./statistics";

export const CASE_KIND_LABELS: Record<CaseKind, string> = {
  review: "行政复议",
  litigation_direct: "行政诉讼（未经复议直接起诉）",
  litigation_after_review: "行政诉讼（复议后起诉）",
};
export const CASE_OUTCOME_LABELS: Record<CaseOutcome, string> = { upheld: "结果维持", corrected: "结果纠正", other: "其他结果", pending: "尚未审结" };

const SECTION_FIELDS: Array<["preamble" | "s1" | "s5" | "s6", string]> = [
  ["preamble", "引言（法律依据、统计期限、联系方式，可选）"],
  ["s1", "一、总体情况"],
  ["s5", "五、存在的主要问题及改进情况"],
  ["s6", "六、其他需要报告的事项"],
];

const optText = (max: number) => z.string().max(max, `不能超过${max}个字`).optional();
const sectionsForm = z.object({
  preamble: optText(50_000),
  s1: optText(50_000),
  s5: optText(50_000),
  s6: optText(50_000),
  version: z.coerce.number().int().positive().optional(),
});
const feesForm = z.object({
  cases: z.coerce.number({ error: "收费件数应为整数" }).int("收费件数应为整数").min(0, "收费件数不能为负数"),
  amountYuan: z.coerce.number({ error: "收费金额应为数字" }).min(0, "收费金额不能为负数"),
});
const date = (label: string) => z.string({ error: `请填写${label}` }).refine(isIsoDate, `${label}格式不正确，应为YYYY-MM-DD`);
const caseForm = z.object({
  kind: z.enum(CASE_KINDS as [CaseKind, ...CaseKind[]], { error: "请选择案件类型" }),
  outcome: z.enum(CASE_OUTCOMES as [CaseOutcome, ...CaseOutcome[]], { error: "请选择结果" }),
  filedAt: date("立案日期"),
  concludedAt: date("审结日期").optional(),
  applicationNo: z.string().trim().max(40).optional(),
  reference: z.string().trim().max(100).optional(),
  note: z.string().trim().max(2000).optional(),
});

/** Empty form fields are absent, not empty strings. */
function formBody(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((ctx.request.body ?? {}) as Record<string, unknown>)) if (typeof v === "string" && v.trim() !== "") out[k] = v;
  return out;
}

const yearOfParam = (ctx: Context) => parseYear(ctx.params.year, 0);

function reportBody(r: ReportJson): SafeHtml {
  const { fmt, s2, s3, s4 } = gridsOf(r);
  const para = (t: string) => paragraphs(t ?? "").map((p) => html`<p>${p}</p>`);
  return html`<article class="preview-frame" id="report-preview" lang="zh-CN">
<h2 style="text-align:center">${reportTitle(r)}</h2>
${para(r.sections.preamble)}
<h3>${fmt.sections[0].label}</h3>${para(r.sections.s1)}
<h3>${fmt.sections[1].label}</h3>${gridHtml(s2, { id: "preview-s2", caption: s2.title })}
<h3>${fmt.sections[2].label}</h3>${gridHtml(s3, { id: "preview-s3", caption: s3.title })}
<h3>${fmt.sections[3].label}</h3>${gridHtml(s4, { id: "preview-s4", caption: s4.title })}
<h3>${fmt.sections[4].label}</h3>${para(r.sections.s5)}
<h3>${fmt.sections[5].label}</h3>${para(r.sections.s6)}
</article>`;
}

function differencesTable(diffs: Difference[], id: string): SafeHtml {
  if (!diffs.length) return html`<p class="muted">没有差异。</p>`;
  const show = (v: unknown) =>
    v === null || v === undefined ? "（空）" : typeof v === "string" ? (v.length > 300 ? `${v.slice(0, 300)}…` : v) : JSON.stringify(v);
  return html`<div class="table-wrap"><table class="diff" id="${id}">
<thead><tr><th scope="col">项目</th><th scope="col">原值</th><th scope="col">新值</th></tr></thead>
<tbody>${diffs.map((d) => html`<tr><th scope="row">${d.label}</th><td><del>${show(d.before)}</del></td><td><ins>${show(d.after)}</ins></td></tr>`)}</tbody>
</table></div>`;
}

function downloads(label: string, base: string): SafeHtml {
  const sep = base.includes("?") ? "&" : "?";
  return html`<p class="actions" aria-label="${label}">${label}：
<a class="button" href="${base}${sep}format=html" target="_blank" rel="noopener">HTML</a>
<a class="button" href="${base}${sep}format=docx" download>DOCX</a>
<a class="button" href="${base}${sep}format=xlsx" download>XLSX</a></p>`;
}

function disclosureForm(year: number, r: ReportJson, purchaseUnit: string | null): SafeHtml {
  const fmt = getFormat(r.format);
  return html`<form method="post" action="/console/reports/${year}/active-disclosure" class="stack">
${fmt.tables.activeDisclosure.subTables.map((s) => {
  const cols = s.columns.filter((c) => c.kind === "data");
  return html`<div class="table-wrap"><table class="report-table">
<caption>${s.caption}</caption>
<thead><tr><th scope="col">信息内容</th>${cols.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
<tbody>${s.rows.map(
    (row) =>
      html`<tr><th scope="row">${row.label}</th>${cols.map((c) => {
        const v = r.activeDisclosure?.[s.code]?.[row.code]?.[c.code];
        const name = `ad__${s.code}__${row.code}__${c.code}`;
        const amount = AMOUNT_DISCLOSURE_COLUMNS.has(c.code);
        return html`<td><label class="sr-only" for="${name}">${s.caption} ${row.label} ${c.label}</label><input id="${name}" name="${name}" type="number" inputmode="decimal" step="${amount ? "any" : "1"}"${SIGNED_DISCLOSURE_COLUMNS.has(c.code) ? "" : raw(' min="0"')} value="${v ?? ""}" size="8"></td>`;
      })}</tr>`,
  )}</tbody></table></div>`;
})}
${r.format === "2019" ? html`<label for="purchaseUnit">采购总金额单位</label><input id="purchaseUnit" name="purchaseAmountUnit" maxlength="20" value="${purchaseUnit ?? ""}" placeholder="如：万元">` : ""}
<button type="submit" class="primary">保存第二部分数据</button>
</form>`;
}

function parseDisclosure(body: Record<string, string>) {
  const values: Record<string, Record<string, Record<string, number | null>>> = {};
  const problems: Array<{ field: string; message: string }> = [];
  for (const [k, raw] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (!k.startsWith("ad__") || typeof raw !== "string") continue;
    const [, s, r, c] = k.split("__");
    if (!s || !r || !c) continue;
    const t = raw.trim();
    const n = t === "" ? null : Number(t);
    if (n !== null && !Number.isFinite(n)) problems.push({ field: `${s}.${r}.${c}`, message: "应为数字" });
    ((values[s] ??= {})[r] ??= {})[c] = n;
  }
  if (problems.length) throw new DomainError("VALIDATION.INVALID_INPUT", "第二十条数据有误", problems);
  return values;
}

export function reportRoutes(app: AppContext, r: Router, deps: Pick<Services, "reports" | "staff" | "district">): void {
  const svc = () => deps.reports;

  r.get("/reports", async (ctx) => {
    const staff = consoleStaff(ctx);
    const current = yearOf(app.today());
    const year = parseYear(ctx.query.year, current - 1);
    const v = await svc().staffView(staff.agencyId, year);
    const versions = await svc().versions(staff.agencyId, year);
    const cases = await svc().listCases(staff.agencyId, year);
    const users = new Map((await deps.staff.listUsers(staff.agencyId)).map((u) => [u.id, u.displayName ?? u.username]));
    const sections = v.draft?.sections ?? v.report.sections;
    const mayPublish = mayPublishReport(staff);
    // The year-end job's reminders to this staff member (issue 17: report failing its checks or unpublished).
    const district = deps.district;
    const reminders = district ? await district.remindersFor(staff.id) : [];
    const years = Array.from({ length: 8 }, (_, i) => current - i);
    const base = `/console/reports/${year}`;
    const body = html`
<form method="get" action="/console/reports" class="filters card">
  <div class="field"><label for="year">年度</label><select id="year" name="year">${options(
    years.map((y) => [String(y), `${y}年`]),
    String(year),
  )}</select></div>
  <div class="field"><button type="submit">切换</button></div>
</form>
${
  reminders.length
    ? html`<section class="card" aria-labelledby="h-reminders" id="report-reminders"><h2 id="h-reminders">提醒</h2>
<ul>${reminders.map((m) => html`<li>${localTime(app, m.createdAt)}：${m.message}</li>`)}</ul></section>`
    : ""
}
<section class="card" aria-labelledby="h-status" id="report-status">
  <h2 id="h-status">状态</h2>
  <p>${v.format}年版格式。${v.published ? html`已发布第 <strong id="published-version">${v.published.version}</strong> 版（${localTime(app, v.published.publishedAt)}）。` : html`<strong>尚未发布。</strong>`}
  ${v.draft ? html`草稿第 ${v.draft.version} 次修改，${localTime(app, v.draft.updatedAt)}。` : "尚无草稿。"}</p>
  ${checksList(v.report.checks)}
  ${v.published && v.pendingDifferences.length ? html`<h3>与已发布版本相比的变化（${v.pendingDifferences.length} 处）</h3>${differencesTable(v.pendingDifferences, "pending-diff")}` : ""}
  <p class="actions"><a class="button" href="${base}/preview">预览报告（正式格式）</a></p>
  ${downloads("下载当前草稿", `/api/staff/reports/${year}/preview`)}
  ${
    mayPublish
      ? v.published && !v.pendingDifferences.length
        ? html`<p class="muted">与已发布的第 ${v.published.version} 版相同，无需重新发布。</p>`
        : v.publishable
          ? html`<form method="post" action="${base}/publish" class="inline"><button type="submit" class="primary" data-confirm="发布后该版本不可更改，确定发布${year}年度报告？">发布${v.published ? "新版本" : ""}</button></form>`
          : html`<p class="muted">${year >= current ? `${year}年尚未结束，不能发布。` : "校验未通过，不能发布。"}</p>`
      : html`<p class="muted">发布须由审批人或管理员操作。</p>`
  }
</section>

<section class="card" aria-labelledby="h-versions">
  <h2 id="h-versions">已发布版本</h2>
  ${
    versions.length
      ? html`<div class="table-wrap"><table id="versions"><thead><tr><th scope="col">版本</th><th scope="col">发布时间</th><th scope="col">发布人</th><th scope="col">与上一版的差异</th><th scope="col">下载</th></tr></thead><tbody>
${versions.map(
  (
    x,
  ) => html`<tr><td>第 ${x.version} 版</td><td>${localTime(app, x.publishedAt)}</td><td>${x.publishedBy ? (users.get(x.publishedBy) ?? x.publishedBy) : x.source === "seed" ? "历史数据导入" : "系统"}</td>
<td>${x.version > 1 ? html`<a href="${base}/versions/${x.version}">${x.differences.length} 处差异</a>` : "首次发布"}</td>
<td><a href="/api/staff/reports/${year}/versions/${x.version}?format=html" target="_blank" rel="noopener">HTML</a> · <a href="/api/staff/reports/${year}/versions/${x.version}?format=docx" download>DOCX</a> · <a href="/api/staff/reports/${year}/versions/${x.version}?format=xlsx" download>XLSX</a></td></tr>`,
)}</tbody></table></div>`
      : html`<p class="muted">尚无已发布版本。</p>`
  }
</section>

<section class="card" aria-labelledby="h-sections">
  <h2 id="h-sections">文字部分</h2>
  <form method="post" action="${base}/sections" class="stack">
    <input type="hidden" name="version" value="${v.draft?.version ?? ""}">
    ${SECTION_FIELDS.map(([k, label]) => html`<label for="sec-${k}">${label}</label><textarea id="sec-${k}" name="${k}" rows="${k === "s1" ? 8 : 4}">${sections[k] ?? ""}</textarea>`)}
    <button type="submit" class="primary">保存文字部分</button>
  </form>
  <form method="post" action="${base}/generate" class="inline">
    <label><input type="checkbox" name="overwrite" value="1"> 覆盖已有的“总体情况”</label>
    <button type="submit">根据统计数据生成“总体情况”草稿</button>
  </form>
</section>

<section class="card" aria-labelledby="h-s2">
  <h2 id="h-s2">二、主动公开政府信息情况（第二十条）</h2>
  ${disclosureForm(year, v.report, v.draft?.purchaseAmountUnit ?? null)}
</section>

<section class="card" aria-labelledby="h-fees">
  <h2 id="h-fees">信息处理费（写入第六部分）</h2>
  <form method="post" action="${base}/fees" class="grid-form">
    <label for="fee-cases">收费件数</label><input id="fee-cases" name="cases" type="number" min="0" step="1" value="${v.draft?.fees.cases ?? 0}" required>
    <label for="fee-amount">收费金额（元）</label><input id="fee-amount" name="amountYuan" type="number" min="0" step="0.01" value="${v.draft?.fees.amountYuan ?? 0}" required>
    <div class="form-actions"><button type="submit">保存收费情况</button></div>
  </form>
</section>

<section class="card" aria-labelledby="h-cases">
  <h2 id="h-cases">四、行政复议和行政诉讼案件</h2>
  ${
    cases.length
      ? html`<div class="table-wrap"><table id="cases"><thead><tr><th scope="col">类型</th><th scope="col">立案日期</th><th scope="col">结果与审结日期</th><th scope="col">关联申请</th><th scope="col">案号/备注</th></tr></thead><tbody>
${cases.map(
  (c) => html`<tr><td>${CASE_KIND_LABELS[c.kind]}</td><td>${c.filedAt}</td>
<td><form method="post" action="/console/reports/cases/${c.id}" class="inline">
  <input type="hidden" name="back" value="${base}">
  <label class="sr-only" for="co-${c.id}">结果</label><select id="co-${c.id}" name="outcome">${options(Object.entries(CASE_OUTCOME_LABELS), c.outcome)}</select>
  <label class="sr-only" for="cc-${c.id}">审结日期</label><input id="cc-${c.id}" name="concludedAt" type="date" value="${c.concludedAt ?? ""}">
  <button type="submit">更新</button></form></td>
<td>${c.applicationNo ? html`<a href="/console/applications/${encodeURIComponent(c.applicationNo)}">${c.applicationNo}</a>` : "—"}</td><td>${c.reference ?? ""} ${c.note ?? ""}</td></tr>`,
)}</tbody></table></div>`
      : html`<p class="muted">本年度没有案件。</p>`
  }
  <h3>登记案件</h3>
  <form method="post" action="${base}/cases" class="grid-form">
    <label for="case-kind">类型</label><select id="case-kind" name="kind">${options(Object.entries(CASE_KIND_LABELS), "review")}</select>
    <label for="case-outcome">结果</label><select id="case-outcome" name="outcome">${options(Object.entries(CASE_OUTCOME_LABELS), "pending")}</select>
    <label for="case-filed">立案日期</label><input id="case-filed" name="filedAt" type="date" required>
    <label for="case-concluded">审结日期（已审结时填写）</label><input id="case-concluded" name="concludedAt" type="date">
    <label for="case-app">关联申请编号（可选）</label><input id="case-app" name="applicationNo" maxlength="40">
    <label for="case-ref">案号（可选）</label><input id="case-ref" name="reference" maxlength="100">
    <label for="case-note">备注（可选）</label><input id="case-note" name="note" maxlength="2000">
    <div class="form-actions"><button type="submit" class="primary">登记</button></div>
  </form>
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `${year}年度报告`, active: "reports", body, flash: takeFlash(ctx) }).value;
  });

  r.get("/reports/:year/preview", async (ctx) => {
    const staff = consoleStaff(ctx);
    const year = yearOfParam(ctx);
    const report = await svc().buildReport(staff.agencyId, year);
    const body = html`<p><a href="/console/reports?year=${year}">← 返回编辑</a></p>
<p class="flash ok" role="status">预览：按当前数据和草稿生成，尚未发布。</p>
${downloads("下载", `/api/staff/reports/${year}/preview`)}
${reportBody(report)}`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `${year}年度报告预览`, active: "reports", body }).value;
  });

  r.get("/reports/:year/versions/:version", async (ctx) => {
    const staff = consoleStaff(ctx);
    const year = yearOfParam(ctx);
    const version = Number(ctx.params.version);
    const list = await svc().versions(staff.agencyId, year);
    const v = list.find((x) => x.version === version);
    if (!v) throw new DomainError("REPORT.NOT_FOUND", "该版本不存在");
    const body = html`<p><a href="/console/reports?year=${year}">← 返回</a></p>
<p>第 ${v.version} 版，${localTime(app, v.publishedAt)} 发布。与第 ${v.version - 1} 版相比：</p>
${differencesTable(v.differences, "version-diff")}
${downloads("下载本版", `/api/staff/reports/${year}/versions/${v.version}`)}`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `${year}年度报告 第${v.version}版`, active: "reports", body }).value;
  });

  r.post("/reports/:year/sections", async (ctx) => {
    const staff = consoleStaff(ctx);
    const year = yearOfParam(ctx);
    const raw = (ctx.request.body ?? {}) as Record<string, unknown>;
    const f = parseInput(sectionsForm, formBody(ctx));
    // Textareas always arrive (possibly empty): an empty one clears its section.
    const patch = Object.fromEntries(
      SECTION_FIELDS.filter(([k]) => typeof raw[k] === "string").map(([k]) => [k, String(raw[k]).replace(/\r\n/g, "\n").slice(0, 50_000)]),
    );
    await svc().updateSections(staff.agencyId, year, patch, staff, f.version);
    setFlash(ctx, { kind: "ok", text: "文字部分已保存" });
    ctx.redirect(`/console/reports?year=${year}`);
  });

  r.post("/reports/:year/generate", async (ctx) => {
    const staff = consoleStaff(ctx);
    const year = yearOfParam(ctx);
    const overwrite = formBody(ctx).overwrite === "1";
    const res = await svc().generateDraft(staff.agencyId, year, { actor: staff, overwrite });
    setFlash(ctx, { kind: "ok", text: res.generated ? "已根据统计数据生成“总体情况”草稿" : "草稿此前已生成；如需重新生成请勾选“覆盖”" });
    ctx.redirect(`/console/reports?year=${year}`);
  });

  r.post("/reports/:year/active-disclosure", async (ctx) => {
    const staff = consoleStaff(ctx);
    const year = yearOfParam(ctx);
    const body = formBody(ctx);
    const values = parseDisclosure((ctx.request.body ?? {}) as Record<string, string>);
    await svc().setActiveDisclosure(staff.agencyId, year, values, body.purchaseAmountUnit ?? null, staff);
    setFlash(ctx, { kind: "ok", text: "第二部分数据已保存" });
    ctx.redirect(`/console/reports?year=${year}`);
  });

  r.post("/reports/:year/fees", async (ctx) => {
    const staff = consoleStaff(ctx);
    const year = yearOfParam(ctx);
    const f = parseInput(feesForm, formBody(ctx));
    await svc().setFees(staff.agencyId, year, f.cases, f.amountYuan, staff);
    setFlash(ctx, { kind: "ok", text: "收费情况已保存" });
    ctx.redirect(`/console/reports?year=${year}`);
  });

  r.post("/reports/:year/cases", async (ctx) => {
    const staff = consoleStaff(ctx);
    const year = yearOfParam(ctx);
    const f = parseInput(caseForm, formBody(ctx));
    await svc().createCase(staff.agencyId, { ...f, concludedAt: f.concludedAt ?? null }, staff);
    setFlash(ctx, { kind: "ok", text: "案件已登记" });
    ctx.redirect(`/console/reports?year=${year}`);
  });

  r.post("/reports/cases/:id", async (ctx) => {
    const staff = consoleStaff(ctx);
    const body = formBody(ctx);
    const f = parseInput(caseForm.pick({ outcome: true, concludedAt: true }), body);
    await svc().updateCase(staff.agencyId, ctx.params.id, { outcome: f.outcome, concludedAt: f.concludedAt ?? null }, staff);
    setFlash(ctx, { kind: "ok", text: "案件已更新" });
    ctx.redirect(body.back && /^\/console\/reports\/\d{4}$/.test(body.back) ? `/console/reports?year=${body.back.slice(-4)}` : "/console/reports");
  });

  r.post("/reports/:year/publish", async (ctx) => {
    const staff = requireRole(ctx, mayPublishReport);
    const year = yearOfParam(ctx);
    const p = await svc().publish(staff.agencyId, year, staff);
    setFlash(ctx, { kind: "ok", text: `已发布${year}年度报告第${p.version}版` });
    ctx.redirect(`/console/reports?year=${year}`);
  });
}

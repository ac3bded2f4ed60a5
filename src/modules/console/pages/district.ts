// The supervisor's district pages (issue 17), read-only: deadlines by agency with the overdue applications, the
// state of every agency's annual report (missing or late at 31 January, Art. 49) with its checks, and the district
// total table (the sum of the agencies' tables, official labels) with each agency's checks — this year and past years.
import type Router from "@koa/router";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { yearOf } from "../../../domain/china-time";
import { statusLabel } from "../../applications/lifecycle";
import { PUBLICATION_STATE_LABELS } from "../../platform/district-service";
import { formatForYear } from "../../reports/formats";
import { applicationGrid } from "../../reports/layout";
import { html, raw } from "../../../http/html";
import { page } from "../layout";
import { gridHtml } from "../report-table";
import { consoleStaff, requireRole, takeFlash } from "../session";
import { mayOverseeDistrict } from "../../platform/policy";
import { checksList, parseYear } from "./statistics";

const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);

function yearPicker(action: string, year: number, current: number) {
  const years = Array.from({ length: 6 }, (_, i) => current - i);
  return html`<nav class="card" aria-label="年度"><p>${years.map((y) => (y === year ? html`<strong>${y}年</strong> ` : html`<a href="${action}/${y}">${y}年</a> `))}</p></nav>`;
}

export function districtRoutes(app: AppContext, r: Router, deps: Pick<Services, "agencies" | "district">): void {
  const district = () => deps.district;
  const scope = (ctx: Parameters<typeof consoleStaff>[0]) => deps.agencies.scopeOf(requireRole(ctx, mayOverseeDistrict));

  r.get("/district", async (ctx) => {
    const ids = await scope(ctx);
    const today = app.today();
    const reportYear = yearOf(today) - 1;
    const [d, overdue, pubs] = await Promise.all([
      district().deadlines(ids, today),
      district().overdueList(ids, today),
      district().publications(ids, reportYear, today),
    ]);
    const nameOf = new Map(d.rows.map((a) => [a.id, a.name]));
    const body = html`
<p>截至 ${today}：${d.rows.length} 个机关，办理中 ${d.totals.open} 件，<strong>已超期 ${d.totals.overdue} 件</strong>，${d.atRiskUntil} 前到期 ${d.totals.atRisk} 件；${d.year}年按期答复率 ${pct(d.totals.onTimeRate)}。
<a href="/console/district/table/${reportYear + 1}">全区合计表</a> · <a href="/console/district/reports/${reportYear}">${reportYear}年度报告</a></p>
<section class="card" aria-labelledby="h-deadlines">
<h2 id="h-deadlines">各机关办理期限</h2>
<div class="table-wrap"><table id="deadlines">
<caption class="sr-only">各机关办理中、已超期、临近期限的申请及按期答复率</caption>
<thead><tr><th scope="col">机关</th><th scope="col">办理中</th><th scope="col">已超期</th><th scope="col">临近期限（${raw("≤")}${5}个工作日）</th><th scope="col">${d.year}年答复</th><th scope="col">按期答复率</th><th scope="col">${reportYear}年度报告</th></tr></thead>
<tbody>${d.rows.map((a) => {
      const p = pubs.get(a.id)!;
      return html`<tr><th scope="row">${a.name}</th><td class="num">${a.open}</td><td class="num${a.overdue ? " error-text" : ""}">${a.overdue}</td><td class="num">${a.atRisk}</td><td class="num">${a.answered}</td><td class="num">${pct(a.onTimeRate)}</td>
<td class="${p.state === "missing" || p.state === "late" ? "error-text" : ""}">${PUBLICATION_STATE_LABELS[p.state]}${p.firstPublishedOn ? `（${p.firstPublishedOn}，第${p.version}版）` : ""}</td></tr>`;
    })}</tbody></table></div>
</section>
<section class="card" aria-labelledby="h-overdue">
<h2 id="h-overdue">已超期的申请${overdue.length >= 100 ? "（最早的100件）" : ""}</h2>
${
  overdue.length
    ? html`<div class="table-wrap"><table id="overdue"><thead><tr><th scope="col">申请编号</th><th scope="col">机关</th><th scope="col">答复期限</th><th scope="col">状态</th></tr></thead>
<tbody>${overdue.map((o) => html`<tr><td>${o.applicationNo}</td><td>${nameOf.get(o.agencyId) ?? ""}</td><td>${o.dueDate}</td><td>${statusLabel(o.status)}</td></tr>`)}</tbody></table></div>`
    : html`<p>没有超期的申请。</p>`
}
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "全区监督", active: "district", body, flash: takeFlash(ctx) }).value;
  });

  r.get("/district/reports/:year", async (ctx) => {
    const ids = await scope(ctx);
    const today = app.today();
    const year = parseYear(ctx.params.year, yearOf(today) - 1);
    const rows = await district().reports(ids, year, today);
    const body = html`${yearPicker("/console/district/reports", year, yearOf(today))}
<p>${year}年度报告应于 ${year + 1}-01-31 前发布（《政府信息公开条例》第四十九条）。</p>
<div class="table-wrap"><table id="district-reports">
<caption class="sr-only">各机关年度报告状态</caption>
<thead><tr><th scope="col">机关</th><th scope="col">发布情况</th><th scope="col">草稿</th><th scope="col">实时数据校验</th><th scope="col">已发布版本的校验</th></tr></thead>
<tbody>${rows.map((a) => {
      const failedLive = a.checks.filter((c) => !c.ok).length;
      const pc = a.publication.publishedChecks;
      return html`<tr><th scope="row">${a.name}</th>
<td class="${a.publication.state === "missing" || a.publication.state === "late" ? "error-text" : ""}">${PUBLICATION_STATE_LABELS[a.publication.state]}${a.publication.firstPublishedOn ? `（首次 ${a.publication.firstPublishedOn}，现第${a.publication.version}版）` : ""}</td>
<td>${a.draftGeneratedAt ? "已生成" : "未生成"}</td>
<td><details><summary class="${failedLive ? "error-text" : ""}">${failedLive ? `${failedLive} 项未通过` : "全部通过"}</summary>${checksList(a.checks, `-live-${a.code}`)}</details></td>
<td>${pc ? html`<details><summary>${pc.every((c) => c.ok) ? "全部通过" : `${pc.filter((c) => !c.ok).length} 项未通过`}</summary>${checksList(pc, `-published-${a.code}`)}</details>` : "—"}</td></tr>`;
    })}</tbody></table></div>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `${year}年度报告（全区）`, active: "district", body, flash: takeFlash(ctx) }).value;
  });

  r.get("/district/table/:year", async (ctx) => {
    const ids = await scope(ctx);
    const today = app.today();
    const year = parseYear(ctx.params.year, yearOf(today));
    const t = await district().districtTable(ids, year, today);
    const fmt = formatForYear(year);
    const body = html`${yearPicker("/console/district/table", year, yearOf(today))}
<section class="card" aria-labelledby="h-total">
<h2 id="h-total">全区合计：三、收到和处理政府信息公开申请情况（${t.format}年版格式，${t.agencies.length} 个机关之和）</h2>
${gridHtml(applicationGrid(fmt, t.total), { id: "district-total", caption: `${year}年 全区合计 截至${today}` })}
</section>
<section class="card" aria-labelledby="h-agencies">
<h2 id="h-agencies">各机关的表和校验</h2>
${t.agencies.map(
  (
    a,
  ) => html`<details class="agency-table"><summary>${a.name}：${a.checksOk ? "校验全部通过" : html`<span class="error-text">${a.checks.filter((c) => !c.ok).length} 项校验未通过</span>`}</summary>
${gridHtml(applicationGrid(fmt, a.table), { id: `table-${a.code}`, caption: `${a.name} ${year}年` })}
${checksList(a.checks, `-${a.code}`)}</details>`,
)}
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `${year}年全区合计表`, active: "district", body, flash: takeFlash(ctx) }).value;
  });
}

// Statistics of a year, live: table 三 in the official layout with the report's checks (both from the
// reports service, i.e. SQL aggregates), and three charts drawn by Chart.js from GROUP BY queries.
import type Router from "@koa/router";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { yearOf } from "../../../domain/china-time";
import { dispositionLabel } from "../../applications/dispositions";
import { CHANNEL_LABELS } from "../../applications/intake-schema";
import { gridsOf } from "../../reports/render-text";
import { assertYear } from "../../reports/report-service";
import { html, options, raw, type SafeHtml } from "../../../http/html";
import { page } from "../layout";
import { gridHtml } from "../report-table";
import { consoleStaff, takeFlash } from "../session";
import { dispositionCounts, monthlyIntakeByChannel, WORKING_DAY_BUCKETS, workingDaysTaken } from "../stats-queries";

const PALETTE = ["#0b5cad", "#c2410c", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#be123c", "#4d7c0f"];

/** A chart config as a JSON data block (not executed; CSP-safe), drawn by console.js. `<` is escaped. */
function chart(id: string, title: string, config: unknown, fallback: SafeHtml): SafeHtml {
  const json = JSON.stringify(config).replace(/</g, "\\u003c");
  return html`<figure class="card">
<figcaption><h3>${title}</h3></figcaption>
<div class="chart-box"><canvas id="${id}" data-chart="${id}-data" role="img" aria-label="${title}（数据见下表）"></canvas></div>
<script type="application/json" id="${id}-data">${raw(json)}</script>
<details><summary>数据表</summary>${fallback}</details>
</figure>`;
}

/** The checks as a list; `idSuffix` keeps ids unique where several agencies' lists share a page. */
export function checksList(checks: Array<{ id: string; ok: boolean; detail: string }>, idSuffix = ""): SafeHtml {
  const failed = checks.filter((c) => !c.ok).length;
  return html`<p id="checks-summary${idSuffix}" class="${failed ? "error-text" : ""}">${failed ? `${failed} 项校验未通过` : `全部 ${checks.length} 项校验通过`}</p>
<ul class="checks" id="checks${idSuffix}">${checks.map((c) => html`<li class="${c.ok ? "pass" : "fail"}">${c.ok ? "✓ 通过" : "✗ 未通过"}：${c.detail}</li>`)}</ul>`;
}

export function parseYear(v: unknown, fallback: number): number {
  if (v === undefined || v === "") return fallback;
  const y = typeof v === "string" && /^\d{4}$/.test(v) ? Number(v) : NaN;
  assertYear(y);
  return y;
}

export function statisticsRoutes(app: AppContext, r: Router, deps: Pick<Services, "applications" | "reports">): void {
  r.get("/statistics", async (ctx) => {
    const staff = consoleStaff(ctx);
    const current = yearOf(app.today());
    const year = parseYear(ctx.query.year, current);
    const report = await deps.reports.buildReport(staff.agencyId, year);
    const { s3 } = gridsOf(report);
    const [intake, dispositions, days] = await Promise.all([
      monthlyIntakeByChannel(app.db, staff.agencyId, year),
      dispositionCounts(app.db, staff.agencyId, year),
      deps.applications.calendarFor(staff.agencyId).then((cal) => workingDaysTaken(app.db, staff.agencyId, year, cal)),
    ]);
    const channels = Object.keys(intake.byChannel);
    const monthLabels = intake.months.map((m) => `${Number(m)}月`);
    const channelLabel = (c: string) => CHANNEL_LABELS[c as keyof typeof CHANNEL_LABELS] ?? c;
    const intakeChart = chart(
      "chart-intake",
      `${year}年每月收到申请（按渠道）`,
      {
        type: "bar",
        data: {
          labels: monthLabels,
          datasets: channels.map((c, i) => ({ label: channelLabel(c), data: intake.byChannel[c], backgroundColor: PALETTE[i % PALETTE.length] })),
        },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
      },
      html`<table><thead><tr><th scope="col">月份</th>${channels.map((c) => html`<th scope="col">${channelLabel(c)}</th>`)}</tr></thead>
<tbody>${monthLabels.map((m, i) => html`<tr><th scope="row">${m}</th>${channels.map((c) => html`<td class="num">${intake.byChannel[c][i]}</td>`)}</tr>`)}</tbody></table>`,
    );
    const dispChart = chart(
      "chart-dispositions",
      `${year}年答复结果`,
      {
        type: "bar",
        data: {
          labels: dispositions.map((d) => dispositionLabel(d.disposition) ?? d.disposition),
          datasets: [{ label: "件数", data: dispositions.map((d) => d.n), backgroundColor: PALETTE[0] }],
        },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
      },
      html`<table><tbody>${dispositions.map((d) => html`<tr><th scope="row">${dispositionLabel(d.disposition) ?? d.disposition}</th><td class="num">${d.n}</td></tr>`)}</tbody></table>`,
    );
    const daysChart = chart(
      "chart-days",
      `${year}年答复用时（工作日，自起算日至答复日）${days.average !== null ? `，平均 ${days.average} 天` : ""}`,
      {
        type: "bar",
        data: {
          labels: WORKING_DAY_BUCKETS.map((b) => b.label),
          datasets: [{ label: "件数", data: days.buckets, backgroundColor: WORKING_DAY_BUCKETS.map((b) => (b.max > 20 ? "#be123c" : "#15803d")) }],
        },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
      },
      html`<table><tbody>${WORKING_DAY_BUCKETS.map((b, i) => html`<tr><th scope="row">${b.label}</th><td class="num">${days.buckets[i]}</td></tr>`)}</tbody></table>`,
    );
    const years = Array.from({ length: 5 }, (_, i) => current - i);
    const body = html`
<form method="get" action="/console/statistics" class="filters card">
  <div class="field"><label for="year">年度</label><select id="year" name="year">${options(
    years.map((y) => [String(y), `${y}年`]),
    String(year),
  )}</select></div>
  <div class="field"><button type="submit">查看</button></div>
</form>
<section class="card" aria-labelledby="h-table">
  <h2 id="h-table">三、收到和处理政府信息公开申请情况（实时，${report.format}年版格式）</h2>
  ${gridHtml(s3, { id: "application-table", caption: `${year}年 截至${app.today()}` })}
</section>
<section class="card" aria-labelledby="h-checks">
  <h2 id="h-checks">校验</h2>
  ${checksList(report.checks)}
</section>
<div class="charts">${intakeChart}${dispChart}${daysChart}</div>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `${year}年统计`, active: "statistics", body, flash: takeFlash(ctx), scripts: ["/console/assets/chart.umd.js"] }).value;
  });
}

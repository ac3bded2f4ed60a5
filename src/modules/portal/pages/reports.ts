// The annual reports on the portal: /reports lists every published year; /reports/:year renders one year from its
// published snapshot (latest version, or ?version=N) with the reports module's own cell model (gridsOf, the grids
// its HTML, DOCX and XLSX use) drawn by the console's table renderer, and links to the DOCX/XLSX/HTML downloads of
// that very version from the public report API.
import { html, type SafeHtml } from "../../../http/html";
import { gridHtml } from "../../console/report-table";
import type { ReportJson } from "../../reports/narrative";
import { gridsOf, paragraphs, reportTitle } from "../../reports/render-text";
import { link, portalPage, type PortalAgency } from "../layout";

export interface PublishedYear {
  year: number;
  version: number;
  publishedAt: string;
}

export function reportsIndexPage(agency: PortalAgency, years: PublishedYear[]): string {
  const body = html`<h1>政府信息公开工作年度报告</h1>
<p>行政机关每年1月31日前公布本机关上一年度政府信息公开工作年度报告（《政府信息公开条例》第四十九条）。以下为${agency.name}已发布的年度报告。</p>
${
  years.length
    ? html`<ul class="years" aria-label="已发布年度">${years.map((y) => html`<li><a href="${link(agency, `/reports/${y.year}`)}">${y.year}年度报告</a></li>`)}</ul>`
    : html`<p>本机关尚未发布年度报告。</p>`
}`;
  return portalPage(agency, { title: "年度报告", active: "reports", body });
}

const paras = (text: string | undefined): SafeHtml => html`${paragraphs(text ?? "").map((p) => html`<p>${p}</p>`)}`;

/** One published report: the six sections, the official tables, and the downloads of this version. */
export function reportPage(agency: PortalAgency, r: ReportJson, pub: PublishedYear, versions: number[]): string {
  const { fmt, s2, s3, s4 } = gridsOf(r);
  const download = (format: string) => link(agency, `/api/reports/${r.year}`, { format, version: pub.version });
  const older = versions.filter((v) => v !== pub.version);
  const body = html`<article class="report">
<h1>${reportTitle(r)}</h1>
<p class="meta">第${pub.version}版，发布于${pub.publishedAt.slice(0, 10)}${versions.length > 1 && pub.version === Math.max(...versions) ? "（最新版本）" : ""}</p>
<ul class="downloads" aria-label="下载">
<li><a class="button" href="${download("docx")}" download>下载 Word（DOCX）</a></li>
<li><a class="button" href="${download("xlsx")}" download>下载表格（XLSX）</a></li>
<li><a class="button secondary" href="${download("html")}">打印版（HTML）</a></li>
</ul>
${older.length ? html`<p class="meta">其他版本：${older.map((v) => html`<a href="${link(agency, `/reports/${r.year}`, { version: v })}">第${v}版</a> `)}</p>` : ""}
${paras(r.sections.preamble)}
<h2>${fmt.sections[0].label}</h2>
${paras(r.sections.s1)}
<h2>${fmt.sections[1].label}</h2>
${gridHtml(s2, { id: "report-s2", caption: s2.title })}
<h2>${fmt.sections[2].label}</h2>
${gridHtml(s3, { id: "report-s3", caption: s3.title, className: "applications" })}
<h2>${fmt.sections[3].label}</h2>
${gridHtml(s4, { id: "report-s4", caption: s4.title })}
<h2>${fmt.sections[4].label}</h2>
${paras(r.sections.s5)}
<h2>${fmt.sections[5].label}</h2>
${paras(r.sections.s6)}
</article>
<p><a href="${link(agency, "/reports")}">全部年度报告</a></p>`;
  return portalPage(agency, { title: reportTitle(r), active: "reports", body });
}

// HTML and Markdown renderings of a report: the six canonical headings, the narratives, and the official
// tables (HTML with the merged cells; Markdown as pipe tables, which cannot merge, with group labels kept).
// The HTML prints on A4 from a browser (@page, header rows repeated, no row split, table 三 on a landscape page),
// so that "print to PDF" gives a fileable document; a draft is marked 草稿 on every page.
import { html, joinHtml, raw, type HtmlValue, type SafeHtml } from "../../http/html";
import { columnWidths } from "./column-widths";
import { DRAFT_HEADER, DRAFT_MARK, failedCheckLines, failedChecksHeading, type RenderOptions } from "./draft-notice";
import { getFormat, reviewColumnLabel } from "./formats";
import { applicationGrid, disclosureGrid, reviewGrid, type Grid } from "./layout";
import type { ReportJson } from "./narrative";

export const reportTitle = (r: ReportJson) => `${r.agency.name}${r.year}年政府信息公开工作年度报告`;

export function paragraphs(text: string): string[] {
  return text
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export function gridsOf(r: ReportJson) {
  const fmt = getFormat(r.format);
  return { fmt, s2: disclosureGrid(fmt, r.activeDisclosure), s3: applicationGrid(fmt, r.applications), s4: reviewGrid(fmt, r.reviewLitigation) };
}

/** One em of the printed 10-pt table text in per mille of the table: 156 mm portrait, 247 mm landscape. */
const EM_PERMILLE = { portrait: 23, landscape: 14.3 } as const;

function htmlTable(g: Grid, cls: string, page: keyof typeof EM_PERMILLE = "portrait"): SafeHtml {
  // Widths in per mille of the table, from the same rule as DOCX and XLSX (label columns wide, numbers equal).
  const em = EM_PERMILLE[page];
  const cols = columnWidths(g, { total: 1000, em, padding: em * 0.6 }).map((w) => html`<col style="width:${(w / 10).toFixed(1)}%">`);
  const rows = g.rows.map((cells, i) => {
    const tds = cells.map((c) => {
      const tag = raw(c.kind === "header" || c.kind === "caption" || (i < g.headerRows && c.kind !== "number") ? "th" : "td");
      const rowSpan = c.rowSpan && c.rowSpan > 1 ? html` rowspan="${c.rowSpan}"` : "";
      const colSpan = c.colSpan && c.colSpan > 1 ? html` colspan="${c.colSpan}"` : "";
      return html`<${tag}${rowSpan}${colSpan} class="${c.kind}">${c.text}</${tag}>`;
    });
    return html`<tr>${tds}</tr>`;
  });
  // Header rows in <thead>, which browsers repeat at the top of every printed page.
  const head = g.headerRows ? html`<thead>\n${joinHtml(rows.slice(0, g.headerRows), "\n")}\n</thead>\n` : "";
  return html`<table class="${cls}">\n<colgroup>${cols}</colgroup>\n${head}<tbody>\n${joinHtml(rows.slice(g.headerRows), "\n")}\n</tbody>\n</table>`;
}

const PRINT_STYLE = `@page{size:A4;margin:37mm 26mm 35mm 28mm}@page landscape{size:A4 landscape;margin:15mm 25mm 15mm 25mm}
@media print{body{max-width:none;margin:0;padding:0;font-family:"FangSong","仿宋","STFangsong","Noto Serif CJK SC","Noto Sans CJK SC",serif;font-size:16pt;line-height:28.95pt}
h1{font-family:"方正小标宋简体","SimSun","宋体","Noto Serif CJK SC",serif;font-size:22pt;line-height:35pt;font-weight:normal;margin:0 0 28.95pt}
h2{font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif;font-size:16pt;font-weight:normal;margin:0;text-indent:2em;break-after:avoid}
p{margin:0}section.landscape{page:landscape}section.landscape h2{text-indent:0}
table{font-size:10pt;line-height:1.2;margin:4pt 0 12pt;table-layout:fixed}th,td{padding:0.5pt 3pt}th.caption,th.header{background:none}
tr{break-inside:avoid}thead{display:table-header-group}
.draft-mark{font-size:12pt;line-height:1.5;font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif}}`;

/** A draft's mark in the top margin of every printed page (a CSS page-margin box). */
const draftPageStyle = () => raw(`<style>@page{@top-right{content:"${DRAFT_HEADER}";font:bold 10.5pt "SimHei","黑体","Noto Sans CJK SC",sans-serif}}</style>`);

const STYLE = `body{font-family:"Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;max-width:1100px;margin:24px auto;padding:0 16px;line-height:1.8;color:#111}
h1{text-align:center;font-size:22px}h2{font-size:18px;margin-top:28px}p{text-indent:2em;margin:6px 0}
table{border-collapse:collapse;width:100%;margin:12px 0;font-size:14px}th,td{border:1px solid #333;padding:4px 6px;text-align:center;vertical-align:middle}
td.label{text-align:left}th.caption{text-align:left;font-weight:bold;background:#f3f3f3}th.header{background:#fafafa;font-weight:normal}td.number{min-width:3em}
.draft-mark{font-weight:bold;color:#000;border:1px solid #000;padding:2px 8px;display:inline-block}.failed-checks{border:2px solid #000;padding:6px 12px;margin:12px 0}
.failed-checks p{text-indent:0}.failed-checks ol{margin:4px 0;padding-left:1.5em}
${PRINT_STYLE}`;

/** A complete HTML document of the report. */
export function renderHtml(r: ReportJson, opts: RenderOptions = {}): string {
  const { fmt, s2, s3, s4 } = gridsOf(r);
  const para = (t: string) =>
    joinHtml(
      paragraphs(t).map((p) => html`<p>${p}</p>`),
      "\n",
    );
  const failed = failedChecksHeading(r);
  const title = `${opts.draft ? `（${DRAFT_MARK}）` : ""}${reportTitle(r)}`;
  const parts: HtmlValue[] = [
    html`<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title><style>${raw(STYLE)}</style>${opts.draft ? draftPageStyle() : ""}</head><body>`,
    opts.draft ? html`<div class="draft-mark">${DRAFT_HEADER}</div>` : "",
    failed
      ? html`<section class="failed-checks"><p><strong>${failed}</strong></p><ol>${failedCheckLines(r).map((l) => html`<li>${l.replace(/^\d+\. /, "")}</li>`)}</ol></section>`
      : "",
    html`<h1>${reportTitle(r)}</h1>`,
    opts.status ? html`<p class="status">${opts.status}</p>` : "",
    para(r.sections.preamble ?? ""),
    html`<h2>${fmt.sections[0].label}</h2>`,
    para(r.sections.s1 ?? ""),
    html`<h2>${fmt.sections[1].label}</h2>`,
    htmlTable(s2, "active-disclosure"),
    html`<section class="landscape">`,
    html`<h2>${fmt.sections[2].label}</h2>`,
    htmlTable(s3, "applications", "landscape"),
    html`</section>`,
    html`<h2>${fmt.sections[3].label}</h2>`,
    htmlTable(s4, "review-litigation"),
    html`<h2>${fmt.sections[4].label}</h2>`,
    para(r.sections.s5 ?? ""),
    html`<h2>${fmt.sections[5].label}</h2>`,
    para(r.sections.s6 ?? ""),
    html`</body></html>\n`,
  ];
  // Empty parts (no draft mark, no preamble…) leave no blank line.
  return joinHtml(
    parts.filter((p) => String(p ?? "") !== ""),
    "\n",
  ).value;
}

const mdCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * Table 三 in Markdown (pipe tables cannot merge cells): the column groups are stated above the table, group
 * rows (三、（三）（四）（五）and 2021's（六）) appear as label-only rows, and sub-rows are indented.
 */
function mdApplications(r: ReportJson): string {
  const fmt = getFormat(r.format);
  const spec = fmt.tables.applications;
  const cols = r.applications.columns;
  const label = (code: string) => spec.columns.find((c) => c.code === code)?.label ?? code;
  const groups = spec.columns.filter((c) => c.kind === "group");
  const note = groups
    .map(
      (g) =>
        `${g.label}：${spec.columns
          .filter((c) => c.parent === g.code)
          .map((c) => c.label)
          .join("、")}`,
    )
    .join("；");
  const depth = (code: string) => {
    let d = 0;
    let n = spec.rows.find((x) => x.code === code);
    while (n?.parent) {
      d++;
      n = spec.rows.find((x) => x.code === n!.parent);
    }
    return d;
  };
  const lines = [`| ${mdCell(spec.stubHeader)} | ${cols.map((c) => mdCell(label(c))).join(" | ")} |`, `|${[" --- ", ...cols.map(() => " ---: ")].join("|")}|`];
  for (const row of spec.rows) {
    const text = `${"　".repeat(depth(row.code))}${row.label}`;
    if (row.kind === "group") lines.push(`| **${mdCell(text)}** | ${cols.map(() => "").join(" | ")} |`);
    else lines.push(`| ${mdCell(text)} | ${(r.applications.rows[row.code] ?? cols.map(() => 0)).join(" | ")} |`);
  }
  return [`（${note}）`, "", ...lines].join("\n");
}

/** Table 四 in Markdown: one line per count, labelled with its full column path. */
function mdReview(r: ReportJson): string {
  const fmt = getFormat(r.format);
  const lines = ["| 项目 | 件数 |", "| --- | ---: |"];
  for (const c of fmt.tables.reviewLitigation.columns.filter((x) => x.kind === "data"))
    lines.push(`| ${reviewColumnLabel(fmt, c.code)} | ${r.reviewLitigation[c.code] ?? 0} |`);
  return lines.join("\n");
}

/** Section 二 in Markdown: one small table per 第二十条 item, its caption in bold above it. */
function mdDisclosure(g: Grid): string {
  const blocks: string[] = [];
  let current: string[] = [];
  for (const cells of g.rows) {
    if (cells[0].kind === "caption") {
      if (current.length) blocks.push(current.join("\n"));
      current = [`**${cells[0].text}**`, ""];
      continue;
    }
    current.push(`| ${cells.map((c) => mdCell(c.text)).join(" | ")} |`);
    if (cells[0].kind === "header") current.push(`|${cells.map(() => " --- ").join("|")}|`);
  }
  if (current.length) blocks.push(current.join("\n"));
  return blocks.join("\n\n");
}

export function renderMarkdown(r: ReportJson, opts: RenderOptions = {}): string {
  const { fmt, s2 } = gridsOf(r);
  const para = (t: string) => paragraphs(t).join("\n\n");
  const failed = failedChecksHeading(r);
  const out = [
    opts.draft ? `> **${DRAFT_HEADER}**` : "",
    failed ? [`> **${failed}**`, ...failedCheckLines(r).map((l) => `> ${l}`)].join("\n>\n") : "",
    `# ${reportTitle(r)}${opts.draft ? `（${DRAFT_MARK}）` : ""}`,
    para(r.sections.preamble ?? ""),
    `## ${fmt.sections[0].label}`,
    para(r.sections.s1 ?? ""),
    `## ${fmt.sections[1].label}`,
    mdDisclosure(s2),
    `## ${fmt.sections[2].label}`,
    mdApplications(r),
    `## ${fmt.sections[3].label}`,
    mdReview(r),
    `## ${fmt.sections[4].label}`,
    para(r.sections.s5 ?? ""),
    `## ${fmt.sections[5].label}`,
    para(r.sections.s6 ?? ""),
  ];
  return `${out.filter((x) => x !== "").join("\n\n")}\n`;
}

// One entry for every output format of a report: json (the contract), md, html, docx, xlsx.
import type { RenderOptions } from "./draft-notice";
import type { ReportJson } from "./narrative";
import { renderDocx, renderXlsx } from "./render-office";
import { renderHtml, renderMarkdown } from "./render-text";

export const OUTPUT_FORMATS = ["json", "md", "html", "docx", "xlsx"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const TYPES: Record<OutputFormat, string> = {
  json: "application/json; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  html: "text/html; charset=utf-8",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export async function renderReport(
  r: ReportJson,
  format: OutputFormat,
  opts: RenderOptions = {},
): Promise<{ body: Buffer | string; contentType: string; filename: string }> {
  const filename = `${r.agency.code}-${r.year}-annual-report.${format}`;
  const contentType = TYPES[format];
  switch (format) {
    case "json":
      return { body: `${JSON.stringify(r, null, 2)}\n`, contentType, filename };
    case "md":
      return { body: renderMarkdown(r, opts), contentType, filename };
    case "html":
      return { body: renderHtml(r, opts), contentType, filename };
    case "docx":
      return { body: await renderDocx(r, opts), contentType, filename };
    case "xlsx":
      return { body: await renderXlsx(r, opts), contentType, filename };
  }
}

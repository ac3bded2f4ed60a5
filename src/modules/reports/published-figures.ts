// The figures of a published report labelled for quoting (the citizens' API, the mini-program, the bot): a summary
// sentence, table 三 by row with full labels and table 四. Pure: built from the publication's snapshot.
import {
  applicationColumns,
  applicationRows,
  columnLabel,
  getFormat,
  labelChain,
  reviewColumnLabel,
  reviewColumns,
  TOTAL_COLUMN,
  type FormatId,
} from "./formats";
import type { ReportJson } from "./narrative";

export interface Figures {
  agency: { code: string; name: string };
  year: number;
  version: number;
  publishedAt: string;
  format: FormatId;
  summary: string;
  columns: Array<{ code: string; label: string }>;
  applications: Array<{ code: string; label: string; total: number; byColumn: Record<string, number> }>;
  reviewLitigation: Array<{ code: string; label: string; count: number }>;
}

/** The figures of one published version (its snapshot, number and date). */
export function figuresOf(r: ReportJson, pub: { version: number; publishedAt: string }): Figures {
  const fmt = getFormat(r.format);
  const cols = applicationColumns(fmt);
  const ti = cols.indexOf(TOTAL_COLUMN);
  const rowsSpec = fmt.tables.applications.rows;
  const fullLabel = (code: string) => labelChain(rowsSpec, code).join("");
  const t = (code: string) => r.applications.rows[code]?.[ti] ?? 0;
  return {
    agency: r.agency,
    year: r.year,
    version: pub.version,
    publishedAt: pub.publishedAt,
    format: r.format,
    summary: `${r.year}年，${r.agency.name}新收政府信息公开申请${t("received.new")}件，上年结转${t("received.carried_over")}件，本年度办结${t("result.total")}件（其中予以公开${t("result.granted")}件、部分公开${t("result.partial")}件），结转下年度继续办理${t("carried_forward")}件；行政复议${r.reviewLitigation["review.total"] ?? 0}件，行政诉讼${(r.reviewLitigation["litigation.direct.total"] ?? 0) + (r.reviewLitigation["litigation.after_review.total"] ?? 0)}件。`,
    columns: cols.map((c) => ({ code: c, label: columnLabel(fmt, c) })),
    applications: applicationRows(fmt).map((code) => ({
      code,
      label: fullLabel(code),
      total: t(code),
      byColumn: Object.fromEntries(cols.map((c, i) => [c, r.applications.rows[code]?.[i] ?? 0])),
    })),
    reviewLitigation: reviewColumns(fmt).map((c) => ({ code: c, label: reviewColumnLabel(fmt, c), count: r.reviewLitigation[c] ?? 0 })),
  };
}

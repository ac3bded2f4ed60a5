// A published report snapshot (src/modules/reports/narrative.ts ReportJson) read with its official format
// (config/report-formats.json) into the plain shape the report units are made from: every row of 三 with its
// applicant columns (group rows such as 不予公开 summed from their reasons), every column of 四, every cell of
// 二, the narratives 一/五/六. Labels are the official ones; `name` is the short form said in a reply.
import type { ReportJson } from "../../reports/narrative";
import { applicationColumns, columnLabel, getFormat, labelChain, reviewColumnLabel, reviewColumns, type FormatId } from "../../reports/formats";
import type { PublishedReport } from "./units";

const strip = (l: string) =>
  l
    .replace(/^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^\d+\./, "")
    .replace(/（[^）]*）$/, "")
    .replace(/^本年/, "")
    .replace(/数量$/, "");

const numberOrNull = (v: unknown): number | null => (typeof v === "number" ? v : null);

export function publishedReport(
  r: Pick<ReportJson, "year" | "format" | "applications" | "reviewLitigation" | "activeDisclosure" | "sections"> & { agency: { name: string } },
): PublishedReport {
  const fmt = getFormat(r.format as FormatId);
  const cols = applicationColumns(fmt);
  const rowsSpec = fmt.tables.applications.rows;
  const values = (code: string): Record<string, number> => {
    const own = r.applications.rows[code];
    if (own) return Object.fromEntries(cols.map((c, i) => [c, own[i] ?? 0]));
    // A group row (不予公开, 无法提供…): the sum of its data rows.
    const sum: Record<string, number> = Object.fromEntries(cols.map((c) => [c, 0]));
    for (const [k, v] of Object.entries(r.applications.rows)) if (k.startsWith(`${code}.`)) cols.forEach((c, i) => (sum[c] += v[i] ?? 0));
    return sum;
  };
  const chain = (code: string) => labelChain(rowsSpec, code);
  const rows = rowsSpec
    .filter((n) => n.code !== "result")
    .map((n) => {
      const parts = chain(n.code);
      const names = parts.filter((p) => !p.includes("本年度办理结果")).map(strip);
      return { code: n.code, label: parts.join(""), name: names.join("·"), values: values(n.code) };
    });
  const disclosure = fmt.tables.activeDisclosure.subTables.map((t) => ({
    caption: t.caption,
    rows: t.rows
      .filter((row) => row.kind === "data")
      .map((row) => ({
        code: `${t.code}.${row.code}`,
        label: row.label,
        cells: t.columns
          .filter((c) => c.kind === "data")
          .map((c) => ({
            code: c.code,
            label: c.label,
            value: numberOrNull(r.activeDisclosure?.[t.code]?.[row.code]?.[c.code]),
            unit: /amount/.test(c.code) ? (fmt.id === "2021" ? "万元" : "") : "件",
          })),
      })),
  }));
  const titles = Object.fromEntries(fmt.sections.map((s) => [s.code, s.label]));
  const narratives = (["s1", "s5", "s6"] as const)
    .filter((k) => (r.sections?.[k] ?? "").trim())
    .map((k) => ({ key: k, title: titles[k] ?? k, text: r.sections[k] }));
  return {
    year: r.year,
    agencyName: r.agency.name,
    applications: { columns: cols.map((c) => ({ code: c, label: columnLabel(fmt, c) })), rows },
    review: reviewColumns(fmt).map((c) => ({ code: c, label: reviewColumnLabel(fmt, c), count: r.reviewLitigation[c] ?? 0 })),
    disclosure,
    narratives,
  };
}

// The year-end draft of section 一 written from the figures (compared with last year), the fee sentence of
// section 六, and the cell-by-cell differences between two versions of a report. Pure functions.
import { columnLabel, reviewColumnLabel, rowLabel, TOTAL_COLUMN, getFormat, type FormatId, type ReportFormat } from "./formats";
import type { DisclosureValues } from "./disclosure-values";
import type { ApplicationTable } from "./statistics";

export interface ReportJson {
  agency: { code: string; name: string };
  year: number;
  format: FormatId;
  applications: ApplicationTable;
  reviewLitigation: Record<string, number>;
  /** {subTableCode: {rowCode: {columnCode: number|null}}}; 2019 may add units: {art20_9: {purchase_amount: "元"}}. */
  activeDisclosure: DisclosureValues;
  sections: { preamble: string; s1: string; s5: string; s6: string };
  checks: Array<{ id: string; ok: boolean; detail: string }>;
}

const total = (t: ApplicationTable, row: string) => t.rows[row]?.[t.columns.indexOf(TOTAL_COLUMN)] ?? 0;
const sumRows = (t: ApplicationTable, prefix: string) =>
  Object.keys(t.rows)
    .filter((r) => r === prefix || r.startsWith(`${prefix}.`))
    .reduce((s, r) => s + total(t, r), 0);

function compare(now: number, before: number): string {
  if (now === before) return "与上年持平";
  return now > before ? `比上年增加${now - before}件` : `比上年减少${before - now}件`;
}

/** One paragraph on applications: received, carried over, concluded by result, carried forward, vs last year. */
export function applicationsParagraph(year: number, t: ApplicationTable, previous: ApplicationTable | null): string {
  const received = total(t, "received.new");
  const parts = [
    `${year}年，本机关新收政府信息公开申请${received}件`,
    previous ? `（上年${total(previous, "received.new")}件，${compare(received, total(previous, "received.new"))}）` : "",
    `，上年结转${total(t, "received.carried_over")}件；本年度办结${total(t, "result.total")}件，其中予以公开${total(t, "result.granted")}件，部分公开${total(t, "result.partial")}件，`,
    `不予公开${sumRows(t, "result.withheld")}件，无法提供${sumRows(t, "result.unable")}件，不予处理${sumRows(t, "result.not_processed")}件，其他处理${sumRows(t, "result.other")}件`,
    previous ? `（上年办结${total(previous, "result.total")}件，${compare(total(t, "result.total"), total(previous, "result.total"))}）` : "",
    `；结转下年度继续办理${total(t, "carried_forward")}件。`,
  ];
  return parts.join("");
}

/** The generated draft of section 一. The 2021 format asks for five aspects; the ones not computable are marked. */
export function draftSection1(fmtId: FormatId, year: number, agencyName: string, t: ApplicationTable, previous: ApplicationTable | null): string {
  const apps = applicationsParagraph(year, t, previous);
  const todo = "（待填写）";
  if (fmtId === "2021") {
    return [
      `${year}年，${agencyName}认真贯彻落实《中华人民共和国政府信息公开条例》，现将本年度政府信息公开工作情况报告如下。`,
      `（一）主动公开\n${todo}`,
      `（二）依申请公开\n${apps}`,
      `（三）政府信息管理\n${todo}`,
      `（四）政府信息公开平台建设\n${todo}`,
      `（五）监督保障\n${todo}`,
    ].join("\n\n");
  }
  return [`${year}年，${agencyName}认真贯彻落实《中华人民共和国政府信息公开条例》，现将本年度政府信息公开工作情况报告如下。`, apps, todo].join("\n\n");
}

export function formatYuan(amount: number): string {
  return Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
}

/** Section 六 with the information-processing fees of the year (国办函〔2020〕109号) when any were collected. */
export function section6WithFees(text: string | null, feeCases: number, feeAmountYuan: number): string {
  const base = (text ?? "").trim();
  if (!feeCases || base.includes("信息处理费")) return base || "无。";
  const fee = `本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费${feeCases}件，共计${formatYuan(feeAmountYuan)}元。`;
  if (!base || base === "无。" || base === "无") return fee;
  return `${fee}\n\n${base}`;
}

export interface Difference {
  part: "applications" | "reviewLitigation" | "activeDisclosure" | "sections" | "format";
  path: string;
  label: string;
  before: unknown;
  after: unknown;
}

/** Every cell and text that differs between two versions of a report, with the official labels. */
export function diffReports(before: ReportJson, after: ReportJson): Difference[] {
  const out: Difference[] = [];
  if (before.format !== after.format) out.push({ part: "format", path: "format", label: "报告格式", before: before.format, after: after.format });
  const fmt: ReportFormat = getFormat(after.format);
  const cols = after.applications.columns;
  for (const [row, vals] of Object.entries(after.applications.rows)) {
    vals.forEach((n, i) => {
      const b = before.applications.rows[row]?.[before.applications.columns.indexOf(cols[i])] ?? null;
      if (b !== n)
        out.push({
          part: "applications",
          path: `applications.${row}.${cols[i]}`,
          label: `${rowLabel(fmt, row)} / ${columnLabel(fmt, cols[i])}`,
          before: b,
          after: n,
        });
    });
  }
  for (const [c, n] of Object.entries(after.reviewLitigation)) {
    const b = before.reviewLitigation[c] ?? null;
    if (b !== n) out.push({ part: "reviewLitigation", path: `reviewLitigation.${c}`, label: reviewColumnLabel(fmt, c), before: b, after: n });
  }
  for (const sub of fmt.tables.activeDisclosure.subTables) {
    for (const r of sub.rows)
      for (const c of sub.columns.filter((x) => x.kind === "data")) {
        const a = after.activeDisclosure[sub.code]?.[r.code]?.[c.code] ?? null;
        const b = before.activeDisclosure[sub.code]?.[r.code]?.[c.code] ?? null;
        if (a !== b)
          out.push({
            part: "activeDisclosure",
            path: `activeDisclosure.${sub.code}.${r.code}.${c.code}`,
            label: `${sub.caption} / ${r.label} / ${c.label}`,
            before: b,
            after: a,
          });
      }
  }
  const labels: Record<string, string> = { preamble: "前言", s1: fmt.sections[0].label, s5: fmt.sections[4].label, s6: fmt.sections[5].label };
  for (const k of ["preamble", "s1", "s5", "s6"] as const) {
    if ((before.sections[k] ?? "") !== (after.sections[k] ?? ""))
      out.push({ part: "sections", path: `sections.${k}`, label: labels[k], before: before.sections[k], after: after.sections[k] });
  }
  return out;
}

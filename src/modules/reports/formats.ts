// The two official report formats, read from config/report-formats.json (never retyped here): which format a
// year uses, the row/column codes of each table and the disposition → row mapping.
import { reportFormatsFile } from "../../domain/report-formats-file";

export type FormatId = "2019" | "2021";

export interface LayoutNode {
  code: string;
  label: string;
  parent: string | null;
  kind: "data" | "group" | "stub";
  computed?: string;
  unit?: string;
  note?: string;
}

export interface SubTable {
  code: string;
  caption: string;
  columns: LayoutNode[];
  rows: LayoutNode[];
}

export interface ReportFormat {
  id: FormatId;
  name: string;
  documentNo: string;
  sections: Array<{ code: string; label: string }>;
  tables: {
    activeDisclosure: { title: string; subTables: SubTable[] };
    applications: { title: string; stubHeader: string; columns: LayoutNode[]; rows: LayoutNode[] };
    reviewLitigation: { title: string; columns: LayoutNode[]; rows: LayoutNode[] };
  };
}

const file = () =>
  reportFormatsFile() as unknown as { formats: Record<FormatId, ReportFormat>; dispositionMapping: ReturnType<typeof reportFormatsFile>["dispositionMapping"] };

/** reportYear <= 2020 → the 2019 trial format; from 2021 the revised format (formatSelection.rule). */
export const formatIdForYear = (year: number): FormatId => (year <= 2020 ? "2019" : "2021");
export const getFormat = (id: FormatId): ReportFormat => file().formats[id];
export const formatForYear = (year: number): ReportFormat => getFormat(formatIdForYear(year));

/** The seven number columns of table 三 in print order (six categories, then 总计). */
export function applicationColumns(fmt: ReportFormat): string[] {
  return fmt.tables.applications.columns.filter((c) => c.kind === "data").map((c) => c.code);
}
/** The six applicant categories (every data column except the computed 总计). */
export function categoryColumns(fmt: ReportFormat): string[] {
  return fmt.tables.applications.columns.filter((c) => c.kind === "data" && !c.computed).map((c) => c.code);
}
export const TOTAL_COLUMN = "total";

/** Every data row of table 三 in print order. */
export function applicationRows(fmt: ReportFormat): string[] {
  return fmt.tables.applications.rows.filter((r) => r.kind === "data").map((r) => r.code);
}
/** The result rows that add up to 三（七）. */
export function resultRows(fmt: ReportFormat): string[] {
  return applicationRows(fmt).filter((c) => c.startsWith("result.") && c !== "result.total");
}

export function rowLabel(fmt: ReportFormat, code: string): string {
  return fmt.tables.applications.rows.find((r) => r.code === code)?.label ?? code;
}
export function columnLabel(fmt: ReportFormat, code: string): string {
  return fmt.tables.applications.columns.find((c) => c.code === code)?.label ?? code;
}

/** The data columns of table 四 (15 case counts) in print order. */
export function reviewColumns(fmt: ReportFormat): string[] {
  return fmt.tables.reviewLitigation.columns.filter((c) => c.kind === "data").map((c) => c.code);
}
/** The labels from the top of the layout down to `code` (its parents first, its own label last). */
export function labelChain(nodes: readonly LayoutNode[], code: string): string[] {
  const parts: string[] = [];
  let n = nodes.find((x) => x.code === code);
  while (n) {
    parts.unshift(n.label);
    n = n.parent ? nodes.find((x) => x.code === n!.parent) : undefined;
  }
  return parts;
}

/** Full label of a table-四 column, e.g. 行政诉讼·未经复议直接起诉·结果维持. */
export function reviewColumnLabel(fmt: ReportFormat, code: string): string {
  return labelChain(fmt.tables.reviewLitigation.columns, code).join("·");
}

/** disposition code → row code of table 三 in the given format. */
export function dispositionRowMap(id: FormatId): Map<string, string> {
  return new Map(file().dispositionMapping.map((m) => [m.disposition, id === "2019" ? m.row2019 : m.row2021]));
}

/** Section 二 columns that hold a signed change (本年增/减) rather than a count. */
export const SIGNED_DISCLOSURE_COLUMNS = new Set(["change"]);
/** Section 二 columns holding amounts (decimals allowed). */
export const AMOUNT_DISCLOSURE_COLUMNS = new Set(["fee_amount", "purchase_amount"]);

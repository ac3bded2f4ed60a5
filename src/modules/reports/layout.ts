// The official tables as a grid of cells with their merges (rowSpan/colSpan), built from the layout trees in
// report-formats.json. HTML, DOCX, XLSX and Markdown all render from this one model.
import type { DisclosureValues } from "./disclosure-values";
import { AMOUNT_DISCLOSURE_COLUMNS, SIGNED_DISCLOSURE_COLUMNS, type LayoutNode, type ReportFormat } from "./formats";
import type { ApplicationTable } from "./statistics";

export interface Cell {
  text: string;
  kind: "caption" | "header" | "label" | "number";
  rowSpan?: number;
  colSpan?: number;
}

export interface Grid {
  title: string;
  width: number;
  rows: Cell[][];
  /** Rows at the top that form the header (repeated on page breaks in DOCX). */
  headerRows: number;
}

function children(nodes: LayoutNode[], parent: string | null) {
  return nodes.filter((n) => n.parent === parent);
}
function depthOf(nodes: LayoutNode[], n: LayoutNode): number {
  let d = 1;
  let p = n.parent;
  while (p) {
    d++;
    p = nodes.find((x) => x.code === p)?.parent ?? null;
  }
  return d;
}
function leaves(nodes: LayoutNode[], n: LayoutNode): LayoutNode[] {
  const kids = children(nodes, n.code);
  return kids.length ? kids.flatMap((k) => leaves(nodes, k)) : [n];
}

/** Header rows of a column tree: a group spans its leaves; a leaf spans down to the last header row. */
function columnHeader(columns: LayoutNode[]): Cell[][] {
  const maxDepth = Math.max(...columns.map((c) => depthOf(columns, c)));
  const rows: Cell[][] = Array.from({ length: maxDepth }, () => []);
  const walk = (n: LayoutNode, depth: number) => {
    const kids = children(columns, n.code);
    if (kids.length) rows[depth - 1].push({ text: n.label, kind: "header", colSpan: leaves(columns, n).length });
    else rows[depth - 1].push({ text: n.label, kind: "header", rowSpan: maxDepth - depth + 1 });
    kids.forEach((k) => walk(k, depth + 1));
  };
  children(columns, null).forEach((r) => walk(r, 1));
  return rows;
}

const num = (n: number | null | undefined) => String(n ?? 0);

/** Table 三: stub header over three label columns, the three-level column header, merged group labels. */
export function applicationGrid(fmt: ReportFormat, t: ApplicationTable): Grid {
  const spec = fmt.tables.applications;
  const rowsTree = spec.rows;
  const labelCols = Math.max(...rowsTree.map((r) => depthOf(rowsTree, r)));
  const header = columnHeader(spec.columns);
  header[0].unshift({ text: spec.stubHeader, kind: "header", colSpan: labelCols, rowSpan: header.length });
  const body: Cell[][] = [];
  for (const r of rowsTree.filter((x) => x.kind === "data")) {
    const cells: Cell[] = [];
    // Ancestor groups open a merged cell on their first data row.
    const chain: LayoutNode[] = [];
    let p = r.parent;
    while (p) {
      const g = rowsTree.find((x) => x.code === p)!;
      chain.unshift(g);
      p = g.parent;
    }
    for (const g of chain) {
      const dataLeaves = leaves(rowsTree, g).filter((x) => x.kind === "data");
      if (dataLeaves[0]?.code === r.code) cells.push({ text: g.label, kind: "label", rowSpan: dataLeaves.length });
    }
    const span = labelCols - depthOf(rowsTree, r) + 1;
    cells.push({ text: r.label, kind: "label", ...(span > 1 ? { colSpan: span } : {}) });
    for (const v of t.rows[r.code] ?? t.columns.map(() => 0)) cells.push({ text: num(v), kind: "number" });
    body.push(cells);
  }
  return { title: spec.title, width: labelCols + t.columns.length, rows: [...header, ...body], headerRows: header.length };
}

/** Table 四: three-level header over 15 counts, one unlabeled data row. */
export function reviewGrid(fmt: ReportFormat, values: Record<string, number>): Grid {
  const spec = fmt.tables.reviewLitigation;
  const header = columnHeader(spec.columns);
  const data = spec.columns.filter((c) => c.kind === "data").map((c) => ({ text: num(values[c.code]), kind: "number" as const }));
  return { title: spec.title, width: data.length, rows: [...header, data], headerRows: header.length };
}

function disclosureText(col: string, v: number | null | undefined, unit?: string): string {
  if (v == null) return "";
  if (SIGNED_DISCLOSURE_COLUMNS.has(col)) return v > 0 ? `+${v}` : String(v);
  if (AMOUNT_DISCLOSURE_COLUMNS.has(col)) return `${Number.isInteger(v) ? v : Number(v.toFixed(4))}${unit ?? ""}`;
  return String(v);
}

/** Section 二: the 第二十条 sub-tables stacked in one table; a sub-table's last column spans the spare width. */
export function disclosureGrid(fmt: ReportFormat, values: DisclosureValues | null): Grid {
  const subs = fmt.tables.activeDisclosure.subTables;
  const width = Math.max(...subs.map((s) => s.columns.length));
  const units = (values as unknown as { units?: Record<string, Record<string, string>> } | null)?.units ?? {};
  const rows: Cell[][] = [];
  for (const s of subs) {
    const spare = width - s.columns.length + 1;
    const withSpan = (cells: Cell[]) => {
      if (spare > 1) cells[cells.length - 1].colSpan = spare;
      return cells;
    };
    rows.push([{ text: s.caption, kind: "caption", colSpan: width }]);
    rows.push(withSpan(s.columns.map((c) => ({ text: c.label, kind: "header" as const }))));
    for (const r of s.rows) {
      const cells: Cell[] = [{ text: r.label, kind: "label" }];
      for (const c of s.columns.filter((x) => x.kind === "data"))
        cells.push({ text: disclosureText(c.code, values?.[s.code]?.[r.code]?.[c.code], units[s.code]?.[c.code]), kind: "number" });
      rows.push(withSpan(cells));
    }
  }
  return { title: fmt.tables.activeDisclosure.title, width, rows, headerRows: 0 };
}

export interface PlacedCell extends Cell {
  row: number;
  col: number;
}

/** Places cells on a rectangular grid the way an HTML table does (skipping slots taken by earlier spans). */
export function placeCells(grid: Grid): PlacedCell[] {
  const taken = new Set<string>();
  const out: PlacedCell[] = [];
  grid.rows.forEach((cells, r) => {
    let c = 0;
    for (const cell of cells) {
      while (taken.has(`${r}:${c}`)) c++;
      const rs = cell.rowSpan ?? 1;
      const cs = cell.colSpan ?? 1;
      for (let i = 0; i < rs; i++) for (let j = 0; j < cs; j++) taken.add(`${r + i}:${c + j}`);
      out.push({ ...cell, row: r, col: c });
      c += cs;
    }
  });
  return out;
}

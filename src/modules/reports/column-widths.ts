// Column widths of an official table that follow its content: label columns as wide as their labels need,
// the number columns narrow and all equal. Shared by DOCX (twips), XLSX (character units) and HTML (‰).
import { placeCells, type Grid } from "./layout";

/** Width of a text in ems: a CJK character is one em, ASCII (digits, "1.") half of one. */
export function textEm(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.charCodeAt(0) < 0x2000 ? 0.5 : 1;
  return n;
}

export interface WidthOptions {
  /** Width to fill, in the caller's unit. */
  total: number;
  /** One em (a CJK character of the table font) in that unit. */
  em: number;
  /** Cell padding and borders per column, in that unit. */
  padding: number;
  /** Narrowest label column, in ems. */
  minLabelEm?: number;
  /** Narrowest number column, in ems (four: 商业企业 on one line, 社会公益组织 on two). */
  minNumberEm?: number;
}

/** Columns whose cells (outside merges) are numbers. */
export function numberColumns(g: Grid): Set<number> {
  const cols = new Set<number>();
  for (const c of placeCells(g)) if (c.kind === "number" && (c.colSpan ?? 1) === 1) cols.add(c.col);
  return cols;
}

/**
 * Widths summing to `total`. A number column needs its header in at most two lines (three when the header
 * spans rows); a label cell that spans rows may wrap over them (up to three lines); the label column with the
 * longest labels takes whatever is left, so the long labels of table 三 stay on one line where the page allows.
 */
export function columnWidths(g: Grid, o: WidthOptions): number[] {
  const placed = placeCells(g).filter((c) => (c.colSpan ?? 1) === 1);
  const nums = numberColumns(g);
  const minLabel = o.minLabelEm ?? 4;
  const need = Array.from({ length: g.width }, () => 0);
  for (const c of placed) {
    const lines = Math.min(nums.has(c.col) ? (c.rowSpan ?? 1) + 1 : (c.rowSpan ?? 1), 3);
    need[c.col] = Math.max(need[c.col], Math.ceil(textEm(c.text) / lines));
  }
  const labels = need.map((_, i) => i).filter((i) => !nums.has(i));
  if (!labels.length) return spread(g.width, o.total);
  const numberEm = Math.max(o.minNumberEm ?? 4, ...[...nums].map((i) => need[i]));
  const numberW = nums.size ? Math.round(numberEm * o.em + o.padding) : 0;
  const room = o.total - numberW * nums.size;
  const want = labels.map((i) => Math.max(minLabel, need[i]) * o.em + o.padding);
  const sum = want.reduce((a, b) => a + b, 0);
  const widths = need.map(() => numberW);
  const minW = minLabel * o.em + o.padding;
  labels.forEach((i, k) => (widths[i] = Math.round(sum > room ? Math.max(minW, (want[k] * room) / sum) : want[k])));
  // The widest label column absorbs the rest (extra room, or rounding), so the widths add up exactly.
  const widest = labels.reduce((a, b) => (need[b] > need[a] ? b : a));
  widths[widest] += o.total - widths.reduce((a, b) => a + b, 0);
  return widths;
}

function spread(n: number, total: number): number[] {
  const w = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? total - w * (n - 1) : w));
}

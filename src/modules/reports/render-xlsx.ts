// XLSX rendering (exceljs): a sheet with the narrative (正文) first, then one sheet per table (二, 三, 四) with
// the official merges, and the checks. Every sheet prints on A4, fit to one page wide (the fitToPage switch
// on), header rows repeated, panes frozen at the numbers; row heights are computed from the wrapped labels
// because neither Excel nor LibreOffice grows a row for wrapped text in a merged cell.
import ExcelJS from "exceljs";
import { columnWidths, numberColumns, textEm } from "./column-widths";
import { DRAFT_HEADER, DRAFT_MARK, failedCheckLines, failedChecksHeading, type RenderOptions } from "./draft-notice";
import { placeCells, type Grid } from "./layout";
import type { ReportJson } from "./narrative";
import { gridsOf, paragraphs, reportTitle } from "./render-text";

/** exceljs/OOXML paper size code of A4. */
export const PAPER_A4 = 9;
const FONT = { name: "宋体", size: 11 } as const;
/** One CJK character of 11-pt 宋体 in Excel column-width units (the width of "0" in the default font). */
const EM = 2.2;
/** Height of one line of 11-pt text in points, and the padding of a row. */
const LINE_PT = 15;
const ROW_PAD_PT = 4;
const border = { top: { style: "thin" }, left: { style: "thin" }, bottom: { style: "thin" }, right: { style: "thin" } } as const;

/** Lines a text needs in a cell `width` units wide (wrapping by characters, as CJK text does). */
export function linesIn(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor((width - 1) / EM));
  return text.split("\n").reduce((n, part) => n + Math.max(1, Math.ceil(textEm(part) / perLine)), 0);
}

const rowHeight = (lines: number) => lines * LINE_PT + ROW_PAD_PT;

function printSetup(ws: ExcelJS.Worksheet, landscape: boolean, titleRows: string | null, draft: boolean) {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: PAPER_A4 as ExcelJS.PageSetup["paperSize"],
    orientation: landscape ? "landscape" : "portrait",
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.6, right: 0.6, top: 0.75, bottom: 0.75, header: 0.3, footer: 0.3 },
    ...(titleRows ? { printTitlesRow: titleRows } : {}),
  };
  ws.headerFooter = { oddHeader: draft ? `&C&"宋体,Bold"${DRAFT_HEADER}` : "", oddFooter: "&C— &P —" };
}

/** Width (in units) of the sheet's table; fit-to-width scales it onto the page. */
const SHEET_WIDTH = { portrait: 95, landscape: 140 } as const;

function sheetFromGrid(wb: ExcelJS.Workbook, name: string, g: Grid, o: { landscape: boolean; draft: boolean }) {
  const ws = wb.addWorksheet(name);
  const widths = columnWidths(g, { total: o.landscape ? SHEET_WIDTH.landscape : SHEET_WIDTH.portrait, em: EM, padding: 1.5 });
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const title = ws.getCell(1, 1);
  title.value = o.draft ? `${g.title}（${DRAFT_MARK}）` : g.title;
  title.font = { ...FONT, bold: true, size: 13 };
  ws.mergeCells(1, 1, 1, g.width);
  ws.getRow(1).height = rowHeight(1) + 4;
  const offset = 2;
  const placed = placeCells(g);
  const lines = g.rows.map(() => 1);
  for (const c of placed) {
    const cell = ws.getCell(c.row + offset, c.col + 1);
    cell.value = c.kind === "number" && /^-?\d+(\.\d+)?$/.test(c.text) ? Number(c.text) : c.text;
    cell.alignment = { vertical: "middle", horizontal: c.kind === "label" || c.kind === "caption" ? "left" : "center", wrapText: true };
    cell.border = border;
    cell.font = { ...FONT, bold: c.kind === "caption" };
    const rs = c.rowSpan ?? 1;
    const cs = c.colSpan ?? 1;
    if (rs > 1 || cs > 1) ws.mergeCells(c.row + offset, c.col + 1, c.row + offset + rs - 1, c.col + cs);
    // A merged cell's lines are shared by the rows it spans.
    const need = Math.ceil(
      linesIn(
        c.text,
        widths.slice(c.col, c.col + cs).reduce((a, b) => a + b, 0),
      ) / rs,
    );
    for (let k = 0; k < rs; k++) lines[c.row + k] = Math.max(lines[c.row + k], need);
  }
  lines.forEach((n, i) => (ws.getRow(i + offset).height = rowHeight(n)));
  const labelCols = g.width - numberColumns(g).size;
  const headerEnd = offset + g.headerRows - 1;
  // Table 二 has no header rows at the top (each sub-table has its own); nothing to freeze or repeat there.
  if (g.headerRows > 0)
    ws.views = [{ state: "frozen", xSplit: labelCols, ySplit: headerEnd, topLeftCell: ws.getCell(headerEnd + 1, labelCols + 1).address, activeCell: "A1" }];
  printSetup(ws, o.landscape, g.headerRows > 0 ? `1:${headerEnd}` : null, o.draft);
  return ws;
}

/** The narrative sheet: title, the 草稿 mark and failed checks, then the six headings with their texts. */
function narrativeSheet(wb: ExcelJS.Workbook, r: ReportJson, draft: boolean) {
  const { fmt } = gridsOf(r);
  const ws = wb.addWorksheet("正文");
  const width = 80;
  ws.getColumn(1).width = width;
  const add = (text: string, style: "title" | "mark" | "heading" | "body") => {
    const row = ws.addRow([style === "body" ? `　　${text}` : text]);
    const cell = row.getCell(1);
    cell.alignment = { wrapText: true, vertical: "top", horizontal: style === "title" ? "center" : "left" };
    cell.font = { ...FONT, size: style === "title" ? 16 : 12, bold: style !== "body" };
    const lineEm = cell.font.size! / FONT.size;
    row.height = linesIn(style === "body" ? `　　${text}` : text, width / lineEm) * LINE_PT * lineEm + ROW_PAD_PT;
  };
  if (draft) add(DRAFT_MARK, "mark");
  const h = failedChecksHeading(r);
  if (h) {
    add(h, "mark");
    for (const l of failedCheckLines(r)) add(l, "body");
  }
  add(reportTitle(r), "title");
  const texts = [r.sections.s1, null, null, null, r.sections.s5, r.sections.s6];
  for (const p of paragraphs(r.sections.preamble ?? "")) add(p, "body");
  fmt.sections.forEach((s, i) => {
    add(s.label, "heading");
    const t = texts[i];
    if (t == null) add(`见工作表“${["", "二、主动公开", "三、申请情况", "四、复议诉讼"][i]}”。`, "body");
    else for (const p of paragraphs(t)) add(p, "body");
  });
  printSetup(ws, false, null, draft);
}

export async function renderXlsx(r: ReportJson, opts: RenderOptions = {}): Promise<Buffer> {
  const { s2, s3, s4 } = gridsOf(r);
  const draft = opts.draft === true;
  const wb = new ExcelJS.Workbook();
  wb.creator = r.agency.name;
  wb.title = `${reportTitle(r)}${draft ? `（${DRAFT_MARK}）` : ""}`;
  narrativeSheet(wb, r, draft);
  sheetFromGrid(wb, "二、主动公开", s2, { landscape: false, draft });
  sheetFromGrid(wb, "三、申请情况", s3, { landscape: true, draft });
  sheetFromGrid(wb, "四、复议诉讼", s4, { landscape: true, draft });
  const checks = wb.addWorksheet("校验");
  checks.addRow(["id", "通过", "说明"]);
  for (const c of r.checks) {
    const row = checks.addRow([c.id, c.ok ? "是" : "否", c.detail]);
    row.alignment = { vertical: "top" };
    row.getCell(3).alignment = { wrapText: true, vertical: "top" };
    row.height = rowHeight(linesIn(c.detail, 100));
  }
  checks.columns = [{ width: 24 }, { width: 8 }, { width: 100 }];
  printSetup(checks, true, "1:1", draft);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// DOCX (the `docx` package) and XLSX (exceljs) renderings. DOCX reproduces the official tables with their
// merged cells; XLSX has one sheet per table (二, 三, 四) with the same merges, plus a sheet of checks.
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, VerticalAlign, WidthType } from "docx";
import ExcelJS from "exceljs";
import { placeCells, type Grid } from "./layout";
import type { ReportJson } from "./narrative";
import { gridsOf, paragraphs, reportTitle } from "./render-text";

const FONT = "SimSun";

function docxTable(g: Grid): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: g.rows.map(
      (cells, i) =>
        new TableRow({
          tableHeader: i < g.headerRows,
          children: cells.map(
            (c) =>
              new TableCell({
                ...(c.rowSpan && c.rowSpan > 1 ? { rowSpan: c.rowSpan } : {}),
                ...(c.colSpan && c.colSpan > 1 ? { columnSpan: c.colSpan } : {}),
                verticalAlign: VerticalAlign.CENTER,
                children: [
                  new Paragraph({
                    alignment: c.kind === "label" || c.kind === "caption" ? AlignmentType.LEFT : AlignmentType.CENTER,
                    children: [new TextRun({ text: c.text, size: 18, font: FONT, bold: c.kind === "caption" })],
                  }),
                ],
              }),
          ),
        }),
    ),
  });
}

export async function renderDocx(r: ReportJson): Promise<Buffer> {
  const { fmt, s2, s3, s4 } = gridsOf(r);
  const body = (t: string) =>
    paragraphs(t).map((p) => new Paragraph({ indent: { firstLine: 480 }, spacing: { after: 120 }, children: [new TextRun({ text: p, font: FONT, size: 24 })] }));
  const heading = (t: string) => new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240, after: 120 }, children: [new TextRun({ text: t, font: FONT, bold: true, size: 28 })] });
  const doc = new Document({
    title: reportTitle(r),
    creator: r.agency.name,
    sections: [
      {
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: reportTitle(r), font: FONT, bold: true, size: 36 })] }),
          ...body(r.sections.preamble ?? ""),
          heading(fmt.sections[0].label),
          ...body(r.sections.s1 ?? ""),
          heading(fmt.sections[1].label),
          docxTable(s2),
          heading(fmt.sections[2].label),
          docxTable(s3),
          heading(fmt.sections[3].label),
          docxTable(s4),
          heading(fmt.sections[4].label),
          ...body(r.sections.s5 ?? ""),
          heading(fmt.sections[5].label),
          ...body(r.sections.s6 ?? ""),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function sheetFromGrid(wb: ExcelJS.Workbook, name: string, g: Grid) {
  const ws = wb.addWorksheet(name);
  ws.addRow([g.title]);
  ws.mergeCells(1, 1, 1, g.width);
  ws.getCell(1, 1).font = { bold: true, size: 13 };
  const offset = 2;
  for (const c of placeCells(g)) {
    const cell = ws.getCell(c.row + offset, c.col + 1);
    cell.value = c.kind === "number" && /^-?\d+(\.\d+)?$/.test(c.text) ? Number(c.text) : c.text;
    cell.alignment = { vertical: "middle", horizontal: c.kind === "label" || c.kind === "caption" ? "left" : "center", wrapText: true };
    cell.border = { top: { style: "thin" }, left: { style: "thin" }, bottom: { style: "thin" }, right: { style: "thin" } };
    if (c.kind === "caption") cell.font = { bold: true };
    if ((c.rowSpan ?? 1) > 1 || (c.colSpan ?? 1) > 1) ws.mergeCells(c.row + offset, c.col + 1, c.row + offset + (c.rowSpan ?? 1) - 1, c.col + (c.colSpan ?? 1));
  }
  ws.columns.forEach((col, i) => (col.width = i < 3 && name.startsWith("三") ? 22 : 14));
  return ws;
}

export async function renderXlsx(r: ReportJson): Promise<Buffer> {
  const { s2, s3, s4 } = gridsOf(r);
  const wb = new ExcelJS.Workbook();
  wb.creator = r.agency.name;
  wb.title = reportTitle(r);
  sheetFromGrid(wb, "二、主动公开", s2);
  sheetFromGrid(wb, "三、申请情况", s3);
  sheetFromGrid(wb, "四、复议诉讼", s4);
  const checks = wb.addWorksheet("校验");
  checks.addRow(["id", "通过", "说明"]);
  for (const c of r.checks) checks.addRow([c.id, c.ok ? "是" : "否", c.detail]);
  checks.columns = [{ width: 24 }, { width: 8 }, { width: 100 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

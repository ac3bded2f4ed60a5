// DOCX rendering (the `docx` package) in the layout of official documents (GB/T 9704-2012 党政机关公文格式):
// A4, 天头 37 mm / 订口 28 mm margins, black title in 小标宋 二号, headings in 黑体 三号, body in 仿宋 三号 with a
// two-character first-line indent and 22 lines a page. Table 三 sits in a landscape section so that it fits
// one page; every table has fixed column widths that follow its content, repeated header rows
// and rows that never split across pages. Fonts are named, not embedded (docs/report-documents.md).
import {
  AlignmentType,
  Document,
  Footer,
  Header,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  type ISectionOptions,
} from "docx";
import { columnWidths } from "./column-widths";
import { DRAFT_HEADER, DRAFT_MARK, failedCheckLines, failedChecksHeading, type RenderOptions } from "./draft-notice";
import { placeCells, type Grid } from "./layout";
import type { ReportJson } from "./narrative";
import { gridsOf, paragraphs, reportTitle } from "./render-text";

/** Font names as Chinese government offices have them installed (the Latin text in Times New Roman). */
export const DOCX_FONTS = { title: "方正小标宋简体", heading: "黑体", body: "仿宋", table: "仿宋", latin: "Times New Roman" } as const;

const mm = (x: number) => Math.round((x * 1440) / 25.4);
/** A4 in twips. */
export const A4 = { width: 11906, height: 16838 } as const;
/** GB/T 9704 §5.2.1: 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm. */
export const PORTRAIT_MARGINS = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) } as const;
/** The landscape pages of tables 三 and 四: narrower margins so that table 三 fits one page. */
export const LANDSCAPE_MARGINS = { top: mm(20), bottom: mm(18), left: mm(25), right: mm(25) } as const;

const PT = (pt: number) => pt * 2; // docx run sizes are half-points
const SANHAO = 16; // 三号
const ERHAO = 22; // 二号
const WUHAO = 10.5; // 五号
/** 22 lines in the 225 mm 版心: exact line pitch of 28.95 pt. */
const BODY_LINE = 579;
const CELL_MARGIN = 57; // 1 mm either side
const TABLE_LINE = 270; // 13.5 pt for 五号 text: 2021 table 三 (28 rows) still fits one landscape page

const black = "000000";
const font = (name: string) => ({ ascii: DOCX_FONTS.latin, hAnsi: DOCX_FONTS.latin, eastAsia: name, cs: DOCX_FONTS.latin });
const run = (text: string, name: string, sizePt: number, bold = false) => new TextRun({ text, font: font(name), size: PT(sizePt), bold, color: black });

function bodyParagraphs(text: string): Paragraph[] {
  return paragraphs(text).map(
    (p) =>
      new Paragraph({
        alignment: AlignmentType.JUSTIFIED,
        indent: { firstLineChars: 200, firstLine: SANHAO * 40 },
        spacing: { line: BODY_LINE, lineRule: LineRuleType.EXACT },
        children: [run(p, DOCX_FONTS.body, SANHAO)],
      }),
  );
}

/** 一级标题: 黑体 三号, indented like the body; kept with what follows (a heading never ends a page). */
function heading(text: string): Paragraph {
  return new Paragraph({
    outlineLevel: 0,
    keepNext: true,
    keepLines: true,
    indent: { firstLineChars: 200, firstLine: SANHAO * 40 },
    spacing: { line: BODY_LINE, lineRule: LineRuleType.EXACT },
    children: [run(text, DOCX_FONTS.heading, SANHAO)],
  });
}

/**
 * An official table with fixed column widths (twips, summing to `width`). Header rows repeat on every page;
 * no row splits across a page break. Header and caption rows keep with the next row; with `keepTogether`
 * every row does (tables 三 and 四, which fit one page, then never break below the heading above them).
 */
export function docxTable(g: Grid, width: number, keepTogether = false): Table {
  const widths = columnWidths(g, { total: width, em: WUHAO * 20, padding: 2 * CELL_MARGIN + 30 });
  const placed = placeCells(g);
  const last = g.rows.length - 1;
  return new Table({
    width: { size: width, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    rows: g.rows.map((cells, i) => {
      const inRow = placed.filter((p) => p.row === i);
      return new TableRow({
        tableHeader: i < g.headerRows,
        cantSplit: true,
        children: cells.map((c, k) => {
          const col = inRow[k].col;
          const w = widths.slice(col, col + (c.colSpan ?? 1)).reduce((a, b) => a + b, 0);
          return new TableCell({
            ...(c.rowSpan && c.rowSpan > 1 ? { rowSpan: c.rowSpan } : {}),
            ...(c.colSpan && c.colSpan > 1 ? { columnSpan: c.colSpan } : {}),
            width: { size: w, type: WidthType.DXA },
            margins: { left: CELL_MARGIN, right: CELL_MARGIN, top: 0, bottom: 0 },
            verticalAlign: VerticalAlign.CENTER,
            children: [
              new Paragraph({
                keepNext: i < last && (keepTogether || i < g.headerRows || cells.every((x) => x.kind === "caption" || x.kind === "header")),
                alignment: c.kind === "label" || c.kind === "caption" ? AlignmentType.LEFT : AlignmentType.CENTER,
                // An exact 13-pt pitch: the row height no longer depends on the substituted font's line gap.
                spacing: { before: 0, after: 0, line: TABLE_LINE, lineRule: LineRuleType.EXACT },
                children: [run(c.text, DOCX_FONTS.table, WUHAO, c.kind === "caption")],
              }),
            ],
          });
        }),
      });
    }),
  });
}

const pageNumberFooter = () =>
  new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ children: ["— ", PageNumber.CURRENT, " —"], font: font("宋体"), size: PT(14), color: black })],
      }),
    ],
  });

const draftHeader = () =>
  new Header({ children: [new Paragraph({ alignment: AlignmentType.RIGHT, children: [run(DRAFT_HEADER, DOCX_FONTS.heading, WUHAO, true)] })] });

function section(orientation: "portrait" | "landscape", children: ISectionOptions["children"], draft: boolean): ISectionOptions {
  const landscape = orientation === "landscape";
  return {
    properties: {
      page: {
        // docx swaps width and height for a landscape section.
        size: { width: A4.width, height: A4.height, orientation: landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT },
        margin: { ...(landscape ? LANDSCAPE_MARGINS : PORTRAIT_MARGINS), header: mm(12), footer: mm(10) },
      },
    },
    ...(draft ? { headers: { default: draftHeader() } } : {}),
    footers: { default: pageNumberFooter() },
    children,
  };
}

/** The 草稿 mark where GB/T 9704 puts 密级 (top left, 黑体 三号) and the failed checks under it. */
function draftBlock(r: ReportJson, draft: boolean): Paragraph[] {
  const out: Paragraph[] = [];
  if (draft) out.push(new Paragraph({ children: [run(DRAFT_MARK, DOCX_FONTS.heading, SANHAO, true)] }));
  const h = failedChecksHeading(r);
  if (h) {
    out.push(new Paragraph({ spacing: { before: 120 }, children: [run(h, DOCX_FONTS.heading, 12, true)] }));
    for (const line of failedCheckLines(r)) out.push(new Paragraph({ indent: { left: 240 }, children: [run(line, DOCX_FONTS.body, 12)] }));
  }
  return out;
}

export async function renderDocx(r: ReportJson, opts: RenderOptions = {}): Promise<Buffer> {
  const { fmt, s2, s3, s4 } = gridsOf(r);
  const draft = opts.draft === true;
  const portraitWidth = A4.width - PORTRAIT_MARGINS.left - PORTRAIT_MARGINS.right;
  const landscapeWidth = A4.height - LANDSCAPE_MARGINS.left - LANDSCAPE_MARGINS.right;
  const title = new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { before: 0, after: BODY_LINE, line: 700, lineRule: LineRuleType.EXACT },
    children: [run(reportTitle(r), DOCX_FONTS.title, ERHAO)],
  });
  const doc = new Document({
    title: `${reportTitle(r)}${draft ? `（${DRAFT_MARK}）` : ""}`,
    creator: r.agency.name,
    styles: { default: { document: { run: { font: font(DOCX_FONTS.body), size: PT(SANHAO), color: black } } } },
    sections: [
      section(
        "portrait",
        [
          ...draftBlock(r, draft),
          title,
          ...bodyParagraphs(r.sections.preamble ?? ""),
          heading(fmt.sections[0].label),
          ...bodyParagraphs(r.sections.s1 ?? ""),
          heading(fmt.sections[1].label),
          docxTable(s2, portraitWidth),
        ],
        draft,
      ),
      section("landscape", [heading(fmt.sections[2].label), docxTable(s3, landscapeWidth, true)], draft),
      section(
        "portrait",
        [
          heading(fmt.sections[3].label),
          docxTable(s4, portraitWidth, true),
          heading(fmt.sections[4].label),
          ...bodyParagraphs(r.sections.s5 ?? ""),
          heading(fmt.sections[5].label),
          ...bodyParagraphs(r.sections.s6 ?? ""),
        ],
        draft,
      ),
    ],
  });
  return Packer.toBuffer(doc);
}

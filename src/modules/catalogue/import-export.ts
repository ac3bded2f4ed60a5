// Catalogue files: CSV (UTF-8, with or without BOM; GB18030 is not guessed) and XLSX (exceljs) with the
// Chinese column headers real catalogues use. Export writes the same headers, so an export re-imports as is.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { Readable } from "node:stream";
import ExcelJS from "exceljs";
import type { Config } from "../../config";
import { DomainError } from "../../domain/errors";
import type { CatalogueEntry } from "./entities";
import type { ImportRow } from "./catalogue-service";
import { checkXlsxBounds, tooLarge, type SheetLimits } from "./xlsx-bounds";

/** Header → field. The first header of each field is the one export writes; the rest are accepted synonyms. */
export const COLUMNS: Array<{ field: string; headers: string[]; required?: boolean }> = [
  { field: "indexNo", headers: ["索引号", "信息索取号"], required: true },
  { field: "title", headers: ["信息名称", "名称", "标题", "公文名称"], required: true },
  { field: "publisher", headers: ["发布机构", "发文机关", "发文单位", "信息来源"], required: true },
  { field: "writtenDate", headers: ["生成日期", "发文日期", "成文日期", "产生日期"] },
  { field: "docNo", headers: ["文号", "发布文号", "文件编号"] },
  { field: "subjectCategory", headers: ["主题分类", "分类", "信息分类"], required: true },
  { field: "agencyCategory", headers: ["组配分类", "目录分类", "扩展分类"] },
  { field: "disclosureMode", headers: ["公开方式", "公开属性", "公开形式", "公开类别"], required: true },
  { field: "disclosureTimeLimit", headers: ["公开时限", "公开期限"] },
  { field: "disclosureScope", headers: ["公开范围"] },
  { field: "summary", headers: ["内容概述", "摘要"] },
  { field: "bodyOrUrl", headers: ["正文或链接", "正文", "链接"] },
  { field: "validity", headers: ["有效性", "时效", "效力状态"] },
  { field: "publishedDate", headers: ["发布日期", "发布时间"] },
  { field: "keywords", headers: ["关键词", "主题词"] },
];

const FIELD_LABEL = new Map<string, string>(COLUMNS.map((c) => [c.field, c.headers[0]]));
FIELD_LABEL.set("body", "正文或链接");
FIELD_LABEL.set("url", "正文或链接");
FIELD_LABEL.set("normativeType", "文件类型");
export const fieldLabel = (f: string) => FIELD_LABEL.get(f) ?? f;

type Cell = string | number | boolean | Date | null | undefined;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) {
    // Excel dates are calendar dates: take the UTC parts exceljs produces.
    return v.toISOString().slice(0, 10);
  }
  if (typeof v === "object") {
    const o = v as { text?: unknown; result?: unknown; richText?: Array<{ text: string }>; hyperlink?: string };
    if (o.richText) return o.richText.map((r) => r.text).join("");
    if (o.hyperlink) return String(o.hyperlink);
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
    return "";
  }
  return String(v).trim();
}

/** Rows of a table (first row = headers) → import rows with field names, or a list of header problems. */
export function tableToRows(table: Cell[][]): ImportRow[] {
  if (!table.length) throw new DomainError("CATALOGUE.IMPORT_INVALID", "文件是空的", [{ row: 1, field: "(header)", message: "缺少表头行" }]);
  const header = table[0].map((h) =>
    cellText(h)
      .replace(/^\uFEFF/, "")
      .replace(/\s+/g, ""),
  );
  const fieldAt = new Map<number, string>();
  const problems: Array<Record<string, unknown>> = [];
  header.forEach((h, i) => {
    if (!h) return;
    const col = COLUMNS.find((c) => c.headers.includes(h));
    if (!col) problems.push({ row: 1, field: h, message: `无法识别的列“${h}”` });
    else if ([...fieldAt.values()].includes(col.field)) problems.push({ row: 1, field: h, message: `列“${h}”与其他列重复` });
    else fieldAt.set(i, col.field);
  });
  for (const c of COLUMNS)
    if (c.required && ![...fieldAt.values()].includes(c.field)) problems.push({ row: 1, field: c.headers[0], message: `缺少必需的列“${c.headers[0]}”` });
  if (problems.length) throw new DomainError("CATALOGUE.IMPORT_INVALID", "表头有误，未导入任何条目", problems);
  const rows: ImportRow[] = [];
  table.slice(1).forEach((cells, i) => {
    const values: Record<string, unknown> = {};
    let any = false;
    fieldAt.forEach((field, col) => {
      const t = restoreFormula(cellText(cells[col])).trim();
      if (t) any = true;
      if (field === "bodyOrUrl") {
        if (/^(https?:\/\/|\/)\S*$/.test(t)) values.url = t;
        else values.body = t || null;
      } else values[field] = t || null;
    });
    if (any) rows.push({ row: i + 2, values });
  });
  return rows;
}

export function parseCsv(buf: Buffer, limits: SheetLimits = DEFAULT_SHEET_LIMITS): ImportRow[] {
  // PostgreSQL cannot store NUL in text: refuse the file here, naming the line, instead of failing in the insert.
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const line = buf.subarray(0, nul).toString("utf8").split("\n").length;
    throw new DomainError("CATALOGUE.IMPORT_INVALID", "CSV 文件包含空字符（\\0），请删除后重试", [
      { row: line, field: "(file)", message: `第${line}行包含空字符` },
    ]);
  }
  let table: string[][];
  try {
    table = parse(buf, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true });
  } catch (e) {
    throw new DomainError("CATALOGUE.IMPORT_INVALID", "CSV 文件格式不正确", [
      { row: (e as { lines?: number }).lines ?? 0, field: "(file)", message: (e as Error).message },
    ]);
  }
  // The upload limit already bounds a CSV's memory; the same row and column limits keep both formats alike.
  if (table.length > limits.maxRows + 1) throw tooLarge(`CSV 文件超过${limits.maxRows}行数据的上限；请拆分后分批导入`, limits.maxRows + 2);
  const wide = table.findIndex((r) => r.length > limits.maxColumns);
  if (wide >= 0) throw tooLarge(`第${wide + 1}行有${table[wide].length}列，超过了${limits.maxColumns}列的上限`, wide + 1);
  return tableToRows(table);
}

/** The import bounds from the configuration (CATALOGUE_IMPORT_MAX_*; docs/security/catalogue.md). */
export function sheetLimits(config: Pick<Config, "CATALOGUE_IMPORT_MAX_ROWS" | "CATALOGUE_IMPORT_MAX_COLUMNS" | "CATALOGUE_IMPORT_MAX_CELLS">): SheetLimits {
  return {
    maxRows: config.CATALOGUE_IMPORT_MAX_ROWS,
    maxColumns: config.CATALOGUE_IMPORT_MAX_COLUMNS,
    maxCells: config.CATALOGUE_IMPORT_MAX_CELLS,
    maxUnzippedBytes: MAX_UNZIPPED_BYTES,
  };
}

/** Far more XML than 20,000 catalogue rows need, far less than a heap. */
const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;
export const DEFAULT_SHEET_LIMITS: SheetLimits = { maxRows: 20_000, maxColumns: 64, maxCells: 400_000, maxUnzippedBytes: MAX_UNZIPPED_BYTES };

/**
 * The first worksheet, streamed row by row (exceljs WorkbookReader): the declared sizes are checked first
 * (checkXlsxBounds), then every row against the real ones — a cell beyond maxColumns, a row number beyond
 * maxRows, or more than maxCells cells in all stops the reading at once with CATALOGUE.IMPORT_TOO_LARGE.
 */
export async function parseXlsx(buf: Buffer, limits: SheetLimits = DEFAULT_SHEET_LIMITS): Promise<ImportRow[]> {
  checkXlsxBounds(buf, limits);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(buf), {
    entries: "emit",
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
  });
  const table: Cell[][] = [];
  let cells = 0;
  let sheets = 0;
  try {
    for await (const ws of reader) {
      sheets++;
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        // cellCount is the row's last cell column: empty cells up to it were allocated too, so they count.
        if (row.number > limits.maxRows + 1) throw tooLarge(`工作表超过${limits.maxRows}行数据的上限（第${row.number}行）；请拆分后分批导入`, row.number);
        if (row.cellCount > limits.maxColumns)
          throw tooLarge(`第${row.number}行在第${row.cellCount}列有单元格，超过了${limits.maxColumns}列的上限；请删除目录列以外的单元格后重新导入`, row.number);
        cells += row.cellCount;
        if (cells > limits.maxCells) throw tooLarge(`工作表超过${limits.maxCells}个单元格的上限；请删除多余的单元格或拆分后分批导入`, row.number);
        const values: Cell[] = [];
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          values[col - 1] = cell.value as Cell;
        });
        table[row.number - 1] = values;
      }
      break; // only the first worksheet is the catalogue; the others are never parsed
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError("CATALOGUE.IMPORT_INVALID", "XLSX 文件无法读取", [{ row: 0, field: "(file)", message: "不是有效的 XLSX 文件" }]);
  }
  if (!sheets) throw new DomainError("CATALOGUE.IMPORT_INVALID", "XLSX 文件中没有工作表", [{ row: 0, field: "(file)", message: "没有工作表" }]);
  for (let i = 0; i < table.length; i++) table[i] ??= [];
  return tableToRows(table);
}

export async function readCatalogueFile(file: string, limits: SheetLimits = DEFAULT_SHEET_LIMITS): Promise<ImportRow[]> {
  const ext = path.extname(file).toLowerCase();
  if (!fs.existsSync(file)) throw new DomainError("CATALOGUE.FILE_NOT_FOUND", `文件不存在：${file}`);
  const buf = fs.readFileSync(file);
  if (ext === ".csv") return parseCsv(buf, limits);
  if (ext === ".xlsx") return parseXlsx(buf, limits);
  throw new DomainError("CATALOGUE.INVALID_FORMAT", "只支持 .csv 和 .xlsx 文件");
}

export const EXPORT_HEADERS = COLUMNS.map((c) => c.headers[0]);

function exportRow(e: CatalogueEntry): string[] {
  return [
    e.indexNo,
    e.title,
    e.publisher,
    e.writtenDate ?? "",
    e.docNo ?? "",
    e.subjectCategory,
    e.agencyCategory ?? "",
    e.disclosureMode,
    e.disclosureTimeLimit ?? "",
    e.disclosureScope ?? "",
    e.summary ?? "",
    e.url ?? e.body ?? "",
    e.validity,
    e.publishedDate ?? "",
    e.keywords ?? "",
  ];
}

/**
 * OWASP CSV injection: a spreadsheet runs a cell that starts with = + - @ (or tab/CR before one) as a formula
 * (=HYPERLINK(…), =cmd|…). Such a cell is written with a leading ' — shown as text — and import strips it again.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
export const neutraliseFormula = (v: string) => (FORMULA_START.test(v) ? `'${v}` : v);
const restoreFormula = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

/** CSV with a UTF-8 BOM so that Excel opens the Chinese text correctly. */
export function toCsv(entries: CatalogueEntry[]): Buffer {
  const text = stringify([EXPORT_HEADERS, ...entries.map((e) => exportRow(e).map(neutraliseFormula))], { quoted_string: false });
  return Buffer.concat([Buffer.from("\uFEFF", "utf8"), Buffer.from(text, "utf8")]);
}

export async function toXlsx(entries: CatalogueEntry[], sheetName = "政府信息公开目录"): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "ogi-service";
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(EXPORT_HEADERS);
  ws.getRow(1).font = { bold: true };
  for (const e of entries) ws.addRow(exportRow(e));
  // Dates and numbers stay text so that a re-import reads them back unchanged.
  ws.columns.forEach((c, i) => {
    c.width = [22, 50, 24, 12, 22, 20, 16, 12, 12, 12, 50, 40, 8, 12, 20][i] ?? 16;
    c.numFmt = "@";
  });
  ws.views = [{ state: "frozen", ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

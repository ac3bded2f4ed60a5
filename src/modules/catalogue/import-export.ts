// Catalogue files: CSV (UTF-8, with or without BOM; GB18030 is not guessed) and XLSX (exceljs) with the
// Chinese column headers real catalogues use. Export writes the same headers, so an export re-imports as is.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { DomainError } from "../../domain/errors";
import type { CatalogueEntry } from "./entities";
import type { ImportRow } from "./catalogue-service";

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
  const header = table[0].map((h) => cellText(h).replace(/^\uFEFF/, "").replace(/\s+/g, ""));
  const fieldAt = new Map<number, string>();
  const problems: Array<Record<string, unknown>> = [];
  header.forEach((h, i) => {
    if (!h) return;
    const col = COLUMNS.find((c) => c.headers.includes(h));
    if (!col) problems.push({ row: 1, field: h, message: `无法识别的列“${h}”` });
    else if ([...fieldAt.values()].includes(col.field)) problems.push({ row: 1, field: h, message: `列“${h}”与其他列重复` });
    else fieldAt.set(i, col.field);
  });
  for (const c of COLUMNS) if (c.required && ![...fieldAt.values()].includes(c.field)) problems.push({ row: 1, field: c.headers[0], message: `缺少必需的列“${c.headers[0]}”` });
  if (problems.length) throw new DomainError("CATALOGUE.IMPORT_INVALID", "表头有误，未导入任何条目", problems);
  const rows: ImportRow[] = [];
  table.slice(1).forEach((cells, i) => {
    const values: Record<string, unknown> = {};
    let any = false;
    fieldAt.forEach((field, col) => {
      const t = cellText(cells[col]);
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

export function parseCsv(buf: Buffer): ImportRow[] {
  // PostgreSQL cannot store NUL in text: refuse the file here, naming the line, instead of failing in the insert.
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const line = buf.subarray(0, nul).toString("utf8").split("\n").length;
    throw new DomainError("CATALOGUE.IMPORT_INVALID", "CSV 文件包含空字符（\\0），请删除后重试", [{ row: line, field: "(file)", message: `第${line}行包含空字符` }]);
  }
  let table: string[][];
  try {
    table = parse(buf, { bom: true, relax_column_count: true, skip_empty_lines: false, trim: true });
  } catch (e) {
    throw new DomainError("CATALOGUE.IMPORT_INVALID", "CSV 文件格式不正确", [{ row: (e as { lines?: number }).lines ?? 0, field: "(file)", message: (e as Error).message }]);
  }
  return tableToRows(table);
}

export async function parseXlsx(buf: Buffer): Promise<ImportRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new DomainError("CATALOGUE.IMPORT_INVALID", "XLSX 文件无法读取", [{ row: 0, field: "(file)", message: "不是有效的 XLSX 文件" }]);
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new DomainError("CATALOGUE.IMPORT_INVALID", "XLSX 文件中没有工作表", [{ row: 0, field: "(file)", message: "没有工作表" }]);
  const table: Cell[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cell.value as Cell;
    });
    table[n - 1] = cells;
  });
  for (let i = 0; i < table.length; i++) table[i] ??= [];
  return tableToRows(table);
}

export async function readCatalogueFile(file: string): Promise<ImportRow[]> {
  const ext = path.extname(file).toLowerCase();
  if (!fs.existsSync(file)) throw new DomainError("CATALOGUE.FILE_NOT_FOUND", `文件不存在：${file}`);
  const buf = fs.readFileSync(file);
  if (ext === ".csv") return parseCsv(buf);
  if (ext === ".xlsx") return parseXlsx(buf);
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

/** CSV with a UTF-8 BOM so that Excel opens the Chinese text correctly. */
export function toCsv(entries: CatalogueEntry[]): Buffer {
  const text = stringify([EXPORT_HEADERS, ...entries.map(exportRow)], { quoted_string: false });
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

// Checks an XLSX file's size before anything is inflated: the zip's declared uncompressed total, and each
// worksheet's declared <dimension>. A 12 KB file can declare (and hold) a sheet of 16,384 columns by a
// million rows; reading it cell by cell exhausted the heap. The real size is bounded again while streaming
// (parseXlsx), because a file need not declare its dimension or may declare it falsely.
import zlib from "node:zlib";
import { DomainError } from "../../domain/errors";

export interface SheetLimits {
  maxRows: number;
  maxColumns: number;
  /** Cells read in total (empty cells up to each row's last cell count too). */
  maxCells: number;
  /** Declared uncompressed size of every entry in the zip together. */
  maxUnzippedBytes: number;
}

export const IMPORT_TOO_LARGE = "CATALOGUE.IMPORT_TOO_LARGE";

export function tooLarge(message: string, row = 0): DomainError {
  return new DomainError(IMPORT_TOO_LARGE, message, [{ row, field: "(file)", message }]);
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

/** The central directory (names and sizes), read from the end of the file; null when it is not a zip. */
function centralDirectory(buf: Buffer): ZipEntry[] | null {
  // End of central directory: signature 0x06054b50 within the last 64 KB + 22 bytes (the comment is ≤ 64 KB).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) return null;
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    entries.push({
      name: buf.toString("utf8", at + 46, at + 46 + nameLen),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      uncompressedSize: buf.readUInt32LE(at + 24),
      localOffset: buf.readUInt32LE(at + 42),
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The first bytes of an entry, inflated from a short prefix of its data (enough for the <dimension> element). */
function entryHead(buf: Buffer, e: ZipEntry, compressedBytes = 2048): string {
  const at = e.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) return "";
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, Math.min(buf.length, start + Math.min(e.compressedSize || compressedBytes, compressedBytes)));
  if (e.method === 0) return data.toString("utf8");
  if (e.method !== 8) return "";
  try {
    // A prefix of a deflate stream: flush what it holds instead of demanding the end. 2 KB inflate to ≤ 2 MB.
    return zlib.inflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString("utf8", 0, 65536);
  } catch {
    return "";
  }
}

/** "XFD" → 16384. */
export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * Refuses a file whose declared sizes exceed the limits, before any sheet is parsed. A file that is not a
 * readable zip passes through: the XLSX reader then refuses it with its own message.
 */
export function checkXlsxBounds(buf: Buffer, limits: SheetLimits): void {
  const entries = centralDirectory(buf);
  if (!entries) return;
  const total = entries.reduce((n, e) => n + e.uncompressedSize, 0);
  if (total > limits.maxUnzippedBytes)
    throw tooLarge(`XLSX 文件解压后超过${Math.round(limits.maxUnzippedBytes / 1024 / 1024)}MB，请删除多余的工作表和格式，或拆分后分批导入`);
  for (const e of entries) {
    if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(e.name)) continue;
    const m = /<(?:\w+:)?dimension\b[^>]*\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"/i.exec(entryHead(buf, e));
    if (!m) continue;
    const lastCol = columnNumber(m[3] ?? m[1]);
    const lastRow = Number(m[4] ?? m[2]);
    if (lastCol > limits.maxColumns) throw tooLarge(`工作表声明的范围到第${lastCol}列，超过了${limits.maxColumns}列的上限；请删除目录列以外的单元格后重新导入`);
    if (lastRow > limits.maxRows + 1) throw tooLarge(`工作表声明的范围到第${lastRow}行，超过了${limits.maxRows}行数据的上限；请拆分后分批导入`);
    if (lastCol * lastRow > limits.maxCells)
      throw tooLarge(`工作表声明的范围有${lastCol * lastRow}个单元格，超过了${limits.maxCells}个的上限；请删除多余的单元格或拆分后分批导入`);
  }
}

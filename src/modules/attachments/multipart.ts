// Reads one multipart/form-data request (files and short text fields) with @fastify/busboy, bounded before
// anything is buffered: at most `maxFiles` files of at most `maxBytes` each, 40 fields of 16 KB. The body
// parser leaves multipart alone, so the stream is still unread here.
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { Context } from "koa";
import { DomainError } from "../../domain/errors";

export interface UploadedFile {
  /** The form field it came in. */
  field: string;
  bytes: Buffer;
  /** Cut at maxBytes (only when the reader was asked to read on past the limit). */
  truncated: boolean;
}

export interface Upload {
  fields: Record<string, string>;
  /** The first non-empty file of the field "file" (the mini-program's wx.uploadFile), or null. */
  file: UploadedFile | null;
  /** Every non-empty file, in order. */
  files: UploadedFile[];
}

export interface UploadOptions {
  maxBytes: number;
  /** Files read; further file parts are skipped. */
  maxFiles?: number;
  /** Field names whose files are read; others are skipped. Default: "file". */
  fileFields?: string[];
  /**
   * true (the API): a file over maxBytes ends the request at once with 413. false (a browser form): the rest of
   * that file is dropped and the other fields are still read, so the page can come back with what was typed.
   */
  stopAtLimit?: boolean;
}

export const NOT_MULTIPART = "请以 multipart/form-data 方式上传，文件放在 file 字段中";

export function isMultipart(ctx: Context): boolean {
  return /^multipart\/form-data\b/i.test(ctx.get("Content-Type"));
}

export function tooLarge(maxBytes: number): DomainError {
  const mb = maxBytes >= 1024 * 1024 ? `${Math.round((maxBytes / 1024 / 1024) * 10) / 10}MB` : `${Math.round(maxBytes / 1024)}KB`;
  return new DomainError("ATTACHMENT.TOO_LARGE", `文件过大：单个文件不能超过${mb}，请压缩或缩小后重新上传`);
}

export function readUpload(ctx: Context, options: number | UploadOptions): Promise<Upload> {
  const o: UploadOptions = typeof options === "number" ? { maxBytes: options } : options;
  const maxFiles = o.maxFiles ?? 1;
  const wanted = new Set(o.fileFields ?? ["file"]);
  const stopAtLimit = o.stopAtLimit ?? true;
  if (!isMultipart(ctx)) return Promise.reject(new DomainError("REQUEST.UNSUPPORTED_MEDIA_TYPE", NOT_MULTIPART));
  return new Promise<Upload>((resolve, reject) => {
    let bb: BusboyInstance;
    try {
      bb = new Busboy({
        headers: ctx.req.headers as { "content-type": string },
        limits: { files: maxFiles + 4, fileSize: o.maxBytes, fields: 40, fieldSize: 16 * 1024, parts: maxFiles + 44 },
      });
    } catch {
      reject(new DomainError("REQUEST.UNSUPPORTED_MEDIA_TYPE", NOT_MULTIPART));
      return;
    }
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    const reading: Array<Promise<void>> = [];
    bb.on("field", (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    bb.on("file", (name, stream) => {
      if (!wanted.has(name) || reading.length >= maxFiles) {
        stream.resume();
        return;
      }
      if (stopAtLimit) {
        // Past the limit: answer at once; the rest of the upload is read and dropped, never buffered.
        stream.on("limit", () => {
          ctx.req.unpipe(bb);
          ctx.req.resume();
          reject(tooLarge(o.maxBytes));
        });
      }
      const chunks: Buffer[] = [];
      reading.push(
        new Promise<void>((done) => {
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("end", () => {
            const bytes = Buffer.concat(chunks);
            if (bytes.length) files.push({ field: name, bytes, truncated: Boolean((stream as { truncated?: boolean }).truncated) });
            done();
          });
        }),
      );
    });
    bb.on("error", () => reject(new DomainError("REQUEST.INVALID_MULTIPART", "上传的内容格式不正确，请重新选择文件上传")));
    bb.on("finish", () => {
      void Promise.all(reading).then(() => resolve({ fields, files, file: files.find((f) => f.field === "file") ?? null }));
    });
    // A client that goes away mid-upload (or is cut off by HTTP_REQUEST_TIMEOUT_MS) ends the wait; nothing was stored.
    ctx.req.once("aborted", () => reject(new DomainError("REQUEST.INVALID_MULTIPART", "上传中断，请重新上传")));
    ctx.req.pipe(bb);
  });
}

// Reads one multipart/form-data upload (a file and a few short text fields) with @fastify/busboy, bounded
// before anything is buffered: one file of at most maxBytes, at most 20 fields of 4 000 characters. The
// body parser leaves multipart alone, so the stream is still unread here.
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { Context } from "koa";
import { DomainError } from "../../domain/errors";

export interface Upload {
  fields: Record<string, string>;
  /** Field name "file"; null when the form carried no file (or an empty one). */
  file: { bytes: Buffer; truncated: boolean } | null;
}

export const NOT_MULTIPART = "请以 multipart/form-data 方式上传，文件放在 file 字段中";

export function isMultipart(ctx: Context): boolean {
  return /^multipart\/form-data\b/i.test(ctx.get("Content-Type"));
}

export function tooLarge(maxBytes: number): DomainError {
  const mb = maxBytes >= 1024 * 1024 ? `${Math.round((maxBytes / 1024 / 1024) * 10) / 10}MB` : `${Math.round(maxBytes / 1024)}KB`;
  return new DomainError("ATTACHMENT.TOO_LARGE", `文件过大：单个文件不能超过${mb}，请压缩或缩小后重新上传`);
}

export function readUpload(ctx: Context, maxBytes: number): Promise<Upload> {
  if (!isMultipart(ctx)) return Promise.reject(new DomainError("REQUEST.UNSUPPORTED_MEDIA_TYPE", NOT_MULTIPART));
  return new Promise<Upload>((resolve, reject) => {
    let bb: BusboyInstance;
    try {
      bb = new Busboy({ headers: ctx.req.headers as { "content-type": string }, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 4000, parts: 22 } });
    } catch {
      reject(new DomainError("REQUEST.UNSUPPORTED_MEDIA_TYPE", NOT_MULTIPART));
      return;
    }
    const fields: Record<string, string> = {};
    let file: Upload["file"] = null;
    let pending: Promise<void> = Promise.resolve();
    bb.on("field", (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    bb.on("file", (name, stream) => {
      if (name !== "file" || file) {
        stream.resume();
        return;
      }
      // Past the limit: answer at once; the rest of the upload is read and dropped, never buffered.
      stream.on("limit", () => {
        ctx.req.unpipe(bb);
        ctx.req.resume();
        reject(tooLarge(maxBytes));
      });
      const chunks: Buffer[] = [];
      pending = new Promise<void>((done) => {
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const bytes = Buffer.concat(chunks);
          if (bytes.length) file = { bytes, truncated: Boolean((stream as { truncated?: boolean }).truncated) };
          done();
        });
      });
    });
    bb.on("error", () => reject(new DomainError("REQUEST.INVALID_MULTIPART", "上传的内容格式不正确，请重新选择文件上传")));
    bb.on("finish", () => {
      void pending.then(() => resolve({ fields, file }));
    });
    // A client that goes away mid-upload (or is cut off by HTTP_REQUEST_TIMEOUT_MS) ends the wait; nothing was stored.
    ctx.req.once("aborted", () => reject(new DomainError("REQUEST.INVALID_MULTIPART", "上传中断，请重新上传")));
    ctx.req.pipe(bb);
  });
}

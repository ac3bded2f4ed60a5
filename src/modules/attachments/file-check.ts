// What an uploaded file really is, read from its first bytes with magic-bytes.js (the name and the
// Content-Type the client sends are never trusted). Only photos (JPEG, PNG) and PDF are accepted: what an
// ID card photo or a scanned supporting document is, and what every browser shows staff without a plug-in.
import { filetypeinfo } from "magic-bytes.js";
import { DomainError } from "../../domain/errors";

export const ACCEPTED_TYPES: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf" };
export const TYPE_REFUSED = "文件类型不支持：只能上传 JPG、PNG 格式的照片或 PDF 文件（如身份证正反面照片），请转换格式后重新上传";

/** The accepted type of these bytes, or the 400 ATTACHMENT.INVALID_TYPE with the Chinese message. */
export function detectType(bytes: Buffer): { mime: string; ext: string } {
  const hit = filetypeinfo(bytes.subarray(0, 4100)).find((t) => t.mime && ACCEPTED_TYPES[t.mime]);
  if (!hit?.mime) throw new DomainError("ATTACHMENT.INVALID_TYPE", TYPE_REFUSED);
  return { mime: hit.mime, ext: ACCEPTED_TYPES[hit.mime] };
}

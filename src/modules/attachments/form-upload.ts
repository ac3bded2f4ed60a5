// Files that come with a browser form (the portal's application form): read with the other fields, checked
// before anything is filed (a refused file sends the page back with everything typed, nothing filed), and
// attached after the filing. Field "identity" is the identity proof, "supporting" the other files.
import type { Context } from "koa";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import type { Application } from "../applications/application.entity";
import type { AttachmentKind } from "./attachment.entity";
import type { AttachmentService, AttachmentView } from "./attachment-service";
import { readUpload } from "./multipart";

export const FORM_FILE_FIELDS: Record<string, AttachmentKind> = { identity: "identity", supporting: "supporting" };

export interface FormFile {
  kind: AttachmentKind;
  bytes: Buffer;
  truncated: boolean;
}

/** The form's text fields and its files (the fields are read even when a file is over the limit). */
export async function readFormWithFiles(app: AppContext, ctx: Context): Promise<{ fields: Record<string, string>; files: FormFile[] }> {
  const max = app.config.ATTACHMENT_MAX_PER_APPLICATION;
  // One more than allowed is read, so "too many" is told rather than silently dropped.
  const up = await readUpload(ctx, {
    maxBytes: app.config.ATTACHMENT_MAX_BYTES,
    maxFiles: max + 1,
    fileFields: Object.keys(FORM_FILE_FIELDS),
    stopAtLimit: false,
  });
  return { fields: up.fields, files: up.files.map((f) => ({ kind: FORM_FILE_FIELDS[f.field], bytes: f.bytes, truncated: f.truncated })) };
}

/** The first problem with the files, as the Chinese message the form shows; null when all are acceptable. */
export function fileProblem(app: AppContext, svc: AttachmentService, files: FormFile[]): string | null {
  const max = app.config.ATTACHMENT_MAX_PER_APPLICATION;
  if (files.length > max) return `每件申请最多上传${max}个附件，请减少后重新选择`;
  for (const [i, f] of files.entries()) {
    try {
      svc.check({ ...f, source: "online", uploadedBy: null });
    } catch (e) {
      if (e instanceof DomainError) return `第${i + 1}个文件：${e.message}`;
      throw e;
    }
  }
  return null;
}

/** Attaches the (already checked) files to the filed application; a retried form finds them already there. */
export async function attachFormFiles(svc: AttachmentService, application: Application, files: FormFile[]): Promise<AttachmentView[]> {
  const out: AttachmentView[] = [];
  for (const f of files) out.push(await svc.add(application, { ...f, source: "online", uploadedBy: null }));
  return out;
}

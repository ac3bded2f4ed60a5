// Staff API of attachments: the list of an application's files and one file, for staff of the application's
// agency only (the console shows the same through its own pages). Never under a public path.
import Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { currentStaff, requireStaff } from "../../http/auth";

/** Sends a stored file: its detected type, a safe name, nothing cached, nothing run inside it. */
export function sendAttachment(ctx: Context, f: { bytes: Buffer; filename: string; view: { mime: string } }, how: "view" | "download"): void {
  ctx.type = f.view.mime;
  ctx.attachment(f.filename, { type: how === "download" ? "attachment" : "inline" });
  ctx.set("Cache-Control", "private, no-store");
  ctx.set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
  ctx.body = f.bytes;
}

export function attachmentRoutes(app: AppContext, deps: Pick<Services, "attachments" | "staff">): Router {
  const svc = () => deps.attachments;
  const r = new Router({ prefix: "/api/staff/applications" });
  r.use(requireStaff(deps.staff));
  r.get("/:applicationNo/attachments", async (ctx) => {
    ctx.body = { attachments: await svc().staffList(currentStaff(ctx), ctx.params.applicationNo) };
  });
  r.get("/:applicationNo/attachments/:id", async (ctx) => {
    const how = ctx.query.download === "1" ? "download" : "view";
    sendAttachment(ctx, await svc().staffOpen(currentStaff(ctx), ctx.params.applicationNo, ctx.params.id, how), how);
  });
  return r;
}

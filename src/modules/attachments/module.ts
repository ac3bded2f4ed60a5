// Feature module: attachments of applications (identity proof, supporting files) — storage, staff access,
// retention job and command. Uploads arrive through the mini-program API, the official account and the portal.
import { getService } from "../../context";
import type { FeatureModule } from "../module";
import { Attachment } from "./attachment.entity";
import { AttachmentService } from "./attachment-service";
import { DatabaseAttachmentStorage } from "./attachment-storage";
import { attachmentRoutes } from "./routes";

export const attachmentsModule: FeatureModule = {
  name: "attachments",
  entities: [Attachment],
  init(ctx) {
    ctx.services.set("attachments", new AttachmentService(ctx, new DatabaseAttachmentStorage(ctx.db)));
  },
  async start(ctx) {
    // Retention runs hourly in the server (and on demand: `npm run cli -- attachments-purge`).
    const svc = getService<AttachmentService>(ctx, "attachments");
    const purge = () =>
      svc
        .purge()
        .then((r) => r.closed + r.pending + r.orphans && ctx.logger.info(r, "attachments purged by retention"))
        .catch((err) => ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "attachment purge failed"));
    await purge();
    const timer = setInterval(() => void purge(), 3600_000);
    timer.unref();
    return async () => clearInterval(timer);
  },
  routes: (ctx) => [attachmentRoutes(ctx)],
  commands: [
    {
      name: "attachments-purge",
      summary: "delete attachments past their retention (closed applications after ATTACHMENT_RETENTION_DAYS, unfiled images after 24 h)",
      usage: "attachments-purge",
      async run(ctx, _argv, out) {
        const r = await getService<AttachmentService>(ctx, "attachments").purge();
        out.info(`deleted ${r.closed} file(s) of closed applications, ${r.pending} unfiled image(s), ${r.orphans} orphaned blob(s)`);
        return 0;
      },
    },
  ],
};

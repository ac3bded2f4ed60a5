// Feature module: attachments of applications (identity proof, supporting files) — storage, staff access,
// retention job and command. Uploads arrive through the mini-program API, the official account and the portal.
import type { AppContext } from "../../context";
import type { CliCommand, FeatureModule } from "../module";
import type { Services } from "../services";
import { Attachment } from "./attachment.entity";
import { AttachmentService } from "./attachment-service";
import { DatabaseAttachmentStorage } from "./attachment-storage";
import { attachmentRoutes } from "./routes";

export const attachmentsEntities = [Attachment];

/** The attachments module: its service (files in the database), the hourly retention and the staff routes. */
export function createAttachments(ctx: AppContext, deps: Pick<Services, "staff">): { attachments: AttachmentService; module: FeatureModule } {
  const svc = new AttachmentService(ctx, new DatabaseAttachmentStorage(ctx.db));
  const module: FeatureModule = {
    name: "attachments",
    async start() {
      // Retention runs hourly in the server (and on demand: `npm run cli -- attachments-purge`).
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
    routes: () => [attachmentRoutes(ctx, { attachments: svc, staff: deps.staff })],
  };
  return { attachments: svc, module };
}

export const attachmentsCommands: CliCommand[] = [
  {
    name: "attachments-purge",
    summary: "delete attachments past their retention (closed applications after ATTACHMENT_RETENTION_DAYS, unfiled images after 24 h)",
    usage: "attachments-purge",
    async run(_ctx, _argv, out, { attachments }: Pick<Services, "attachments">) {
      const r = await attachments.purge();
      out.info(`deleted ${r.closed} file(s) of closed applications, ${r.pending} unfiled image(s), ${r.orphans} orphaned blob(s)`);
      return 0;
    },
  },
];

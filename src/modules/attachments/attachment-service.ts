// Attachments of applications: identity proof (身份证明, Art. 29) and supporting files. Adds them within the
// size and count limits with the type read from the content, lists them for the citizen who filed and for
// staff of the agency, opens one for staff with an audit row, binds official-account images waiting for
// their filing dialogue, and deletes them by the retention rules (docs/miniprogram.md#retention).
import { createHash, randomUUID } from "node:crypto";
import { In, IsNull, LessThan, Not, type EntityManager } from "typeorm";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { AuditEvent, auditEvent, staffOrSystem, type ActorType } from "../../infra/entities/audit-event.entity";
import { Application } from "../applications/application.entity";
import { OPEN_STATUSES } from "../applications/lifecycle";
import type { StaffPrincipal } from "../staff/staff-service";
import { Attachment, KIND_LABELS, type AttachmentKind, type AttachmentSource } from "./attachment.entity";
import type { AttachmentStorage } from "./attachment-storage";
import { detectType } from "./file-check";
import { tooLarge } from "./multipart";

/** Official-account images whose dialogue never filed are removed after this long (the session's own lifetime). */
export const PENDING_HOURS = 24;

export interface AttachmentView {
  id: string;
  kind: AttachmentKind;
  kindLabel: string;
  mime: string;
  sizeBytes: number;
  source: AttachmentSource;
  createdAt: string;
}

export function attachmentView(a: Attachment): AttachmentView {
  return { id: a.id, kind: a.kind, kindLabel: KIND_LABELS[a.kind], mime: a.mime, sizeBytes: a.sizeBytes, source: a.source, createdAt: a.createdAt };
}

export interface NewAttachment {
  kind: AttachmentKind;
  bytes: Buffer;
  /** Set when the upload was cut at the size limit by the multipart reader. */
  truncated?: boolean;
  source: AttachmentSource;
  uploadedBy: string | null;
}

export interface PurgeResult {
  closed: number;
  pending: number;
  orphans: number;
}

const limitReached = (max: number) => new DomainError("ATTACHMENT.LIMIT_REACHED", `每件申请最多上传${max}个附件，已达上限；如需更换，请联系受理机关`);

export class AttachmentService {
  constructor(
    private readonly ctx: AppContext,
    readonly storage: AttachmentStorage,
  ) {}

  private get max() {
    return { bytes: this.ctx.config.ATTACHMENT_MAX_BYTES, count: this.ctx.config.ATTACHMENT_MAX_PER_APPLICATION };
  }

  /** Size and type, before anything is written: a refused file changes nothing. */
  check(file: NewAttachment): { mime: string } {
    if (file.truncated || file.bytes.length > this.max.bytes) throw tooLarge(this.max.bytes);
    if (!file.bytes.length) throw new DomainError("ATTACHMENT.INVALID_FILE", "上传的文件是空的，请重新选择文件");
    return detectType(file.bytes);
  }

  private async lockApplication(m: EntityManager, applicationId: string): Promise<void> {
    // Two uploads at once must not both pass the count check; SQLite runs one write transaction at a time anyway.
    const q = this.ctx.sql.params();
    const lock = this.ctx.sql.lockRow(q, "applications", applicationId);
    if (lock) await m.query(lock, q.values);
  }

  private row(agencyId: string, file: NewAttachment, mime: string, target: { applicationId: string | null; pendingKey: string | null }): Attachment {
    return Object.assign(new Attachment(), {
      id: randomUUID(),
      agencyId,
      applicationId: target.applicationId,
      pendingKey: target.pendingKey,
      kind: file.kind,
      mime,
      sizeBytes: file.bytes.length,
      sha256: createHash("sha256").update(file.bytes).digest("hex"),
      source: file.source,
      uploadedBy: file.uploadedBy,
      createdAt: this.ctx.clock.now().toISOString(),
    });
  }

  /** Adds a file to an open application: metadata, bytes and audit event in one transaction. */
  async add(app: Application, file: NewAttachment, actor: { type: ActorType; id: string | null } = { type: "citizen", id: null }): Promise<AttachmentView> {
    if (!OPEN_STATUSES.includes(app.status as (typeof OPEN_STATUSES)[number])) {
      throw new DomainError("ATTACHMENT.APPLICATION_CLOSED", "该申请已办结，不能再上传材料");
    }
    const { mime } = this.check(file);
    const a = this.row(app.agencyId, file, mime, { applicationId: app.id, pendingKey: null });
    let existing: Attachment | null = null;
    await this.ctx.db.transaction(async (m) => {
      await this.lockApplication(m, app.id);
      // The same file again on the same application (a retried upload or form) is the one already stored.
      existing = await m.findOneBy(Attachment, { applicationId: app.id, sha256: a.sha256, kind: a.kind });
      if (existing) return;
      if ((await m.countBy(Attachment, { applicationId: app.id })) >= this.max.count) throw limitReached(this.max.count);
      await m.insert(Attachment, a);
      await this.storage.put(a.id, file.bytes, m);
      await m.save(
        auditEvent({
          agencyId: app.agencyId,
          entityType: "application",
          entityId: app.id,
          actor,
          action: "attachment.add",
          data: { attachmentId: a.id, kind: a.kind, mime, sizeBytes: a.sizeBytes, source: a.source },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
    return attachmentView(existing ?? a);
  }

  /** An official-account image sent during the filing dialogue: kept under the dialogue's key until it files. */
  async addPending(agencyId: string, pendingKey: string, file: NewAttachment): Promise<{ view: AttachmentView; count: number }> {
    const { mime } = this.check(file);
    const a = this.row(agencyId, file, mime, { applicationId: null, pendingKey });
    let count = 0;
    await this.ctx.db.transaction(async (m) => {
      count = await m.countBy(Attachment, { pendingKey, applicationId: IsNull() });
      if (count >= this.max.count) throw limitReached(this.max.count);
      await m.insert(Attachment, a);
      await this.storage.put(a.id, file.bytes, m);
    });
    return { view: attachmentView(a), count: count + 1 };
  }

  /** How many images wait under a dialogue's key. */
  async pendingCount(pendingKey: string): Promise<number> {
    return this.ctx.db.getRepository(Attachment).countBy({ pendingKey, applicationId: IsNull() });
  }

  /** Binds the waiting images of a dialogue to the application it filed (idempotent: bound ones are not seen again). */
  async claimPending(pendingKey: string, applicationNo: string, citizenKey: string): Promise<number> {
    const app = await this.ctx.db.getRepository(Application).findOneBy({ applicationNo, citizenKey });
    if (!app) return 0;
    return this.ctx.db.transaction(async (m) => {
      await this.lockApplication(m, app.id);
      const waiting = await m.find(Attachment, { where: { pendingKey, applicationId: IsNull() }, order: { createdAt: "ASC" } });
      if (!waiting.length) return 0;
      const room = Math.max(0, this.max.count - (await m.countBy(Attachment, { applicationId: app.id })));
      const take = waiting.slice(0, room);
      if (take.length) {
        await m.update(Attachment, { id: In(take.map((a) => a.id)) }, { applicationId: app.id, agencyId: app.agencyId, pendingKey: null });
        for (const a of take)
          await m.save(
            auditEvent({
              agencyId: app.agencyId,
              entityType: "application",
              entityId: app.id,
              actor: { type: "citizen", id: null },
              action: "attachment.add",
              data: { attachmentId: a.id, kind: a.kind, mime: a.mime, sizeBytes: a.sizeBytes, source: a.source },
              at: this.ctx.clock.now().toISOString(),
            }),
          );
      }
      return take.length;
    });
  }

  async listFor(applicationId: string): Promise<AttachmentView[]> {
    const rows = await this.ctx.db.getRepository(Attachment).find({ where: { applicationId }, order: { createdAt: "ASC" } });
    return rows.map(attachmentView);
  }

  private async staffApplication(staff: StaffPrincipal, applicationNo: string): Promise<Application> {
    const app = await this.ctx.db.getRepository(Application).findOneBy({ agencyId: staff.agencyId, applicationNo });
    if (!app) throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请");
    return app;
  }

  async staffList(staff: StaffPrincipal, applicationNo: string): Promise<AttachmentView[]> {
    return this.listFor((await this.staffApplication(staff, applicationNo)).id);
  }

  /** One file for a staff member of the application's agency; every opening writes an audit row first. */
  async staffOpen(
    staff: StaffPrincipal,
    applicationNo: string,
    id: string,
    how: "view" | "download",
  ): Promise<{ view: AttachmentView; bytes: Buffer; filename: string }> {
    const app = await this.staffApplication(staff, applicationNo);
    const a = /^[0-9a-f-]{36}$/i.test(id) ? await this.ctx.db.getRepository(Attachment).findOneBy({ id, applicationId: app.id }) : null;
    if (!a) throw new DomainError("ATTACHMENT.NOT_FOUND", "未找到该附件");
    const bytes = await this.storage.get(a.id);
    if (!bytes) throw new DomainError("ATTACHMENT.NOT_FOUND", "附件内容已不存在（可能已按保存期限删除）");
    await this.ctx.db.getRepository(AuditEvent).save(
      auditEvent({
        agencyId: app.agencyId,
        entityType: "application",
        entityId: app.id,
        actor: staffOrSystem(staff),
        action: `attachment.${how}`,
        data: { attachmentId: a.id, kind: a.kind },
        at: this.ctx.clock.now().toISOString(),
      }),
    );
    const n = (await this.listFor(app.id)).findIndex((x) => x.id === a.id) + 1;
    return {
      view: attachmentView(a),
      bytes,
      filename: `${app.applicationNo}-${KIND_LABELS[a.kind]}-${n}.${a.mime === "application/pdf" ? "pdf" : a.mime === "image/png" ? "png" : "jpg"}`,
    };
  }

  /**
   * Retention: files of an application closed (answered or closed) more than ATTACHMENT_RETENTION_DAYS ago,
   * official-account images never bound to an application after PENDING_HOURS, and stored bytes without a
   * metadata row. One audit row per application whose files were deleted.
   */
  async purge(): Promise<PurgeResult> {
    const now = this.ctx.clock.now();
    const cutoffDate = new Date(now.getTime() - this.ctx.config.ATTACHMENT_RETENTION_DAYS * 86400_000).toISOString().slice(0, 10);
    const repo = this.ctx.db.getRepository(Attachment);
    const expired = (await this.ctx.db
      .createQueryBuilder()
      .select("at.id", "id")
      .addSelect("at.application_id", "applicationId")
      .addSelect("ap.agency_id", "agencyId")
      .from(Attachment, "at")
      .innerJoin(Application, "ap", "ap.id = at.application_id")
      .where("ap.status NOT IN (:...open)", { open: OPEN_STATUSES })
      .andWhere("COALESCE(ap.disposition_date, SUBSTR(ap.updated_at, 1, 10)) < :cutoff", { cutoff: cutoffDate })
      .limit(1000)
      .getRawMany()) as Array<{ id: string; applicationId: string; agencyId: string }>;
    const byApp = new Map<string, { agencyId: string; ids: string[] }>();
    for (const r of expired) {
      const e = byApp.get(r.applicationId) ?? { agencyId: r.agencyId, ids: [] };
      e.ids.push(r.id);
      byApp.set(r.applicationId, e);
    }
    for (const [applicationId, e] of byApp) {
      await this.ctx.db.transaction(async (m) => {
        await m.delete(Attachment, { id: In(e.ids) });
        await this.storage.delete(e.ids, m);
        await m.save(
          auditEvent({
            agencyId: e.agencyId,
            entityType: "application",
            entityId: applicationId,
            actor: staffOrSystem(null),
            action: "attachment.purge",
            data: { count: e.ids.length, retentionDays: this.ctx.config.ATTACHMENT_RETENTION_DAYS },
            at: this.ctx.clock.now().toISOString(),
          }),
        );
      });
    }
    const pendingCutoff = new Date(now.getTime() - PENDING_HOURS * 3600_000).toISOString();
    const stale = await repo.find({
      select: { id: true },
      where: { applicationId: IsNull(), pendingKey: Not(IsNull()), createdAt: LessThan(pendingCutoff) },
      take: 1000,
    });
    if (stale.length) {
      const ids = stale.map((s) => s.id);
      await this.ctx.db.transaction(async (m) => {
        await m.delete(Attachment, { id: In(ids) });
        await this.storage.delete(ids, m);
      });
    }
    const orphans = await this.storage.orphans(1000);
    await this.storage.delete(orphans);
    return { closed: expired.length, pending: stale.length, orphans: orphans.length };
  }
}

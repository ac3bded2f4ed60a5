// Writes one decided staff action (transitions.ts) in one transaction: the version-checked update of the application,
// the new rows it makes (a split's parts, numbered here), its audit event and, when the citizen should know, the outbox row.
import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { DomainError } from "../../domain/errors";
import { AuditEvent, auditEvent, type ActorType } from "../../infra/entities/audit-event.entity";
import { OutboxMessage } from "../../infra/entities/outbox-message.entity";
import { updateVersioned } from "../../infra/versioned-update";
import { asRow } from "../../infra/rows";
import { subjectOf, type ApplicationDeps } from "./application-deps";
import type { ApplicationRecord } from "./application-record";
import { Application } from "./application.entity";
import { findRepeat, nextApplicationNo } from "./intake";
import { withSplitNumbers, type CitizenNotice, type Decision } from "./transitions";

const conflict = () => new DomainError("APPLICATION.CONFLICT", "该申请刚被他人修改，请刷新后重试");

/** The outbox row telling the citizen (on the channel they filed through) what changed. */
function outboxRow(app: Pick<ApplicationRecord, "agencyId" | "id" | "channel" | "citizenKey">, notice: CitizenNotice, at: string): OutboxMessage {
  return Object.assign(new OutboxMessage(), {
    id: randomUUID(),
    agencyId: app.agencyId,
    applicationId: app.id,
    channel: app.channel,
    recipient: app.citizenKey,
    kind: "application.status_changed",
    payload: { ...notice },
    status: "pending",
    attempts: 0,
    lastError: null,
    createdAt: at,
    deliveredAt: null,
  });
}

/**
 * Commits `decision` for `app` as read at `app.version`: a concurrent change since then is refused (APPLICATION.CONFLICT)
 * and nothing is written. On success `app` holds the new state; the decision is returned as written (a split's numbers).
 */
export async function commit(d: ApplicationDeps, app: Application, decision: Decision, actor: { type: ActorType; id: string | null }): Promise<Decision> {
  const at = d.ctx.clock.now().toISOString();
  let written = decision;
  const version = await d.ctx.db.transaction(async (m: EntityManager) => {
    const next = await updateVersioned(m, Application, app.id, app.version, decision.changes, conflict());
    const numbers: string[] = [];
    if (decision.split) {
      for (const part of decision.split.parts) {
        const row = Object.assign(new Application(), part);
        row.applicationNo = await nextApplicationNo(d, m, row.agencyId, decision.split.numberedOn);
        row.possibleRepeatOf = await findRepeat(m, row);
        await m.insert(Application, row);
        await m.insert(AuditEvent, asRow(auditEvent({ ...subjectOf(row), actor, ...decision.split.audit, at })));
        numbers.push(row.applicationNo);
      }
      written = withSplitNumbers(decision, numbers);
    }
    await m.insert(AuditEvent, asRow(auditEvent({ ...subjectOf(app), actor, ...written.audit, at })));
    if (written.notice) await m.insert(OutboxMessage, asRow(outboxRow({ ...app, ...decision.changes }, written.notice, at)));
    return next;
  });
  Object.assign(app, decision.changes, { version });
  return written;
}

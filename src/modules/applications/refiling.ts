// Re-filing (Art. 36(5), issue 17): the citizen files a 不属于本机关 answer's request again at the competent agency in
// one step — a new application with today's receipt, the same applicant and query code, linked to the original, once.
import { DomainError } from "../../domain/errors";
import { dueDateFields } from "../../domain/provisional-date";
import { Agency } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent } from "../../infra/entities/audit-event.entity";
import { asRow } from "../../infra/rows";
import { subjectOf, type ApplicationDeps } from "./application-deps";
import { Application, CITIZEN_CHANNELS, type Channel } from "./application.entity";
import { citizenStatus } from "./citizen-queries";
import { computeClock, type ClockEntry } from "./clock";
import { nextApplicationNo, sha256, type FilingActor } from "./intake";
import { newApplication, requestOf } from "./new-application";

/** A re-filing's answer: the new application (its query code is the original's, which the citizen holds). */
export interface RefileAnswer {
  applicationNo: string;
  refiledFrom: string;
  agencyCode: string;
  agencyName: string;
  status: string;
  receivedAt: string | null;
  dueDate: string | null;
  dueDateProvisional?: boolean;
  dueDateNote?: string | null;
  /** True when this re-filing had been made before (the same application is returned). */
  alreadyRefiled: boolean;
}

/** The citizen side of a re-filing: number and query code (the status-page holder), as a status query checks them. */
export async function refileByCode(d: ApplicationDeps, applicationNo: string, queryCode: string, clientKey?: string): Promise<RefileAnswer> {
  await citizenStatus(d, applicationNo, queryCode, clientKey);
  const original = await d.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo });
  return refile(d, original, { type: "citizen", id: original.citizenKey });
}

/**
 * Re-filing for a caller that has already proved it may (the chat's grant from a status query with the code
 * in this conversation, see conversation/refile-grant.ts). Never exposed over HTTP without that proof.
 */
export async function refileVerified(d: ApplicationDeps, applicationNo: string): Promise<RefileAnswer> {
  const original = await d.ctx.db.getRepository(Application).findOneBy({ applicationNo });
  if (!original) throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请，请核对申请编号和查询码");
  return refile(d, original, { type: "citizen", id: original.citizenKey });
}

/** A verified citizen's re-filing (chat, official account): their own application, by number or the latest one offered. */
export async function refileForCitizen(d: ApplicationDeps, citizenKey: string, applicationNo?: string): Promise<RefileAnswer> {
  const qb = d.ctx.db
    .getRepository(Application)
    .createQueryBuilder("a")
    .where("a.citizen_key = :citizenKey AND a.competent_agency_id IS NOT NULL", { citizenKey });
  if (applicationNo) qb.andWhere("a.application_no = :applicationNo", { applicationNo });
  const original = await qb.orderBy("a.disposition_date", "DESC").addOrderBy("a.created_at", "DESC").getOne();
  if (!original) throw new DomainError("APPLICATION.NOT_FOUND", "没有找到可以转交的申请：只有答复为“不属于本机关负责公开”并写明负责机关的申请才能一步转交");
  return refile(d, original, { type: "citizen", id: citizenKey });
}

/**
 * Files the original's request again at the competent agency: a new application with its own receipt date
 * (today: this system's acknowledgement is the Art. 31 confirmation), the same applicant data and query code,
 * linked to the original. Once only: the unique index on refiled_from_id makes a second call (or a race)
 * find the first one's application.
 */
async function refile(d: ApplicationDeps, original: Application, actor: FilingActor): Promise<RefileAnswer> {
  const { ctx } = d;
  if (!original.competentAgencyId) {
    throw new DomainError("APPLICATION.INVALID_TRANSITION", "该申请的答复没有写明负责公开的机关，不能一步转交；请直接向负责机关提出申请");
  }
  const target = await ctx.db.getRepository(Agency).findOneBy({ id: original.competentAgencyId });
  if (!target) throw new DomainError("AGENCY.NOT_FOUND", "答复中写明的负责机关已不在本平台，请直接向该机关提出申请");
  const existing = await ctx.db.getRepository(Application).findOneBy({ refiledFromId: original.id });
  if (existing) return refileAnswer(existing, target, original, true);
  const today = ctx.today();
  const now = ctx.clock.now().toISOString();
  const cal = await d.calendars.calendarFor(target.id);
  const evidence = `转交申请（原申请${original.applicationNo}）系统受理即确认`;
  const clockLog: ClockEntry[] = [{ kind: "receipt", date: today, evidence }];
  const identity = original.applicant.idNumber ?? original.applicant.creditCode;
  const app = Object.assign(
    new Application(),
    newApplication({
      ...requestOf(original),
      now,
      agencyId: target.id,
      status: "received",
      // A re-filing is made online by the citizen whatever the original's channel was.
      channel: (CITIZEN_CHANNELS as readonly string[]).includes(original.channel) ? original.channel : ("online" satisfies Channel),
      applicantKey: identity ? sha256(`${target.id}:${identity}`) : null,
      receivedAt: today,
      receiptEvidence: evidence,
      clockLog,
      clock: computeClock(clockLog, d.settings(), cal),
      refiledFromId: original.id,
    }),
    // The recorded category and name travel as they are.
    { applicantCategory: original.applicantCategory, applicantName: original.applicantName },
  );
  try {
    await ctx.db.transaction(async (m) => {
      app.applicationNo = await nextApplicationNo(d, m, target.id, today);
      await m.insert(Application, app);
      const refiled = auditEvent({
        ...subjectOf(app),
        actor,
        action: "application.refile",
        toStatus: app.status,
        data: { refiledFrom: original.applicationNo, fromAgencyId: original.agencyId, channel: app.channel },
        at: now,
      });
      const source = auditEvent({
        ...subjectOf(original),
        actor,
        action: "application.refiled_to",
        fromStatus: original.status,
        toStatus: original.status,
        data: { refiledAs: app.applicationNo, toAgencyId: target.id },
        at: now,
      });
      await m.insert(AuditEvent, asRow(refiled));
      await m.insert(AuditEvent, asRow(source));
    });
  } catch (err) {
    // Two re-filings at once: the unique index let one through; answer with it.
    const winner = await ctx.db.getRepository(Application).findOneBy({ refiledFromId: original.id });
    if (winner) return refileAnswer(winner, target, original, true);
    throw err;
  }
  return refileAnswer(app, target, original, false);
}

function refileAnswer(app: Application, target: Agency, original: Application, already: boolean): RefileAnswer {
  return {
    applicationNo: app.applicationNo,
    refiledFrom: original.applicationNo,
    agencyCode: target.code,
    agencyName: target.name,
    status: app.status,
    receivedAt: app.receivedAt,
    dueDate: app.dueDate,
    ...dueDateFields(app.dueDateFlag),
    alreadyRefiled: already,
  };
}

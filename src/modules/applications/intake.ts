// Filing: the citizen's submission and staff registration (one path), idempotent by key with the query code kept
// sealed for the retry window, numbered per agency and year, and checked for a repeat of an answered request.
import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";
import { localDate } from "../../domain/china-time";
import { DomainError } from "../../domain/errors";
import { dueDateFields } from "../../domain/provisional-date";
import { parseInput } from "../../http/validate";
import { defaultAgency } from "../../infra/agencies";
import { bumpCounter } from "../../infra/counters";
import { AuditEvent, auditEvent, type ActorType } from "../../infra/entities/audit-event.entity";
import { IdempotencyKey } from "../../infra/entities/idempotency-key.entity";
import type { StaffPrincipal } from "../staff/staff-service";
import { asRow } from "../../infra/rows";
import { subjectOf, type ApplicationDeps } from "./application-deps";
import type { ApplicantDetails, ApplicationRecord } from "./application-record";
import { Application, type Channel } from "./application.entity";
import { computeClock, type ClockEntry } from "./clock";
import { intakeSchema, staffIntakeSchema, type IntakeInput, type StaffIntakeInput } from "./intake-schema";
import { newApplication } from "./new-application";
import { keyedQueryCodeHash, newQueryCode } from "./query-codes";
import { namespacedKey, openCode, sealCode, type StoredAnswer } from "./retry-answers";

export interface IntakeAnswer {
  applicationNo: string;
  queryCode: string;
  status: string;
  receivedAt: string | null;
  dueDate: string | null;
  /** True while the due date is an estimate (a year whose holiday arrangement is not published). */
  dueDateProvisional?: boolean;
  dueDateNote?: string | null;
}

export interface FilingActor {
  type: ActorType;
  id: string | null;
}

export interface SubmitOptions {
  agencyId?: string;
  idempotencyKey?: string;
  citizenKey?: string | null;
  idempotencyNamespace?: string;
  clientKey?: string;
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The citizen path (POST /api/applications and the bot): validated, idempotent by key. */
export async function submit(d: ApplicationDeps, input: IntakeInput | unknown, opts: SubmitOptions = {}): Promise<IntakeAnswer> {
  const data = parseInput(intakeSchema, input);
  const agencyId = opts.agencyId ?? (await defaultAgency(d.ctx)).id;
  // Online channels: this system's own acknowledgement is the confirmation of Art. 31, so the legal
  // receipt date is the China-local date of submission.
  const today = d.ctx.today();
  // Keys belong to a channel and client: the caller's namespace (the chat: its conversation), else a verified
  // citizen, else (REST) the applicant's own identity, which a retry from another address still carries.
  const identity = data.applicant.idNumber ?? data.applicant.creditCode ?? data.applicant.phone;
  const ns = opts.idempotencyNamespace ?? (opts.citizenKey ? `citizen:${opts.citizenKey}` : `rest:applicant:${sha256(`${agencyId}:${identity}`)}`);
  const filed = { ...data, receivedAt: today, receiptEvidence: "系统受理即确认（网上提交）" };
  return create(d, agencyId, filed, { type: "citizen", id: opts.citizenKey ?? null }, opts.citizenKey ?? null, opts.idempotencyKey, ns, opts.clientKey);
}

/** Staff registration of an application received offline (in person, mail, fax) or transcribed orally. */
export async function register(d: ApplicationDeps, input: unknown, staff: StaffPrincipal, idempotencyKey?: string): Promise<IntakeAnswer> {
  const data = parseInput(staffIntakeSchema, input);
  if (data.receivedAt && data.receivedAt > d.ctx.today()) {
    throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [{ field: "receivedAt", message: "收到日期不能晚于今天" }]);
  }
  return create(d, staff.agencyId, data, { type: "staff", id: staff.id }, null, idempotencyKey, `staff:${staff.id}`);
}

/** The applicant's details as stored: only the fields given. */
function applicantDetails(a: StaffIntakeInput["applicant"]): ApplicantDetails {
  return {
    category: a.category,
    name: a.name,
    ...(a.idType ? { idType: a.idType } : {}),
    ...(a.idNumber ? { idNumber: a.idNumber } : {}),
    ...(a.creditCode ? { creditCode: a.creditCode } : {}),
    ...(a.contactName ? { contactName: a.contactName } : {}),
    phone: a.phone,
    ...(a.email ? { email: a.email } : {}),
    ...(a.address ? { address: a.address } : {}),
    ...(a.postcode ? { postcode: a.postcode } : {}),
  };
}

async function create(
  d: ApplicationDeps,
  agencyId: string,
  data: StaffIntakeInput,
  actor: FilingActor,
  citizenKey: string | null,
  idempotencyKey?: string,
  namespace = "internal",
  clientKey?: string,
): Promise<IntakeAnswer> {
  const { ctx } = d;
  const scope = `applications.submit:${agencyId}`;
  const rawKey = idempotencyKey?.trim().slice(0, 200);
  const key = rawKey ? namespacedKey(namespace, rawKey) : undefined;
  const requestHash = sha256(JSON.stringify({ data, citizenKey }));
  if (key) {
    const prior = await replay(d, scope, key, requestHash);
    if (prior) return prior;
  }
  // Only new filings count: a retry of a key answered above is free, whatever the limit.
  if (clientKey) await d.limits.filing.consume(clientKey);
  const cal = await d.calendars.calendarFor(agencyId);
  const now = ctx.clock.now().toISOString();
  const receivedAt = data.receivedAt ?? null;
  const clockLog: ClockEntry[] = receivedAt ? [{ kind: "receipt", date: receivedAt, evidence: data.receiptEvidence ?? null }] : [];
  const queryCode = newQueryCode();
  const identity = data.applicant.idNumber ?? data.applicant.creditCode;
  const app = Object.assign(
    new Application(),
    newApplication({
      now,
      agencyId,
      queryCodeHash: keyedQueryCodeHash(d.secret(), queryCode),
      channel: data.channel as Channel,
      applicant: applicantDetails(data.applicant),
      applicantKey: identity ? sha256(`${agencyId}:${identity}`) : null,
      description: data.description,
      documentNo: data.documentNo ?? null,
      purpose: data.purpose ?? null,
      oral: data.oral ?? false,
      deliveryForm: data.deliveryForm,
      deliveryMethod: data.deliveryMethod,
      receivedAt,
      receiptEvidence: data.receiptEvidence ?? null,
      clockLog,
      clock: computeClock(clockLog, d.settings(), cal),
      citizenKey,
    }),
  );
  let answer!: IntakeAnswer;
  try {
    await ctx.db.transaction(async (m) => {
      if (key) await m.insert(IdempotencyKey, { scope, idemKey: key, requestHash, response: null, sealedCode: null, createdAt: now });
      app.applicationNo = await nextApplicationNo(d, m, agencyId, receivedAt ?? localDate(new Date(now), ctx.config.APP_TIMEZONE));
      app.possibleRepeatOf = await findRepeat(m, app);
      await m.insert(Application, app);
      const event = auditEvent({
        ...subjectOf(app),
        actor,
        action: actor.type === "citizen" ? "application.submit" : "application.register",
        toStatus: app.status,
        data: { channel: app.channel, receivedAt, ...(app.possibleRepeatOf ? { possibleRepeatOf: app.possibleRepeatOf } : {}) },
        at: now,
      });
      await m.insert(AuditEvent, asRow(event));
      answer = { applicationNo: app.applicationNo, queryCode, status: app.status, receivedAt, dueDate: app.dueDate, ...dueDateFields(app.dueDateFlag) };
      if (key) {
        const stored: Omit<StoredAnswer, "sealedCode"> = {
          applicationNo: app.applicationNo,
          status: app.status,
          receivedAt,
          dueDate: app.dueDate,
          ...dueDateFields(app.dueDateFlag),
        };
        await m.update(IdempotencyKey, { scope, idemKey: key }, { response: asRow(stored), sealedCode: sealCode(d.secret(), queryCode, `${scope}:${key}`) });
      }
    });
  } catch (err) {
    // A concurrent request with the same key committed first: answer what it answered.
    if (key) {
      const prior = await replay(d, scope, key, requestHash);
      if (prior) return prior;
    }
    throw err;
  }
  return answer;
}

async function replay(d: ApplicationDeps, scope: string, key: string, requestHash: string): Promise<IntakeAnswer | null> {
  const { ctx } = d;
  const row = await ctx.db.getRepository(IdempotencyKey).findOneBy({ scope, idemKey: key });
  if (!row) return null;
  if (row.requestHash !== requestHash) throw new DomainError("IDEMPOTENCY.CONFLICT", "同一幂等键已用于内容不同的申请，请更换 Idempotency-Key");
  const stored = row.response as unknown as StoredAnswer | null;
  const windowOpen = Date.parse(row.createdAt) + ctx.config.IDEMPOTENCY_RETRY_HOURS * 3600_000 > ctx.clock.now().getTime();
  const queryCode = windowOpen && row.sealedCode ? openCode(d.secret(), row.sealedCode, `${scope}:${key}`) : null;
  if (!stored || !queryCode) {
    // Filed once already; the code is no longer kept, so it cannot be shown again (and nothing is filed twice).
    throw new DomainError(
      "IDEMPOTENCY.EXPIRED",
      `该申请已经提交${stored ? `（申请编号 ${stored.applicationNo}）` : ""}，查询码只在提交后${ctx.config.IDEMPOTENCY_RETRY_HOURS}小时内可重新获取；如遗失查询码，请联系受理机关`,
      stored ? { applicationNo: stored.applicationNo } : undefined,
    );
  }
  return {
    applicationNo: stored.applicationNo,
    queryCode,
    status: stored.status,
    receivedAt: stored.receivedAt,
    dueDate: stored.dueDate,
    dueDateProvisional: stored.dueDateProvisional ?? false,
    dueDateNote: stored.dueDateNote ?? null,
  };
}

/** The next number of the agency's year (AGENCY-2026-00042), from the shared counters table in the caller's transaction. */
export async function nextApplicationNo(d: ApplicationDeps, m: EntityManager, agencyId: string, date: string): Promise<string> {
  const year = date.slice(0, 4);
  const seq = await bumpCounter(m, agencyId, `application_no:${year}`);
  const code = await d.calendars.numberCode(m, agencyId);
  return `${code.toUpperCase()}-${year}-${String(seq).padStart(5, "0")}`;
}

/** An answered application of the same applicant with the same normalised description. */
export async function findRepeat(m: EntityManager, app: ApplicationRecord): Promise<string | null> {
  if (!app.applicantKey || !app.descriptionNormalized) return null;
  const prior = await m.findOne(Application, {
    where: { agencyId: app.agencyId, applicantKey: app.applicantKey, descriptionNormalized: app.descriptionNormalized, status: "answered" },
    order: { dispositionDate: "DESC" },
  });
  return prior && prior.id !== app.id ? prior.id : null;
}

/** Stored query codes of retried filings are kept only for the retry window (run hourly by the module). */
export async function purgeRetryAnswers(d: ApplicationDeps): Promise<void> {
  const cutoff = new Date(d.ctx.clock.now().getTime() - d.ctx.config.IDEMPOTENCY_RETRY_HOURS * 3600_000).toISOString();
  await d.ctx.db
    .createQueryBuilder()
    .update(IdempotencyKey)
    .set({ sealedCode: null })
    .where("sealed_code IS NOT NULL AND created_at < :cutoff", { cutoff })
    .execute();
}

// Applications: intake (idempotent), the statutory clock, staff transitions, citizen status and notifications.
// Every change is one transaction writing the application, its audit event and, when the citizen should
// know, an outbox message; a concurrent change is refused by the version check instead of being lost.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { Brackets, type EntityManager } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import type { AppContext } from "../../context";
import { localDate } from "../../domain/china-time";
import { DomainError } from "../../domain/errors";
import { maskIdNumber } from "../../domain/id-checks";
import { dueDateFields, markDate, unknownYearFlag, withProvisionalNote } from "../../domain/provisional-date";
import { createCalendar, readCalendarOverrides, type CalendarOverrides, type WorkingDayCalendar } from "../../domain/working-days";
import { parseInput } from "../../http/validate";
import { agencyByCode, agencyById, agencyContactLine, defaultAgency } from "../../infra/agencies";
import { bumpCounter } from "../../infra/counters";
import { createLimiter, type Limiter } from "../../infra/rate-limiter";
import { serverSecret } from "../../infra/server-secret";
import { Agency } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent, type ActorType } from "../../infra/entities/audit-event.entity";
import { IdempotencyKey } from "../../infra/entities/idempotency-key.entity";
import { OutboxMessage } from "../../infra/entities/outbox-message.entity";
import { StaffUser } from "../../infra/entities/staff-user.entity";
import type { StaffPrincipal } from "../staff/staff-service";
import { actionSchemas, type ActionBody } from "./action-schemas";
import { Application, CITIZEN_CHANNELS, type ApplicantDetails, type Channel } from "./application.entity";
import { computeClock, explainClock, workingDaysLeft, type ClockEntry, type ClockExplanation } from "./clock";
import { isKeyedHash, keyedQueryCodeHash, keyLegacyHash, newQueryCode, NO_APPLICATION_HASH } from "./query-codes";
import { namespacedKey, openCode, sealCode, type StoredAnswer } from "./retry-answers";
import { ANSWER_DISPOSITIONS, CLOSE_REASONS, dispositionLabel, needsApprover } from "./dispositions";
import { CATEGORY_LABELS, CHANNEL_LABELS, ID_TYPE_LABELS, intakeSchema, staffIntakeSchema, type IntakeInput, type StaffIntakeInput } from "./intake-schema";
import { allowedActions, isLegalFrom, nextStatus, OPEN_STATUSES, roleMay, STATUS_LABELS, STATUSES, type ApplicationAction, type ApplicationStatus } from "./lifecycle";

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

export interface CitizenStatusView {
  applicationNo: string;
  status: string;
  statusLabel: string;
  receivedAt: string | null;
  dueDate: string | null;
  dueDateProvisional: boolean;
  dueDateNote: string | null;
  disposition: string | null;
  dispositionLabel: string | null;
  dispositionDate: string | null;
  /** Only on an answer naming the competent agency (Art. 36(5)): who holds it, and the re-filing if made. */
  referral?: Referral;
}

/** The competent agency named in a 不属于本机关 answer, and the citizen's re-filing to it (issue 17). */
export interface Referral {
  agencyCode: string;
  agencyName: string;
  contact: string;
  /** The new application's number once the citizen re-filed; null while they may still do so. */
  refiledAs: string | null;
}

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

export interface ListFilters {
  status?: string[];
  assignee?: string;
  overdue?: boolean;
  dueWithin?: number;
  channel?: string;
  category?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

interface Actor {
  type: ActorType;
  id: string | null;
}

type Handler = (app: Application, body: never, staff: StaffPrincipal, m: EntityManager) => Promise<Effect> | Effect;
interface Effect {
  reason?: string | null;
  data?: Record<string, unknown>;
  /** Message for the citizen; when set an outbox row is written. */
  notify?: string;
  /** Status override (e.g. back to in_progress only when someone is assigned). */
  status?: ApplicationStatus;
  after?: (m: EntityManager) => Promise<void>;
}

/** TypeORM's insert typing rejects simple-json fields of entity instances; the rows are complete entities. */
const row = <T>(x: T) => x as QueryDeepPartialEntity<T>;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Normalised description for repeat detection: width-folded, lower case, without spaces or punctuation. */
export function normalizeDescription(s: string): string {
  return s.normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, "");
}

/**
 * The fields every new application starts with, whatever made it (intake, a split, a re-filing): no pause,
 * extension, correction, assignee or answer yet, unlinked, version 1. The caller sets what links it.
 */
function untriaged(now: string) {
  return {
    extensionWorkingDays: 0,
    pausedSince: null,
    pausedWorkingDays: 0,
    correctionDueDate: null,
    assigneeId: null,
    disposition: null,
    dispositionDate: null,
    dispositionNote: null,
    parentId: null,
    possibleRepeatOf: null,
    externalId: null,
    competentAgencyId: null,
    refiledFromId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<Application>;
}

export class ApplicationService {
  private overrides: CalendarOverrides;
  private calendars = new Map<string, WorkingDayCalendar>();
  private agencyCodes = new Map<string, string>();

  /** Per-client limits (issue 13): new filings, wrong query codes. Keyed on the client address or verified citizen. */
  private readonly limits: { filing: Limiter; statusFailures: Limiter };

  constructor(private readonly ctx: AppContext) {
    this.overrides = readCalendarOverrides(ctx.config.CALENDAR_OVERRIDES_FILE);
    this.limits = {
      filing: createLimiter(ctx.kv, { name: "filing", points: ctx.config.FILING_LIMIT_PER_MINUTE, durationSeconds: 60, message: "提交申请过于频繁，请1分钟后再试" }),
      statusFailures: createLimiter(ctx.kv, { name: "status-fail", points: ctx.config.STATUS_QUERY_MAX_FAILURES, durationSeconds: 3600, message: "查询码错误次数过多，请1小时后再试" }),
    };
  }

  private get secret(): Buffer {
    return serverSecret(this.ctx.config);
  }

  /** Existing rows hashed the old, unsalted way become HMAC(secret, old hash): still verifiable, no code needed. */
  async keyLegacyQueryCodes(): Promise<number> {
    const repo = this.ctx.db.getRepository(Application);
    const rows = await repo.createQueryBuilder("a").select(["a.id", "a.queryCodeHash"]).where("a.query_code_hash NOT LIKE 'k1.%'").getMany();
    for (const r of rows) {
      if (!isKeyedHash(r.queryCodeHash)) await repo.update({ id: r.id, queryCodeHash: r.queryCodeHash }, { queryCodeHash: keyLegacyHash(this.secret, r.queryCodeHash) });
    }
    return rows.length;
  }

  /** Stored query codes of retried filings are kept only for the retry window (run hourly by the module). */
  async purgeRetryAnswers(): Promise<void> {
    const cutoff = new Date(this.ctx.clock.now().getTime() - this.ctx.config.IDEMPOTENCY_RETRY_HOURS * 3600_000).toISOString();
    await this.ctx.db
      .createQueryBuilder()
      .update(IdempotencyKey)
      .set({ sealedCode: null })
      .where("sealed_code IS NOT NULL AND created_at < :cutoff", { cutoff })
      .execute();
  }

  get settings() {
    return { replyWorkingDays: this.ctx.config.REPLY_WORKING_DAYS, countReceiptDay: this.ctx.config.COUNT_RECEIPT_DAY };
  }

  async calendarFor(agencyId: string): Promise<WorkingDayCalendar> {
    let code = this.agencyCodes.get(agencyId);
    if (!code) {
      const agency = await this.ctx.db.getRepository(Agency).findOneBy({ id: agencyId });
      code = agency?.code ?? "";
      this.agencyCodes.set(agencyId, code);
    }
    let cal = this.calendars.get(code);
    if (!cal) {
      cal = createCalendar(this.overrides, code || undefined);
      this.calendars.set(code, cal);
    }
    return cal;
  }

  // ---------------------------------------------------------------- intake

  /** The citizen path (POST /api/applications and the bot): validated, idempotent by key. */
  async submit(
    input: IntakeInput | unknown,
    opts: { agencyId?: string; idempotencyKey?: string; citizenKey?: string | null; idempotencyNamespace?: string; clientKey?: string } = {},
  ): Promise<IntakeAnswer> {
    const data = parseInput(intakeSchema, input);
    const agencyId = opts.agencyId ?? (await defaultAgency(this.ctx)).id;
    // Online channels: this system's own acknowledgement is the confirmation of Art. 31, so the legal
    // receipt date is the China-local date of submission.
    const today = this.ctx.today();
    // Keys belong to a channel and client: the caller's namespace (the chat: its conversation), else a verified
    // citizen, else (REST) the applicant's own identity, which a retry from another address still carries.
    const identity = data.applicant.idNumber ?? data.applicant.creditCode ?? data.applicant.phone;
    const ns = opts.idempotencyNamespace ?? (opts.citizenKey ? `citizen:${opts.citizenKey}` : `rest:applicant:${sha256(`${agencyId}:${identity}`)}`);
    return this.create(agencyId, { ...data, receivedAt: today, receiptEvidence: "系统受理即确认（网上提交）" }, { type: "citizen", id: opts.citizenKey ?? null }, opts.citizenKey ?? null, opts.idempotencyKey, ns, opts.clientKey);
  }

  /** Staff registration of an application received offline (in person, mail, fax) or transcribed orally. */
  async register(input: unknown, staff: StaffPrincipal, idempotencyKey?: string): Promise<IntakeAnswer> {
    const data = parseInput(staffIntakeSchema, input);
    if (data.receivedAt && data.receivedAt > this.ctx.today()) {
      throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [{ field: "receivedAt", message: "收到日期不能晚于今天" }]);
    }
    return this.create(staff.agencyId, data, { type: "staff", id: staff.id }, null, idempotencyKey, `staff:${staff.id}`);
  }

  private async create(agencyId: string, data: StaffIntakeInput, actor: Actor, citizenKey: string | null, idempotencyKey?: string, namespace = "internal", clientKey?: string): Promise<IntakeAnswer> {
    const scope = `applications.submit:${agencyId}`;
    const rawKey = idempotencyKey?.trim().slice(0, 200);
    const key = rawKey ? namespacedKey(namespace, rawKey) : undefined;
    const requestHash = sha256(JSON.stringify({ data, citizenKey }));
    if (key) {
      const prior = await this.replay(scope, key, requestHash);
      if (prior) return prior;
    }
    // Only new filings count: a retry of a key answered above is free, whatever the limit.
    if (clientKey) await this.limits.filing.consume(clientKey);
    const cal = await this.calendarFor(agencyId);
    const now = this.ctx.clock.now().toISOString();
    const receivedAt = data.receivedAt ?? null;
    const clockLog: ClockEntry[] = receivedAt ? [{ kind: "receipt", date: receivedAt, evidence: data.receiptEvidence ?? null }] : [];
    const clock = computeClock(clockLog, this.settings, cal);
    const queryCode = newQueryCode();
    const a = data.applicant;
    const applicant: ApplicantDetails = {
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
    const identity = a.idNumber ?? a.creditCode;
    const app: Application = Object.assign(new Application(), {
      id: randomUUID(),
      agencyId,
      applicationNo: "",
      queryCodeHash: keyedQueryCodeHash(this.secret, queryCode),
      status: receivedAt ? "received" : "awaiting_confirmation",
      channel: data.channel as Channel,
      applicantCategory: a.category,
      applicantName: a.name,
      applicant,
      applicantKey: identity ? sha256(`${agencyId}:${identity}`) : null,
      description: data.description,
      descriptionNormalized: normalizeDescription(data.description),
      documentNo: data.documentNo ?? null,
      purpose: data.purpose ?? null,
      oral: data.oral ?? false,
      deliveryForm: data.deliveryForm,
      deliveryMethod: data.deliveryMethod,
      submittedAt: now,
      receivedAt,
      receiptEvidence: data.receiptEvidence ?? null,
      clockLog,
      clockStartDate: clock.clockStart,
      dueDate: clock.dueDate,
      dueDateFlag: clock.dueDateFlag,
      ...untriaged(now),
      citizenKey,
    });
    let answer!: IntakeAnswer;
    try {
      await this.ctx.db.transaction(async (m) => {
        if (key) await m.insert(IdempotencyKey, { scope, idemKey: key, requestHash, response: null, sealedCode: null, createdAt: now });
        app.applicationNo = await this.nextApplicationNo(m, agencyId, receivedAt ?? localDate(new Date(now), this.ctx.config.APP_TIMEZONE));
        app.possibleRepeatOf = await this.findRepeat(m, app);
        await m.insert(Application, app);
        await m.insert(AuditEvent, row(this.audit(app, actor, actor.type === "citizen" ? "application.submit" : "application.register", null, app.status, null, {
          channel: app.channel,
          receivedAt,
          ...(app.possibleRepeatOf ? { possibleRepeatOf: app.possibleRepeatOf } : {}),
        })));
        answer = { applicationNo: app.applicationNo, queryCode, status: app.status, receivedAt, dueDate: app.dueDate, ...dueDateFields(app.dueDateFlag) };
        if (key) {
          const stored: Omit<StoredAnswer, "sealedCode"> = { applicationNo: app.applicationNo, status: app.status, receivedAt, dueDate: app.dueDate, ...dueDateFields(app.dueDateFlag) };
          await m.update(IdempotencyKey, { scope, idemKey: key }, { response: stored as never, sealedCode: sealCode(this.secret, queryCode, `${scope}:${key}`) });
        }
      });
    } catch (err) {
      // A concurrent request with the same key committed first: answer what it answered.
      if (key) {
        const prior = await this.replay(scope, key, requestHash);
        if (prior) return prior;
      }
      throw err;
    }
    return answer;
  }

  private async replay(scope: string, key: string, requestHash: string): Promise<IntakeAnswer | null> {
    const row = await this.ctx.db.getRepository(IdempotencyKey).findOneBy({ scope, idemKey: key });
    if (!row) return null;
    if (row.requestHash !== requestHash) throw new DomainError("IDEMPOTENCY.CONFLICT", "同一幂等键已用于内容不同的申请，请更换 Idempotency-Key");
    const stored = row.response as unknown as StoredAnswer | null;
    const windowOpen = Date.parse(row.createdAt) + this.ctx.config.IDEMPOTENCY_RETRY_HOURS * 3600_000 > this.ctx.clock.now().getTime();
    const queryCode = windowOpen && row.sealedCode ? openCode(this.secret, row.sealedCode, `${scope}:${key}`) : null;
    if (!stored || !queryCode) {
      // Filed once already; the code is no longer kept, so it cannot be shown again (and nothing is filed twice).
      throw new DomainError(
        "IDEMPOTENCY.EXPIRED",
        `该申请已经提交${stored ? `（申请编号 ${stored.applicationNo}）` : ""}，查询码只在提交后${this.ctx.config.IDEMPOTENCY_RETRY_HOURS}小时内可重新获取；如遗失查询码，请联系受理机关`,
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

  private async nextApplicationNo(m: EntityManager, agencyId: string, date: string): Promise<string> {
    const year = date.slice(0, 4);
    const name = `application_no:${year}`;
    const seq = await bumpCounter(m, agencyId, name);
    let code = this.agencyCodes.get(agencyId);
    if (!code) {
      code = (await m.findOneBy(Agency, { id: agencyId }))?.code ?? "ogi";
      this.agencyCodes.set(agencyId, code);
    }
    return `${code.toUpperCase()}-${year}-${String(seq).padStart(5, "0")}`;
  }

  /** An answered application of the same applicant with the same normalised description. */
  private async findRepeat(m: EntityManager, app: Application): Promise<string | null> {
    if (!app.applicantKey || !app.descriptionNormalized) return null;
    const prior = await m.findOne(Application, {
      where: { agencyId: app.agencyId, applicantKey: app.applicantKey, descriptionNormalized: app.descriptionNormalized, status: "answered" },
      order: { dispositionDate: "DESC" },
    });
    return prior && prior.id !== app.id ? prior.id : null;
  }

  // ---------------------------------------------------------------- citizen side

  async citizenStatus(applicationNo: string, queryCode: string, clientKey?: string): Promise<CitizenStatusView> {
    // Wrong codes are counted per client (address, or verified citizen), never per application number: a
    // per-number lock let anyone lock a citizen out of their own status. Guessing stays hopeless through the
    // code's length (10^12 per number) under the per-client limit.
    const limit = this.limits.statusFailures;
    if (clientKey && (await limit.remaining(clientKey)) <= 0) {
      throw new DomainError("RATE_LIMITED", limit.rule.message, { retryAfterSeconds: limit.rule.durationSeconds });
    }
    // The same work whether or not the number exists, so neither the answer nor its timing tells a guesser
    // which application numbers are real: only the hash is read (loading the whole row made a real number
    // measurably slower), and a missing number is compared with a hash no code matches.
    const repo = this.ctx.db.getRepository(Application);
    const found = await repo.findOne({ select: { id: true, queryCodeHash: true }, where: { applicationNo } });
    const given = Buffer.from(keyedQueryCodeHash(this.secret, String(queryCode ?? "").trim()));
    const stored = Buffer.from(found && isKeyedHash(found.queryCodeHash) ? found.queryCodeHash : NO_APPLICATION_HASH);
    const ok = given.length === stored.length && timingSafeEqual(given, stored) && !!found;
    if (!ok || !found) {
      // The failure that reaches the limit is still answered 404 like every wrong code; the next one is refused.
      if (clientKey) await limit.consume(clientKey).catch((e) => { if (!(e instanceof DomainError)) throw e; });
      throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请，请核对申请编号和查询码");
    }
    return this.citizenView(await repo.findOneByOrFail({ id: found.id }));
  }

  /** 我的申请: every application of this verified citizen, whatever agency it went to (and nobody else's). */
  async listForCitizen(citizenKey: string, opts: { withAgency?: boolean } = {}): Promise<Array<CitizenStatusView & { agencyName?: string }>> {
    const rows = await this.ctx.db.getRepository(Application).find({ where: { citizenKey }, order: { createdAt: "DESC" }, take: 50 });
    const views = await Promise.all(rows.map((r) => this.citizenView(r)));
    if (!opts.withAgency) return views;
    const names = new Map((await this.ctx.db.getRepository(Agency).find({ select: { id: true, name: true } })).map((a) => [a.id, a.name]));
    return views.map((v, i) => ({ ...v, agencyName: names.get(rows[i].agencyId) ?? "" }));
  }

  /** What a citizen may see of their own application (no personal data; the 我的申请 list and status answers). */
  async citizenView(app: Application): Promise<CitizenStatusView> {
    const referral = app.competentAgencyId ? await this.referralOf(app) : null;
    return {
      applicationNo: app.applicationNo,
      status: app.status,
      statusLabel: STATUS_LABELS[app.status as ApplicationStatus] ?? app.status,
      receivedAt: app.receivedAt,
      dueDate: app.dueDate,
      ...dueDateFields(app.dueDateFlag),
      disposition: app.disposition,
      dispositionLabel: dispositionLabel(app.disposition),
      dispositionDate: app.dispositionDate,
      ...(referral ? { referral } : {}),
    };
  }

  private async referralOf(app: Application): Promise<Referral | null> {
    if (!app.competentAgencyId) return null;
    const target = await this.ctx.db.getRepository(Agency).findOneBy({ id: app.competentAgencyId });
    if (!target) return null;
    const refiled = await this.ctx.db.getRepository(Application).findOne({ select: { id: true, applicationNo: true }, where: { refiledFromId: app.id } });
    return { agencyCode: target.code, agencyName: target.name, contact: agencyContactLine(target), refiledAs: refiled?.applicationNo ?? null };
  }

  // ---------------------------------------------------------------- re-filing (Art. 36(5), issue 17)

  /** The citizen side of a re-filing: number and query code (the status-page holder), as a status query checks them. */
  async refileByCode(applicationNo: string, queryCode: string, clientKey?: string): Promise<RefileAnswer> {
    await this.citizenStatus(applicationNo, queryCode, clientKey);
    const original = await this.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo });
    return this.refile(original, { type: "citizen", id: original.citizenKey });
  }

  /**
   * Re-filing for a caller that has already proved it may (the chat's grant from a status query with the code
   * in this conversation, see conversation/refile-grant.ts). Never exposed over HTTP without that proof.
   */
  async refileVerified(applicationNo: string): Promise<RefileAnswer> {
    const original = await this.ctx.db.getRepository(Application).findOneBy({ applicationNo });
    if (!original) throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请，请核对申请编号和查询码");
    return this.refile(original, { type: "citizen", id: original.citizenKey });
  }

  /** A verified citizen's re-filing (chat, official account): their own application, by number or the latest one offered. */
  async refileForCitizen(citizenKey: string, applicationNo?: string): Promise<RefileAnswer> {
    const repo = this.ctx.db.getRepository(Application);
    const qb = repo.createQueryBuilder("a").where("a.citizen_key = :citizenKey AND a.competent_agency_id IS NOT NULL", { citizenKey });
    if (applicationNo) qb.andWhere("a.application_no = :applicationNo", { applicationNo });
    const original = await qb.orderBy("a.disposition_date", "DESC").addOrderBy("a.created_at", "DESC").getOne();
    if (!original) throw new DomainError("APPLICATION.NOT_FOUND", "没有找到可以转交的申请：只有答复为“不属于本机关负责公开”并写明负责机关的申请才能一步转交");
    return this.refile(original, { type: "citizen", id: citizenKey });
  }

  /**
   * Files the original's request again at the competent agency: a new application with its own receipt date
   * (today: this system's acknowledgement is the Art. 31 confirmation), the same applicant data and query code,
   * linked to the original. Once only: the unique index on refiled_from_id makes a second call (or a race)
   * find the first one's application.
   */
  private async refile(original: Application, actor: Actor): Promise<RefileAnswer> {
    if (!original.competentAgencyId) {
      throw new DomainError("APPLICATION.INVALID_TRANSITION", "该申请的答复没有写明负责公开的机关，不能一步转交；请直接向负责机关提出申请");
    }
    const target = await this.ctx.db.getRepository(Agency).findOneBy({ id: original.competentAgencyId });
    if (!target) throw new DomainError("AGENCY.NOT_FOUND", "答复中写明的负责机关已不在本平台，请直接向该机关提出申请");
    const existing = await this.ctx.db.getRepository(Application).findOneBy({ refiledFromId: original.id });
    if (existing) return this.refileAnswer(existing, target, original, true);
    const today = this.ctx.today();
    const now = this.ctx.clock.now().toISOString();
    const cal = await this.calendarFor(target.id);
    const clockLog: ClockEntry[] = [{ kind: "receipt", date: today, evidence: `转交申请（原申请${original.applicationNo}）系统受理即确认` }];
    const clock = computeClock(clockLog, this.settings, cal);
    const identity = original.applicant.idNumber ?? original.applicant.creditCode;
    const app: Application = Object.assign(new Application(), {
      ...original,
      id: randomUUID(),
      agencyId: target.id,
      applicationNo: "",
      status: "received",
      // A re-filing is made online by the citizen whatever the original's channel was.
      channel: (CITIZEN_CHANNELS as readonly string[]).includes(original.channel) ? original.channel : "online",
      applicantKey: identity ? sha256(`${target.id}:${identity}`) : null,
      submittedAt: now,
      receivedAt: today,
      receiptEvidence: clockLog[0].kind === "receipt" ? clockLog[0].evidence : null,
      clockLog,
      clockStartDate: clock.clockStart,
      dueDate: clock.dueDate,
      dueDateFlag: clock.dueDateFlag,
      ...untriaged(now),
      refiledFromId: original.id,
    });
    try {
      await this.ctx.db.transaction(async (m) => {
        app.applicationNo = await this.nextApplicationNo(m, target.id, today);
        await m.insert(Application, app);
        await m.insert(AuditEvent, row(this.audit(app, actor, "application.refile", null, app.status, null, { refiledFrom: original.applicationNo, fromAgencyId: original.agencyId, channel: app.channel })));
        await m.insert(AuditEvent, row(this.audit(original, actor, "application.refiled_to", original.status, original.status, null, { refiledAs: app.applicationNo, toAgencyId: target.id })));
      });
    } catch (err) {
      // Two re-filings at once: the unique index let one through; answer with it.
      const winner = await this.ctx.db.getRepository(Application).findOneBy({ refiledFromId: original.id });
      if (winner) return this.refileAnswer(winner, target, original, true);
      throw err;
    }
    return this.refileAnswer(app, target, original, false);
  }

  private refileAnswer(app: Application, target: Agency, original: Application, already: boolean): RefileAnswer {
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

  // ---------------------------------------------------------------- staff side

  async list(staff: StaffPrincipal, f: ListFilters) {
    const today = this.ctx.today();
    const cal = await this.calendarFor(staff.agencyId);
    const qb = this.ctx.db.getRepository(Application).createQueryBuilder("a").where("a.agency_id = :agencyId", { agencyId: staff.agencyId });
    if (f.status?.length) qb.andWhere("a.status IN (:...status)", { status: f.status });
    if (f.assignee === "me") qb.andWhere("a.assignee_id = :me", { me: staff.id });
    else if (f.assignee === "none") qb.andWhere("a.assignee_id IS NULL");
    else if (f.assignee) qb.andWhere("a.assignee_id = :assignee", { assignee: f.assignee });
    if (f.overdue) qb.andWhere("a.status IN (:...open) AND a.due_date < :today AND a.paused_since IS NULL", { open: OPEN_STATUSES, today });
    if (f.dueWithin !== undefined) qb.andWhere("a.status IN (:...open) AND a.due_date <= :limitDate", { open: OPEN_STATUSES, limitDate: cal.addWorkingDays(today, f.dueWithin) });
    if (f.channel) qb.andWhere("a.channel = :channel", { channel: f.channel });
    if (f.category) qb.andWhere("a.applicant_category = :category", { category: f.category });
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(new Brackets((w) => w.where("a.application_no = :qNo", { qNo: f.q!.toUpperCase() }).orWhere("a.applicant_name LIKE :qLike ESCAPE '\\'", { qLike: like })));
    }
    const total = await qb.getCount();
    const rows = await qb
      .orderBy("CASE WHEN a.due_date IS NULL THEN 1 ELSE 0 END", "ASC")
      .addOrderBy("a.due_date", "ASC")
      .addOrderBy("a.created_at", "ASC")
      .limit(Math.min(f.limit ?? 50, 200))
      .offset(f.offset ?? 0)
      .getMany();
    const assignees = await this.staffNames(rows.map((r) => r.assigneeId));
    const items = rows.map((r) => {
      const open = OPEN_STATUSES.includes(r.status as ApplicationStatus);
      const left = open ? workingDaysLeft(r.dueDate, today, cal, r.pausedSince) : null;
      return {
        applicationNo: r.applicationNo,
        status: r.status,
        statusLabel: STATUS_LABELS[r.status as ApplicationStatus] ?? r.status,
        channel: r.channel,
        applicantName: r.applicantName,
        applicantCategory: r.applicantCategory,
        description: r.description.length > 80 ? `${r.description.slice(0, 80)}…` : r.description,
        receivedAt: r.receivedAt,
        dueDate: r.dueDate,
        dueDateFlag: r.dueDateFlag,
        workingDaysLeft: left,
        overdue: left !== null && left < 0 && !r.pausedSince,
        paused: !!r.pausedSince,
        correctionDueDate: r.correctionDueDate,
        /** The correction period has passed without a correction: staff may close it as other.no_correction. */
        correctionLapsed: r.status === "correction_requested" && !!r.correctionDueDate && r.correctionDueDate < today,
        assignee: r.assigneeId ? (assignees.get(r.assigneeId) ?? null) : null,
        possibleRepeat: !!r.possibleRepeatOf,
        disposition: r.disposition,
        dispositionLabel: dispositionLabel(r.disposition),
      };
    });
    return { total, items };
  }

  private async staffNames(ids: Array<string | null>) {
    const unique = [...new Set(ids.filter((x): x is string => !!x))];
    const map = new Map<string, { id: string; username: string; displayName: string | null }>();
    if (!unique.length) return map;
    const users = await this.ctx.db.getRepository(StaffUser).createQueryBuilder("u").where("u.id IN (:...ids)", { ids: unique }).getMany();
    for (const u of users) map.set(u.id, { id: u.id, username: u.username, displayName: u.displayName });
    return map;
  }

  private async load(agencyId: string, applicationNo: string, m?: EntityManager): Promise<Application> {
    const app = await (m ?? this.ctx.db.manager).findOneBy(Application, { agencyId, applicationNo });
    if (!app) throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请");
    return app;
  }

  async detail(staff: StaffPrincipal, applicationNo: string, opts: { revealIdNumber?: boolean } = {}) {
    const app = await this.load(staff.agencyId, applicationNo);
    if (opts.revealIdNumber) {
      await this.ctx.db.getRepository(AuditEvent).insert(
        row(this.audit(app, { type: "staff", id: staff.id }, "application.reveal_id_number", null, null, null, { field: app.applicant.idNumber ? "idNumber" : "creditCode" }),
      ));
    }
    return this.detailView(app, staff, !!opts.revealIdNumber);
  }

  /** What the console may offer this staff member for one application (no clock, audit or related rows). */
  async allowedActionsFor(staff: StaffPrincipal, applicationNo: string) {
    const app = await this.load(staff.agencyId, applicationNo);
    return { applicationNo: app.applicationNo, status: app.status, allowedActions: this.allowedFor(app, staff) };
  }

  private allowedFor(app: Application, staff: StaffPrincipal): ApplicationAction[] {
    return allowedActions(app.status, staff.role, app.extensionWorkingDays >= this.ctx.config.MAX_EXTENSION_WORKING_DAYS);
  }

  private async detailView(app: Application, staff: StaffPrincipal, reveal: boolean) {
    const cal = await this.calendarFor(app.agencyId);
    const today = this.ctx.today();
    const open = OPEN_STATUSES.includes(app.status as ApplicationStatus);
    const log = app.clockLog ?? [];
    const state = computeClock(log, this.settings, cal);
    const clock: ClockExplanation = explainClock(log, state, this.settings, today, cal, app.receivedAt, open);
    const events = await this.ctx.db.getRepository(AuditEvent).find({ where: { entityType: "application", entityId: app.id }, order: { createdAt: "ASC" } });
    const names = await this.staffNames([app.assigneeId, ...events.filter((e) => e.actorType === "staff").map((e) => e.actorId)]);
    const related = await this.ctx.db.getRepository(Application).find({
      where: [{ id: app.parentId ?? "-" }, { parentId: app.id }, { id: app.possibleRepeatOf ?? "-" }],
      select: { id: true, applicationNo: true, parentId: true, disposition: true, dispositionDate: true },
    });
    const referral = await this.referralOf(app);
    const refiledFrom = app.refiledFromId ? await this.ctx.db.getRepository(Application).findOne({ select: { id: true, applicationNo: true, agencyId: true }, where: { id: app.refiledFromId } }) : null;
    const parent = related.find((r) => r.id === app.parentId);
    const repeat = related.find((r) => r.id === app.possibleRepeatOf);
    const a = app.applicant;
    return {
      applicationNo: app.applicationNo,
      status: app.status,
      statusLabel: STATUS_LABELS[app.status as ApplicationStatus] ?? app.status,
      channel: app.channel,
      channelLabel: CHANNEL_LABELS[app.channel as keyof typeof CHANNEL_LABELS] ?? app.channel,
      oral: app.oral,
      applicant: {
        category: a.category,
        categoryLabel: CATEGORY_LABELS[a.category],
        name: a.name,
        idType: a.idType ?? null,
        idTypeLabel: a.idType ? (ID_TYPE_LABELS[a.idType as keyof typeof ID_TYPE_LABELS] ?? a.idType) : null,
        idNumber: reveal ? (a.idNumber ?? null) : maskIdNumber(a.idNumber),
        idNumberMasked: !reveal && !!a.idNumber,
        creditCode: a.creditCode ?? null,
        contactName: a.contactName ?? null,
        phone: a.phone,
        email: a.email ?? null,
        address: a.address ?? null,
        postcode: a.postcode ?? null,
      },
      description: app.description,
      documentNo: app.documentNo,
      purpose: app.purpose,
      deliveryForm: app.deliveryForm,
      deliveryMethod: app.deliveryMethod,
      submittedAt: app.submittedAt,
      receivedAt: app.receivedAt,
      receiptEvidence: app.receiptEvidence,
      dueDate: app.dueDate,
      dueDateFlag: app.dueDateFlag,
      workingDaysLeft: clock.workingDaysLeft,
      correctionDueDate: app.correctionDueDate,
      clock,
      assignee: app.assigneeId ? (names.get(app.assigneeId) ?? null) : null,
      disposition: app.disposition,
      dispositionLabel: dispositionLabel(app.disposition),
      dispositionDate: app.dispositionDate,
      dispositionNote: app.dispositionNote,
      parentNo: parent?.applicationNo ?? null,
      splitInto: related.filter((r) => r.parentId === app.id).map((r) => r.applicationNo),
      possibleRepeatOf: repeat ? { applicationNo: repeat.applicationNo, disposition: repeat.disposition, dispositionDate: repeat.dispositionDate } : null,
      /** Art. 36(5): the competent agency named in the answer, and the citizen's re-filing to it. */
      referral,
      /** This application was re-filed by the citizen from another agency's 不属于本机关 answer. */
      refiledFrom: refiledFrom ? { applicationNo: refiledFrom.applicationNo, agencyName: (await agencyById(this.ctx, refiledFrom.agencyId)).name } : null,
      replyLetterAvailable: !!app.disposition,
      allowedActions: this.allowedFor(app, staff),
      version: app.version,
      audit: events.map((e) => ({
        action: e.action,
        actorType: e.actorType,
        actor: e.actorType === "staff" && e.actorId ? (names.get(e.actorId)?.username ?? e.actorId) : e.actorType,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        reason: e.reason,
        data: e.data,
        createdAt: e.createdAt,
      })),
    };
  }

  /** Applies one staff action: role, legality, body, then one transaction with the audit event (and outbox). */
  async act(staff: StaffPrincipal, applicationNo: string, action: ApplicationAction, rawBody: unknown) {
    const app = await this.load(staff.agencyId, applicationNo);
    const cal = await this.calendarFor(app.agencyId);
    if (!roleMay(action, staff.role)) throw new DomainError("AUTH.FORBIDDEN", action === "extend" ? "延期须经审批人（政府信息公开工作机构负责人）批准" : "当前角色无权执行此操作");
    if (!isLegalFrom(action, app.status)) {
      throw new DomainError("APPLICATION.INVALID_TRANSITION", `当前状态“${STATUS_LABELS[app.status as ApplicationStatus] ?? app.status}”下不能执行该操作`, { status: app.status, action });
    }
    const body = parseInput(actionSchemas[action], rawBody);
    const from = app.status as ApplicationStatus;
    const version = app.version;
    const handler = this.handlers[action] as Handler;
    const effect = await handler(app, body as never, staff, this.ctx.db.manager);
    const to = effect.status ?? nextStatus(action, from);
    app.status = to;
    const clock = computeClock(app.clockLog ?? [], this.settings, cal);
    app.clockStartDate = clock.clockStart;
    app.dueDate = clock.dueDate;
    app.dueDateFlag = clock.dueDateFlag;
    app.extensionWorkingDays = clock.extensionWorkingDays;
    app.pausedWorkingDays = clock.pausedWorkingDays;
    app.updatedAt = this.ctx.clock.now().toISOString();
    app.version = version + 1;
    await this.ctx.db.transaction(async (m) => {
      const { id: _id, ...fields } = app;
      const res = await m.update(Application, { id: app.id, version }, row(fields));
      if (!res.affected) throw new DomainError("APPLICATION.CONFLICT", "该申请刚被他人修改，请刷新后重试");
      if (effect.after) await effect.after(m);
      const data = { ...(effect.data ?? {}), dueDate: app.dueDate, ...(app.dueDateFlag ? { dueDateFlag: app.dueDateFlag } : {}) };
      await m.insert(AuditEvent, row(this.audit(app, { type: "staff", id: staff.id }, `application.${action}`, from, to, effect.reason ?? null, data)));
      if (effect.notify) await m.insert(OutboxMessage, row(this.outbox(app, effect.notify)));
    });
    return this.detailView(app, staff, false);
  }

  private readonly handlers: { [A in ApplicationAction]: (app: Application, body: ActionBody<A>, staff: StaffPrincipal, m: EntityManager) => Promise<Effect> | Effect } = {
    "confirm-receipt": (app, b) => {
      const today = this.ctx.today();
      const submitted = localDate(new Date(app.submittedAt), this.ctx.config.APP_TIMEZONE);
      if (b.receivedAt > today || b.receivedAt < submitted) throw this.badField("receivedAt", `确认收到日期应在${submitted}至${today}之间`);
      app.receivedAt = b.receivedAt;
      app.receiptEvidence = b.evidence;
      app.clockLog = [...(app.clockLog ?? []), { kind: "receipt", date: b.receivedAt, evidence: b.evidence }];
      const clock = computeClock(app.clockLog, this.settings, this.cal(app));
      const due = markDate(clock.dueDate, clock.dueDateFlag);
      return { reason: b.note ?? null, data: { receivedAt: b.receivedAt, evidence: b.evidence }, notify: withProvisionalNote(`您的政府信息公开申请已确认收到（收到日期${b.receivedAt}），答复期限至${due}。`, clock.dueDateFlag) };
    },
    assign: async (app, b, staff, m) => {
      let user: StaffUser | null;
      if (!b.assignee) user = await m.findOneBy(StaffUser, { id: staff.id });
      else user = (await m.findOneBy(StaffUser, { agencyId: staff.agencyId, username: b.assignee })) ?? (/^[0-9a-f-]{36}$/i.test(b.assignee) ? await m.findOneBy(StaffUser, { agencyId: staff.agencyId, id: b.assignee }) : null);
      if (!user || !user.active || user.agencyId !== staff.agencyId) throw this.badField("assignee", "承办人不存在或已停用");
      const previous = app.assigneeId;
      app.assigneeId = user.id;
      return { reason: b.note ?? null, data: { assignee: user.username, previousAssigneeId: previous } };
    },
    "request-correction": (app, b) => {
      const today = this.ctx.today();
      const cal = this.cal(app);
      const start = app.clockStartDate;
      const window = this.ctx.config.CORRECTION_NOTICE_WORKING_DAYS;
      if (!start) throw new DomainError("APPLICATION.INVALID_TRANSITION", "尚未确认收到，不能发出补正告知");
      const lastDay = cal.addWorkingDays(start, window);
      if (today > lastDay) throw new DomainError("APPLICATION.INVALID_TRANSITION", `补正告知应在收到申请之日起${window}个工作日内（${lastDay}前）一次性发出`, { lastDay });
      const period = b.periodWorkingDays ?? this.ctx.config.CORRECTION_PERIOD_WORKING_DAYS;
      const dueBy = cal.addWorkingDays(today, period);
      const dueByFlag = unknownYearFlag(cal.unknownYears(today, dueBy));
      const round = (app.clockLog ?? []).filter((e) => e.kind === "correction_requested").length + 1;
      app.correctionDueDate = dueBy;
      app.pausedSince = null;
      app.clockLog = [...(app.clockLog ?? []), { kind: "correction_requested", date: today, correctionDueDate: dueBy, items: b.items }];
      return {
        reason: b.items,
        data: { correctionDueDate: dueBy, periodWorkingDays: period, round, ...(round > 1 ? { warning: "非首次补正：不得要求补正第一次告知中本可列明的事项" } : {}) },
        notify: withProvisionalNote(`您的申请需要补正：${b.items}。请于${markDate(dueBy, dueByFlag)}前提交补正材料，逾期未补正视为放弃申请。`, dueByFlag),
      };
    },
    "record-correction": (app, b) => {
      const today = this.ctx.today();
      const requested = [...(app.clockLog ?? [])].reverse().find((e) => e.kind === "correction_requested");
      if (b.receivedAt > today || (requested && b.receivedAt < (requested as { date: string }).date)) throw this.badField("receivedAt", "收到补正材料的日期应在发出补正告知之后、不晚于今天");
      if (b.description) {
        app.description = b.description;
        app.descriptionNormalized = normalizeDescription(b.description);
      }
      app.correctionDueDate = null;
      app.clockLog = [...(app.clockLog ?? []), { kind: "correction_received", date: b.receivedAt }];
      const clock = computeClock(app.clockLog, this.settings, this.cal(app));
      const due = markDate(clock.dueDate, clock.dueDateFlag);
      return {
        reason: b.note ?? null,
        data: { correctionReceivedAt: b.receivedAt, descriptionChanged: !!b.description },
        status: app.assigneeId ? "in_progress" : "received",
        notify: withProvisionalNote(`您的补正材料已收到，答复期限自${b.receivedAt}起重新计算，至${due}。`, clock.dueDateFlag),
      };
    },
    "start-consultation": (app, b) => {
      const today = this.ctx.today();
      app.pausedSince = today;
      app.clockLog = [...(app.clockLog ?? []), { kind: "consultation", from: today, to: null, party: b.party, workingDays: null }];
      return { reason: b.note ?? null, data: { party: b.party, from: today } };
    },
    "end-consultation": (app, b) => {
      const today = this.ctx.today();
      const log = [...(app.clockLog ?? [])];
      const i = log.map((e) => e.kind === "consultation" && e.to === null).lastIndexOf(true);
      const open = log[i] as Extract<ClockEntry, { kind: "consultation" }>;
      const days = this.cal(app).workingDaysBetween(open.from, today);
      log[i] = { ...open, to: today, workingDays: Math.max(0, days) };
      app.clockLog = log;
      app.pausedSince = null;
      return { reason: b.note ?? null, data: { party: open.party, from: open.from, to: today, workingDaysNotCounted: days }, status: app.assigneeId ? "in_progress" : "received" };
    },
    extend: (app, b, staff) => {
      const today = this.ctx.today();
      const max = this.ctx.config.MAX_EXTENSION_WORKING_DAYS;
      if (app.extensionWorkingDays + b.workingDays > max) {
        throw new DomainError("APPLICATION.INVALID_TRANSITION", `延长期限合计不得超过${max}个工作日（已延长${app.extensionWorkingDays}个工作日）`);
      }
      if (!app.dueDate) throw new DomainError("APPLICATION.INVALID_TRANSITION", "当前没有答复期限，不能延期");
      if (today > app.dueDate && !app.pausedSince) throw new DomainError("APPLICATION.INVALID_TRANSITION", `答复期限（${app.dueDate}）已过，不能再延期`);
      const previousDue = app.dueDate;
      app.clockLog = [...(app.clockLog ?? []), { kind: "extension", date: today, workingDays: b.workingDays, reason: b.reason, approvedBy: staff.username }];
      const clock = computeClock(app.clockLog, this.settings, this.cal(app));
      const due = markDate(clock.dueDate, clock.dueDateFlag);
      return {
        reason: b.reason,
        data: { workingDays: b.workingDays, previousDueDate: previousDue, approvedBy: staff.username },
        notify: withProvisionalNote(`经政府信息公开工作机构负责人同意，您的申请答复期限延长${b.workingDays}个工作日，至${due}。`, clock.dueDateFlag),
      };
    },
    answer: async (app, b, staff) => {
      if (!ANSWER_DISPOSITIONS.includes(b.disposition)) {
        throw this.badField("disposition", `答复类型不正确，应为以下之一：${ANSWER_DISPOSITIONS.join("、")}（撤回、逾期未补正等请用“办结”）`);
      }
      if (needsApprover(b.disposition) && staff.role === "clerk") throw new DomainError("AUTH.FORBIDDEN", "不予公开、部分公开的答复须由审批人作出");
      if (b.disposition === "unable.still_unclear" && !(app.clockLog ?? []).some((e) => e.kind === "correction_received")) {
        throw this.badField("disposition", "“补正后申请内容仍不明确”只能用于已补正的申请");
      }
      const competent = b.competentAgency ? await this.competentAgency(b.competentAgency, b.disposition, app) : null;
      app.disposition = b.disposition;
      app.dispositionDate = this.ctx.today();
      app.dispositionNote = b.note ?? null;
      app.pausedSince = null;
      app.competentAgencyId = competent?.id ?? null;
      const referral = competent
        ? `负责公开该信息的机关：${competent.name}（${agencyContactLine(competent)}）。您可以一步转交申请，无需重新填写：回复“转交申请”，或在查询页用申请编号和查询码转交。`
        : "";
      return {
        reason: b.note ?? null,
        data: { disposition: b.disposition, ...(competent ? { competentAgency: competent.code } : {}) },
        notify: `您的申请已答复：${dispositionLabel(b.disposition)}。请查收答复告知书。${referral}`,
      };
    },
    close: (app, b) => {
      const today = this.ctx.today();
      if (b.reason === "no_correction") {
        if (app.status !== "correction_requested" || !app.correctionDueDate) throw new DomainError("APPLICATION.INVALID_TRANSITION", "只有待补正的申请才能按逾期未补正办结");
        if (today <= app.correctionDueDate) throw new DomainError("APPLICATION.INVALID_TRANSITION", `补正期限（${app.correctionDueDate}）尚未届满`);
      }
      if (b.reason === "misc" && !b.note) throw this.badField("note", "按“其他”办结时请写明原因");
      // Never legally received (Art. 31 confirmation missing): closed without a disposition, so the
      // annual table (which counts received applications) does not see it.
      const counted = app.receivedAt !== null;
      if (!counted && b.reason !== "withdrawn" && b.reason !== "misc") throw new DomainError("APPLICATION.INVALID_TRANSITION", "尚未确认收到的申请只能撤回或按其他原因办结");
      const code = CLOSE_REASONS[b.reason];
      app.disposition = counted ? code : null;
      app.dispositionDate = counted ? today : null;
      app.dispositionNote = b.note ?? null;
      app.pausedSince = null;
      return { reason: b.note ?? b.reason, data: { closeReason: b.reason, disposition: app.disposition }, notify: `您的申请已办结：${dispositionLabel(code)}。` };
    },
    "set-category": (app, b) => {
      const from = app.applicantCategory;
      if (from === b.category) throw this.badField("category", "申请人类型未改变");
      const isOrg = (c: string) => c !== "natural_person";
      if (isOrg(from) !== isOrg(b.category)) throw this.badField("category", "自然人与法人或其他组织之间不能直接更正（身份证明不同），请重新登记");
      app.applicantCategory = b.category;
      app.applicant = { ...app.applicant, category: b.category };
      return { reason: b.reason, data: { fromCategory: from, toCategory: b.category } };
    },
    split: async (app, b, staff) => {
      const now = this.ctx.clock.now().toISOString();
      const original = app.description;
      app.description = b.items[0];
      app.descriptionNormalized = normalizeDescription(b.items[0]);
      const receiptLog = (app.clockLog ?? []).filter((e) => e.kind === "receipt");
      const children: Application[] = b.items.slice(1).map((d) =>
        Object.assign(new Application(), {
          ...app,
          id: randomUUID(),
          applicationNo: "",
          status: app.receivedAt ? "received" : "awaiting_confirmation",
          description: d,
          descriptionNormalized: normalizeDescription(d),
          clockLog: receiptLog,
          ...untriaged(now),
          parentId: app.id,
        }),
      );
      const cal = this.cal(app);
      const numbers: string[] = [];
      return {
        reason: b.note ?? "一事一申请，拆分处理",
        data: { originalDescription: original, items: b.items.length, splitInto: numbers },
        after: async (m) => {
          for (const c of children) {
            const clock = computeClock(c.clockLog ?? [], this.settings, cal);
            c.clockStartDate = clock.clockStart;
            c.dueDate = clock.dueDate;
            c.dueDateFlag = clock.dueDateFlag;
            c.applicationNo = await this.nextApplicationNo(m, app.agencyId, app.receivedAt ?? this.ctx.today());
            c.possibleRepeatOf = await this.findRepeat(m, c);
            await m.insert(Application, c);
            await m.insert(AuditEvent, row(this.audit(c, { type: "staff", id: staff.id }, "application.split_from", null, c.status, b.note ?? null, { parentNo: app.applicationNo })));
            numbers.push(c.applicationNo);
          }
          await m.insert(
            OutboxMessage,
            row(this.outbox(app, `按照“一事一申请”，您的申请已拆分为${b.items.length}件分别办理：${[app.applicationNo, ...numbers].join("、")}，可用原查询码查询各件进度。`)),
          );
        },
      };
    },
  };

  /** Art. 36(5): only a 不属于本机关负责公开 answer names the competent agency, and it is another agency of the platform. */
  private async competentAgency(code: string, disposition: string, app: Application): Promise<Agency> {
    if (disposition !== "unable.not_responsible") throw this.badField("competentAgency", "只有“无法提供（不属于本机关公开职责）”的答复才写明负责机关");
    const agency = await agencyByCode(this.ctx, code).catch((e: unknown) => {
      if (e instanceof DomainError) throw this.badField("competentAgency", `本平台没有代码为 ${code} 的机关`);
      throw e;
    });
    if (agency.id === app.agencyId) throw this.badField("competentAgency", "负责机关不能是本机关");
    return agency;
  }

  private cal(app: Application): WorkingDayCalendar {
    const cal = this.calendars.get(this.agencyCodes.get(app.agencyId) ?? "");
    if (!cal) throw new Error("calendar not loaded");
    return cal;
  }

  private badField(field: string, message: string) {
    return new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [{ field, message }]);
  }

  private audit(app: Application, actor: Actor, action: string, from: string | null, to: string | null, reason: string | null, data: Record<string, unknown> | null): AuditEvent {
    return auditEvent({
      agencyId: app.agencyId,
      entityType: "application",
      entityId: app.id,
      actor,
      action,
      fromStatus: from,
      toStatus: to,
      reason,
      data,
      at: this.ctx.clock.now().toISOString(),
    });
  }

  private outbox(app: Application, message: string): OutboxMessage {
    return Object.assign(new OutboxMessage(), {
      id: randomUUID(),
      agencyId: app.agencyId,
      applicationId: app.id,
      channel: app.channel,
      recipient: app.citizenKey,
      kind: "application.status_changed",
      payload: {
        applicationNo: app.applicationNo,
        status: app.status,
        statusLabel: STATUS_LABELS[app.status as ApplicationStatus] ?? app.status,
        dueDate: app.dueDate,
        ...dueDateFields(app.dueDateFlag),
        disposition: app.disposition,
        dispositionLabel: dispositionLabel(app.disposition),
        message,
      },
      status: "pending",
      attempts: 0,
      lastError: null,
      createdAt: this.ctx.clock.now().toISOString(),
      deliveredAt: null,
    });
  }

  /** Loads an application for the reply letter (answered or closed with a disposition). */
  async forLetter(agencyId: string, applicationNo: string): Promise<{ app: Application; agency: Agency; competent: Agency | null }> {
    const app = await this.load(agencyId, applicationNo);
    if (!app.disposition) throw new DomainError("APPLICATION.INVALID_TRANSITION", "该申请尚未答复，没有告知书");
    const competent = app.competentAgencyId ? await this.ctx.db.getRepository(Agency).findOneBy({ id: app.competentAgencyId }) : null;
    return { app, agency: await agencyById(this.ctx, agencyId), competent };
  }
}

export { STATUSES, CITIZEN_CHANNELS };

// The statutory rules of every staff action, pure: from the application (a plain record), the clock, the actor, the
// parsed input, the calendar and the settings to a decision — the field changes, the clock event, the audit data, the
// citizen's notice and any new rows — or a DomainError. commit.ts writes a decision; application-actions.ts runs both.
import { localDate } from "../../domain/china-time";
import { DomainError } from "../../domain/errors";
import { dueDateFields, markDate, unknownYearFlag, withProvisionalNote } from "../../domain/provisional-date";
import type { StaffRole } from "../../domain/staff-roles";
import type { WorkingDayCalendar } from "../../domain/working-days";
import type { ActionBody } from "./action-schemas";
import type { ApplicationRecord } from "./application-record";
import { computeClock, type ClockEntry, type ClockSettings } from "./clock";
import { ANSWER_DISPOSITIONS, CLOSE_REASONS, dispositionLabel, needsApprover } from "./dispositions";
import { mayApproveWithholding, mayTakeAction } from "./policy";
import { isLegalFrom, nextStatus, statusLabel, type ApplicationAction, type ApplicationStatus } from "./lifecycle";
import { newApplication, normalizeDescription, requestOf } from "./new-application";

/** The staff member acting (a StaffPrincipal satisfies this). */
export interface Actor {
  id: string;
  username: string;
  role: StaffRole;
  agencyId: string;
}

/** Everything outside the application a rule reads, passed explicitly. */
export interface TransitionEnv {
  /** ISO instant of the action. */
  now: string;
  /** China-local date of the action (YYYY-MM-DD). */
  today: string;
  /** The time zone of legal dates (APP_TIMEZONE). */
  timeZone: string;
  /** The working-day calendar of the application's agency. */
  calendar: WorkingDayCalendar;
  settings: ClockSettings;
  limits: {
    /** Art. 30: the correction notice goes out within this many working days of receipt. */
    correctionNoticeWorkingDays: number;
    /** Default correction period given to the applicant. */
    correctionPeriodWorkingDays: number;
    /** Art. 33 ¶2: extensions together never exceed this. */
    maxExtensionWorkingDays: number;
  };
}

/** A staff member the action names (assign): looked up by the caller; null when no such user. */
export interface AssigneeFact {
  id: string;
  username: string;
  active: boolean;
  agencyId: string;
}

/** The agency an answer names as competent (Art. 36(5)): looked up by code; null when the platform has none. */
export interface AgencyFact {
  id: string;
  code: string;
  name: string;
  /** Its contact line (agencyContactLine). */
  contact: string;
}

/** The facts the caller looked up for the action's input (only what the input names). */
export interface Lookups {
  assignee?: AssigneeFact | null;
  competentAgency?: AgencyFact | null;
}

export interface AuditData {
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  data: Record<string, unknown>;
}

/** The outbox payload telling the citizen what changed (written only when the citizen should know). */
export interface CitizenNotice {
  applicationNo: string;
  status: string;
  statusLabel: string;
  dueDate: string | null;
  dueDateProvisional: boolean;
  dueDateNote: string | null;
  disposition: string | null;
  dispositionLabel: string | null;
  message: string;
}

export type ApplicationChanges = Partial<Omit<ApplicationRecord, "id" | "version">>;

/** New applications a split makes: numbered and checked for repeats by commit() in its transaction. */
export interface SplitParts {
  parts: ApplicationRecord[];
  /** The date their numbers are taken in (the original's receipt, else today). */
  numberedOn: string;
  /** The audit event of each part (application.split_from). */
  audit: AuditData;
}

export interface Decision {
  action: ApplicationAction;
  from: ApplicationStatus;
  to: ApplicationStatus;
  /** The fields to write (the version is the commit's); with updatedAt. */
  changes: ApplicationChanges;
  /** The fact added to (or closed in) the clock log, if any. */
  clockEvent: ClockEntry | null;
  audit: AuditData;
  notice: CitizenNotice | null;
  split: SplitParts | null;
}

/** What a rule decides before the common part (status, clock, audit wrapping). */
interface Effect {
  reason: string | null;
  data: Record<string, unknown>;
  notify?: string;
  status?: ApplicationStatus;
  clockEvent?: ClockEntry;
  split?: Omit<SplitParts, "audit"> & { auditReason: string | null };
}

export const badField = (field: string, message: string) =>
  new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [{ field, message }]);

const invalid = (message: string, details?: Record<string, unknown>) => new DomainError("APPLICATION.INVALID_TRANSITION", message, details);

/** Role, then legality from the current status: checked before the input is even parsed. */
export function authorize(action: ApplicationAction, status: string, role: StaffRole): void {
  if (!mayTakeAction({ role }, action))
    throw new DomainError("AUTH.FORBIDDEN", action === "extend" ? "延期须经审批人（政府信息公开工作机构负责人）批准" : "当前角色无权执行此操作");
  if (!isLegalFrom(action, status)) {
    throw invalid(`当前状态“${statusLabel(status)}”下不能执行该操作`, { status, action });
  }
}

type Rule<A extends ApplicationAction> = (app: ApplicationRecord, b: ActionBody<A>, actor: Actor, env: TransitionEnv, facts: Lookups) => Effect;
const clockOf = (app: ApplicationRecord, env: TransitionEnv) => computeClock(app.clockLog ?? [], env.settings, env.calendar);
const appendClock = (app: ApplicationRecord, e: ClockEntry) => {
  app.clockLog = [...(app.clockLog ?? []), e];
  return e;
};

/** Each rule works on a copy of the application (`app`), which it changes; decide() turns the copy into changes. */
const RULES: { [A in ApplicationAction]: Rule<A> } = {
  "confirm-receipt": (app, b, _actor, env) => {
    const submitted = localDate(new Date(app.submittedAt), env.timeZone);
    if (b.receivedAt > env.today || b.receivedAt < submitted) throw badField("receivedAt", `确认收到日期应在${submitted}至${env.today}之间`);
    app.receivedAt = b.receivedAt;
    app.receiptEvidence = b.evidence;
    const clockEvent = appendClock(app, { kind: "receipt", date: b.receivedAt, evidence: b.evidence });
    const clock = clockOf(app, env);
    const due = markDate(clock.dueDate, clock.dueDateFlag);
    return {
      reason: b.note ?? null,
      data: { receivedAt: b.receivedAt, evidence: b.evidence },
      clockEvent,
      notify: withProvisionalNote(`您的政府信息公开申请已确认收到（收到日期${b.receivedAt}），答复期限至${due}。`, clock.dueDateFlag),
    };
  },
  assign: (app, b, actor, _env, facts) => {
    const user = facts.assignee;
    if (!user || !user.active || user.agencyId !== actor.agencyId) throw badField("assignee", "承办人不存在或已停用");
    const previous = app.assigneeId;
    app.assigneeId = user.id;
    return { reason: b.note ?? null, data: { assignee: user.username, previousAssigneeId: previous } };
  },
  "request-correction": (app, b, _actor, env) => {
    const { today, calendar: cal } = env;
    const start = app.clockStartDate;
    const window = env.limits.correctionNoticeWorkingDays;
    if (!start) throw invalid("尚未确认收到，不能发出补正告知");
    const lastDay = cal.addWorkingDays(start, window);
    if (today > lastDay) throw invalid(`补正告知应在收到申请之日起${window}个工作日内（${lastDay}前）一次性发出`, { lastDay });
    const period = b.periodWorkingDays ?? env.limits.correctionPeriodWorkingDays;
    const dueBy = cal.addWorkingDays(today, period);
    const dueByFlag = unknownYearFlag(cal.unknownYears(today, dueBy));
    const round = (app.clockLog ?? []).filter((e) => e.kind === "correction_requested").length + 1;
    app.correctionDueDate = dueBy;
    app.pausedSince = null;
    const clockEvent = appendClock(app, { kind: "correction_requested", date: today, correctionDueDate: dueBy, items: b.items });
    return {
      reason: b.items,
      data: {
        correctionDueDate: dueBy,
        periodWorkingDays: period,
        round,
        ...(round > 1 ? { warning: "非首次补正：不得要求补正第一次告知中本可列明的事项" } : {}),
      },
      clockEvent,
      notify: withProvisionalNote(`您的申请需要补正：${b.items}。请于${markDate(dueBy, dueByFlag)}前提交补正材料，逾期未补正视为放弃申请。`, dueByFlag),
    };
  },
  "record-correction": (app, b, _actor, env) => {
    const requested = [...(app.clockLog ?? [])]
      .reverse()
      .find((e): e is Extract<ClockEntry, { kind: "correction_requested" }> => e.kind === "correction_requested");
    if (b.receivedAt > env.today || (requested && b.receivedAt < requested.date))
      throw badField("receivedAt", "收到补正材料的日期应在发出补正告知之后、不晚于今天");
    if (b.description) {
      app.description = b.description;
      app.descriptionNormalized = normalizeDescription(b.description);
    }
    app.correctionDueDate = null;
    const clockEvent = appendClock(app, { kind: "correction_received", date: b.receivedAt });
    const clock = clockOf(app, env);
    const due = markDate(clock.dueDate, clock.dueDateFlag);
    return {
      reason: b.note ?? null,
      data: { correctionReceivedAt: b.receivedAt, descriptionChanged: !!b.description },
      status: app.assigneeId ? "in_progress" : "received",
      clockEvent,
      notify: withProvisionalNote(`您的补正材料已收到，答复期限自${b.receivedAt}起重新计算，至${due}。`, clock.dueDateFlag),
    };
  },
  "start-consultation": (app, b, _actor, env) => {
    app.pausedSince = env.today;
    const clockEvent = appendClock(app, { kind: "consultation", from: env.today, to: null, party: b.party, workingDays: null });
    return { reason: b.note ?? null, data: { party: b.party, from: env.today }, clockEvent };
  },
  "end-consultation": (app, b, _actor, env) => {
    const log = [...(app.clockLog ?? [])];
    const i = log.map((e) => e.kind === "consultation" && e.to === null).lastIndexOf(true);
    const open = log[i];
    if (!open || open.kind !== "consultation") throw invalid("没有进行中的征求意见");
    const days = env.calendar.workingDaysBetween(open.from, env.today);
    const closed: ClockEntry = { ...open, to: env.today, workingDays: Math.max(0, days) };
    log[i] = closed;
    app.clockLog = log;
    app.pausedSince = null;
    return {
      reason: b.note ?? null,
      data: { party: open.party, from: open.from, to: env.today, workingDaysNotCounted: days },
      status: app.assigneeId ? "in_progress" : "received",
      clockEvent: closed,
    };
  },
  extend: (app, b, actor, env) => {
    const max = env.limits.maxExtensionWorkingDays;
    if (app.extensionWorkingDays + b.workingDays > max) throw invalid(`延长期限合计不得超过${max}个工作日（已延长${app.extensionWorkingDays}个工作日）`);
    if (!app.dueDate) throw invalid("当前没有答复期限，不能延期");
    if (env.today > app.dueDate && !app.pausedSince) throw invalid(`答复期限（${app.dueDate}）已过，不能再延期`);
    const previousDue = app.dueDate;
    const clockEvent = appendClock(app, { kind: "extension", date: env.today, workingDays: b.workingDays, reason: b.reason, approvedBy: actor.username });
    const clock = clockOf(app, env);
    const due = markDate(clock.dueDate, clock.dueDateFlag);
    return {
      reason: b.reason,
      data: { workingDays: b.workingDays, previousDueDate: previousDue, approvedBy: actor.username },
      clockEvent,
      notify: withProvisionalNote(`经政府信息公开工作机构负责人同意，您的申请答复期限延长${b.workingDays}个工作日，至${due}。`, clock.dueDateFlag),
    };
  },
  answer: (app, b, actor, env, facts) => {
    if (!ANSWER_DISPOSITIONS.includes(b.disposition)) {
      throw badField("disposition", `答复类型不正确，应为以下之一：${ANSWER_DISPOSITIONS.join("、")}（撤回、逾期未补正等请用“办结”）`);
    }
    if (needsApprover(b.disposition) && !mayApproveWithholding(actor)) throw new DomainError("AUTH.FORBIDDEN", "不予公开、部分公开的答复须由审批人作出");
    if (b.disposition === "unable.still_unclear" && !(app.clockLog ?? []).some((e) => e.kind === "correction_received")) {
      throw badField("disposition", "“补正后申请内容仍不明确”只能用于已补正的申请");
    }
    const competent = b.competentAgency ? competentAgency(b.competentAgency, b.disposition, app, facts.competentAgency ?? null) : null;
    app.disposition = b.disposition;
    app.dispositionDate = env.today;
    app.dispositionNote = b.note ?? null;
    app.pausedSince = null;
    app.competentAgencyId = competent?.id ?? null;
    const referral = competent
      ? `负责公开该信息的机关：${competent.name}（${competent.contact}）。您可以一步转交申请，无需重新填写：回复“转交申请”，或在查询页用申请编号和查询码转交。`
      : "";
    return {
      reason: b.note ?? null,
      data: { disposition: b.disposition, ...(competent ? { competentAgency: competent.code } : {}) },
      notify: `您的申请已答复：${dispositionLabel(b.disposition)}。请查收答复告知书。${referral}`,
    };
  },
  close: (app, b, _actor, env) => {
    if (b.reason === "no_correction") {
      if (app.status !== "correction_requested" || !app.correctionDueDate) throw invalid("只有待补正的申请才能按逾期未补正办结");
      if (env.today <= app.correctionDueDate) throw invalid(`补正期限（${app.correctionDueDate}）尚未届满`);
    }
    if (b.reason === "misc" && !b.note) throw badField("note", "按“其他”办结时请写明原因");
    // Never legally received (Art. 31 confirmation missing): closed without a disposition, so the annual table
    // (which counts received applications) does not see it.
    const counted = app.receivedAt !== null;
    if (!counted && b.reason !== "withdrawn" && b.reason !== "misc") throw invalid("尚未确认收到的申请只能撤回或按其他原因办结");
    const code = CLOSE_REASONS[b.reason];
    app.disposition = counted ? code : null;
    app.dispositionDate = counted ? env.today : null;
    app.dispositionNote = b.note ?? null;
    app.pausedSince = null;
    return { reason: b.note ?? b.reason, data: { closeReason: b.reason, disposition: app.disposition }, notify: `您的申请已办结：${dispositionLabel(code)}。` };
  },
  "set-category": (app, b) => {
    const from = app.applicantCategory;
    if (from === b.category) throw badField("category", "申请人类型未改变");
    const isOrg = (c: string) => c !== "natural_person";
    if (isOrg(from) !== isOrg(b.category)) throw badField("category", "自然人与法人或其他组织之间不能直接更正（身份证明不同），请重新登记");
    app.applicantCategory = b.category;
    app.applicant = { ...app.applicant, category: b.category };
    return { reason: b.reason, data: { fromCategory: from, toCategory: b.category } };
  },
  split: (app, b, _actor, env) => {
    const original = app.description;
    // The parts carry the original's request and receipt (not its triage): one clock each, from the same receipt.
    const receiptLog = (app.clockLog ?? []).filter((e) => e.kind === "receipt");
    const clock = computeClock(receiptLog, env.settings, env.calendar);
    const parts = b.items.slice(1).map((d) =>
      newApplication({
        ...requestOf(app),
        now: env.now,
        agencyId: app.agencyId,
        description: d,
        descriptionNormalized: normalizeDescription(d),
        submittedAt: app.submittedAt,
        receivedAt: app.receivedAt,
        receiptEvidence: app.receiptEvidence,
        clockLog: receiptLog,
        clock,
        parentId: app.id,
      }),
    );
    for (const p of parts) {
      // A split keeps the recorded category and name even where an old row's details disagree.
      p.applicantCategory = app.applicantCategory;
      p.applicantName = app.applicantName;
    }
    app.description = b.items[0];
    app.descriptionNormalized = normalizeDescription(b.items[0]);
    return {
      reason: b.note ?? "一事一申请，拆分处理",
      data: { originalDescription: original, items: b.items.length, splitInto: [] },
      split: { parts, numberedOn: app.receivedAt ?? env.today, auditReason: b.note ?? null },
    };
  },
};

/** Art. 36(5): only a 不属于本机关负责公开 answer names the competent agency, and it is another agency of the platform. */
function competentAgency(code: string, disposition: string, app: ApplicationRecord, found: AgencyFact | null): AgencyFact {
  if (disposition !== "unable.not_responsible") throw badField("competentAgency", "只有“无法提供（不属于本机关公开职责）”的答复才写明负责机关");
  if (!found) throw badField("competentAgency", `本平台没有代码为 ${code} 的机关`);
  if (found.id === app.agencyId) throw badField("competentAgency", "负责机关不能是本机关");
  return found;
}

/** The outbox payload for the application as it stands after the action. */
export function citizenNotice(app: ApplicationRecord, message: string): CitizenNotice {
  return {
    applicationNo: app.applicationNo,
    status: app.status,
    statusLabel: statusLabel(app.status),
    dueDate: app.dueDate,
    ...dueDateFields(app.dueDateFlag),
    disposition: app.disposition,
    dispositionLabel: dispositionLabel(app.disposition),
    message,
  };
}

const splitMessage = (parts: number, numbers: string[]) =>
  `按照“一事一申请”，您的申请已拆分为${parts}件分别办理：${numbers.join("、")}，可用原查询码查询各件进度。`;

/**
 * Decides one staff action. Throws a DomainError when the role may not, the status does not allow it, or a statutory
 * rule refuses it; otherwise returns what to write. `app` is not changed.
 */
export function decide<A extends ApplicationAction>(
  app: Readonly<ApplicationRecord>,
  action: A,
  input: ActionBody<A>,
  actor: Actor,
  env: TransitionEnv,
  facts: Lookups = {},
): Decision {
  authorize(action, app.status, actor.role);
  const from = app.status as ApplicationStatus;
  // Rules never change the log in place (they replace it), so comparing references finds what changed.
  const next: ApplicationRecord = { ...app };
  const rule = RULES[action] as Rule<A>;
  const effect = rule(next, input, actor, env, facts);
  const to = effect.status ?? nextStatus(action, from);
  next.status = to;
  const clock = clockOf(next, env);
  next.clockStartDate = clock.clockStart;
  next.dueDate = clock.dueDate;
  next.dueDateFlag = clock.dueDateFlag;
  next.extensionWorkingDays = clock.extensionWorkingDays;
  next.pausedWorkingDays = clock.pausedWorkingDays;
  next.updatedAt = env.now;
  const changes: ApplicationChanges = {};
  for (const key of Object.keys(next) as Array<keyof ApplicationRecord>) {
    if (key === "id" || key === "version") continue;
    if (next[key] !== app[key]) Object.assign(changes, { [key]: next[key] });
  }
  const data = { ...effect.data, dueDate: next.dueDate, ...(next.dueDateFlag ? { dueDateFlag: next.dueDateFlag } : {}) };
  const parts = effect.split?.parts ?? [];
  return {
    action,
    from,
    to,
    changes,
    clockEvent: effect.clockEvent ?? null,
    audit: { action: `application.${action}`, fromStatus: from, toStatus: to, reason: effect.reason, data },
    notice: effect.notify
      ? citizenNotice(next, effect.notify)
      : effect.split
        ? citizenNotice(next, splitMessage(parts.length + 1, [next.applicationNo]))
        : null,
    split: effect.split
      ? {
          parts,
          numberedOn: effect.split.numberedOn,
          audit: {
            action: "application.split_from",
            fromStatus: null,
            toStatus: parts[0]?.status ?? null,
            reason: effect.split.auditReason,
            data: { parentNo: app.applicationNo },
          },
        }
      : null,
  };
}

/** A split once its parts have numbers: the original's audit lists them and the citizen's notice names every part. */
export function withSplitNumbers(d: Decision, numbers: string[]): Decision {
  if (!d.split || !d.notice) return d;
  return {
    ...d,
    audit: { ...d.audit, data: { ...d.audit.data, splitInto: numbers } },
    notice: { ...d.notice, message: splitMessage(numbers.length + 1, [d.notice.applicationNo, ...numbers]) },
  };
}

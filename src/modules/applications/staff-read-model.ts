// The staff read model: the queue (filters, deadlines, overdue), one application's detail view (clock explained,
// audit trail, related applications, referral) and what the console may offer; reading only, never a change.
import { Brackets, type EntityManager } from "typeorm";
import { DomainError } from "../../domain/errors";
import { maskIdNumber } from "../../domain/id-checks";
import { agencyById } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent } from "../../infra/entities/audit-event.entity";
import { StaffUser } from "../../infra/entities/staff-user.entity";
import type { StaffPrincipal } from "../staff/staff-service";
import { asRow } from "../../infra/rows";
import { subjectOf, type ApplicationDeps } from "./application-deps";
import { Application } from "./application.entity";
import { referralOf } from "./citizen-queries";
import { computeClock, explainClock, workingDaysLeft, type ClockExplanation } from "./clock";
import { dispositionLabel } from "./dispositions";
import { CATEGORY_LABELS, CHANNEL_LABELS, ID_TYPE_LABELS } from "./intake-schema";
import { allowedActions, OPEN_STATUSES, statusLabel, type ApplicationAction, type ApplicationStatus } from "./lifecycle";

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

/** The queue: the agency's applications, soonest deadline first. */
export async function list(d: ApplicationDeps, staff: StaffPrincipal, f: ListFilters) {
  const today = d.ctx.today();
  const cal = await d.calendars.calendarFor(staff.agencyId);
  const qb = d.ctx.db.getRepository(Application).createQueryBuilder("a").where("a.agency_id = :agencyId", { agencyId: staff.agencyId });
  if (f.status?.length) qb.andWhere("a.status IN (:...status)", { status: f.status });
  if (f.assignee === "me") qb.andWhere("a.assignee_id = :me", { me: staff.id });
  else if (f.assignee === "none") qb.andWhere("a.assignee_id IS NULL");
  else if (f.assignee) qb.andWhere("a.assignee_id = :assignee", { assignee: f.assignee });
  if (f.overdue) qb.andWhere("a.status IN (:...open) AND a.due_date < :today AND a.paused_since IS NULL", { open: OPEN_STATUSES, today });
  if (f.dueWithin !== undefined)
    qb.andWhere("a.status IN (:...open) AND a.due_date <= :limitDate", { open: OPEN_STATUSES, limitDate: cal.addWorkingDays(today, f.dueWithin) });
  if (f.channel) qb.andWhere("a.channel = :channel", { channel: f.channel });
  if (f.category) qb.andWhere("a.applicant_category = :category", { category: f.category });
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    qb.andWhere(
      new Brackets((w) => w.where("a.application_no = :qNo", { qNo: f.q!.toUpperCase() }).orWhere("a.applicant_name LIKE :qLike ESCAPE '\\'", { qLike: like })),
    );
  }
  const total = await qb.getCount();
  const rows = await qb
    .orderBy("CASE WHEN a.due_date IS NULL THEN 1 ELSE 0 END", "ASC")
    .addOrderBy("a.due_date", "ASC")
    .addOrderBy("a.created_at", "ASC")
    .limit(Math.min(f.limit ?? 50, 200))
    .offset(f.offset ?? 0)
    .getMany();
  const assignees = await staffNames(
    d,
    rows.map((r) => r.assigneeId),
  );
  const items = rows.map((r) => {
    const open = OPEN_STATUSES.includes(r.status as ApplicationStatus);
    const left = open ? workingDaysLeft(r.dueDate, today, cal, r.pausedSince) : null;
    return {
      applicationNo: r.applicationNo,
      status: r.status,
      statusLabel: statusLabel(r.status),
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

async function staffNames(d: ApplicationDeps, ids: Array<string | null>) {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  const map = new Map<string, { id: string; username: string; displayName: string | null }>();
  if (!unique.length) return map;
  const users = await d.ctx.db.getRepository(StaffUser).createQueryBuilder("u").where("u.id IN (:...ids)", { ids: unique }).getMany();
  for (const u of users) map.set(u.id, { id: u.id, username: u.username, displayName: u.displayName });
  return map;
}

/** One application of the agency by number (NOT_FOUND otherwise). */
export async function load(d: ApplicationDeps, agencyId: string, applicationNo: string, m?: EntityManager): Promise<Application> {
  const app = await (m ?? d.ctx.db.manager).findOneBy(Application, { agencyId, applicationNo });
  if (!app) throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请");
  return app;
}

export async function detail(d: ApplicationDeps, staff: StaffPrincipal, applicationNo: string, opts: { revealIdNumber?: boolean } = {}) {
  const app = await load(d, staff.agencyId, applicationNo);
  if (opts.revealIdNumber) {
    const event = auditEvent({
      ...subjectOf(app),
      actor: { type: "staff", id: staff.id },
      action: "application.reveal_id_number",
      data: { field: app.applicant.idNumber ? "idNumber" : "creditCode" },
      at: d.ctx.clock.now().toISOString(),
    });
    await d.ctx.db.getRepository(AuditEvent).insert(asRow(event));
  }
  return detailView(d, app, staff, !!opts.revealIdNumber);
}

/** What the console may offer this staff member for one application (no clock, audit or related rows). */
export async function allowedActionsFor(d: ApplicationDeps, staff: StaffPrincipal, applicationNo: string) {
  const app = await load(d, staff.agencyId, applicationNo);
  return { applicationNo: app.applicationNo, status: app.status, allowedActions: allowedFor(d, app, staff) };
}

function allowedFor(d: ApplicationDeps, app: Application, staff: StaffPrincipal): ApplicationAction[] {
  return allowedActions(app.status, staff.role, app.extensionWorkingDays >= d.ctx.config.MAX_EXTENSION_WORKING_DAYS);
}

/** One application as the console shows it (the identity number masked unless revealed, with audit). */
export async function detailView(d: ApplicationDeps, app: Application, staff: StaffPrincipal, reveal: boolean) {
  const { ctx } = d;
  const cal = await d.calendars.calendarFor(app.agencyId);
  const today = ctx.today();
  const open = OPEN_STATUSES.includes(app.status as ApplicationStatus);
  const log = app.clockLog ?? [];
  const state = computeClock(log, d.settings(), cal);
  const clock: ClockExplanation = explainClock(log, state, d.settings(), today, cal, app.receivedAt, open);
  const events = await ctx.db.getRepository(AuditEvent).find({ where: { entityType: "application", entityId: app.id }, order: { createdAt: "ASC" } });
  const names = await staffNames(d, [app.assigneeId, ...events.filter((e) => e.actorType === "staff").map((e) => e.actorId)]);
  const related = await ctx.db.getRepository(Application).find({
    where: [{ id: app.parentId ?? "-" }, { parentId: app.id }, { id: app.possibleRepeatOf ?? "-" }],
    select: { id: true, applicationNo: true, parentId: true, disposition: true, dispositionDate: true },
  });
  const referral = await referralOf(d, app);
  const refiledFrom = app.refiledFromId
    ? await ctx.db.getRepository(Application).findOne({ select: { id: true, applicationNo: true, agencyId: true }, where: { id: app.refiledFromId } })
    : null;
  const parent = related.find((r) => r.id === app.parentId);
  const repeat = related.find((r) => r.id === app.possibleRepeatOf);
  const a = app.applicant;
  return {
    applicationNo: app.applicationNo,
    status: app.status,
    statusLabel: statusLabel(app.status),
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
    refiledFrom: refiledFrom ? { applicationNo: refiledFrom.applicationNo, agencyName: (await agencyById(ctx, refiledFrom.agencyId)).name } : null,
    replyLetterAvailable: !!app.disposition,
    allowedActions: allowedFor(d, app, staff),
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

/** Loads an application for the reply letter (answered or closed with a disposition). */
export async function forLetter(
  d: ApplicationDeps,
  agencyId: string,
  applicationNo: string,
): Promise<{ app: Application; agency: Agency; competent: Agency | null }> {
  const app = await load(d, agencyId, applicationNo);
  if (!app.disposition) throw new DomainError("APPLICATION.INVALID_TRANSITION", "该申请尚未答复，没有告知书");
  const competent = app.competentAgencyId ? await d.ctx.db.getRepository(Agency).findOneBy({ id: app.competentAgencyId }) : null;
  return { app, agency: await agencyById(d.ctx, agencyId), competent };
}

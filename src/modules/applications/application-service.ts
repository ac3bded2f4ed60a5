// Applications: the one service other modules call. It keeps their method names and delegates: filing (intake.ts,
// refiling.ts), the citizen's view (citizen-queries.ts), the staff queue and detail (staff-read-model.ts) and staff
// actions (application-actions.ts: the pure rules of transitions.ts, written by commit.ts in one transaction).
import type { AppContext } from "../../context";
import type { WorkingDayCalendar } from "../../domain/working-days";
import type { Agency } from "../../infra/entities/agency.entity";
import type { StaffPrincipal } from "../staff/staff-service";
import { act } from "./application-actions";
import { applicationDeps, type ApplicationDeps } from "./application-deps";
import { Application, CITIZEN_CHANNELS } from "./application.entity";
import { citizenStatus, citizenView, keyLegacyQueryCodes, listForCitizen, type CitizenStatusView } from "./citizen-queries";
import type { ClockSettings } from "./clock";
import { purgeRetryAnswers, register, submit, type IntakeAnswer, type SubmitOptions } from "./intake";
import type { IntakeInput } from "./intake-schema";
import { STATUSES, type ApplicationAction } from "./lifecycle";
import { refileByCode, refileForCitizen, refileVerified, type RefileAnswer } from "./refiling";
import { allowedActionsFor, detail, forLetter, list, type ListFilters } from "./staff-read-model";

export type { CitizenStatusView, Referral } from "./citizen-queries";
export type { IntakeAnswer } from "./intake";
export type { RefileAnswer } from "./refiling";
export type { ListFilters } from "./staff-read-model";
export { normalizeDescription } from "./new-application";

export class ApplicationService {
  private readonly d: ApplicationDeps;

  constructor(ctx: AppContext) {
    this.d = applicationDeps(ctx);
  }

  /** Existing rows hashed the old, unsalted way become HMAC(secret, old hash): still verifiable, no code needed. */
  keyLegacyQueryCodes(): Promise<number> {
    return keyLegacyQueryCodes(this.d);
  }

  /** Stored query codes of retried filings are kept only for the retry window (run hourly by the module). */
  purgeRetryAnswers(): Promise<void> {
    return purgeRetryAnswers(this.d);
  }

  get settings(): ClockSettings {
    return this.d.settings();
  }

  calendarFor(agencyId: string): Promise<WorkingDayCalendar> {
    return this.d.calendars.calendarFor(agencyId);
  }

  // ---------------------------------------------------------------- intake

  /** The citizen path (POST /api/applications and the bot): validated, idempotent by key. */
  submit(input: IntakeInput | unknown, opts: SubmitOptions = {}): Promise<IntakeAnswer> {
    return submit(this.d, input, opts);
  }

  /** Staff registration of an application received offline (in person, mail, fax) or transcribed orally. */
  register(input: unknown, staff: StaffPrincipal, idempotencyKey?: string): Promise<IntakeAnswer> {
    return register(this.d, input, staff, idempotencyKey);
  }

  // ---------------------------------------------------------------- citizen side

  citizenStatus(applicationNo: string, queryCode: string, clientKey?: string): Promise<CitizenStatusView> {
    return citizenStatus(this.d, applicationNo, queryCode, clientKey);
  }

  /** 我的申请: every application of this verified citizen, whatever agency it went to (and nobody else's). */
  listForCitizen(citizenKey: string, opts: { withAgency?: boolean } = {}): Promise<Array<CitizenStatusView & { agencyName?: string }>> {
    return listForCitizen(this.d, citizenKey, opts);
  }

  /** What a citizen may see of their own application (no personal data; the 我的申请 list and status answers). */
  citizenView(app: Application): Promise<CitizenStatusView> {
    return citizenView(this.d, app);
  }

  /** The citizen side of a re-filing: number and query code, as a status query checks them. */
  refileByCode(applicationNo: string, queryCode: string, clientKey?: string): Promise<RefileAnswer> {
    return refileByCode(this.d, applicationNo, queryCode, clientKey);
  }

  /** Re-filing for a caller that has already proved it may (the chat's grant, conversation/refile-grant.ts). */
  refileVerified(applicationNo: string): Promise<RefileAnswer> {
    return refileVerified(this.d, applicationNo);
  }

  /** A verified citizen's re-filing (chat, official account): their own application, by number or the latest one offered. */
  refileForCitizen(citizenKey: string, applicationNo?: string): Promise<RefileAnswer> {
    return refileForCitizen(this.d, citizenKey, applicationNo);
  }

  // ---------------------------------------------------------------- staff side

  list(staff: StaffPrincipal, f: ListFilters) {
    return list(this.d, staff, f);
  }

  detail(staff: StaffPrincipal, applicationNo: string, opts: { revealIdNumber?: boolean } = {}) {
    return detail(this.d, staff, applicationNo, opts);
  }

  /** What the console may offer this staff member for one application (no clock, audit or related rows). */
  allowedActionsFor(staff: StaffPrincipal, applicationNo: string) {
    return allowedActionsFor(this.d, staff, applicationNo);
  }

  /** Applies one staff action: role, legality, body, then one transaction with the audit event (and outbox). */
  act(staff: StaffPrincipal, applicationNo: string, action: ApplicationAction, rawBody: unknown) {
    return act(this.d, staff, applicationNo, action, rawBody);
  }

  /** Loads an application for the reply letter (answered or closed with a disposition). */
  forLetter(agencyId: string, applicationNo: string): Promise<{ app: Application; agency: Agency; competent: Agency | null }> {
    return forLetter(this.d, agencyId, applicationNo);
  }
}

export { STATUSES, CITIZEN_CHANNELS };

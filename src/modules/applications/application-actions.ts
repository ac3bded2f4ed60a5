// One staff action on an application: authorize, parse the input, look up what it names, decide (transitions.ts, pure),
// commit (commit.ts, one transaction) and answer with the detail view.
import { DomainError } from "../../domain/errors";
import { parseInput } from "../../http/validate";
import { agencyByCode, agencyContactLine } from "../../infra/agencies";
import { StaffUser } from "../../infra/entities/staff-user.entity";
import type { StaffPrincipal } from "../staff/staff-service";
import { actionSchemas, type ActionBody } from "./action-schemas";
import type { ApplicationDeps } from "./application-deps";
import { commit } from "./commit";
import type { ApplicationAction } from "./lifecycle";
import { detailView, load } from "./staff-read-model";
import { authorize, decide, type AgencyFact, type Lookups, type TransitionEnv } from "./transitions";

/** The rule's environment for an application of this agency: now, today, the agency's calendar, the settings. */
export async function transitionEnv(d: ApplicationDeps, agencyId: string): Promise<TransitionEnv> {
  const { config } = d.ctx;
  return {
    now: d.ctx.clock.now().toISOString(),
    today: d.ctx.today(),
    timeZone: config.APP_TIMEZONE,
    calendar: await d.calendars.calendarFor(agencyId),
    settings: d.settings(),
    limits: {
      correctionNoticeWorkingDays: config.CORRECTION_NOTICE_WORKING_DAYS,
      correctionPeriodWorkingDays: config.CORRECTION_PERIOD_WORKING_DAYS,
      maxExtensionWorkingDays: config.MAX_EXTENSION_WORKING_DAYS,
    },
  };
}

/** What the action's input names, looked up in the staff member's agency (a missing one is the rule's to refuse). */
async function lookups<A extends ApplicationAction>(d: ApplicationDeps, action: A, body: ActionBody<A>, staff: StaffPrincipal): Promise<Lookups> {
  const db = d.ctx.db.manager;
  if (action === "assign") {
    const b = body as ActionBody<"assign">;
    let user: StaffUser | null;
    if (!b.assignee) user = await db.findOneBy(StaffUser, { id: staff.id });
    else
      user =
        (await db.findOneBy(StaffUser, { agencyId: staff.agencyId, username: b.assignee })) ??
        (/^[0-9a-f-]{36}$/i.test(b.assignee) ? await db.findOneBy(StaffUser, { agencyId: staff.agencyId, id: b.assignee }) : null);
    return { assignee: user ? { id: user.id, username: user.username, active: user.active, agencyId: user.agencyId } : null };
  }
  if (action === "answer") {
    const b = body as ActionBody<"answer">;
    if (!b.competentAgency) return {};
    const agency = await agencyByCode(d.ctx, b.competentAgency).catch((e: unknown) => {
      if (e instanceof DomainError) return null;
      throw e;
    });
    const fact: AgencyFact | null = agency ? { id: agency.id, code: agency.code, name: agency.name, contact: agencyContactLine(agency) } : null;
    return { competentAgency: fact };
  }
  return {};
}

/** Applies one staff action: role, legality, body, then one transaction with the audit event (and outbox). */
export async function act(d: ApplicationDeps, staff: StaffPrincipal, applicationNo: string, action: ApplicationAction, rawBody: unknown) {
  const app = await load(d, staff.agencyId, applicationNo);
  const env = await transitionEnv(d, app.agencyId);
  authorize(action, app.status, staff.role);
  const body = parseInput(actionSchemas[action], rawBody) as ActionBody<typeof action>;
  const decision = decide(app, action, body, staff, env, await lookups(d, action, body, staff));
  await commit(d, app, decision, { type: "staff", id: staff.id });
  return detailView(d, app, staff, false);
}

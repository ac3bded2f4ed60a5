// Recomputes the stored deadlines of open applications whose due date is provisional (due_date_flag set):
// after the calendar learns more — this release's statutory holidays for unpublished years, or a year's
// notice entered in config/calendar-overrides.json — a stored estimate would otherwise stay as it was
// until the next staff action. Each change is an audited, version-checked update; nothing else moves.
import { In, IsNull, Not } from "typeorm";
import type { AppContext } from "../../context";
import type { WorkingDayCalendar } from "../../domain/working-days";
import { AuditEvent, auditEvent } from "../../infra/entities/audit-event.entity";
import { updateVersioned, versionConflict } from "../../infra/versioned-update";
import { asRow } from "../../infra/rows";
import { Application } from "./application.entity";
import { computeClock, type ClockSettings } from "./clock";
import { OPEN_STATUSES } from "./lifecycle";

export interface DueDateChange {
  applicationNo: string;
  previousDueDate: string | null;
  dueDate: string | null;
  previousFlag: string | null;
  dueDateFlag: string | null;
}

export async function recomputeProvisionalDueDates(
  ctx: AppContext,
  settings: ClockSettings,
  calendarFor: (agencyId: string) => Promise<WorkingDayCalendar>,
  opts: { dryRun?: boolean } = {},
): Promise<DueDateChange[]> {
  const rows = await ctx.db
    .getRepository(Application)
    .find({ where: { dueDateFlag: Not(IsNull()), status: In([...OPEN_STATUSES]) }, order: { applicationNo: "ASC" } });
  const changes: DueDateChange[] = [];
  for (const app of rows) {
    const clock = computeClock(app.clockLog ?? [], settings, await calendarFor(app.agencyId));
    if (clock.dueDate === app.dueDate && clock.dueDateFlag === app.dueDateFlag) continue;
    const change = {
      applicationNo: app.applicationNo,
      previousDueDate: app.dueDate,
      dueDate: clock.dueDate,
      previousFlag: app.dueDateFlag,
      dueDateFlag: clock.dueDateFlag,
    };
    if (!opts.dryRun) {
      const at = ctx.clock.now().toISOString();
      // Changed meanwhile by staff: that action already recomputed the clock, so the refused update is skipped.
      const movedOn = versionConflict("APPLICATION.CONFLICT", "changed meanwhile");
      const done = await ctx.db
        .transaction(async (m) => {
          await updateVersioned(m, Application, app.id, app.version, { dueDate: clock.dueDate, dueDateFlag: clock.dueDateFlag, updatedAt: at }, movedOn);
          const event = auditEvent({
            agencyId: app.agencyId,
            entityType: "application",
            entityId: app.id,
            actor: null,
            action: "application.clock_recomputed",
            fromStatus: app.status,
            toStatus: app.status,
            reason: "calendar updated",
            data: { ...change },
            at,
          });
          await m.insert(AuditEvent, asRow(event));
          return true;
        })
        .catch((e: unknown) => {
          if (e === movedOn) return false;
          throw e;
        });
      if (!done) continue;
    }
    changes.push(change);
  }
  return changes;
}

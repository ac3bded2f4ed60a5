// What the applications files share (intake, citizen queries, the staff read model, actions): the context, the server
// secret, the clock settings, each agency's working-day calendar (loaded on demand, never "not loaded") and the limits.
import type { EntityManager } from "typeorm";
import type { AppContext } from "../../context";
import { createCalendar, readCalendarOverrides, type CalendarOverrides, type WorkingDayCalendar } from "../../domain/working-days";
import { Agency } from "../../infra/entities/agency.entity";
import { createLimiter, type Limiter } from "../../infra/rate-limiter";
import { serverSecret } from "../../infra/server-secret";
import type { ApplicationRecord } from "./application-record";
import type { ClockSettings } from "./clock";

/** Each agency's calendar (its own overrides) and code, cached for the life of the process. */
export class AgencyCalendars {
  private readonly calendars = new Map<string, WorkingDayCalendar>();
  private readonly codes = new Map<string, string>();
  constructor(
    private readonly ctx: AppContext,
    private readonly overrides: CalendarOverrides,
  ) {}

  async calendarFor(agencyId: string): Promise<WorkingDayCalendar> {
    let code = this.codes.get(agencyId);
    if (!code) {
      const agency = await this.ctx.db.getRepository(Agency).findOneBy({ id: agencyId });
      code = agency?.code ?? "";
      this.codes.set(agencyId, code);
    }
    let cal = this.calendars.get(code);
    if (!cal) {
      cal = createCalendar(this.overrides, code || undefined);
      this.calendars.set(code, cal);
    }
    return cal;
  }

  /** The agency's code for application numbers ("ogi" when the agency is gone), read in the caller's transaction. */
  async numberCode(m: EntityManager, agencyId: string): Promise<string> {
    let code = this.codes.get(agencyId);
    if (!code) {
      code = (await m.findOneBy(Agency, { id: agencyId }))?.code ?? "ogi";
      this.codes.set(agencyId, code);
    }
    return code;
  }
}

export interface ApplicationDeps {
  ctx: AppContext;
  calendars: AgencyCalendars;
  /** Per-client limits (issue 13): new filings, wrong query codes. Keyed on the client address or verified citizen. */
  limits: { filing: Limiter; statusFailures: Limiter };
  secret(): Buffer;
  settings(): ClockSettings;
}

export function applicationDeps(ctx: AppContext): ApplicationDeps {
  return {
    ctx,
    calendars: new AgencyCalendars(ctx, readCalendarOverrides(ctx.config.CALENDAR_OVERRIDES_FILE)),
    limits: {
      filing: createLimiter(ctx.kv, {
        name: "filing",
        points: ctx.config.FILING_LIMIT_PER_MINUTE,
        durationSeconds: 60,
        message: "提交申请过于频繁，请1分钟后再试",
      }),
      statusFailures: createLimiter(ctx.kv, {
        name: "status-fail",
        points: ctx.config.STATUS_QUERY_MAX_FAILURES,
        durationSeconds: 3600,
        message: "查询码错误次数过多，请1小时后再试",
      }),
    },
    secret: () => serverSecret(ctx.config),
    settings: () => ({ replyWorkingDays: ctx.config.REPLY_WORKING_DAYS, countReceiptDay: ctx.config.COUNT_RECEIPT_DAY }),
  };
}

/** The audit subject of an application (the fields auditEvent() needs to name it). */
export const subjectOf = (app: Pick<ApplicationRecord, "agencyId" | "id">) => ({ agencyId: app.agencyId, entityType: "application", entityId: app.id });

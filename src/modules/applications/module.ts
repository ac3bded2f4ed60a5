// Feature module: applications (依申请公开) — intake, the statutory clock, staff triage, audit, reply letters.
import { parseArgs } from "node:util";
import type { AppContext } from "../../context";
import { isIsoDate } from "../../domain/china-time";
import { agencyByCode } from "../../infra/agencies";
import type { CliCommand, FeatureModule } from "../module";
import type { Services } from "../services";
import { Application } from "./application.entity";
import { ApplicationService } from "./application-service";
import { calendarYearLine } from "./calendar-status";
import { computeClock } from "./clock";
import { recomputeProvisionalDueDates } from "./recompute-due-dates";
import { applicationRoutes } from "./routes";

export const applicationsEntities = [Application];

/** The applications module: its service, the start-up conversion, the retry-answer purge and the API routes. */
export function createApplications(ctx: AppContext, deps: Pick<Services, "staff">): { applications: ApplicationService; module: FeatureModule } {
  const svc = new ApplicationService(ctx);
  const module: FeatureModule = {
    name: "applications",
    async init() {
      // Rows from before the keyed hash (issue 13 item 12) are converted in place on every start (none after the first).
      const keyed = await svc.keyLegacyQueryCodes();
      if (keyed) ctx.logger.info({ rows: keyed }, "query-code hashes keyed with the server secret");
    },
    async startSingletons() {
      // Stored query codes of retried filings are purged once their retry window has passed.
      const purge = () =>
        svc.purgeRetryAnswers().catch((err) => ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "retry-answer purge failed"));
      await purge();
      const timer = setInterval(() => void purge(), 3600_000);
      timer.unref();
      return async () => clearInterval(timer);
    },
    routes: () => applicationRoutes(ctx, { applications: svc, staff: deps.staff }),
  };
  return { applications: svc, module };
}

export const applicationsCommands: CliCommand[] = [
  {
    name: "calendar-status",
    summary: "show which years the working-day calendar knows (exit 1 when --year is unknown)",
    usage: "calendar-status [--year 2027] [--agency CODE]",
    async run(ctx, argv, out, { applications }: Pick<Services, "applications">) {
      const { values } = parseArgs({ args: argv, options: { year: { type: "string" }, agency: { type: "string" } } });
      const agency = await agencyByCode(ctx, values.agency);
      const cal = await applications.calendarFor(agency.id);
      out.info(`chinese-days knows the State Council arrangement through ${cal.lastLibraryYear}`);
      const thisYear = Number(ctx.today().slice(0, 4));
      const years = values.year ? [Number(values.year)] : [thisYear, thisYear + 1];
      let ok = true;
      for (const y of years) {
        // "Known" = the published arrangement (library or an entered override year). A year with only the
        // statutory holidays computed is still unknown: its 调休 days are not published, dates stay provisional.
        const known = cal.isYearKnown(y);
        ok &&= known;
        out.info(`${y}: ${calendarYearLine(cal, y, ctx.config.CALENDAR_OVERRIDES_FILE)}`);
      }
      return values.year && !ok ? 1 : 0;
    },
  },
  {
    name: "recompute-due-dates",
    summary: "recompute the stored provisional deadlines of open applications after the calendar changed (audited)",
    usage: "recompute-due-dates [--dry-run]",
    async run(ctx, argv, out, { applications: svc }: Pick<Services, "applications">) {
      const { values } = parseArgs({ args: argv, options: { "dry-run": { type: "boolean" } } });
      const changes = await recomputeProvisionalDueDates(ctx, svc.settings, (id) => svc.calendarFor(id), { dryRun: values["dry-run"] });
      for (const c of changes) out.info(`${c.applicationNo}: ${c.previousDueDate} → ${c.dueDate}${c.dueDateFlag ? ` (still ${c.dueDateFlag})` : " (final)"}`);
      out.info(`${changes.length} deadline(s) ${values["dry-run"] ? "would change" : "recomputed"}`);
      return 0;
    },
  },
  {
    name: "application-due",
    summary: "compute the reply deadline for a legal receipt date (the clock the service uses)",
    usage: "application-due --received YYYY-MM-DD [--agency CODE]",
    async run(ctx, argv, out, { applications: svc }: Pick<Services, "applications">) {
      const { values } = parseArgs({ args: argv, options: { received: { type: "string" }, agency: { type: "string" } } });
      if (!values.received || !isIsoDate(values.received)) {
        out.error("application-due needs --received YYYY-MM-DD");
        return 2;
      }
      const agency = await agencyByCode(ctx, values.agency);
      const clock = computeClock([{ kind: "receipt", date: values.received }], svc.settings, await svc.calendarFor(agency.id));
      out.info(
        `received ${values.received} → due ${clock.dueDate}${clock.dueDateFlag ? ` (FLAGGED ${clock.dueDateFlag}: provisional — statutory holidays counted, the year's 调休 not published)` : ""}`,
      );
      return 0;
    },
  },
];

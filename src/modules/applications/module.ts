// Feature module: applications (依申请公开) — intake, the statutory clock, staff triage, audit, reply letters.
import { parseArgs } from "node:util";
import { getService } from "../../context";
import { isIsoDate } from "../../domain/china-time";
import { agencyByCode } from "../../infra/agencies";
import type { FeatureModule } from "../module";
import { Application } from "./application.entity";
import { ApplicationService } from "./application-service";
import { computeClock } from "./clock";
import { applicationRoutes } from "./routes";

export const applicationsModule: FeatureModule = {
  name: "applications",
  entities: [Application],
  async init(ctx) {
    const svc = new ApplicationService(ctx);
    ctx.services.set("applications", svc);
    // Rows from before the keyed hash (issue 13 item 12) are converted in place on every start (none after the first).
    const keyed = await svc.keyLegacyQueryCodes();
    if (keyed) ctx.logger.info({ rows: keyed }, "query-code hashes keyed with the server secret");
  },
  async start(ctx) {
    // Stored query codes of retried filings are purged once their retry window has passed.
    const svc = getService<ApplicationService>(ctx, "applications");
    const purge = () => svc.purgeRetryAnswers().catch((err) => ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "retry-answer purge failed"));
    await purge();
    const timer = setInterval(() => void purge(), 3600_000);
    timer.unref();
    return async () => clearInterval(timer);
  },
  routes: (ctx) => applicationRoutes(ctx),
  commands: [
    {
      name: "calendar-status",
      summary: "show which years the working-day calendar knows (exit 1 when --year is unknown)",
      usage: "calendar-status [--year 2027] [--agency CODE]",
      async run(ctx, argv, out) {
        const { values } = parseArgs({ args: argv, options: { year: { type: "string" }, agency: { type: "string" } } });
        const agency = await agencyByCode(ctx, values.agency);
        const cal = await getService<ApplicationService>(ctx, "applications").calendarFor(agency.id);
        out.info(`chinese-days knows the State Council arrangement through ${cal.lastLibraryYear}`);
        const thisYear = Number(ctx.today().slice(0, 4));
        const years = values.year ? [Number(values.year)] : [thisYear, thisYear + 1];
        let ok = true;
        for (const y of years) {
          const known = cal.isYearKnown(y);
          ok &&= known;
          out.info(`${y}: ${known ? "known" : `UNKNOWN — deadlines reaching ${y} are flagged; enter the notice in ${ctx.config.CALENDAR_OVERRIDES_FILE}`}`);
        }
        return values.year && !ok ? 1 : 0;
      },
    },
    {
      name: "application-due",
      summary: "compute the reply deadline for a legal receipt date (the clock the service uses)",
      usage: "application-due --received YYYY-MM-DD [--agency CODE]",
      async run(ctx, argv, out) {
        const { values } = parseArgs({ args: argv, options: { received: { type: "string" }, agency: { type: "string" } } });
        if (!values.received || !isIsoDate(values.received)) {
          out.error("application-due needs --received YYYY-MM-DD");
          return 2;
        }
        const agency = await agencyByCode(ctx, values.agency);
        const svc = getService<ApplicationService>(ctx, "applications");
        const clock = computeClock([{ kind: "receipt", date: values.received }], svc.settings, await svc.calendarFor(agency.id));
        out.info(`received ${values.received} → due ${clock.dueDate}${clock.dueDateFlag ? ` (FLAGGED ${clock.dueDateFlag}: provisional, the year's holidays are not known)` : ""}`);
        return 0;
      },
    },
  ],
};

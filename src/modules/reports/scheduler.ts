// The year-end job: at 00:05 on 1 January (China time) draft the previous year's report for every agency.
// With Redis it is a BullMQ job scheduler (one job per period however many servers run); on the embedded
// default an in-process timer. Either way the drafting itself is idempotent (generated_at).
import { Queue, Worker } from "bullmq";
import Redis from "ioredis";
import type { AppContext } from "../../context";
import { yearOf } from "../../domain/china-time";
import { disconnectRedis, watchRedisConnection } from "../../infra/kv";
import type { DistrictService } from "../platform/district-service";
import type { ReportsService } from "./report-service";

/** What the year-end job needs: the drafting, and the reminders of the district views (issue 17). */
export interface YearEndDeps {
  reports: Pick<ReportsService, "generateYearEnd">;
  district?: Pick<DistrictService, "sendReportReminders">;
}

export const YEAR_END_QUEUE = "reports-year-end";
export const YEAR_END_SCHEDULER_ID = "year-end-report";
export const YEAR_END_CRON = "5 0 1 1 *";

/** Offset (ms) of a time zone from UTC at an instant. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The next 1 January 00:05 in the zone strictly after `now`. */
export function nextYearEndRun(now: Date, timeZone = "Asia/Shanghai"): Date {
  const localYear = Number(new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric" }).format(now));
  for (const y of [localYear, localYear + 1]) {
    const guess = Date.UTC(y, 0, 1, 0, 5);
    const at = guess - zoneOffset(guess, timeZone);
    if (at > now.getTime()) return new Date(at);
  }
  throw new Error("unreachable");
}

const MAX_TIMEOUT = 2 ** 31 - 1;

async function runYearEnd(ctx: AppContext, deps: YearEndDeps, year?: number) {
  const y = year ?? yearOf(ctx.today()) - 1;
  const drafted = await deps.reports.generateYearEnd(y);
  // Every agency's draft exists now: remind those whose report fails its checks or is not published (issue 17).
  const district = deps.district;
  if (district) await district.sendReportReminders(y, ctx.today());
  return drafted;
}

/** How long a start waits for Redis to register the scheduler before serving anyway (Redis down at startup). */
const REGISTER_WAIT_MS = 3000;

/**
 * BullMQ: upserts the repeatable scheduler and starts a worker. Returns a stopper.
 * Survives Redis outages: the queue, the worker and their connection have 'error' listeners (an unheard
 * 'error' event would crash the process); a start while Redis is down does not wait for it; and the
 * scheduler is upserted again whenever the connection becomes ready, because a Redis restarted without
 * persistence has forgotten it (the upsert is idempotent, so several servers doing it leave one).
 */
export async function startBullScheduler(ctx: AppContext, deps: YearEndDeps): Promise<() => Promise<void>> {
  const connection = new Redis(ctx.redisUrl!, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) });
  watchRedisConnection(connection, ctx.logger, "year-end queue");
  const prefix = `${ctx.config.REDIS_KEY_PREFIX}bull`;
  const queue = new Queue(YEAR_END_QUEUE, { connection, prefix });
  const worker = new Worker(YEAR_END_QUEUE, async (job) => runYearEnd(ctx, deps, typeof job.data?.year === "number" ? job.data.year : undefined), {
    connection,
    prefix,
  });
  // One log line per outage, not one per retry: the connection watcher above already reports it.
  let quietUntil = 0;
  const onError = (err: Error) => {
    if (Date.now() < quietUntil) return;
    quietUntil = Date.now() + 60_000;
    ctx.logger.warn({ err: err.message }, "year-end queue error (retrying)");
  };
  queue.on("error", onError);
  worker.on("error", onError);
  worker.on("failed", (job, err) => ctx.logger.error({ err: err.message, job: job?.id }, "year-end report job failed"));
  let stopped = false;
  const register = () =>
    queue
      .upsertJobScheduler(
        YEAR_END_SCHEDULER_ID,
        { pattern: YEAR_END_CRON, tz: ctx.config.APP_TIMEZONE },
        { name: "year-end", data: {}, opts: { removeOnComplete: 50, removeOnFail: 50, attempts: 3, backoff: { type: "exponential", delay: 60_000 } } },
      )
      .then(() => true)
      .catch((err: Error) => {
        if (!stopped) ctx.logger.warn({ err: err.message }, "year-end job scheduler not registered yet");
        return false;
      });
  const first = register();
  // 'ready' fires after every reconnect; the first one is covered by the call above.
  let connectedOnce = connection.status === "ready";
  connection.on("ready", () => {
    if (!connectedOnce) {
      connectedOnce = true;
      return;
    }
    if (!stopped) void register();
  });
  const registered = await Promise.race([first, new Promise<null>((r) => setTimeout(() => r(null), REGISTER_WAIT_MS).unref())]);
  if (registered) ctx.logger.info({ cron: YEAR_END_CRON, tz: ctx.config.APP_TIMEZONE }, "year-end report job scheduled (BullMQ)");
  else ctx.logger.warn({ cron: YEAR_END_CRON }, "year-end report job: Redis unavailable at start; the scheduler is registered when it returns");
  return async () => {
    stopped = true;
    await worker.close();
    await queue.close();
    disconnectRedis(connection);
  };
}

/** In-process: a timer to the next 1 January 00:05; in January, a start also catches up a missed run. */
export async function startInProcessScheduler(ctx: AppContext, deps: YearEndDeps): Promise<() => Promise<void>> {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    const next = nextYearEndRun(ctx.clock.now(), ctx.config.APP_TIMEZONE);
    const delay = next.getTime() - ctx.clock.now().getTime();
    timer = setTimeout(
      () => {
        if (ctx.clock.now().getTime() >= next.getTime()) {
          runYearEnd(ctx, deps)
            .catch((err) => ctx.logger.error({ err: (err as Error).message }, "year-end report drafting failed"))
            .finally(arm);
        } else arm();
      },
      Math.min(Math.max(delay, 0), MAX_TIMEOUT),
    );
    timer.unref();
  };
  if (ctx.today().slice(5, 7) === "01")
    await runYearEnd(ctx, deps).catch((err) => ctx.logger.error({ err: (err as Error).message }, "year-end catch-up failed"));
  arm();
  ctx.logger.info({ next: nextYearEndRun(ctx.clock.now(), ctx.config.APP_TIMEZONE).toISOString() }, "year-end report job scheduled (in-process)");
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

export async function startYearEndScheduler(ctx: AppContext, deps: YearEndDeps): Promise<(() => Promise<void>) | void> {
  if (!ctx.config.YEAR_END_JOB_ENABLED) return;
  return ctx.redisUrl ? startBullScheduler(ctx, deps) : startInProcessScheduler(ctx, deps);
}

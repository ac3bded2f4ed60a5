// The year-end job: a BullMQ job scheduler (cron 5 0 1 1 *, Asia/Shanghai) whose worker drafts the previous
// year for every agency when Redis is configured; an in-process scheduler otherwise, which catches up on a
// January start. Both are idempotent: one draft however many runs.
import { Queue } from "bullmq";
import Redis from "ioredis";
import { startBullScheduler, startInProcessScheduler, YEAR_END_CRON, YEAR_END_QUEUE, YEAR_END_SCHEDULER_ID } from "../../../src/modules/reports/scheduler";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { waitUntil } from "../../helpers/wait";

describe("year-end job with Redis (BullMQ)", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres", now: "2026-01-01T00:00:00Z" });
  });
  afterAll(async () => {
    await env.close();
  });

  it("upserts one job scheduler in China time and its worker drafts the year once", async () => {
    const stop = await startBullScheduler(env.ctx, env.services);
    const stop2 = await startBullScheduler(env.ctx, env.services); // a second server instance
    const connection = new Redis(env.config.REDIS_URL!, { maxRetriesPerRequest: null });
    const queue = new Queue(YEAR_END_QUEUE, { connection, prefix: `${env.config.REDIS_KEY_PREFIX}bull` });
    try {
      expect(await queue.getJobSchedulersCount()).toBe(1);
      const s = await queue.getJobScheduler(YEAR_END_SCHEDULER_ID);
      expect(s).toMatchObject({ pattern: YEAR_END_CRON, tz: "Asia/Shanghai" });
      expect(YEAR_END_CRON).toBe("5 0 1 1 *");
      // Run the job now, twice, as the scheduler would on 1 January.
      await queue.add("year-end", { year: 2025 });
      await queue.add("year-end", { year: 2025 });
      await waitUntil("two completed jobs", async () => (await queue.getCompletedCount()) === 2, 15_000);
      const drafts = await env.ctx.db.query(`SELECT year, generated_at FROM report_drafts WHERE year = 2025`);
      expect(drafts).toHaveLength(1);
      expect(drafts[0].generated_at).toBe("2026-01-01T00:00:00.000Z");
      const audits = await env.ctx.db.query(`SELECT actor_type FROM audit_events WHERE action = 'report.draft_generated'`);
      expect(audits).toEqual([{ actor_type: "system" }]);
    } finally {
      await stop();
      await stop2();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });
});

describe("year-end job on the embedded default (no Redis, SQLite)", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ db: "sqlite", redis: false, now: "2026-01-01T00:10:00Z" });
  });
  afterAll(async () => {
    await env.close();
  });

  it("catches up a missed 1 January run at a January start, once", async () => {
    expect(env.ctx.redisUrl).toBeUndefined();
    const stop = await startInProcessScheduler(env.ctx, env.services);
    const again = await startInProcessScheduler(env.ctx, env.services);
    await stop();
    await again();
    const drafts = await env.ctx.db.query(`SELECT year, section1 FROM report_drafts WHERE year = 2025`);
    expect(drafts).toHaveLength(1);
    expect(drafts[0].section1).toContain("2025年，本机关新收政府信息公开申请0件（上年0件，与上年持平）");
  });
});

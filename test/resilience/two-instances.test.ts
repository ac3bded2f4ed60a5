// Two server processes (A and B, different ports) sharing one PostgreSQL schema and one Redis prefix, as two
// instances behind a load balancer (issue 8): a filing dialogue started on A continues on B and ends with one
// application; the year-end job, enabled on both, runs once; and the rate limits (chat messages per minute,
// wrong status-query codes, failed staff logins) count the requests of both instances together.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import Redis from "ioredis";
import { Client } from "pg";
import { ROOT, startServer, type ServerProcess } from "../helpers/server-process";
import { createPgSchema, deleteRedisPrefix, PG_URL, REDIS_URL } from "../helpers/test-context";
import { YEAR_END_QUEUE, YEAR_END_SCHEDULER_ID } from "../../src/modules/reports/scheduler";
import { call, chat, filingDialogue, intakeBody, repliesOf, waitUntil, type Answer } from "./support/outage-clients";

const run = promisify(execFile);
// Above the 12 messages of the filing dialogue.
const CHAT_LIMIT = 16;
const STATUS_LIMIT = 3;
const LOGIN_LIMIT = 3;

let schema: Awaited<ReturnType<typeof createPgSchema>>;
const prefix = `ogitwo_${Date.now().toString(36)}:`;
let env: Record<string, string>;
let a: ServerProcess;
let b: ServerProcess;
/** A, B, A, B, …: the load balancer's round robin. */
const at = (i: number) => (i % 2 === 0 ? a : b);

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: PG_URL, options: `-c search_path=${schema.schema}` });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const errorCode = (x: Answer) => (x.body as { error?: { code?: string } } | null)?.error?.code;

beforeAll(async () => {
  schema = await createPgSchema();
  env = {
    DATABASE_URL: schema.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    YEAR_END_JOB_ENABLED: "true",
    CHAT_RATE_LIMIT_PER_MINUTE: String(CHAT_LIMIT),
    STATUS_QUERY_MAX_FAILURES: String(STATUS_LIMIT),
    LOGIN_MAX_FAILURES: String(LOGIN_LIMIT),
    LOG_LEVEL: "info",
  };
  // Both at the same moment on the empty schema: one runs the migrations and the seed while the other waits
  // for it (they once raced, and one died on a duplicate table).
  [a, b] = await Promise.all([startServer({ env, readyTimeoutMs: 90_000 }), startServer({ env, readyTimeoutMs: 90_000 })]);
  expect(a.port).not.toBe(b.port);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await deleteRedisPrefix(prefix);
  await schema?.drop();
});

it("continues a filing dialogue started on A on B, message by message, and files one application", async () => {
  const user = "two-instance-filer";
  const description = "张店区融媒体中心2025年度融媒体平台运维合同（两台实例之间的对话）";
  const steps = [...filingDialogue(description), "确认"];
  let last!: Answer;
  for (const [i, text] of steps.entries()) {
    last = await chat(at(i).url, user, text);
    expect(last.status).toBe(200);
  }
  // 11 steps: the last one (确认) went to A; the step before it (the summary) was answered by B.
  const no = /申请编号：(\S+)/.exec(repliesOf(last))?.[1];
  expect(no).toBeTruthy();
  // Confirming again on the other instance files nothing more.
  const again = await chat(b.url, user, "确认");
  expect(repliesOf(again)).toContain("已经提交过了");
  const rows = await sql<{ application_no: string }>(`SELECT application_no FROM applications WHERE description = $1`, [description]);
  expect(rows.map((r) => r.application_no)).toEqual([no]);
});

it("registers one year-end scheduler for both and runs the job once when it fires", async () => {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(YEAR_END_QUEUE, { connection, prefix: `${prefix}bull` });
  try {
    expect(await queue.getJobSchedulersCount()).toBe(1);
    const delayed = await queue.getDelayed();
    // One pending run (1 January 00:05 China time) for the two instances, not one each.
    expect(delayed.map((j) => j.id)).toHaveLength(1);
    expect(delayed[0].id).toContain(YEAR_END_SCHEDULER_ID);
    const year = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date())) - 1;
    expect(await sql(`SELECT 1 FROM report_drafts WHERE year = $1`, [year])).toHaveLength(0);

    // The clock reaches 1 January 00:05: the scheduled job becomes due. Both workers are waiting for it.
    await delayed[0].promote();
    await waitUntil("the year-end job to complete", async () => (await queue.getCompletedCount()) >= 1, 30_000);
    // A second execution would need a second job now due: wait until nothing is waiting, running or due (the
    // scheduler has queued next year's run, far in the future), so the counts below are final.
    await waitUntil(
      "no year-end job left to run",
      async () => {
        const counts = await queue.getJobCounts("waiting", "active", "prioritized");
        const due = (await queue.getDelayed()).filter((j) => j.timestamp + (j.opts.delay ?? 0) < Date.now() + 86_400_000);
        return counts.waiting + counts.active + counts.prioritized === 0 && due.length === 0;
      },
      30_000,
    );

    expect(await queue.getCompletedCount()).toBe(1);
    expect(await queue.getFailedCount()).toBe(0);
    expect(await sql(`SELECT 1 FROM report_drafts WHERE year = $1`, [year])).toHaveLength(1);
    expect(await sql(`SELECT 1 FROM audit_events WHERE action = 'report.draft_generated'`)).toHaveLength(1);
    // Exactly one of the two processes ran it, once.
    const runs = [a, b].map(
      (s) =>
        s
          .logs()
          .split("\n")
          .filter((l) => l.includes('"msg":"year-end report drafts"')).length,
    );
    expect(runs.reduce((x, y) => x + y, 0)).toBe(1);
    expect(await queue.getJobSchedulersCount()).toBe(1);
  } finally {
    await queue.close();
    connection.disconnect();
  }
});

it("counts chat messages per minute over both instances", async () => {
  // The window opens at this user's first message (rate-limiter-flexible), not at a clock minute: no waiting.
  const user = "two-instance-chatter";
  for (let i = 0; i < CHAT_LIMIT; i++) expect((await chat(at(i).url, user, "办公时间")).status).toBe(200);
  // Each instance saw only half of them; together they reached the limit.
  for (const s of [a, b]) {
    const over = await chat(s.url, user, "办公时间");
    expect(over.status).toBe(429);
    expect(errorCode(over)).toBe("RATE_LIMITED");
  }
  // Another citizen is not affected.
  expect((await chat(b.url, "someone-else", "办公时间")).status).toBe(200);
});

it("counts wrong status-query codes over both instances", async () => {
  const filed = await call("POST", `${a.url}/api/applications`, { json: intakeBody("张店区融媒体中心2025年度政务新媒体账号清单（查询限制）") });
  expect(filed.status).toBe(201);
  const { applicationNo, queryCode } = filed.body as { applicationNo: string; queryCode: string };
  const wrong = queryCode === "00000000" ? "00000001" : "00000000";
  for (let i = 0; i < STATUS_LIMIT; i++) {
    const miss = await call("GET", `${at(i).url}/api/applications/${applicationNo}?queryCode=${wrong}`);
    expect(miss.status).toBe(404);
  }
  // The right code is refused now on both: this client used up its wrong guesses across A and B together.
  for (const s of [a, b]) {
    const locked = await call("GET", `${s.url}/api/applications/${applicationNo}?queryCode=${queryCode}`);
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe("RATE_LIMITED");
  }
});

it("counts failed staff logins over both instances", async () => {
  const username = "two-instance-clerk";
  const password = "correct-horse-battery";
  await run(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "src/cli.ts"), "create-user", "--username", username, "--password", password, "--role", "clerk"],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, YEAR_END_JOB_ENABLED: "false", LOG_LEVEL: "warn" },
    },
  );
  const login = (s: ServerProcess, pw: string) => call("POST", `${s.url}/api/staff/login`, { json: { username, password: pw } });
  expect((await login(b, password)).status).toBe(200);
  for (let i = 0; i < LOGIN_LIMIT; i++) expect((await login(at(i), "wrong-password")).status).toBe(401);
  for (const s of [a, b]) {
    const locked = await login(s, password);
    expect(locked.status).toBe(429);
    expect(errorCode(locked)).toBe("RATE_LIMITED");
  }
});

// Outages under traffic (issue 8): the real server process on a PRIVATE PostgreSQL and a PRIVATE Redis (own
// ports; the shared 5432/6379 are never touched). While chat, webhook, status-query, intake and /healthz
// traffic runs, Redis is stopped and restarted, then PostgreSQL is stopped (-m immediate, a crash) and
// restarted, then stopped (-m fast, an administrator's shutdown) and restarted. Each time: requests fail fast
// (< 3 s) with 503 SERVICE.UNAVAILABLE "系统繁忙，请稍后再试。" (the webhook with that passive reply),
// /healthz is 503 naming the dependency, the process stays up, and it recovers by itself — no restart of
// the app. Throughout: no 500, no refused connection, and every acknowledged application is in the database
// exactly once (those not acknowledged are retried with their Idempotency-Key and then exist once too).
import { Client } from "pg";
import Redis from "ioredis";
import { startServer, type ServerProcess } from "../helpers/server-process";
import { startWechatStandin, type WechatStandin } from "../integration/conversation/wechat-standin";
import {
  BUSY,
  call,
  chat,
  filingDialogue,
  intakeBody,
  isBusy503,
  passiveText,
  postWechatText,
  repliesOf,
  sleep,
  waitUntil,
  WECHAT_TOKEN,
  type Answer,
} from "./support/outage-clients";
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from "./support/private-services";

/** The brief's target for an answer while a dependency is down. */
const FAIL_FAST_MS = 3000;
/** How long the service may take to notice a returned dependency by itself. */
const RECOVERY_MS = 15_000;
const PREFIX = "outage:";

type Kind = "chat" | "webhook" | "status" | "healthz" | "intake";
interface Logged extends Answer {
  kind: Kind;
  phase: string;
}

let pg: PrivatePostgres;
let redis: PrivateRedis;
let wx: WechatStandin;
let server: ServerProcess;
let phase = "start";
const answers: Logged[] = [];
let trafficOn = false;
const loops: Array<Promise<void>> = [];
/** Applications filed through POST /api/applications: the answer, if one came, per Idempotency-Key. */
const filed = new Map<string, { description: string; acked: { applicationNo: string; queryCode: string } | null }>();
let statusTarget: { applicationNo: string; queryCode: string };
const recoveries: Record<string, number> = {};
const detections: Record<string, number> = {};

/** Runs one request and logs its answer under the phase in which it was SENT. */
async function rec(kind: Kind, send: () => Promise<Answer>): Promise<Answer> {
  const sentIn = phase;
  const a = await send();
  answers.push({ ...a, kind, phase: sentIn });
  return a;
}

async function fileOne(i: number): Promise<void> {
  const key = `outage-intake-${i}`;
  const description = `张店区融媒体中心2025年度新闻采编经费支出明细（故障测试第${i}份）`;
  filed.set(key, { description, acked: null });
  const a = await rec("intake", () => call("POST", `${server.url}/api/applications`, { json: intakeBody(description), headers: { "Idempotency-Key": key } }));
  if (a.status === 201) filed.get(key)!.acked = a.body as { applicationNo: string; queryCode: string };
}

/** Four kinds of citizen traffic and the health probe, each its own sequential loop, until stopped. */
function startTraffic() {
  trafficOn = true;
  let n = 0;
  const loop = (fn: () => Promise<void>, pauseMs: number) =>
    loops.push(
      (async () => {
        while (trafficOn) {
          await fn();
          await sleep(pauseMs);
        }
      })(),
    );
  loop(async () => void (await rec("chat", () => chat(server.url, `visitor-${n++}`, "怎么申请政府信息公开"))), 50);
  loop(async () => void (await rec("webhook", () => postWechatText(server.url, `o-visitor-${n++}`, "怎么申请政府信息公开"))), 50);
  loop(
    async () =>
      void (await rec("status", () => call("GET", `${server.url}/api/applications/${statusTarget.applicationNo}?queryCode=${statusTarget.queryCode}`))),
    50,
  );
  loop(async () => void (await rec("healthz", () => call("GET", `${server.url}/healthz`))), 100);
  let i = 0;
  loop(() => fileOne(i++), 150);
}

const statusQueryText = () => `查询申请 ${statusTarget.applicationNo} ${statusTarget.queryCode}`;

async function health(): Promise<Answer & { failing: string[] }> {
  const a = await call("GET", `${server.url}/healthz`);
  return { ...a, failing: ((a.body as { failing?: string[] } | null)?.failing ?? []) as string[] };
}

/** What every kind of request answers while `dep` is down, checked one by one. */
async function expectFailingFast(dep: "redis" | "database") {
  const h = (await rec("healthz", () => health())) as Awaited<ReturnType<typeof health>>;
  expect(h.status).toBe(503);
  expect(h.failing).toEqual([dep]);

  const c = await rec("chat", () => chat(server.url, `probe-${dep}-${Date.now()}`, "怎么申请政府信息公开"));
  expect(isBusy503(c)).toBe(true);
  expect(c.ms).toBeLessThan(FAIL_FAST_MS);

  const s = await rec("status", () => call("GET", `${server.url}/api/applications/${statusTarget.applicationNo}?queryCode=${statusTarget.queryCode}`));
  expect(isBusy503(s)).toBe(true);
  expect(s.ms).toBeLessThan(FAIL_FAST_MS);

  // The official account must get a passive reply it can show the citizen, within WeChat's 5 s. (A status
  // query needs both dependencies; the guide may be answered from memory while only PostgreSQL is down.)
  const w = await rec("webhook", () => postWechatText(server.url, `o-probe-${dep}-${Date.now()}`, statusQueryText()));
  expect(w.status).toBe(200);
  expect(passiveText(w)).toContain("系统繁忙");
  expect(w.ms).toBeLessThan(FAIL_FAST_MS);

  expect(server.proc.exitCode).toBeNull();
  expect(server.proc.signalCode).toBeNull();
}

/** Everything works again: the guide is quoted on the chat and the webhook, the status query answers. */
async function expectWorking() {
  const c = await rec("chat", () => chat(server.url, `after-${Date.now()}`, "怎么申请政府信息公开"));
  expect(c.status).toBe(200);
  expect(repliesOf(c)).toContain("书面形式");
  const s = await rec("status", () => call("GET", `${server.url}/api/applications/${statusTarget.applicationNo}?queryCode=${statusTarget.queryCode}`));
  expect(s.status).toBe(200);
  expect((s.body as { applicationNo: string }).applicationNo).toBe(statusTarget.applicationNo);
  const w = await rec("webhook", () => postWechatText(server.url, `o-after-${Date.now()}`, "怎么申请政府信息公开"));
  expect(passiveText(w)).toContain("书面形式");
  const ws = await rec("webhook", () => postWechatText(server.url, `o-after-status-${Date.now()}`, statusQueryText()));
  expect(passiveText(ws)).toContain("办理状态");
}

/** Stops a dependency under traffic, checks the failure, restarts it and times the recovery. */
async function outage(
  name: string,
  dep: "redis" | "database",
  downMs: number,
  stop: () => Promise<void>,
  start: () => Promise<void>,
  whileDown?: () => Promise<void>,
) {
  phase = `${name}:stopping`;
  await stop();
  phase = `${name}:down`;
  detections[name] = await waitUntil(`/healthz naming ${dep}`, async () => (await health()).failing.includes(dep), 10_000);
  await expectFailingFast(dep);
  await whileDown?.();
  await sleep(downMs); // traffic keeps hitting the failed dependency
  phase = `${name}:starting`;
  await start();
  phase = `${name}:recovering`;
  recoveries[name] = await waitUntil(`/healthz 200 after ${name}`, async () => (await health()).status === 200, RECOVERY_MS);
  phase = `${name}:recovered`;
  await expectWorking();
  await sleep(1000);
}

async function pgQuery<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: pg.url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  [pg, redis, wx] = await Promise.all([startPrivatePostgres(), startPrivateRedis(), startWechatStandin()]);
  server = await startServer({
    env: {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: PREFIX,
      WECHAT_TOKEN,
      WECHAT_APPID: "wxoutage",
      WECHAT_APPSECRET: "secret",
      WECHAT_API_BASE_URL: wx.url,
      CHAT_RATE_LIMIT_PER_MINUTE: "10000",
      STATUS_QUERY_MAX_FAILURES: "1000",
      // The BullMQ queue and worker live through the outages too (an unheard 'error' event would crash).
      YEAR_END_JOB_ENABLED: "true",
      LOG_LEVEL: "info",
    },
    readyTimeoutMs: 90_000,
  });
  const first = await call("POST", `${server.url}/api/applications`, {
    json: intakeBody("张店区融媒体中心2025年度部门预算公开（状态查询用）"),
    headers: { "Idempotency-Key": "outage-status-target" },
  });
  expect(first.status).toBe(201);
  statusTarget = first.body as { applicationNo: string; queryCode: string };
});

afterAll(async () => {
  trafficOn = false;
  await Promise.all(loops);
  await server?.stop();
  await Promise.all([pg?.destroy(), redis?.stop(true), wx?.close()]);
});

it("fails fast with 系统繁忙 during Redis and PostgreSQL outages, never 500, recovers by itself, loses no application", async () => {
  phase = "baseline";
  startTraffic();
  await sleep(2000);
  await expectWorking();

  // A chat filing dialogue, complete but for the last 确认, which will meet the PostgreSQL outage.
  const filer = `filer-${Date.now()}`;
  const chatDescription = "张店区融媒体中心2024年度新闻发布会经费明细（跨故障的对话）";
  for (const m of filingDialogue(chatDescription)) expect((await rec("chat", () => chat(server.url, filer, m))).status).toBe(200);

  // Long enough for reconnect back-off to reach its ceiling: a request must still fail within 3 s then.
  await outage(
    "redis",
    "redis",
    12_000,
    () => redis.stop(),
    () => redis.start(),
  );
  // Redis came back empty (no persistence): the year-end job scheduler is registered again by itself.
  const r = new Redis(redis.url);
  try {
    await waitUntil(
      "the year-end job scheduler in the restarted Redis",
      async () => (await r.exists(`${PREFIX}bull:reports-year-end:repeat:year-end-report`)) === 1,
      10_000,
    );
  } finally {
    r.disconnect();
  }
  // The half-filled form of the filer was in the Redis that restarted empty; file it again from the start.
  for (const m of filingDialogue(chatDescription)) expect((await rec("chat", () => chat(server.url, filer, m))).status).toBe(200);

  // A second citizen is half way through the form (the next answer is the description) when PostgreSQL stops.
  const stepper = `stepper-${Date.now()}`;
  const stepperDescription = "张店区融媒体中心2024年度政务新媒体运营经费（故障中途的表单）";
  const stepperForm = filingDialogue(stepperDescription);
  const descAt = stepperForm.indexOf(stepperDescription);
  for (const m of stepperForm.slice(0, descAt)) expect((await rec("chat", () => chat(server.url, stepper, m))).status).toBe(200);

  let chatConfirmDuringOutage: Answer | null = null;
  let stepDuringOutage: Answer | null = null;
  await outage(
    "pg-immediate",
    "database",
    3000,
    () => pg.stop("immediate"),
    () => pg.start(),
    async () => {
      chatConfirmDuringOutage = await rec("chat", () => chat(server.url, filer, "确认"));
      stepDuringOutage = await rec("chat", () => chat(server.url, stepper, stepperDescription));
    },
  );
  // The description met the outage and was refused as busy: the citizen sends it again afterwards, and the
  // form takes it once — it must not slip into the next question (文号, free text too) — then files once.
  expect(isBusy503(stepDuringOutage!)).toBe(true);
  const resent = await rec("chat", () => chat(server.url, stepper, stepperDescription));
  expect(resent.status).toBe(200);
  expect(repliesOf(resent)).toContain("如果知道文件的文号");
  for (const m of [...stepperForm.slice(descAt + 1), "确认"]) expect((await rec("chat", () => chat(server.url, stepper, m))).status).toBe(200);
  const stepperRows = await pgQuery<{ description: string }>(`SELECT description FROM applications WHERE description = $1`, [stepperDescription]);
  expect(stepperRows).toHaveLength(1);
  // The confirmation met the outage: the citizen was told the service is busy, nothing was filed.
  expect(chatConfirmDuringOutage).not.toBeNull();
  const during = chatConfirmDuringOutage!;
  expect(during.ms).toBeLessThan(FAIL_FAST_MS);
  expect(isBusy503(during) || (during.status === 200 && repliesOf(during).includes("系统繁忙"))).toBe(true);
  // Confirming again after the outage files it, once.
  const confirmed = await rec("chat", () => chat(server.url, filer, "确认"));
  expect(confirmed.status).toBe(200);
  const chatNo = /申请编号：(\S+)/.exec(repliesOf(confirmed))?.[1];
  expect(chatNo).toBeTruthy();

  await outage(
    "pg-fast",
    "database",
    3000,
    () => pg.stop("fast"),
    () => pg.start(),
  );

  trafficOn = false;
  await Promise.all(loops);
  phase = "end";

  // Clients retry every submission that got no acknowledgement, with the same Idempotency-Key.
  for (const [key, f] of filed) {
    if (f.acked) continue;
    const a = await rec("intake", () =>
      call("POST", `${server.url}/api/applications`, { json: intakeBody(f.description), headers: { "Idempotency-Key": key } }),
    );
    expect(a.status).toBe(201);
    f.acked = a.body as { applicationNo: string; queryCode: string };
  }

  // --- what the whole run saw ---
  const byKind = (k: Kind) => answers.filter((a) => a.kind === k);
  const summary = Object.fromEntries(
    (["chat", "webhook", "status", "healthz", "intake"] as Kind[]).map((k) => [
      k,
      Object.entries(byKind(k).reduce<Record<number, number>>((m, a) => ((m[a.status] = (m[a.status] ?? 0) + 1), m), {})),
    ]),
  );
  console.log(
    JSON.stringify({ summary, detections, recoveries, maxMsWhileDown: Math.max(...answers.filter((a) => a.phase.endsWith(":down")).map((a) => a.ms)) }),
  );

  // Never a 500 and never a refused or dropped connection: the process served every request.
  expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
  expect(answers.filter((a) => a.status === 0)).toEqual([]);
  // Every 503 of the API is the busy error; /healthz's 503 names what fails.
  for (const a of answers.filter((x) => x.status === 503)) {
    if (a.kind === "healthz") expect((a.body as { failing: string[] }).failing.length).toBeGreaterThan(0);
    else expect({ body: a.body, retryAfter: a.retryAfter }).toEqual({ body: { error: { code: "SERVICE.UNAVAILABLE", message: BUSY } }, retryAfter: "5" });
  }
  // While a dependency was down (after /healthz noticed it), every answer came fast.
  const slowWhileDown = answers.filter((a) => a.phase.endsWith(":down") && a.ms >= FAIL_FAST_MS);
  expect(slowWhileDown.map((a) => `${a.kind} ${a.status} ${a.ms}ms`)).toEqual([]);
  // The webhook always answered 200, with a passive reply the citizen sees (busy or the real answer).
  for (const a of byKind("webhook")) {
    expect(a.status).toBe(200);
    expect(passiveText(a)).toBeTruthy();
  }
  // The outages were really seen by the traffic, not only by the probes.
  for (const name of ["redis", "pg-immediate", "pg-fast"]) {
    expect(answers.some((a) => a.phase === `${name}:down` && a.kind === "chat" && isBusy503(a))).toBe(true);
  }
  expect(server.proc.exitCode).toBeNull();
  const logs = server.logs();
  expect(logs).not.toMatch(/uncaught exception|unhandled promise rejection|Unhandled error event/i);

  // --- no applicant data lost or recorded twice ---
  const rows = await pgQuery<{ application_no: string; description: string }>(`SELECT application_no, description FROM applications`);
  const byNo = new Map(rows.map((r) => [r.application_no, r.description]));
  expect(byNo.size).toBe(rows.length);
  for (const [, f] of filed) expect(byNo.get(f.acked!.applicationNo)).toBe(f.description);
  for (const [, f] of filed) expect(rows.filter((r) => r.description === f.description)).toHaveLength(1);
  expect(rows.filter((r) => r.description === chatDescription).map((r) => r.application_no)).toEqual([chatNo]);
  // the status target, every intake key once, the two chat filings: nothing else
  expect(rows).toHaveLength(1 + filed.size + 2);
  expect(filed.size).toBeGreaterThan(20);
});

it("starts while Redis is down: serves 503 系统繁忙 and /healthz naming redis, then recovers when Redis starts", async () => {
  await redis.stop();
  const started = Date.now();
  // Not waiting for a 200: /healthz cannot be healthy yet. The process must listen anyway.
  const late = await startServer({
    env: { DATABASE_URL: pg.url, REDIS_URL: redis.url, REDIS_KEY_PREFIX: PREFIX, YEAR_END_JOB_ENABLED: "true", LOG_LEVEL: "info" },
    readyTimeoutMs: 60_000,
    readyOnAnyStatus: true,
  });
  try {
    const startMs = Date.now() - started;
    const h = await call("GET", `${late.url}/healthz`);
    expect(h.status).toBe(503);
    expect((h.body as { failing: string[] }).failing).toEqual(["redis"]);
    const c = await chat(late.url, "early-bird", "怎么申请政府信息公开");
    expect(isBusy503(c)).toBe(true);
    expect(c.ms).toBeLessThan(FAIL_FAST_MS);
    await redis.start();
    const recoveredMs = await waitUntil("/healthz 200 once Redis runs", async () => (await call("GET", `${late.url}/healthz`)).status === 200, RECOVERY_MS);
    const ok = await chat(late.url, "early-bird", "怎么申请政府信息公开");
    expect(ok.status).toBe(200);
    expect(repliesOf(ok)).toContain("书面形式");
    // The year-end job scheduler, which could not be registered at start, is registered now.
    const r = new Redis(redis.url);
    try {
      await waitUntil("the year-end job scheduler", async () => (await r.exists(`${PREFIX}bull:reports-year-end:repeat:year-end-report`)) === 1, 10_000);
    } finally {
      r.disconnect();
    }
    expect(late.proc.exitCode).toBeNull();
    expect(late.logs()).not.toMatch(/uncaught exception|unhandled promise rejection|Unhandled error event/i);
    console.log(JSON.stringify({ startWithRedisDownMs: startMs, recoveredMs }));
  } finally {
    await late.stop();
  }
});

// Crash during intake: many clients submit POST /api/applications with an Idempotency-Key each against the
// real server process; the process is killed with SIGKILL in the middle of the load, started again on the
// same PostgreSQL schema and Redis prefix, and every client whose answer never arrived sends the same
// request with the same key again.
//
// Proved: every acknowledged application exists exactly once with the number and query code it was
// acknowledged with; every retry is answered 201 and creates nothing a second time (the ones that had
// committed before the kill answer with their first number); rows = distinct keys. What breaks it: without
// the idempotency key (src/modules/applications/intake.ts create/replay) the retries of
// requests that committed before the kill but whose answer was lost file the application twice. The test
// makes sure such requests exist (`lostAnswers` > 0): just before the kill, the relay between clients and
// server stops passing on answers on half of the connections (support/crash-proxy.ts), while the other half
// keep the load going, so the kill finds both transactions under way and committed requests whose answers
// are lost.
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { startServer, type ServerProcess } from "../helpers/server-process";
import { createPgSchema, deleteRedisPrefix, PG_URL, REDIS_URL } from "../helpers/test-context";
import { personBody } from "../integration/applications/fixtures";
import { crashProxy, type CrashProxy } from "./support/crash-proxy";

const CLIENTS = 32;
/** Acknowledged submissions before the crash. */
const ACKS_BEFORE_KILL = 400;

interface Submission {
  key: string;
  body: Record<string, unknown>;
  ack: { applicationNo: string; queryCode: string } | null;
  /** What was seen instead of an answer (connection reset, 5xx before the crash…). */
  failure?: string;
  retry?: { status: number; applicationNo: string; queryCode: string };
}

let schema: Awaited<ReturnType<typeof createPgSchema>>;
const prefix = `crash_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}:`;
let server: ServerProcess | undefined;
let proxy: CrashProxy | undefined;
let pg: Client;

const serverEnv = () => ({ DATABASE_URL: schema.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: "warn" });

beforeAll(async () => {
  schema = await createPgSchema();
  pg = new Client({ connectionString: PG_URL, options: `-c search_path=${schema.schema}` });
  await pg.connect();
});
afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  await pg?.end();
  await schema?.drop();
  await deleteRedisPrefix(prefix);
});

async function submit(base: string, s: Pick<Submission, "key" | "body">): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/applications`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": s.key },
    body: JSON.stringify(s.body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it("SIGKILL during a load of submissions: acknowledged ones exist once, retried ones are created once", async () => {
  server = await startServer({ env: serverEnv(), readyTimeoutMs: 60_000 });
  // The clients talk to the server through a TCP relay that the crash takes down with it.
  proxy = await crashProxy(server.port);
  const all: Submission[] = [];
  let acked = 0;
  let killing: Promise<void> | null = null;
  let killed = false;
  const crash = async () => {
    proxy!.muteHalf();
    await new Promise((r) => setTimeout(r, 300));
    killed = true;
    await server!.kill();
    proxy!.cut();
  };

  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let n = 0; !killed; n++) {
        const s: Submission = {
          key: `crash-${c}-${n}-${randomBytes(4).toString("hex")}`,
          body: personBody({ description: `请公开2025年融媒体中心采编经费预算执行情况（崩溃测试 客户${c} 第${n}件）` }),
          ack: null,
        };
        all.push(s);
        try {
          const res = await submit(proxy!.url, s);
          if (res.status === 201) {
            s.ack = { applicationNo: String(res.body.applicationNo), queryCode: String(res.body.queryCode) };
            if (++acked === ACKS_BEFORE_KILL) killing ??= crash();
          } else s.failure = `HTTP ${res.status} ${JSON.stringify(res.body)}`;
        } catch (e) {
          s.failure = String((e as Error).cause ?? e);
          if (!killed) s.failure = `before the kill: ${s.failure}`;
          return;
        }
      }
    }),
  );
  await killing;
  expect(await server.exited).toBeNull(); // killed by a signal, not an exit

  const answered = all.filter((s) => s.ack);
  const unanswered = all.filter((s) => !s.ack);
  // before the crash nothing was refused: every answer that arrived was a 201
  expect(unanswered.filter((s) => /^(HTTP|before the kill)/.test(s.failure ?? "")).map((s) => s.failure)).toEqual([]);
  expect(answered.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
  expect(unanswered.length).toBeGreaterThan(0);

  // the restart: same address, database and Redis prefix (a fresh free port could meanwhile be taken by one
  // of the many client connections' ephemeral ports), no relay
  server = await startServer({ env: serverEnv(), port: server.port, readyTimeoutMs: 60_000 });
  const committedBeforeRetry = Number((await pg.query("SELECT count(*) AS n FROM applications")).rows[0].n);
  // requests that committed although their answer never arrived: the retries below must not file them twice
  const lostAnswers = committedBeforeRetry - answered.length;
  expect(lostAnswers).toBeGreaterThan(0);

  // every client without an answer sends the same request with the same key again, twice at once (an
  // impatient client retries before its first retry is answered): both answers are the same application
  await Promise.all(
    unanswered.map(async (s) => {
      const [a, b] = await Promise.all([submit(server!.url, s), submit(server!.url, s)]);
      s.retry = { status: a.status, applicationNo: String(a.body.applicationNo), queryCode: String(a.body.queryCode) };
      if (b.status !== a.status || b.body.applicationNo !== a.body.applicationNo || b.body.queryCode !== a.body.queryCode) {
        s.failure = `retries answered differently: ${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`;
      }
    }),
  );
  expect(unanswered.filter((s) => s.retry!.status !== 201 || s.failure?.startsWith("retries")).map((s) => `${s.key}: ${s.retry!.status} ${s.failure}`)).toEqual(
    [],
  );

  const rows = (await pg.query<{ application_no: string; description: string }>("SELECT application_no, description FROM applications")).rows;
  // one row per distinct key, no number given twice, no request filed twice
  expect(rows.length).toBe(new Set(all.map((s) => s.key)).size);
  expect(new Set(rows.map((r) => r.application_no)).size).toBe(rows.length);
  const byDescription = new Map<string, string[]>();
  for (const r of rows) byDescription.set(r.description, [...(byDescription.get(r.description) ?? []), r.application_no]);
  for (const s of all) {
    const expected = s.ack?.applicationNo ?? s.retry!.applicationNo;
    expect([s.key, byDescription.get(String(s.body.description))]).toEqual([s.key, [expected]]);
  }
  const audits = await pg.query("SELECT count(*) AS n FROM audit_events WHERE action = 'application.submit'");
  expect(Number(audits.rows[0].n)).toBe(rows.length);
  expect(Number((await pg.query("SELECT count(*) AS n FROM idempotency_keys")).rows[0].n)).toBe(rows.length);

  // the query code each client holds opens its application (acknowledged before the crash or on the retry)
  const holders = all.map((s) => s.ack ?? s.retry!);
  const refused: string[] = [];
  for (let i = 0; i < holders.length; i += 16) {
    await Promise.all(
      holders.slice(i, i + 16).map(async (h) => {
        const res = await fetch(`${server!.url}/api/applications/${h.applicationNo}?queryCode=${h.queryCode}`);
        const body = (await res.json()) as { applicationNo?: string };
        if (res.status !== 200 || body.applicationNo !== h.applicationNo) refused.push(`${h.applicationNo}: ${res.status}`);
      }),
    );
  }
  expect(refused).toEqual([]);
  process.stdout.write(
    `crash: ${all.length} submissions by ${CLIENTS} clients, ${answered.length} acknowledged before SIGKILL, ` +
      `${unanswered.length} retried after the restart, of which ${lostAnswers} had committed before the crash\n`,
  );
});

// WEB_CONCURRENCY=2 with the real server process (issue 18): the primary forks two HTTP workers that share the
// port; both serve; exactly one runs the singletons (one BullMQ year-end worker, one "singletons started"), and
// when that worker is killed its replacement takes the role; /healthz reports every worker and turns 503 while
// one is missing; SIGTERM to the primary drains every worker: requests under way are answered, the process exits 0.
// What breaks it: starting the singletons in every worker (two BullMQ workers), a primary that does not restart
// or does not pass on the role, a health that answers for one worker only, a shutdown that cuts requests.
import http from "node:http";
import { Queue } from "bullmq";
import Redis from "ioredis";
import { startServer, type ServerProcess } from "../helpers/server-process";
import { createPgSchema, deleteRedisPrefix, REDIS_URL } from "../helpers/test-context";
import { waitUntil } from "../helpers/wait";
import { YEAR_END_QUEUE } from "../../src/modules/reports/scheduler";

let schema: Awaited<ReturnType<typeof createPgSchema>>;
const prefix = `ogicluster_${Date.now().toString(36)}:`;
let server: ServerProcess | undefined;
let queue: Queue;
let connection: Redis;

interface Health {
  status: string;
  workers: { ok: boolean; expected: number; ready: number; pids: number[]; singletons: number | null; answeredBy: number; restarts: number };
}

/** One request on a connection of its own (no keep-alive), so the primary hands each one to the next worker. */
function once(port: number, method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: false,
        headers: data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {},
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    // A request never answered fails the test with its own error instead of hanging it.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)));
    req.end(data);
  });
}
// A connection the primary handed to a worker at the moment it was killed is never answered: short probes while waiting.
const health = async (port: number, timeoutMs?: number) => JSON.parse((await once(port, "GET", "/healthz", undefined, timeoutMs)).text) as Health;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const singletonLines = () =>
  server!
    .logs()
    .split("\n")
    .filter((l) => l.includes('"msg":"singletons started')).length;

beforeAll(async () => {
  schema = await createPgSchema();
  connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue(YEAR_END_QUEUE, { connection, prefix: `${prefix}bull` });
  server = await startServer({
    env: { DATABASE_URL: schema.url, REDIS_URL, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: "info", WEB_CONCURRENCY: "2", YEAR_END_JOB_ENABLED: "true" },
    readyTimeoutMs: 180_000,
  });
});
afterAll(async () => {
  await server?.kill();
  await queue?.close();
  connection?.disconnect();
  await schema?.drop();
  await deleteRedisPrefix(prefix);
});

it("two workers serve the port, one of them runs the singletons, a dead one is replaced and its role passed on", async () => {
  const h = await health(server!.port);
  // startServer waited for a 200, which the primary's view gives only when both workers beat.
  expect(h.status).toBe("ok");
  expect(h.workers).toMatchObject({ ok: true, expected: 2, ready: 2 });
  expect(new Set(h.workers.pids).size).toBe(2);
  expect(h.workers.pids).not.toContain(server!.proc.pid);

  // Both workers answer: fresh connections go round robin.
  const seen = new Set<number>();
  for (let i = 0; i < 20 && seen.size < 2; i++) seen.add((await health(server!.port)).workers.answeredBy);
  expect([...seen].sort()).toEqual([...h.workers.pids].sort());
  const chats = await Promise.all(Array.from({ length: 10 }, () => once(server!.port, "POST", "/api/chat", { text: "办公时间" })));
  expect(chats.map((c) => c.status)).toEqual(Array(10).fill(200));
  for (const c of chats) expect(JSON.parse(c.text).replies.join("")).toMatch(/办公时间/);

  // The singletons run once: one "singletons started", one BullMQ worker on the year-end queue.
  expect(singletonLines()).toBe(1);
  expect(await queue.getWorkersCount()).toBe(1);

  // Kill the worker that runs them: health says so, the primary starts a replacement that takes the role.
  const leader = h.workers.singletons!;
  expect(h.workers.pids).toContain(leader);
  process.kill(leader, "SIGKILL");
  // Short probes: a probe handed to the dying worker is never answered, and a 3 s probe could outlast the whole
  // degraded window (the restart delay of 1 s plus a warm worker's start), as it did in CI after the other suites.
  await waitUntil(
    "health to report the missing worker",
    async () => {
      const now = await health(server!.port, 250).catch(() => null);
      return now !== null && now.status === "degraded" && now.workers.ready === 1;
    },
    40_000,
    25,
  );
  await waitUntil(
    "a replacement worker to be ready",
    async () => {
      const now = await health(server!.port, 3000).catch(() => null);
      return now !== null && now.status === "ok" && now.workers.restarts === 1;
    },
    150_000,
  );
  const after = await health(server!.port);
  expect(after.workers.pids).not.toContain(leader);
  expect(after.workers.singletons).not.toBe(leader);
  expect(after.workers.pids).toContain(after.workers.singletons);
  expect(singletonLines()).toBe(2);
  await waitUntil("the dead worker's BullMQ connection to go", async () => (await queue.getWorkersCount()) === 1, 20_000);
});

it("SIGTERM to the primary drains every worker: requests under way are answered, then every process exits 0", async () => {
  const { workers } = await health(server!.port);
  let signalled = 0;
  const outcomes: Array<{ status: number; ok: boolean; afterSignal: boolean } | { error: string }> = [];
  const burst = Array.from({ length: 60 }, () =>
    once(server!.port, "POST", "/api/chat", { text: "申请要收费吗" }).then(
      (r) => outcomes.push({ status: r.status, ok: r.status === 200 && /信息处理费/.test(JSON.parse(r.text).replies.join("")), afterSignal: signalled > 0 }),
      (e: NodeJS.ErrnoException) => outcomes.push({ error: e.code ?? e.message }),
    ),
  );
  // Signal while the burst is under way (it takes the 2 cores well over the few ms to get here).
  await new Promise((r) => setTimeout(r, 30));
  server!.proc.kill("SIGTERM");
  signalled = Date.now();
  await Promise.all(burst);
  expect(await server!.exited).toBe(0);
  const answered = outcomes.filter((o): o is { status: number; ok: boolean; afterSignal: boolean } => "status" in o);
  // Every answer that came is a right one (no 5xx, no cut body); some were answered after the signal: drained.
  expect(answered.every((o) => o.ok)).toBe(true);
  expect(answered.filter((o) => o.afterSignal).length).toBeGreaterThan(0);
  // What did not get an answer was never accepted (the port closed): refused or reset before any response.
  for (const o of outcomes) if ("error" in o) expect(["ECONNREFUSED", "ECONNRESET"]).toContain(o.error);
  const logs = server!.logs();
  expect(logs).toContain('"msg":"draining every worker"');
  expect(logs.split("\n").filter((l) => l.includes('"msg":"shutting down: finishing the requests under way"')).length).toBe(2);
  expect(logs).toContain('"msg":"every worker stopped"');
  for (const pid of workers.pids) expect(alive(pid)).toBe(false);
});

// Benchmark: citizens filing applications end to end through the chat API's guided dialogue (11 messages:
// 我要申请 … 确认) against the real server (a child process: node --import tsx src/main.ts) on PostgreSQL and
// Redis, measured in completed applications per second. Baseline in the same run: the same number of
// applications filed with one POST /api/applications each. Afterwards PostgreSQL is asked with COUNTs whether
// exactly the acknowledged applications exist: none lost, none twice. Target (issue 8): ≥ 300 applications/s.
// Run: npm run bench -- filing   (env BENCH_FILINGS, BENCH_CONCURRENCY, BENCH_ROUNDS, BENCH_CPU_PROF=<dir>)
// Its own PostgreSQL schema and Redis key prefix, removed afterwards. Not part of `npm test`.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { Client } from "pg";
import { BUILT, QUICK, ratioOf, writeResult } from "./lib/results";
import type { LoadJob, LoadResult } from "./lib/filing-load";
import { createPgSchema, deleteRedisPrefix, PG_URL, REDIS_URL } from "../test/helpers/test-context";
import { startServer } from "../test/helpers/server-process";
import { treeCpuSeconds } from "./lib/load";

const FILINGS = Number(process.env.BENCH_FILINGS ?? (QUICK ? 200 : 2000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3));
const WARMUP = QUICK ? 20 : 100;
const TARGET = 300;
/** Issue 18: the chat's server CPU per filed application at most this many times the REST form's. */
const CPU_RATIO_TARGET = 2.5;
const MESSAGES_PER_FILING = 11;

function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // The worker registers tsx's CommonJS hook itself, then loads the TypeScript generator.
    const file = path.join(__dirname, "lib/filing-load.ts");
    const w = new Worker(`require("tsx/cjs/api").register(); require(${JSON.stringify(file)});`, { eval: true, workerData: job });
    w.once("message", (m: { ok: boolean; result?: LoadResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    w.once("error", reject);
    w.once("exit", (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

/** CPU time (user + system, ms) the server's processes have used so far: less sensitive than throughput to what else runs on a shared machine. */
const cpuMs = (pid: number) => treeCpuSeconds(pid) * 1000;

const perSecond = (n: number, ms: number) => Number(((n * 1000) / ms).toFixed(1));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const loadNow = () => os.loadavg().map((x) => Number(x.toFixed(2)));

async function main() {
  const loadBefore = loadNow();
  const pg = await createPgSchema();
  const prefix = `benchfiling_${randomBytes(4).toString("hex")}:`;
  const cpuProf = process.env.BENCH_CPU_PROF;
  const server = await startServer({
    env: {
      DATABASE_URL: pg.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: "warn",
      // Each simulated citizen sends 11 messages within a few seconds; the limit is per user and minute.
      CHAT_RATE_LIMIT_PER_MINUTE: "10000",
      // One process: the CPU ratio compares the same process doing the two kinds of filing.
      WEB_CONCURRENCY: "1",
      // NODE_OPTIONS refuses --cpu-prof; a preloaded inspector session does the same.
      ...(cpuProf ? { NODE_OPTIONS: `--require ${path.join(__dirname, "lib/cpu-profile.cjs")}`, BENCH_CPU_PROF_DIR: path.resolve(cpuProf) } : {}),
    },
    readyTimeoutMs: 180_000,
    built: BUILT,
  }).catch(async (e: unknown) => {
    await pg.drop();
    throw e;
  });
  const db = new Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`SET search_path TO "${pg.schema}"`);
  const count = async () => Number((await db.query(`SELECT COUNT(*)::int AS n FROM applications`)).rows[0].n);
  const results: Array<LoadResult & { serverCpuMs: number; loadAverage: number[] }> = [];
  let citizen = 0;
  const phase = async (mode: LoadJob["mode"], n: number, tag: string) => {
    const cpu0 = cpuMs(server.proc.pid!);
    const loadAverage = loadNow();
    const r = { ...(await load({ url: server.url, mode, from: citizen, count: n, concurrency: CONCURRENCY, tag })), serverCpuMs: 0, loadAverage };
    r.serverCpuMs = cpuMs(server.proc.pid!) - cpu0;
    citizen += n;
    results.push(r);
    if (r.failed.length) console.log(`  ${tag}: ${r.failed.length} filings failed, first: ${r.failed[0].error}`);
    return r;
  };
  try {
    const seeded = await count();
    console.log(`filing: server ${server.url}, ${FILINGS} filings per phase, ${CONCURRENCY} citizens at a time, ${ROUNDS} round(s)`);
    await phase("rest", WARMUP, "warmrest");
    await phase("chat", WARMUP, "warmchat");
    // Profiling: start the profile afresh now that the server is warm (bench/lib/cpu-profile.cjs).
    if (cpuProf) process.kill(server.proc.pid!, "SIGUSR2");

    const rounds: Array<{ rest: (typeof results)[number]; chat: (typeof results)[number] }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const rest = await phase("rest", FILINGS, `rest${i}`);
      const chat = await phase("chat", FILINGS, `chat${i}`);
      rounds.push({ rest, chat });
      console.log(
        `  round ${i + 1} [load ${rest.loadAverage.join(" ")}]: REST ${perSecond(rest.acknowledged.length, rest.elapsedMs)} applications/s; ` +
          `chat ${perSecond(chat.acknowledged.length, chat.elapsedMs)} applications/s = ${perSecond(chat.requests, chat.elapsedMs)} messages/s ` +
          `(message p50 ${chat.latency.p50} ms, p99 ${chat.latency.p99} ms); server CPU per application: REST ${(rest.serverCpuMs / rest.acknowledged.length).toFixed(2)} ms, ` +
          `chat ${(chat.serverCpuMs / chat.acknowledged.length).toFixed(2)} ms (${(chat.serverCpuMs / chat.requests).toFixed(2)} ms per message)`,
      );
    }

    // Integrity: every acknowledged application exists once, nothing else was written.
    const acknowledged = results.reduce((n, r) => n + r.acknowledged.length, 0);
    const total = (await count()) - seeded;
    const perPhase = [];
    for (const r of results) {
      const rows = (await db.query(`SELECT application_no FROM applications WHERE description LIKE $1`, [`%（${r.tag}第%`])).rows.map(
        (x: { application_no: string }) => x.application_no,
      );
      const stored = new Set(rows);
      perPhase.push({
        tag: r.tag,
        acknowledged: r.acknowledged.length,
        stored: rows.length,
        lost: r.acknowledged.filter((no) => !stored.has(no)).length,
        unacknowledged: rows.length - r.acknowledged.filter((no) => stored.has(no)).length,
        failedFilings: r.failed.length,
        serverCpuMsPerApplication: Number((r.serverCpuMs / Math.max(1, r.acknowledged.length)).toFixed(2)),
        loadAverage: r.loadAverage,
      });
    }
    const duplicates = Number(
      (await db.query(`SELECT COUNT(*)::int AS n FROM (SELECT description FROM applications GROUP BY description HAVING COUNT(*) > 1) d`)).rows[0].n,
    );
    const duplicateNumbers = new Set(results.flatMap((r) => r.acknowledged)).size !== acknowledged;
    const integrity = {
      acknowledged,
      storedByCount: total,
      lost: perPhase.reduce((n, p) => n + p.lost, 0),
      storedTwice: duplicates,
      unacknowledgedStored: perPhase.reduce((n, p) => n + p.unacknowledged, 0),
      failedFilings: perPhase.reduce((n, p) => n + p.failedFilings, 0),
      duplicateApplicationNumbers: duplicateNumbers,
      exact: total === acknowledged && duplicates === 0 && !duplicateNumbers && perPhase.every((p) => p.lost === 0 && p.unacknowledged === 0),
    };
    const serverErrors = server
      .logs()
      .split("\n")
      .filter((l) => /"level":(50|60)/.test(l)).length;

    const restRates = rounds.map((r) => perSecond(r.rest.acknowledged.length, r.rest.elapsedMs));
    const chatRates = rounds.map((r) => perSecond(r.chat.acknowledged.length, r.chat.elapsedMs));
    const msgRates = rounds.map((r) => perSecond(r.chat.requests, r.chat.elapsedMs));
    const cpuPer = (r: (typeof results)[number]) => r.serverCpuMs / Math.max(1, r.acknowledged.length);
    const chatCpu = median(rounds.map((r) => cpuPer(r.chat)));
    const restCpu = median(rounds.map((r) => cpuPer(r.rest)));
    const chatPerSecond = median(chatRates);
    const restPerSecond = median(restRates);
    const result = {
      // The machine is shared: its load average (1, 5, 15 min) before and after, for reading the figures.
      loadAverage: { before: loadBefore, after: loadNow() },
      filingsPerPhase: FILINGS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      messagesPerFiling: MESSAGES_PER_FILING,
      chat: {
        applicationsPerSecond: chatPerSecond,
        messagesPerSecond: median(msgRates),
        perRound: chatRates,
        serverCpuMsPerApplication: Number(chatCpu.toFixed(2)),
        serverCpuMsPerMessage: Number((chatCpu / MESSAGES_PER_FILING).toFixed(3)),
        messageLatencyMs: rounds[rounds.length - 1].chat.latency,
        dialogueMs: rounds[rounds.length - 1].chat.filing,
      },
      baseline: {
        what: "the same number of applications, one POST /api/applications each",
        applicationsPerSecond: restPerSecond,
        perRound: restRates,
        serverCpuMsPerApplication: Number(restCpu.toFixed(2)),
        requestLatencyMs: rounds[rounds.length - 1].rest.latency,
      },
      ratio: Number((chatPerSecond / restPerSecond).toFixed(3)),
      /** Server CPU per application, chat over REST: the cost of the dialogue, robust to a busy machine. */
      cpuRatio: Number((chatCpu / restCpu).toFixed(2)),
      /** The same ratio within each round (REST and chat back to back, under the same load). */
      cpuRatioPerRound: rounds.map((r) => Number((cpuPer(r.chat) / cpuPer(r.rest)).toFixed(2))),
      target: { applicationsPerSecond: TARGET, met: chatPerSecond >= TARGET && integrity.exact, shortfall: Number((chatPerSecond / TARGET).toFixed(3)) },
      integrity,
      perPhase,
      serverErrorLogLines: serverErrors,
    };
    console.log(
      `filing: chat ${chatPerSecond} applications/s (${result.chat.messagesPerSecond} messages/s), REST baseline ${restPerSecond} applications/s, ratio chat/REST ${result.ratio}; ` +
        `${integrity.acknowledged} acknowledged, ${integrity.storedByCount} stored, ${integrity.lost} lost, ${integrity.storedTwice} twice → ${integrity.exact ? "exact" : "MISMATCH"}`,
    );
    console.log(`  target ≥ ${TARGET} applications/s: ${result.target.met ? "met" : `NOT met (${(result.target.shortfall * 100).toFixed(0)}% of it)`}`);
    writeResult("filing", result, [
      {
        figure: `chat API filing, 11-message dialogue (${integrity.acknowledged} acknowledged = ${integrity.storedByCount} in PostgreSQL, ${integrity.lost} lost, ${integrity.storedTwice} twice)`,
        value: chatPerSecond,
        unit: "applications/s",
        baseline: "one POST /api/applications each",
        baselineValue: restPerSecond,
        ratio: result.ratio,
        target: `≥ ${TARGET}/s, none lost`,
        met: result.target.met,
      },
      {
        figure: "chat API messages",
        value: result.chat.messagesPerSecond,
        unit: "requests/s",
        baseline: "POST /api/applications requests",
        baselineValue: restPerSecond,
        ratio: ratioOf(result.chat.messagesPerSecond, restPerSecond),
      },
      {
        figure: "server CPU per filed application, chat",
        value: result.chat.serverCpuMsPerApplication,
        unit: "ms",
        baseline: "REST",
        baselineValue: result.baseline.serverCpuMsPerApplication,
        ratio: result.cpuRatio,
        target: `≤ ${CPU_RATIO_TARGET}× REST`,
        met: result.cpuRatio <= CPU_RATIO_TARGET,
      },
    ]);
    if (!integrity.exact) throw new Error("integrity check failed: the stored applications differ from the acknowledged ones");
  } finally {
    await db.end();
    await server.stop();
    await pg.drop();
    await deleteRedisPrefix(prefix);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

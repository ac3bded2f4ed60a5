// Official-account webhook under load: the REAL server (child process, PostgreSQL schema of its own, Redis
// dedupe and sessions) answering FAQ questions from many citizens, plain and safe mode, against the baseline
// in the same run — a bare Koa handler that only parses the XML (decrypts/encrypts in safe mode) and answers
// a fixed reply (bench/lib/bare-webhook.ts). For each: maximum throughput (closed loop), and latency at a
// fixed offered load of 1,000 messages/s. Every reply is checked (right citizen, the FAQ answer's text);
// non-200s, socket errors and wrong bodies are counted. Targets (issue 18): p99 ≤ 20 ms at 1,000/s in at least
// 4 of 5 runs (BENCH_P99_RUNS, each run listed with the machine's load) and ≥ 35% of the bare handler's maximum
// throughput with one worker; then both with two worker processes (WEB_CONCURRENCY=2 against the bare handler on
// node:cluster with 2 workers). CPU is the whole process tree's (primary + workers). BENCH_CPU_PROF=<dir>
// profiles the one-worker server after its warm-up (bench/lib/cpu-profile.cjs; summary: bench/lib/profile-summary.ts).
// BENCH_WEBHOOK_MODES=plain skips safe mode; BENCH_WORKERS2=0 skips the two-worker part.
import os from "node:os";
import path from "node:path";
import type { ServerProcess } from "../test/helpers/server-process";
import { BARE_REPLY, startBareWebhook, type BareProcess } from "./lib/bare-webhook";
import { benchAccount, FAQ, round, runLoad, runOpenLoop, startBenchServer, treeCpuSeconds, webhookKind, type LoadResult, type WechatAccount } from "./lib/load";
import { QUICK, ratioOf, writeResult, type SummaryRow } from "./lib/results";

const RATE = 1000;
const TARGET_P99_MS = 20;
const TARGET_THROUGHPUT_SHARE = 0.35;
const P99_RUNS = Number(process.env.BENCH_P99_RUNS ?? (QUICK ? 1 : 5));
const MODES = (process.env.BENCH_WEBHOOK_MODES ?? "plain,safe").split(",") as Array<"plain" | "safe">;
const WORKERS2 = process.env.BENCH_WORKERS2 !== "0";
const OPEN_IDS = 2000;
const SECONDS = QUICK ? { warm: 1, saturation: 2, fixed: 2 } : { warm: 5, saturation: 15, fixed: 20 };
const SATURATION_CONNECTIONS = 50;

type Mode = "plain" | "safe";

const load = () => os.loadavg().map((x) => round(x, 2));

interface Measured extends LoadResult {
  /** CPU milliseconds the target process tree spent per request (its own processes only, not Redis/PostgreSQL). */
  cpuMsPerRequest: number;
  /** The machine's load average (1, 5, 15 min) when the measurement began. */
  loadAverage: number[];
  sealedOnDemand: number;
}

async function measure(
  target: { url: string; pid: number },
  acct: WechatAccount,
  mode: Mode,
  opts: { seconds: number; rate?: number; connections: number; bare: boolean },
): Promise<Measured> {
  // Safe mode: for saturation the bodies are encrypted before the run, so the generator's CPU goes to sending.
  // At the fixed rate they are encrypted when sent (≈ 15 µs each): tens of thousands of sealed bodies held
  // in the generator's heap made its garbage collections show up as server latency.
  const presealed = mode === "safe" && !opts.rate ? Math.ceil(4000 * opts.seconds * 1.1) : 0;
  const kind = webhookKind({ mode, acct, questions: FAQ, openIds: OPEN_IDS, fixedReply: opts.bare ? BARE_REPLY : undefined, presealed });
  const loadAverage = load();
  const cpu0 = treeCpuSeconds(target.pid);
  const r = opts.rate
    ? await runOpenLoop({ url: target.url, kinds: [kind], rate: opts.rate, seconds: opts.seconds })
    : await runLoad({ url: target.url, kinds: [kind], connections: opts.connections, duration: opts.seconds });
  const cpu = treeCpuSeconds(target.pid) - cpu0;
  return { ...r, cpuMsPerRequest: round((cpu * 1000) / Math.max(1, r.requests), 3), sealedOnDemand: kind.sealedOnDemand(), loadAverage };
}

function line(label: string, r: Measured): string {
  const l = r.latencyMs;
  const lag = (r as Partial<{ generatorLagMs: { p99: number } }>).generatorLagMs;
  return `${label.padEnd(34)} [load ${r.loadAverage.join(" ")}] ${String(r.achievedRate).padStart(8)}/s  p50 ${String(l.p50).padStart(5)} ms  p99 ${String(l.p99).padStart(5)} ms  max ${String(l.max).padStart(6)} ms  errors ${r.errors}  wrong ${r.wrongBody}  cpu ${r.cpuMsPerRequest} ms/req${lag ? `  (generator lag p99 ${lag.p99} ms)` : ""}`;
}

async function main() {
  const loadBefore = os.loadavg().map((x) => round(x, 2));
  const acct = benchAccount();
  let cleanup: (() => Promise<void>) | null = null;
  let server: ServerProcess | null = null;
  let bare: BareProcess | null = null;
  const results: Record<string, unknown> = {};
  const summary: SummaryRow[] = [];
  let failed = false;
  try {
    const cpuProf = process.env.BENCH_CPU_PROF;
    ({ server, cleanup } = await startBenchServer(acct, {
      WECHAT_TIMESTAMP_TOLERANCE_SECONDS: "300",
      ...(cpuProf ? { NODE_OPTIONS: `--require ${path.join(__dirname, "lib/cpu-profile.cjs")}`, BENCH_CPU_PROF_DIR: path.resolve(cpuProf) } : {}),
    }));
    bare = await startBareWebhook(acct);
    const srv = { url: server.url, pid: server.proc.pid! };
    const bareT = { url: bare.url, pid: bare.pid };
    console.log(
      `server pid ${srv.pid}, bare handler pid ${bareT.pid}; ${QUICK ? "QUICK mode (short runs)" : "full runs"}: saturation ${SECONDS.saturation} s, fixed ${RATE}/s for ${SECONDS.fixed} s`,
    );

    for (const mode of MODES as Mode[]) {
      // Warm-up: JIT, connection pools, jieba's first use.
      await measure(srv, acct, mode, { seconds: SECONDS.warm, connections: 10, bare: false });
      await measure(bareT, acct, mode, { seconds: SECONDS.warm, connections: 10, bare: true });
      // Profiling: start the profile afresh now that the server is warm (bench/lib/cpu-profile.cjs).
      if (cpuProf) process.kill(srv.pid, "SIGUSR2");
      const satServer = await measure(srv, acct, mode, { seconds: SECONDS.saturation, connections: SATURATION_CONNECTIONS, bare: false });
      const satBare = await measure(bareT, acct, mode, { seconds: SECONDS.saturation, connections: SATURATION_CONNECTIONS, bare: true });
      const fixedServer = await measure(srv, acct, mode, { seconds: SECONDS.fixed, rate: RATE, connections: 0, bare: false });
      // Plain mode: the p99 target is judged over several runs (each listed with the load it ran under).
      const p99Runs = [fixedServer];
      if (mode === "plain") {
        for (let i = 1; i < P99_RUNS; i++) p99Runs.push(await measure(srv, acct, mode, { seconds: SECONDS.fixed, rate: RATE, connections: 0, bare: false }));
      }
      const fixedBare = await measure(bareT, acct, mode, { seconds: SECONDS.fixed, rate: RATE, connections: 0, bare: true });
      const share = round(satServer.achievedRate / satBare.achievedRate, 3);
      const p99 = fixedServer.latencyMs.p99;
      const all = [satServer, satBare, ...p99Runs, fixedBare];
      const p99s = p99Runs.map((r) => ({
        p99: r.latencyMs.p99,
        p50: r.latencyMs.p50,
        achieved: r.achievedRate,
        loadAverage: r.loadAverage,
        met: r.latencyMs.p99 <= TARGET_P99_MS,
      }));
      const bad = all.reduce((a, r) => a + r.errors + r.wrongBody, 0);
      const verdict = {
        throughputShare: share,
        throughputShareTarget: TARGET_THROUGHPUT_SHARE,
        throughputShareMet: share >= TARGET_THROUGHPUT_SHARE,
        p99AtRateMs: p99,
        p99TargetMs: TARGET_P99_MS,
        p99Met: p99 <= TARGET_P99_MS,
        p99Runs: p99s,
        p99RunsMet: `${p99s.filter((r) => r.met).length} of ${p99s.length}`,
        achievedRateShare: round(fixedServer.achievedRate / RATE, 3),
        p99RatioToBare: round(p99 / Math.max(1, fixedBare.latencyMs.p99), 2),
        p50RatioToBare: round(fixedServer.latencyMs.p50 / Math.max(1, fixedBare.latencyMs.p50), 2),
        cpuPerRequestRatioToBare: round(fixedServer.cpuMsPerRequest / Math.max(0.001, fixedBare.cpuMsPerRequest), 2),
        // On a shared machine the scheduler decides how much CPU each process gets, so the measured share above
        // moves with the neighbours' load; requests per CPU-second of the process itself (at saturation) do not.
        // Their ratio is the throughput share both would reach with a core each (Redis and PostgreSQL not counted).
        requestsPerCpuSecond: { server: round(1000 / satServer.cpuMsPerRequest, 0), bare: round(1000 / satBare.cpuMsPerRequest, 0) },
        throughputShareAtEqualCpu: round(satBare.cpuMsPerRequest / satServer.cpuMsPerRequest, 3),
        errorsAndWrongReplies: bad,
      };
      summary.push(
        {
          figure: `webhook ${mode}: max throughput (closed loop)`,
          value: satServer.achievedRate,
          unit: "messages/s",
          baseline: "bare Koa XML handler, max",
          baselineValue: satBare.achievedRate,
          ratio: share,
          target: `≥ ${TARGET_THROUGHPUT_SHARE * 100}% of bare`,
          met: verdict.throughputShareMet,
        },
        {
          figure: `webhook ${mode}: p99 at ${RATE}/s offered`,
          value: p99,
          unit: "ms",
          baseline: `bare handler p99 at ${RATE}/s`,
          baselineValue: fixedBare.latencyMs.p99,
          ratio: ratioOf(p99, fixedBare.latencyMs.p99),
          target: `≤ ${TARGET_P99_MS} ms`,
          met: verdict.p99Met,
        },
        {
          figure: `webhook ${mode}: p50 at ${RATE}/s offered`,
          value: fixedServer.latencyMs.p50,
          unit: "ms",
          baseline: `bare handler p50 at ${RATE}/s`,
          baselineValue: fixedBare.latencyMs.p50,
          ratio: ratioOf(fixedServer.latencyMs.p50, fixedBare.latencyMs.p50),
        },
        {
          figure: `webhook ${mode}: server CPU per message at saturation`,
          value: satServer.cpuMsPerRequest,
          unit: "ms",
          baseline: "bare handler",
          baselineValue: satBare.cpuMsPerRequest,
          ratio: ratioOf(satServer.cpuMsPerRequest, satBare.cpuMsPerRequest),
        },
      );
      results[mode] = {
        server: { saturation: satServer, fixedRate: fixedServer, fixedRateRuns: p99Runs },
        bare: { saturation: satBare, fixedRate: fixedBare },
        verdict,
      };
      console.log(`\n--- ${mode} mode ---`);
      console.log(line("server, saturation (closed loop)", satServer));
      console.log(line("bare handler, saturation", satBare));
      p99Runs.forEach((r, i) => console.log(line(`server, offered ${RATE}/s${p99Runs.length > 1 ? ` run ${i + 1}` : ""}`, r)));
      console.log(line(`bare handler, offered ${RATE}/s`, fixedBare));
      console.log(
        `max throughput: server ${satServer.achievedRate}/s = ${(share * 100).toFixed(1)}% of bare ${satBare.achievedRate}/s (target ≥ ${TARGET_THROUGHPUT_SHARE * 100}%: ${verdict.throughputShareMet ? "met" : "MISSED"}); ` +
          `p99 at ${RATE}/s: ${p99} ms vs bare ${fixedBare.latencyMs.p99} ms (target ≤ ${TARGET_P99_MS} ms: ${verdict.p99Met ? "met" : `MISSED by ${round(p99 - TARGET_P99_MS)} ms`}); errors + wrong replies: ${bad}`,
      );
      console.log(
        `per CPU-second of its own process at saturation: server ${verdict.requestsPerCpuSecond.server} requests, bare ${verdict.requestsPerCpuSecond.bare} (share at equal CPU ${(verdict.throughputShareAtEqualCpu * 100).toFixed(1)}%)`,
      );
      if (mode === "plain") console.log(`p99 at ${RATE}/s in each run: ${p99s.map((r) => `${r.p99} ms`).join(", ")} — target met in ${verdict.p99RunsMet}`);
      for (const r of all) if (r.firstWrong) console.log(`first wrong reply: ${r.firstWrong}`);
      if (bad) failed = true;
    }
  } finally {
    await server?.stop();
    await bare?.stop();
    await cleanup?.();
  }
  // Errors above (timeouts of a machine that fell behind) still fail the run at the end, but the two-worker
  // figures are measured all the same: a loaded run then still reports every figure.
  if (WORKERS2) {
    // Every core: the server with two worker processes against the bare handler with two, same harness.
    let server2: ServerProcess | null = null;
    let bare2: BareProcess | null = null;
    let cleanup2: (() => Promise<void>) | null = null;
    try {
      ({ server: server2, cleanup: cleanup2 } = await startBenchServer(acct, { WECHAT_TIMESTAMP_TOLERANCE_SECONDS: "300", WEB_CONCURRENCY: "2" }));
      bare2 = await startBareWebhook({ ...acct, workers: 2 });
      const srv = { url: server2.url, pid: server2.proc.pid! };
      const bareT = { url: bare2.url, pid: bare2.pid };
      await measure(srv, acct, "plain", { seconds: SECONDS.warm * 2, connections: 10, bare: false });
      await measure(bareT, acct, "plain", { seconds: SECONDS.warm, connections: 10, bare: true });
      const satServer = await measure(srv, acct, "plain", { seconds: SECONDS.saturation, connections: SATURATION_CONNECTIONS, bare: false });
      const satBare = await measure(bareT, acct, "plain", { seconds: SECONDS.saturation, connections: SATURATION_CONNECTIONS, bare: true });
      const fixedServer = await measure(srv, acct, "plain", { seconds: SECONDS.fixed, rate: RATE, connections: 0, bare: false });
      const share = round(satServer.achievedRate / satBare.achievedRate, 3);
      const one = results.plain as { server: { saturation: Measured; fixedRate: Measured } } | undefined;
      const bad = [satServer, satBare, fixedServer].reduce((a, r) => a + r.errors + r.wrongBody, 0);
      results.plainTwoWorkers = {
        server: { saturation: satServer, fixedRate: fixedServer },
        bare: { saturation: satBare },
        verdict: {
          throughputShare: share,
          throughputVsOneWorker: one ? round(satServer.achievedRate / one.server.saturation.achievedRate, 2) : null,
          p99AtRateMs: fixedServer.latencyMs.p99,
          errorsAndWrongReplies: bad,
        },
      };
      summary.push(
        {
          figure: "webhook plain, 2 workers: max throughput",
          value: satServer.achievedRate,
          unit: "messages/s",
          baseline: "bare handler, 2 workers, max",
          baselineValue: satBare.achievedRate,
          ratio: share,
          target: `≥ ${TARGET_THROUGHPUT_SHARE * 100}% of bare`,
          met: share >= TARGET_THROUGHPUT_SHARE,
        },
        {
          figure: "webhook plain, 2 workers: max throughput against 1 worker",
          value: satServer.achievedRate,
          unit: "messages/s",
          baseline: "the server with 1 worker, max (same run)",
          baselineValue: one?.server.saturation.achievedRate ?? 0,
          ratio: one ? round(satServer.achievedRate / one.server.saturation.achievedRate, 2) : 0,
        },
      );
      console.log("\n--- plain mode, WEB_CONCURRENCY=2 ---");
      console.log(line("server (2 workers), saturation", satServer));
      console.log(line("bare handler (2 workers), saturation", satBare));
      console.log(line(`server (2 workers), offered ${RATE}/s`, fixedServer));
      console.log(`max throughput with 2 workers: server ${satServer.achievedRate}/s = ${(share * 100).toFixed(1)}% of bare ${satBare.achievedRate}/s`);
      if (bad) failed = true;
    } finally {
      await server2?.stop();
      await bare2?.stop();
      await cleanup2?.();
    }
  }
  writeResult(
    "webhook",
    {
      description:
        "Official-account webhook, FAQ answers from 2,000 citizens, unique MsgIds, Redis dedupe + sessions, PostgreSQL; the real server vs a bare Koa XML handler, same run; one worker, then two (WEB_CONCURRENCY=2 vs the bare handler on 2 cluster workers)",
      quickNote: QUICK
        ? `QUICK: warm-up ${SECONDS.warm} s, saturation ${SECONDS.saturation} s, fixed rate ${SECONDS.fixed} s per measurement (full: 5 s / 15 s / 20 s)`
        : undefined,
      loadGenerator: `in the benchmark process (server and baseline are separate processes): saturation = autocannon, closed loop, ${SATURATION_CONNECTIONS} connections; fixed rate = open loop (bench/lib/load.ts runOpenLoop), one request every ${1000 / RATE} ms on a keep-alive pool, latency from the time each request was due`,
      // The machine is shared: its load average (1, 5, 15 min) before and after, for reading the figures.
      loadAverage: { before: loadBefore, after: os.loadavg().map((x) => round(x, 2)) },
      offeredRate: RATE,
      openIds: OPEN_IDS,
      questions: FAQ.map((q) => q.text),
      ...results,
    },
    summary,
  );
  // Wrong or failed replies make the benchmark fail: a fast wrong answer is not a result.
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

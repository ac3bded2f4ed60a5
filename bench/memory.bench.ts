// Memory of the REAL server (child process, PostgreSQL schema of its own, Redis): resident set size (VmRSS
// from /proc/<pid>/status) at rest after start, and after 100,000 requests (5,000 in quick mode) of a mix of
// citizen traffic — official-account webhook FAQ messages, chat API questions, catalogue searches and
// application status queries — against the baseline in the same run: the bare Koa webhook handler
// (bench/lib/bare-webhook.ts) after the same number of requests. Growth = after − at rest. GC is not forced:
// the figures are what an operator would see. Every reply is checked; errors or wrong bodies fail the run.
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { ServerProcess } from "../test/helpers/server-process";
import { personBody } from "../test/integration/applications/fixtures";
import { BARE_REPLY, startBareWebhook, type BareProcess } from "./lib/bare-webhook";
import { benchAccount, FAQ, round, rssMiB, runLoad, startBenchServer, webhookKind, type LoadResult, type RequestKind } from "./lib/load";
import { QUICK, ratioOf, writeResult, type SummaryRow } from "./lib/results";
import { sleep } from "../test/helpers/wait";
import { measureParts } from "./lib/library-memory";

const REQUESTS = QUICK ? 5_000 : 100_000;
const CONNECTIONS = 20;
const CITIZENS = 2000;
const SETTLE_MS = QUICK ? 2000 : 5000;

function chatKind(): RequestKind {
  let i = 0;
  // Each simulated citizen keeps the session the server issued it (anonymous chat, issue 13 item 6).
  const sessions = new Map<number, string>();
  return {
    name: "chat",
    build() {
      const n = i++;
      const q = FAQ[n % FAQ.length];
      const who = n % CITIZENS;
      const session = sessions.get(who);
      return {
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: `cbench${who}`, text: q.text, ...(session ? { session } : {}) }),
        check: (status, body) => {
          const issued = /"session":"([A-Za-z0-9_-]{43})"/.exec(body)?.[1];
          if (issued) sessions.set(who, issued);
          return status === 200 && body.includes(q.expect);
        },
      };
    },
  };
}

function catalogueKind(): RequestKind {
  const queries = ["年度报告", "2019年政府信息公开工作年度报告", "融媒体", "政府信息公开指南", "政府信息公开"];
  let i = 0;
  return {
    name: "catalogue-search",
    build() {
      const q = queries[i++ % queries.length];
      return {
        method: "GET",
        path: `/api/catalogue?q=${encodeURIComponent(q)}&pageSize=10`,
        headers: {},
        check: (status, body) => status === 200 && body.includes('"items":[') && body.includes("ZDRMT/"),
      };
    },
  };
}

function statusKind(filed: Array<{ applicationNo: string; queryCode: string }>): RequestKind {
  let i = 0;
  return {
    name: "status-query",
    build() {
      const a = filed[i++ % filed.length];
      return {
        method: "GET",
        path: `/api/applications/${encodeURIComponent(a.applicationNo)}?queryCode=${a.queryCode}`,
        headers: {},
        check: (status, body) => status === 200 && body.includes(`"applicationNo":"${a.applicationNo}"`),
      };
    },
  };
}

async function fileApplications(url: string, n: number) {
  const out: Array<{ applicationNo: string; queryCode: string }> = [];
  for (let k = 0; k < n; k++) {
    const res = await fetch(`${url}/api/applications`, {
      method: "POST",
      headers: { "content-type": "application/json", "Idempotency-Key": `membench-${k}-${randomBytes(4).toString("hex")}` },
      body: JSON.stringify(personBody({ description: `内存基准测试申请${k}：2025年政府信息公开工作年度报告的纸质版` })),
    });
    if (res.status !== 201) throw new Error(`filing failed: ${res.status} ${await res.text()}`);
    const b = (await res.json()) as { applicationNo: string; queryCode: string };
    out.push({ applicationNo: b.applicationNo, queryCode: b.queryCode });
  }
  return out;
}

function report(label: string, r: LoadResult) {
  const kinds = Object.entries(r.byKind)
    .map(([k, v]) => `${k} ${v.ok}`)
    .join(", ");
  console.log(`${label}: ${r.requests} requests in ${r.seconds} s (${r.achievedRate}/s), errors ${r.errors}, wrong ${r.wrongBody}; ok by kind: ${kinds}`);
  if (r.firstWrong) console.log(`first wrong reply: ${r.firstWrong}`);
}

async function main() {
  const loadBefore = os.loadavg().map((x) => round(x, 2));
  const acct = benchAccount();
  let cleanup: (() => Promise<void>) | null = null;
  let server: ServerProcess | null = null;
  let bare: BareProcess | null = null;
  let failed = false;
  try {
    ({ server, cleanup } = await startBenchServer(acct, { CHAT_RATE_LIMIT_PER_MINUTE: "10000" }));
    const pid = server.proc.pid!;
    await sleep(SETTLE_MS);
    const serverAtRest = rssMiB(pid);
    const filed = await fileApplications(server.url, 20);
    const kinds = [webhookKind({ mode: "plain", acct, questions: FAQ, openIds: CITIZENS }), chatKind(), catalogueKind(), statusKind(filed)];
    console.log(
      `server pid ${pid}: ${serverAtRest} MiB at rest; sending ${REQUESTS.toLocaleString("en")} requests${QUICK ? " (QUICK; the full run sends 100,000)" : ""} (webhook, chat, catalogue search, status query in turn)`,
    );
    // RSS every 2 s during the load: a plateau is a warm heap, a steady climb would be a leak.
    const t0 = Date.now();
    const samples: Array<{ s: number; mib: number }> = [];
    const sampler = setInterval(() => samples.push({ s: round((Date.now() - t0) / 1000, 0), mib: rssMiB(pid) }), 2000);
    const load = await runLoad({ url: server.url, kinds, connections: CONNECTIONS, amount: REQUESTS, timeoutSeconds: 30 }).finally(() =>
      clearInterval(sampler),
    );
    report("server", load);
    const serverAfter = rssMiB(pid);
    await sleep(SETTLE_MS);
    const serverAfterSettled = rssMiB(pid);

    bare = await startBareWebhook(acct);
    await sleep(SETTLE_MS);
    const bareAtRest = rssMiB(bare.pid);
    const bareLoad = await runLoad({
      url: bare.url,
      kinds: [webhookKind({ mode: "plain", acct, questions: FAQ, openIds: CITIZENS, fixedReply: BARE_REPLY })],
      connections: CONNECTIONS,
      amount: REQUESTS,
    });
    report("bare handler", bareLoad);
    const bareAfter = rssMiB(bare.pid);
    await sleep(SETTLE_MS);
    const bareAfterSettled = rssMiB(bare.pid);

    // What the text libraries cost, each loaded alone in a fresh process (excess over Node + tsx alone).
    const parts = measureParts();
    const base = parts.find((p) => p.part === "baseline")!;
    const libraries = parts.map((p) => ({ ...p, rssOverBaselineMiB: round(p.rssMiB - base.rssMiB) }));
    console.log(
      `\neach part loaded alone (RSS MiB over Node + tsx, ${base.rssMiB} MiB): ${libraries
        .filter((p) => p.part !== "baseline")
        .map((p) => `${p.part} +${p.rssOverBaselineMiB}`)
        .join(", ")}`,
    );

    const growth = round(serverAfterSettled - serverAtRest);
    const bareGrowth = round(bareAfterSettled - bareAtRest);
    const result = {
      libraries,
      server: {
        rssAtRestMiB: serverAtRest,
        rssAfterMiB: serverAfter,
        rssAfterSettledMiB: serverAfterSettled,
        growthMiB: growth,
        rssDuringLoadMiB: samples,
        load,
      },
      bare: { rssAtRestMiB: bareAtRest, rssAfterMiB: bareAfter, rssAfterSettledMiB: bareAfterSettled, growthMiB: bareGrowth, load: bareLoad },
      ratios: {
        rssAtRest: round(serverAtRest / bareAtRest, 2),
        rssAfter: round(serverAfterSettled / bareAfterSettled, 2),
        growthMinusBareMiB: round(growth - bareGrowth),
      },
    };
    console.log(`\nRSS (MiB)            at rest   after ${REQUESTS.toLocaleString("en")}   +${SETTLE_MS / 1000} s   growth`);
    console.log(
      `server            ${String(serverAtRest).padStart(10)} ${String(serverAfter).padStart(13)} ${String(serverAfterSettled).padStart(8)} ${String(growth).padStart(8)}`,
    );
    console.log(
      `bare handler      ${String(bareAtRest).padStart(10)} ${String(bareAfter).padStart(13)} ${String(bareAfterSettled).padStart(8)} ${String(bareGrowth).padStart(8)}`,
    );
    console.log(`server RSS during the load (MiB, every 2 s): ${samples.map((x) => x.mib).join(" ")}`);
    console.log(
      `server / bare: ${result.ratios.rssAtRest}× at rest, ${result.ratios.rssAfter}× after; growth beyond the bare handler's: ${result.ratios.growthMinusBareMiB} MiB`,
    );
    failed = load.errors + load.wrongBody + bareLoad.errors + bareLoad.wrongBody > 0;
    writeResult(
      "memory",
      {
        description:
          "Resident set size (VmRSS) of the real server at rest and after a mix of webhook, chat, catalogue-search and status-query requests, vs the bare Koa webhook handler after the same number of requests",
        requests: REQUESTS,
        quickNote: QUICK ? "QUICK: 5,000 requests (full: 100,000)" : undefined,
        connections: CONNECTIONS,
        settleSeconds: SETTLE_MS / 1000,
        // The machine is shared: its load average (1, 5, 15 min) before and after, for reading the figures.
        loadAverage: { before: loadBefore, after: os.loadavg().map((x) => round(x, 2)) },
        ...result,
      },
      [
        {
          figure: "server RSS at rest",
          value: serverAtRest,
          unit: "MiB",
          baseline: "bare webhook handler at rest",
          baselineValue: bareAtRest,
          ratio: ratioOf(serverAtRest, bareAtRest),
        },
        {
          figure: `server RSS after ${REQUESTS.toLocaleString("en")} mixed requests (+${SETTLE_MS / 1000} s)`,
          value: serverAfterSettled,
          unit: "MiB",
          baseline: "bare handler after as many",
          baselineValue: bareAfterSettled,
          ratio: ratioOf(serverAfterSettled, bareAfterSettled),
        },
        {
          figure: "server RSS growth",
          value: growth,
          unit: "MiB",
          baseline: "bare handler growth",
          baselineValue: bareGrowth,
          ratio: ratioOf(growth, bareGrowth),
        },
      ] satisfies SummaryRow[],
    );
  } finally {
    await server?.stop();
    await bare?.stop();
    await cleanup?.();
  }
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

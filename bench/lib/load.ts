// Load generation for the HTTP benchmarks (in the benchmark's process; the server runs in its own): closed-loop
// saturation with autocannon, a constant offered rate with an open-loop generator of our own (runOpenLoop),
// latency percentiles, and a check of every reply body. WeChat webhook
// traffic: signed URLs, a unique MsgId per request (so dedupe does real Redis work), distinct openids, and
// in safe mode bodies encrypted before the run so the generator's CPU goes to sending.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { sealForWechat, unsealFromWechat, wechatSignature } from "../../test/helpers/wechat-official";
import { startServer, type ServerProcess } from "../../test/helpers/server-process";
import { createPgSchema, deleteRedisPrefix, REDIS_URL } from "../../test/helpers/test-context";
import { BUILT } from "./results";

// autocannon ships no types; the part used here.
interface AcRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Record<string, unknown>) => AcRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AcHistogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  p99_9: number;
}
interface AcResult {
  requests: AcHistogram & { total: number; sent: number };
  latency: AcHistogram;
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require("autocannon") as (opts: Record<string, unknown>) => Promise<AcResult> & { stop?: () => void };

export type { AcRequest };

/** One request kind with its own check of the reply; `wrong` counts 2xx replies whose body failed the check. */
export interface RequestKind {
  name: string;
  build(): { method: string; path: string; headers: Record<string, string>; body?: string; check(status: number, body: string): boolean };
}

export interface LoadOptions {
  url: string;
  kinds: RequestKind[];
  connections: number;
  /** Seconds; or `amount` requests in total. */
  duration?: number;
  amount?: number;
  /** Offered load in requests per second across all connections; closed loop when absent. */
  overallRate?: number;
  timeoutSeconds?: number;
}

export interface LoadResult {
  offeredRate: number | null;
  connections: number;
  seconds: number;
  requests: number;
  achievedRate: number;
  latencyMs: { p50: number; p90: number; p99: number; p99_9: number; max: number; mean: number };
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
  non2xx: number;
  timeouts: number;
  /** 2xx answers whose body was not the expected reply. */
  wrongBody: number;
  firstWrong: string | null;
  byKind: Record<string, { sent: number; ok: number; wrong: number }>;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const byKind: LoadResult["byKind"] = Object.fromEntries(o.kinds.map((k) => [k.name, { sent: 0, ok: 0, wrong: 0 }]));
  let wrongBody = 0;
  let firstWrong: string | null = null;
  // Each connection has one request in flight (no pipelining): the context carries its check to the answer.
  const requests: AcRequest[] = o.kinds.map((kind) => ({
    method: "GET",
    path: "/",
    setupRequest: (req, context) => {
      const r = kind.build();
      context.check = r.check;
      context.kind = kind.name;
      byKind[kind.name].sent++;
      return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body };
    },
    onResponse: (status, body, context) => {
      const name = context.kind as string;
      const check = context.check as (s: number, b: string) => boolean;
      if (status < 200 || status >= 300) return;
      if (check(status, body)) byKind[name].ok++;
      else {
        byKind[name].wrong++;
        wrongBody++;
        firstWrong ??= `${name}: ${body.slice(0, 300)}`;
      }
    },
  }));
  const started = process.hrtime.bigint();
  const r = await autocannon({
    url: o.url,
    connections: o.connections,
    pipelining: 1,
    ...(o.amount ? { amount: o.amount } : { duration: o.duration }),
    ...(o.overallRate ? { overallRate: o.overallRate } : {}),
    timeout: o.timeoutSeconds ?? 10,
    requests,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    offeredRate: o.overallRate ?? null,
    connections: o.connections,
    seconds: round(seconds, 2),
    requests: r.requests.total,
    achievedRate: round(r.requests.total / (o.amount ? seconds : r.duration || seconds), 1),
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, p99_9: r.latency.p99_9, max: r.latency.max, mean: round(r.latency.mean, 2) },
    errors: r.non2xx + r.errors,
    non2xx: r.non2xx,
    timeouts: r.timeouts,
    wrongBody,
    firstWrong,
    byKind,
  };
}

/**
 * Open-loop load at a constant rate: request i is due at start + i/rate (checked every millisecond), sent on
 * a keep-alive pool whether or not earlier ones have been answered, and its latency runs from when it was
 * DUE, not when it went out — a late generator or a queue anywhere counts against the server (no
 * coordinated omission). autocannon's `overallRate` is not used for this: it lets each connection send its
 * quota back to back at the start of every second, i.e. a burst at full speed once a second.
 */
export async function runOpenLoop(o: {
  url: string;
  kinds: RequestKind[];
  rate: number;
  seconds: number;
  maxSockets?: number;
  timeoutMs?: number;
}): Promise<LoadResult & { generatorLagMs: { p99: number; max: number } }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 512 });
  const byKind: LoadResult["byKind"] = Object.fromEntries(o.kinds.map((k) => [k.name, { sent: 0, ok: 0, wrong: 0 }]));
  const total = Math.round(o.rate * o.seconds);
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  let answered = 0;
  let sent = 0;
  let errors = 0;
  let non2xx = 0;
  let timeouts = 0;
  let wrongBody = 0;
  let firstWrong: string | null = null;
  const url = new URL(o.url);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const done = () => {
      if (++answered === total) resolve();
    };
    const fire = (n: number) => {
      const due = start + (n * 1000) / o.rate;
      lags[n] = performance.now() - due;
      const kind = o.kinds[n % o.kinds.length];
      const r = kind.build();
      byKind[kind.name].sent++;
      const body = r.body === undefined ? undefined : Buffer.from(r.body);
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: r.method,
          path: r.path,
          agent,
          timeout: o.timeoutMs ?? 10_000,
          headers: { ...r.headers, ...(body ? { "content-length": String(body.length) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            latencies[n] = performance.now() - due;
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) non2xx++;
            else if (r.check(status, Buffer.concat(chunks).toString("utf8"))) byKind[kind.name].ok++;
            else {
              byKind[kind.name].wrong++;
              wrongBody++;
              firstWrong ??= `${kind.name}: ${Buffer.concat(chunks).toString("utf8").slice(0, 300)}`;
            }
            done();
          });
        },
      );
      req.on("timeout", () => {
        timeouts++;
        req.destroy(new Error("timeout"));
      });
      req.on("error", () => {
        errors++;
        latencies[n] = performance.now() - due;
        done();
      });
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * o.rate) / 1000) + 1);
      while (sent < due) fire(sent++);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const pct = (a: Float64Array, p: number) => round(a[Math.min(a.length - 1, Math.ceil((p / 100) * a.length) - 1)], 1);
  const lagSorted = Float64Array.from(lags).sort();
  return {
    offeredRate: o.rate,
    connections: o.maxSockets ?? 512,
    seconds: round(seconds, 2),
    requests: total,
    achievedRate: round((total - errors - non2xx) / seconds, 1),
    latencyMs: {
      p50: pct(sorted, 50),
      p90: pct(sorted, 90),
      p99: pct(sorted, 99),
      p99_9: pct(sorted, 99.9),
      max: round(sorted[sorted.length - 1], 1),
      mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 2),
    },
    errors: errors + non2xx,
    non2xx,
    timeouts,
    wrongBody,
    firstWrong,
    byKind,
    generatorLagMs: { p99: pct(lagSorted, 99), max: round(lagSorted[lagSorted.length - 1], 1) },
  };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The process and its descendants (a cluster primary and its workers), from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${out[i]}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        for (const c of fs.readFileSync(`/proc/${out[i]}/task/${t}/children`, "utf8").trim().split(/\s+/)) if (c) out.push(Number(c));
      } catch {
        /* the task ended */
      }
    }
  }
  return out;
}

/** CPU seconds (user + system) used so far by a process and its descendants (only the living ones). */
export function treeCpuSeconds(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      /* ended */
    }
  }
  return total;
}

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return round(Number(m[1]) / 1024, 1);
}

// ------------------------------------------------------------------ WeChat official-account messages

export interface WechatAccount {
  token: string;
  appId: string;
  aesKey: string;
  /** The official account's own id (ToUserName). */
  account: string;
}

/** A fresh account for one benchmark run (random token and EncodingAESKey). */
export function benchAccount(): WechatAccount {
  return {
    token: `bench${randomBytes(6).toString("hex")}`,
    appId: `wx${randomBytes(8).toString("hex")}`,
    aesKey: randomBytes(32)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "A")
      .slice(0, 43),
    account: "gh_benchaccount1",
  };
}

const sha1 = wechatSignature;

/** WeChat's safe-mode envelope, as WeChat seals a push (test/helpers/wechat-official.ts). */
export const sealMessage = (acct: WechatAccount, xml: string): string => sealForWechat(acct.aesKey, acct.appId, xml);
export const openMessage = (acct: WechatAccount, b64: string): { xml: string; appId: string } => unsealFromWechat(acct.aesKey, b64);

export function textMessageXml(acct: WechatAccount, openId: string, content: string, msgId: string, createTime: number): string {
  return `<xml><ToUserName><![CDATA[${acct.account}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

/** A question and a phrase its correct answer must contain. */
export interface Question {
  text: string;
  expect: string;
}

export interface WebhookTraffic {
  mode: "plain" | "safe";
  acct: WechatAccount;
  questions: Question[];
  /** Number of distinct citizens (openids) the messages come from. */
  openIds: number;
  /** Expected text of every reply instead of the question's own (the bare handler's fixed reply). */
  fixedReply?: string;
  /** Safe mode: how many bodies to encrypt before the run (more are encrypted on demand). */
  presealed?: number;
}

let msgSeq = BigInt(Date.now()) * 1000n;
const contentOf = (xml: string) => /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(xml)?.[1] ?? null;
const toUserOf = (xml: string) => /<ToUserName><!\[CDATA\[([^\]]*)\]\]><\/ToUserName>/.exec(xml)?.[1] ?? null;

/**
 * The official-account webhook as a request kind: the i-th request is question i mod n from openid i mod m,
 * with a MsgId never used before. The reply is checked: a passive text reply to that openid whose content
 * has the expected phrase (in safe mode after decrypting it). A "success" (deduplicated) counts as wrong.
 */
export function webhookKind(t: WebhookTraffic, name = `webhook-${t.mode}`): RequestKind & { sealedOnDemand(): number } {
  let i = 0;
  let onDemand = 0;
  const sealed: Array<{ encrypt: string; outer: string }> = [];
  const plan = (n: number) => ({ q: t.questions[n % t.questions.length], openId: `obench${(n % t.openIds).toString(36).padStart(6, "0")}` });
  const seal = (n: number) => {
    const { q, openId } = plan(n);
    const encrypt = sealMessage(t.acct, textMessageXml(t.acct, openId, q.text, String(msgSeq++), Math.floor(Date.now() / 1000)));
    return { encrypt, outer: `<xml><ToUserName><![CDATA[${t.acct.account}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
  };
  if (t.mode === "safe") for (let n = 0; n < (t.presealed ?? 0); n++) sealed.push(seal(n));
  return {
    name,
    sealedOnDemand: () => onDemand,
    build() {
      const n = i++;
      const { q, openId } = plan(n);
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = n.toString(36);
      const expect = t.fixedReply ?? q.expect;
      const headers = { "content-type": "text/xml" };
      if (t.mode === "plain") {
        const body = textMessageXml(t.acct, openId, q.text, String(msgSeq++), Number(ts));
        return {
          method: "POST",
          path: `/wechat?signature=${sha1([t.acct.token, ts, nonce])}&timestamp=${ts}&nonce=${nonce}&openid=${openId}`,
          headers,
          body,
          check: (status, reply) => status === 200 && toUserOf(reply) === openId && (contentOf(reply)?.includes(expect) ?? false),
        };
      }
      let s = sealed[n];
      if (s) sealed[n] = undefined as never;
      else {
        s = seal(n);
        onDemand++;
      }
      const msgSig = sha1([t.acct.token, ts, nonce, s.encrypt]);
      return {
        method: "POST",
        path: `/wechat?signature=${sha1([t.acct.token, ts, nonce])}&timestamp=${ts}&nonce=${nonce}&openid=${openId}&encrypt_type=aes&msg_signature=${msgSig}`,
        headers,
        body: s.outer,
        check: (status, reply) => {
          if (status !== 200) return false;
          const enc = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(reply)?.[1];
          if (!enc) return false;
          const inner = openMessage(t.acct, enc);
          return inner.appId === t.acct.appId && toUserOf(inner.xml) === openId && (contentOf(inner.xml)?.includes(expect) ?? false);
        },
      };
    },
  };
}

/** FAQ questions citizens ask, each with a phrase of the published guide its answer must quote. */
export const FAQ: Question[] = [
  { text: "办公时间", expect: "受理机构：区融媒体中心办公室" },
  { text: "申请要收费吗", expect: "信息处理费" },
  { text: "怎么申请政府信息公开", expect: "书面形式" },
  { text: "申请以后多久能答复", expect: "20个工作日内" },
  { text: "对答复不服怎么办", expect: "行政复议" },
  { text: "联系电话是多少", expect: "联系电话：" },
  { text: "你们几点上班", expect: "办公时间：" },
  { text: "哪些信息不予公开", expect: "国家秘密" },
  { text: "收费吗", expect: "信息处理费" },
  { text: "多久能答复", expect: "20个工作日" },
];

/**
 * The real server for a benchmark with the bench's WeChat account: a PostgreSQL schema and a Redis key prefix
 * of its own (removed by `cleanup`), production mode, LOG_LEVEL=warn so that logging does not dominate.
 */
export async function startBenchServer(acct: WechatAccount, env: Record<string, string> = {}): Promise<{ server: ServerProcess; cleanup(): Promise<void> }> {
  const schema = await createPgSchema();
  const prefix = `ogibench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}:`;
  const cleanup = async () => {
    await schema.drop().catch(() => undefined);
    await deleteRedisPrefix(prefix).catch(() => undefined);
  };
  try {
    const server = await startServer({
      env: {
        NODE_ENV: "production",
        DATABASE_URL: schema.url,
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        LOG_LEVEL: "warn",
        WECHAT_TOKEN: acct.token,
        WECHAT_APPID: acct.appId,
        WECHAT_ENCODING_AES_KEY: acct.aesKey,
        // One process unless a benchmark asks for more (production's default is one worker per core).
        WEB_CONCURRENCY: "1",
        ...env,
      },
      readyTimeoutMs: 180_000,
      built: BUILT,
    });
    return { server, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

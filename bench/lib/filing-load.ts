// Load generator of the filing benchmark, run in a worker thread so that the measuring process and the server
// (a child process) stay apart: `concurrency` simulated citizens at a time, each filing one application either
// through the chat API's guided dialogue (POST /api/chat, one message after the other, as a person would) or
// with one POST /api/applications (the REST baseline). Plain node:http with a keep-alive agent: the lightest
// client available here, so that the generator takes as little of the shared CPU as possible.
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

export interface LoadJob {
  url: string;
  mode: "chat" | "rest";
  /** Index of the first citizen (user ids and descriptions are unique across the whole run). */
  from: number;
  count: number;
  concurrency: number;
  /** Tag in every description, to find this phase's rows in PostgreSQL. */
  tag: string;
}

export interface LoadResult {
  mode: LoadJob["mode"];
  tag: string;
  /** Applications the server acknowledged (an application number in the reply), in citizen order. */
  acknowledged: string[];
  /** Citizens whose filing got no application number, with what went wrong. */
  failed: Array<{ citizen: number; error: string }>;
  requests: number;
  non2xx: number;
  elapsedMs: number;
  /** Per-request latency percentiles (ms). */
  latency: { p50: number; p95: number; p99: number; max: number };
  /** Per-filing duration percentiles (ms): the whole dialogue for chat, the one request for REST. */
  filing: { p50: number; p95: number; p99: number; max: number };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A valid resident ID number of its own for each citizen of the run (Zhangdian area code, a birth date and a
 * sequence from the index, the GB 11643 check character): one applicant filing thousands of applications is
 * not what a public-service load looks like, and the repeat lookup per applicant would grow with it.
 */
export function residentId(i: number): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + (i % 20000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, "");
  const first17 = `370303${birth}${String(Math.floor(i / 20000) % 1000).padStart(3, "0")}`;
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += Number(first17[k]) * ID_WEIGHTS[k];
  return first17 + "10X98765432"[sum % 11];
}

/** The complete guided dialogue of test/integration/conversation/chat-api.test.ts, ending with 确认. */
export function dialogue(description: string, id: string): string[] {
  return ["我要申请", "1", "张三", "1", id, "13800138000", description, "跳过", "2", "1", "确认"];
}

/** The same application as the dialogue files (electronic form, 自行领取), as one REST body. */
export function restBody(description: string, id: string) {
  return {
    applicant: { category: "natural_person", name: "张三", idType: "resident_id", idNumber: id, phone: "13800138000" },
    description,
    deliveryForm: "electronic",
    deliveryMethod: "pickup",
    channel: "online",
  };
}

/** A description the form accepts as it is (no digits that look like an ID number or phone). */
export const describe = (tag: string, i: number) => `请公开本中心新闻采编经费的预算执行情况（${tag}第${i}件）`;

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : 0);
  const r = (x: number) => Number(x.toFixed(2));
  return { p50: r(at(50)), p95: r(at(95)), p99: r(at(99)), max: r(s[s.length - 1] ?? 0) };
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const base = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  const filings: number[] = [];
  let requests = 0;
  let non2xx = 0;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const data = Buffer.from(JSON.stringify(body));
      const t = performance.now();
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          path,
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": data.length, ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            latencies.push(performance.now() - t);
            requests++;
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) non2xx++;
            resolve({ status, body: Buffer.concat(chunks).toString("utf8") });
          });
          res.on("error", reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error("timeout after 60 s")));
      req.on("error", reject);
      req.end(data);
    });

  const acknowledged: Array<string | undefined> = new Array(job.count);
  const failed: LoadResult["failed"] = [];

  async function citizen(k: number): Promise<void> {
    const i = job.from + k;
    const description = describe(job.tag, i);
    const t = performance.now();
    try {
      if (job.mode === "rest") {
        const r = await post("/api/applications", restBody(description, residentId(i)), { "idempotency-key": `${job.tag}-${i}` });
        if (r.status !== 201) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 200)}`);
        acknowledged[k] = (JSON.parse(r.body) as { applicationNo: string }).applicationNo;
      } else {
        const userId = `${job.tag}-${i}`;
        let last = "";
        // The conversation is the session the server issued with the first answer (userId is a label only).
        let session: string | undefined;
        for (const text of dialogue(description, residentId(i))) {
          const r = await post("/api/chat", { userId, text, ...(session ? { session } : {}) });
          if (r.status !== 200) throw new Error(`HTTP ${r.status} on “${text}”: ${r.body.slice(0, 200)}`);
          const answer = JSON.parse(r.body) as { replies: string[]; session?: string };
          session = answer.session ?? session;
          last = answer.replies.join("\n");
        }
        const no = /申请编号：(\S+)/.exec(last)?.[1];
        if (!no || !last.includes("申请已提交")) throw new Error(`no application number in the last reply: ${last.slice(0, 200)}`);
        acknowledged[k] = no;
      }
      filings.push(performance.now() - t);
    } catch (e) {
      failed.push({ citizen: i, error: e instanceof Error ? e.message : String(e) });
    }
  }

  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(job.concurrency, job.count) }, async () => {
      while (next < job.count) await citizen(next++);
    }),
  );
  const elapsedMs = performance.now() - t0;
  agent.destroy();
  return {
    mode: job.mode,
    tag: job.tag,
    acknowledged: acknowledged.filter((x): x is string => Boolean(x)),
    failed,
    requests,
    non2xx,
    elapsedMs,
    latency: percentiles(latencies),
    filing: percentiles(filings),
  };
}

if (parentPort && workerData) {
  runLoad(workerData as LoadJob).then(
    (r) => parentPort!.postMessage({ ok: true, result: r }),
    (e) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.stack : String(e) }),
  );
}

// Property-based fuzz of every public endpoint (fast-check, fixed seed): the chat API, the official-account
// webhook (plain and safe mode, signed and not, valid and mangled XML), filing an application, the status
// query, catalogue and guide search, and staff login, 10,000 generated requests in all, in-process against
// real PostgreSQL and Redis. Every answer is below 500, every refusal is a 4xx carrying {error:{code}},
// each endpoint both accepts and refuses some of the cases (so the generators reach past validation), and
// the process is healthy afterwards. A failure names the seed: FUZZ_SEED=<seed> npx jest test/hostile/fuzz.test.ts
import net from "node:net";
import fc from "fast-check";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";
import { personBody } from "../integration/applications/fixtures";
import { anyJson, hostileString, mutatedBody, PAYLOADS, PHRASES, wechatCase, type RawBody } from "./support/fuzz-arbitraries";
import { call, errorCode, listen, sha1, WECHAT_ENV, WX, type Answer } from "./support/fuzz-wechat";

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const NOW = "2026-03-02T02:00:00Z";
const TS = String(Date.parse(NOW) / 1000);
const RUNS = {
  webhook: 3000,
  webhookVerify: 500,
  chat: 2000,
  applications: 1800,
  status: 1000,
  catalogue: 1700,
  login: 500,
};

let env: TestEnv;
let base: string;
let closeServer: () => Promise<void>;
let filed: { applicationNo: string; queryCode: string };
const ADMIN = "fuzz-admin";
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
/** Answers seen per endpoint and status class ("2xx", "4xx", …), for the coverage checks. */
const seen: Record<string, Record<string, number>> = {};
let requests = 0;
/** Wall time per endpoint, printed (not asserted: timing belongs to benchmarks). */
const elapsed: Record<string, number> = {};

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  env = await createTestEnv({
    db: "postgres",
    now: NOW,
    env: {
      ...WECHAT_ENV,
      // Customer-service messages of the slow path go to a closed local port: nothing leaves the machine.
      WECHAT_API_BASE_URL: "http://127.0.0.1:9",
      CHAT_RATE_LIMIT_PER_MINUTE: "10000",
      STATUS_QUERY_MAX_FAILURES: "1000",
      // One failure locks a username for this client: keeps the growing per-failure delay (200 ms, 400 ms, …) out of the run.
      LOGIN_MAX_FAILURES: "1",
      TRUST_PROXY: "true",
    },
  });
  await staffToken(env, "admin", ADMIN);
  ({ url: base, close: closeServer } = await listen(env));
  const res = await call(base, "POST", "/api/applications", { body: JSON.stringify(personBody()), type: "application/json" });
  expect(res.status).toBe(201);
  filed = res.json as typeof filed;
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await closeServer?.();
  await env?.close();
});

/** The property every answer must have; records what it saw. */
function check(endpoint: string, a: Answer, what: string): void {
  requests++;
  const cls = `${Math.floor(a.status / 100)}xx`;
  (seen[endpoint] ??= {})[cls] = (seen[endpoint][cls] ?? 0) + 1;
  if (a.status >= 500) throw new Error(`${endpoint} ${what} → ${a.status} ${a.text.slice(0, 300)}`);
  if (a.status >= 400 && !errorCode(a)) throw new Error(`${endpoint} ${what} → ${a.status} without {error:{code}}: ${a.text.slice(0, 300)}`);
}

async function fuzz<T>(name: keyof typeof RUNS, arb: fc.Arbitrary<T>, run: (v: T) => Promise<void>, seedOffset: number): Promise<void> {
  const seed = SEED + seedOffset;
  const started = Date.now();
  try {
    await fc.assert(fc.asyncProperty(arb, run), { seed, numRuns: RUNS[name], endOnFailure: true, includeErrorInReport: true });
    elapsed[name] = Date.now() - started;
  } catch (e) {
    // fast-check's report prints the whole counterexample (some are 300 KB strings): keep each line short.
    const report = (e as Error).message
      .split("\n")
      .map((l) => (l.length > 600 ? `${l.slice(0, 600)}… (${l.length} chars)` : l))
      .join("\n");
    throw new Error(`fuzz "${name}" failed — replay with FUZZ_SEED=${SEED} (this property's seed ${seed})\n${report}`);
  }
}

const show = (b: RawBody) => `[${b.label}] ${b.type} ${b.text.slice(0, 160)}`;
const bearer = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: hostileString(80).map((t) => `Bearer ${t.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, "x")}`) },
);

it("sums to at least 10,000 generated cases", () => {
  expect(Object.values(RUNS).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
});

it("POST /wechat: plain and safe mode, signed and not, valid and mangled XML", async () => {
  await fuzz(
    "webhook",
    wechatCase(TS),
    async (c) => {
      const a = await call(base, "POST", "/wechat", { query: c.query, body: c.body, type: c.type });
      check("webhook", a, `${c.label} ${JSON.stringify(c.query)} ${c.body.slice(0, 200)}`);
    },
    1,
  );
});

it("GET /wechat (URL verification): right and wrong signatures, timestamps and nonces, hostile echostr", async () => {
  const timestamp = fc.oneof(
    { weight: 4, arbitrary: fc.constant(TS) },
    { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((d) => String(Number(TS) + d)) },
    { weight: 1, arbitrary: hostileString(40) },
  );
  const query = fc.record(
    { timestamp, nonce: hostileString(40), echostr: hostileString(200), signWith: fc.constantFrom("right", "wrong-token", "garbage", "missing") },
    { requiredKeys: ["signWith"] },
  );
  await fuzz(
    "webhookVerify",
    query,
    async (q) => {
      const { signWith, ...params } = q;
      const qs: Record<string, string> = { ...params };
      if (signWith === "right") qs.signature = sha1([WX.TOKEN, q.timestamp ?? "", q.nonce ?? ""]);
      else if (signWith === "wrong-token") qs.signature = sha1(["not-the-token", q.timestamp ?? "", q.nonce ?? ""]);
      else if (signWith === "garbage") qs.signature = "0".repeat(40);
      const a = await call(base, "GET", "/wechat", { query: qs });
      check("webhookVerify", a, JSON.stringify(qs).slice(0, 300));
      // A genuine verification from WeChat (right signature, current timestamp, text that survives URL encoding,
      // no NUL, a URL of ordinary length) gets its echostr back, byte for byte.
      const clean = (v: string | undefined) => v !== undefined && Buffer.from(v, "utf8").toString("utf8") === v && !v.includes("\u0000");
      const genuine =
        signWith === "right" &&
        q.timestamp === TS &&
        clean(q.nonce) &&
        (q.echostr === undefined || clean(q.echostr)) &&
        new URLSearchParams(qs).toString().length < 8000;
      // (fetch's text decoding drops a leading byte-order mark, so the comparison does too)
      if (genuine) expect({ status: a.status, text: a.text }).toEqual({ status: 200, text: (q.echostr ?? "").replace(/^\uFEFF/, "") });
      if (signWith !== "right") expect(a.status).toBeGreaterThanOrEqual(400);
    },
    7,
  );
});

it("POST /api/chat: valid, mutated and malformed messages, anonymous and with stray tokens", async () => {
  const valid = { userId: "fuzz-user", text: "我要申请", messageId: "m-1" };
  const body = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({
          userId: fc.oneof(
            fc.integer({ min: 0, max: 15 }).map((n) => `fuzz-${n}`),
            hostileString(140),
          ),
          text: hostileString(1100),
          messageId: fc.option(hostileString(140), { nil: undefined }),
        })
        .map((v): RawBody => ({ text: JSON.stringify(v), type: "application/json", label: "shaped" })),
    },
    { weight: 3, arbitrary: mutatedBody(valid) },
  );
  await fuzz(
    "chat",
    fc.tuple(body, bearer),
    async ([b, auth]) => {
      const a = await call(base, "POST", "/api/chat", { body: b.text, type: b.type, headers: auth ? { authorization: auth } : {} });
      check("chat", a, show(b));
    },
    2,
  );
});

it("POST /api/applications: mutations of a valid filing (types, nulls, missing and extra fields, payloads, huge)", async () => {
  const idem = fc.option(
    hostileString(100).map((s) => s.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, "_")),
    { nil: undefined },
  );
  await fuzz(
    "applications",
    fc.tuple(mutatedBody(personBody() as Record<string, unknown>), idem),
    async ([b, key]) => {
      const a = await call(base, "POST", "/api/applications", { body: b.text, type: b.type, headers: key ? { "idempotency-key": key } : {} });
      check("applications", a, `${show(b)} key=${key}`);
    },
    3,
  );
});

it("GET /api/applications/:no: status queries with real, wrong and hostile numbers and codes", async () => {
  const segment = fc.oneof(
    fc.constant(filed.applicationNo),
    fc.constant(filed.applicationNo.toLowerCase()),
    hostileString(80).map((v) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, "\ufffd"))),
    // invalid percent-encoding, an encoded surrogate (not UTF-8), NUL, traversal, long
    fc.constantFrom("%E4%B8", "%ED%A0%80", "%00", "..%2F..", "%", "a%2Fb", "%ZZ", "x".repeat(5000)),
  );
  const code = fc.oneof(
    fc.constant({ queryCode: filed.queryCode }),
    hostileString(40).map((q) => ({ queryCode: q })),
    fc.constant({}),
    anyJson.map((v) => ({ queryCode: JSON.stringify(v) ?? "" })),
  );
  await fuzz(
    "status",
    fc.tuple(segment, code, fc.boolean()),
    async ([seg, q, twice]) => {
      const qs = new URLSearchParams(q as Record<string, string>);
      if (twice) qs.append("queryCode", "12345678");
      const a = await call(base, "GET", `/api/applications/${seg}?${qs.toString()}`);
      check("status", a, `${seg.slice(0, 100)} ${qs.toString().slice(0, 100)}`);
    },
    4,
  );
});

it("GET /api/catalogue, /api/catalogue/item and /api/guide: hostile search parameters", async () => {
  const value = fc.oneof(
    hostileString(300),
    fc.integer().map(String),
    fc.constantFrom("", "0", "-1", "1949", "2100", "99999999999999999999", "1.5", "1e3", "zdrmt", "ZDRMT", "../x"),
  );
  const params = fc.dictionary(
    fc.constantFrom("q", "category", "year", "page", "pageSize", "agency", "indexNo", "x", "__proto__", "q[]", "constructor"),
    fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })),
    { maxKeys: 5 },
  );
  const path = fc.constantFrom("/api/catalogue", "/api/catalogue", "/api/catalogue", "/api/catalogue/item", "/api/guide");
  await fuzz(
    "catalogue",
    fc.tuple(path, params),
    async ([p, ps]) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(ps)) for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
      const a = await call(base, "GET", `${p}?${qs.toString()}`);
      check("catalogue", a, `${p}?${qs.toString().slice(0, 200)}`);
    },
    5,
  );
});

it("POST /api/staff/login: malformed, mistyped and hostile credentials", async () => {
  // Usernames that pass the schema come from a small pool: each failure costs a deliberate delay until the lock.
  const usernames = [ADMIN, ADMIN.toUpperCase(), ...PAYLOADS.slice(0, 6), PHRASES[0], "u".repeat(64)];
  const json = (v: unknown, label: string): RawBody => ({ text: JSON.stringify(v), type: "application/json", label });
  const login = fc.oneof(
    // the right credentials, from a client of their own (X-Forwarded-For, TRUST_PROXY): not locked by the failures around them
    // (few: each costs an argon2 verification)
    {
      weight: 1,
      arbitrary: fc
        .nat()
        .map((n) => ({ body: json({ username: ADMIN, password: "correct-horse-battery" }, "correct"), client: `10.9.${(n >> 8) & 255}.${n & 255}` })),
    },
    {
      weight: 10,
      arbitrary: fc
        .record({ username: fc.constantFrom(...usernames), password: hostileString(250) })
        .map((v) => ({ body: json(v, "shaped"), client: undefined })),
    },
    // mutations of a mistyped body: a mutation seldom makes both fields strings, so few cases pay the failure delay
    { weight: 40, arbitrary: mutatedBody({ username: 123, password: ["not", "a", "string"] }).map((body) => ({ body, client: undefined })) },
  );
  await fuzz(
    "login",
    login,
    async ({ body: b, client }) => {
      const a = await call(base, "POST", "/api/staff/login", { body: b.text, type: b.type, headers: client ? { "x-forwarded-for": client } : {} });
      check("login", a, show(b));
      if (a.status === 200) expect(JSON.stringify(a.json)).not.toMatch(/passwordHash|argon2/);
    },
    6,
  );
});

it("answers what Node's HTTP parser refuses, and a wrong or unknown method, with a code too (found by the fuzz)", async () => {
  const huge = await call(base, "GET", `/api/catalogue?q=${"字".repeat(3000)}`);
  expect({ status: huge.status, code: errorCode(huge) }).toEqual({ status: 431, code: "REQUEST.HEADERS_TOO_LARGE" });
  const longHeader = await call(base, "POST", "/api/chat", {
    body: "{}",
    type: "application/json",
    headers: { authorization: `Bearer ${"x".repeat(20_000)}` },
  });
  expect({ status: longHeader.status, code: errorCode(longHeader) }).toEqual({ status: 431, code: "REQUEST.HEADERS_TOO_LARGE" });
  // not HTTP at all: written on a raw socket, since no client library sends it
  const raw = await new Promise<string>((resolve, reject) => {
    const { port, hostname } = new URL(base);
    const sock = net.connect(Number(port), hostname, () => sock.write("GET /api/catalogue HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n"));
    let got = "";
    sock.on("data", (d) => (got += d.toString()));
    sock.on("end", () => resolve(got));
    sock.on("error", reject);
  });
  expect(raw).toMatch(/^HTTP\/1\.1 400 /);
  expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code: "REQUEST.MALFORMED", message: "请求格式有误" } });
  // the citizen router mounts only POST on /api/applications/; an unknown method is answered the same way
  for (const method of ["GET", "PUT", "PROPFIND"]) {
    const a = await call(base, method, "/api/applications/");
    expect({ method, status: a.status, code: errorCode(a) }).toEqual({ method, status: 405, code: "ROUTE.METHOD_NOT_ALLOWED" });
  }
});

it("reached past validation on every endpoint, ran every case, and is still healthy", async () => {
  expect(requests).toBeGreaterThanOrEqual(10_000);
  for (const endpoint of Object.keys(RUNS)) {
    // both outcomes occur: a generator that never gets past validation (or never fails it) fuzzes nothing
    expect({ endpoint, accepted: (seen[endpoint]?.["2xx"] ?? 0) > 0, refused: (seen[endpoint]?.["4xx"] ?? 0) > 0 }).toEqual({
      endpoint,
      accepted: true,
      refused: true,
    });
  }
  const health = await call(base, "GET", "/healthz");
  expect(health.status).toBe(200);
  expect(unhandled).toEqual([]);
  console.log(`fuzz seed ${SEED}: ${requests} requests`, JSON.stringify(seen), "ms:", JSON.stringify(elapsed));
});

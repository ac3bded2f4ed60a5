// Issue 17's citizen routes under hostile input, on PostgreSQL and Redis: GET /api/agencies (directory search)
// and POST /api/applications/:no/refile (the Art. 36(5) re-filing by number and query code). Guessing codes
// through the re-filing is limited like the status query and files nothing; an application without a named
// competent agency cannot be re-filed; malformed bodies and parameters are 4xx with a code, never a 500;
// a chat's re-filing grant is bound to its conversation; the other agency's staff cannot touch either side.
import fc from "fast-check";
import request from "supertest";
import { Application } from "../../src/modules/applications/application.entity";
import { isRefileGrant, refileGrant } from "../../src/modules/conversation/refile-grant";
import { addAgency, sessionUntil2099, type SecondAgency } from "../helpers/second-agency";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";
import { personBody } from "../integration/applications/fixtures";
import { hostileString } from "./support/fuzz-arbitraries";
import { call, errorCode, listen } from "./support/fuzz-wechat";

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
let env: TestEnv;
let edu: SecondAgency;
let media: string;
let referred: { applicationNo: string; queryCode: string };
let plain: { applicationNo: string; queryCode: string };

beforeAll(async () => {
  env = await createTestEnv({
    db: "postgres",
    now: "2026-03-02T02:00:00Z",
    env: { TRUST_PROXY: "true", STATUS_QUERY_MAX_FAILURES: "5", CATALOGUE_SEARCH_RATE_PER_MINUTE: "20" },
  });
  await staffToken(env, "admin", "media-admin");
  media = await sessionUntil2099(env, "media-admin");
  edu = await addAgency(env);
  referred = (
    await request(env.server)
      .post("/api/applications")
      .set("X-Forwarded-For", "10.0.0.1")
      .send(personBody({ description: "2026年小学学区划分" }))
      .expect(201)
  ).body;
  plain = (
    await request(env.server)
      .post("/api/applications")
      .set("X-Forwarded-For", "10.0.0.1")
      .send(personBody({ description: "融媒体中心2025年预算" }))
      .expect(201)
  ).body;
  await request(env.server)
    .post(`/api/staff/applications/${referred.applicationNo}/answer`)
    .set("Authorization", `Bearer ${media}`)
    .send({ disposition: "unable.not_responsible", competentAgency: "zdjy" })
    .expect(200);
});
const afterAllClose: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of afterAllClose) await c();
  await env?.close();
});

/** Lone surrogates replaced (what a browser sends for them), so the test itself can build the URL. */
const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
const refile = (ip: string, no: string, body: unknown) =>
  request(env.server)
    .post(`/api/applications/${encodeURIComponent(no)}/refile`)
    .set("X-Forwarded-For", ip)
    .send(body as object);
const count = () => env.ctx.db.getRepository(Application).count();

it("the new citizen routes are mounted by the modules (the routes this file attacks)", () => {
  const routes = env.app.modules.flatMap((m) =>
    (m.routes?.() ?? []).flatMap((r) => (r.stack as Array<{ methods: string[]; path: string }>).flatMap((l) => l.methods.map((x) => `${x} ${l.path}`))),
  );
  expect(routes).toEqual(expect.arrayContaining(["GET /api/agencies", "POST /api/applications/:applicationNo/refile"]));
});

it("guessing query codes through the re-filing is limited per client like the status query, and files nothing", async () => {
  const before = await count();
  for (let i = 0; i < 5; i++) expect((await refile("10.1.1.1", referred.applicationNo, { queryCode: String(100000000000 + i) })).status).toBe(404);
  const locked = await refile("10.1.1.1", referred.applicationNo, { queryCode: referred.queryCode });
  expect(locked.status).toBe(429);
  expect(locked.body.error.code).toBe("RATE_LIMITED");
  // An unknown number answers exactly like a wrong code (no enumeration of numbers).
  const unknown = await refile("10.1.1.2", "ZDRMT-2026-99999", { queryCode: "123456789012" });
  expect([unknown.status, unknown.body.error.code, unknown.body.error.message]).toEqual([404, "APPLICATION.NOT_FOUND", "未找到该申请，请核对申请编号和查询码"]);
  expect(await count()).toBe(before);
  // The owner, from their own address, is not locked out.
  expect((await refile("10.1.1.3", referred.applicationNo, { queryCode: referred.queryCode })).status).toBe(201);
  expect(await count()).toBe(before + 1);
});

it("ten concurrent re-filings of one application make one new application, and all ten name it", async () => {
  const other = (
    await request(env.server)
      .post("/api/applications")
      .set("X-Forwarded-For", "10.0.0.9")
      .send(personBody({ description: "2026年学校体育设施开放" }))
      .expect(201)
  ).body;
  await request(env.server)
    .post(`/api/staff/applications/${other.applicationNo}/answer`)
    .set("Authorization", `Bearer ${media}`)
    .send({ disposition: "unable.not_responsible", competentAgency: "zdjy" })
    .expect(200);
  const before = await count();
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => refile(`10.5.5.${i}`, other.applicationNo, { queryCode: other.queryCode })));
  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  expect(new Set(answers.map((a) => a.body.applicationNo)).size).toBe(1);
  expect(await count()).toBe(before + 1);
});

it("an application whose answer names no competent agency cannot be re-filed", async () => {
  const before = await count();
  const res = await refile("10.2.2.2", plain.applicationNo, { queryCode: plain.queryCode });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe("APPLICATION.INVALID_TRANSITION");
  expect(res.body.error.message).toContain("没有写明负责公开的机关");
  expect(await count()).toBe(before);
});

it.each([
  ["no body", undefined],
  ["an array", { queryCode: ["123456789012"] }],
  ["an object", { queryCode: { $gt: "" } }],
  ["a number", { queryCode: 123456789012 }],
  ["too long", { queryCode: "1".repeat(5000) }],
  ["empty", { queryCode: "   " }],
])("refile with %s as the query code: 400 naming the field, nothing filed", async (_label, body) => {
  const before = await count();
  const res = await refile("10.3.3.3", referred.applicationNo, body ?? {});
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("VALIDATION.INVALID_INPUT");
  expect(res.body.error.details[0].field).toBe("queryCode");
  expect(await count()).toBe(before);
});

it("the other agency's staff can act on neither side of a re-filing", async () => {
  const copy = await env.ctx.db.getRepository(Application).findOneByOrFail({ agencyId: edu.id });
  await request(env.server).get(`/api/staff/applications/${referred.applicationNo}`).set("Authorization", `Bearer ${edu.token}`).expect(404);
  await request(env.server)
    .post(`/api/staff/applications/${referred.applicationNo}/close`)
    .set("Authorization", `Bearer ${edu.token}`)
    .send({ reason: "misc", note: "x" })
    .expect(404);
  await request(env.server).get(`/api/staff/applications/${copy.applicationNo}`).set("Authorization", `Bearer ${media}`).expect(404);
  await request(env.server).get(`/api/staff/applications/${copy.applicationNo}/reply-letter`).set("Authorization", `Bearer ${media}`).expect(404);
});

it("a chat's re-filing grant is bound to its application and conversation", () => {
  const secret = Buffer.from("s".repeat(32));
  const g = refileGrant(secret, "ZDRMT-2026-00001", "chat:a");
  expect(isRefileGrant(secret, "ZDRMT-2026-00001", "chat:a", g)).toBe(true);
  expect(isRefileGrant(secret, "ZDRMT-2026-00001", "chat:b", g)).toBe(false);
  expect(isRefileGrant(secret, "ZDRMT-2026-00002", "chat:a", g)).toBe(false);
  expect(isRefileGrant(Buffer.from("t".repeat(32)), "ZDRMT-2026-00001", "chat:a", g)).toBe(false);
  expect(isRefileGrant(secret, "ZDRMT-2026-00001", "chat:a", `${g}x`)).toBe(false);
});

it("directory search is limited per client address, with a Chinese message", async () => {
  for (let i = 0; i < 20; i++)
    expect((await request(env.server).get("/api/agencies").set("X-Forwarded-For", "10.4.4.4").query({ q: "学校" })).status).toBe(200);
  const limited = await request(env.server).get("/api/agencies").set("X-Forwarded-For", "10.4.4.4").query({ q: "学校" });
  expect(limited.status).toBe(429);
  expect(limited.body.error.message).toBe("查询过于频繁，请稍后再试。");
  expect((await request(env.server).get("/api/agencies").set("X-Forwarded-For", "10.4.4.5").query({ q: "学校" })).status).toBe(200);
});

it("fuzz: hostile directory parameters and re-filing bodies are answered below 500, refusals with a code", async () => {
  const { url: base, close } = await listen(env);
  afterAllClose.push(close);
  const seen = { agencies: new Set<number>(), refile: new Set<number>() };
  let n = 0;
  const ip = () => `10.8.${(n >> 8) & 255}.${n++ & 255}`;
  const value = fc.oneof(hostileString(300), fc.constantFrom("", "学校的事找谁", "融媒体中新", "区教体局", "1", "0", "51", "-1", "1e3", "__proto__"));
  const params = fc.dictionary(
    fc.constantFrom("q", "limit", "agency", "__proto__", "q[]", "constructor"),
    fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })),
    { maxKeys: 3 },
  );
  await fc.assert(
    fc.asyncProperty(params, async (ps) => {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(ps)) for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
      // A real listening server (as src/main.ts answers what Node's HTTP parser refuses, e.g. an over-long URL).
      const a = await call(base, "GET", `/api/agencies?${qs.toString()}`, { headers: { "x-forwarded-for": ip() } });
      seen.agencies.add(a.status);
      expect(a.status).toBeLessThan(500);
      if (a.status >= 400) expect(errorCode(a)).toEqual(expect.any(String));
    }),
    { seed: SEED, numRuns: 400 },
  );
  const code = fc.oneof(
    hostileString(40),
    fc.constant(referred.queryCode),
    fc.integer().map(String),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
  );
  const no = fc.oneof(
    fc.constant(referred.applicationNo),
    fc.constant(plain.applicationNo),
    hostileString(60).filter((s) => s.trim().length > 0),
  );
  const before = await count();
  await fc.assert(
    fc.asyncProperty(no, code, async (number, queryCode) => {
      const a = await call(base, "POST", `/api/applications/${encodeURIComponent(wellFormed(number))}/refile`, {
        body: JSON.stringify({ queryCode }),
        type: "application/json",
        headers: { "x-forwarded-for": ip() },
      });
      seen.refile.add(a.status);
      expect(a.status).toBeLessThan(500);
      if (a.status >= 400) expect(errorCode(a)).toEqual(expect.any(String));
    }),
    { seed: SEED + 1, numRuns: 300 },
  );
  // The one legitimate re-filing was made above: every accepted case found it, none filed again.
  expect(await count()).toBe(before);
  expect([...seen.agencies].some((s) => s === 200) && [...seen.agencies].some((s) => s >= 400)).toBe(true);
  expect([...seen.refile].some((s) => s === 200) && [...seen.refile].some((s) => s >= 400)).toBe(true);
});

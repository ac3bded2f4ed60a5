// Issue 13 "what an attacker tried and got", the citizen side (items 5, 6, 9, 11, 12), replayed against the
// real services on PostgreSQL and Redis: each attack as it was reported, and what it gets now.
import Redis from "ioredis";
import request from "supertest";
import { loadConfig } from "../../src/config";
import { IdempotencyKey } from "../../src/infra/entities/idempotency-key.entity";
import { Application } from "../../src/modules/applications/application.entity";
import { keyedQueryCodeHash, legacyQueryCodeHash } from "../../src/modules/applications/query-codes";
import { Consultation } from "../../src/modules/conversation/entities";
import { createTestEnv, REDIS_URL, staffToken, type TestEnv } from "../helpers/test-context";
import { personBody } from "../integration/applications/fixtures";

const SECRET = "citizen-hardening-test-secret-0123456789abcdef";
const FORM = ["我要申请", "1", "张三", "1", "11010519491231002X", "13800138000", "请公开2019年新闻采编经费的预算执行情况", "跳过", "2", "1"];

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({
    db: "postgres",
    now: "2026-03-02T02:00:00Z",
    // TRUST_PROXY: each request speaks for a client address of its own through X-Forwarded-For.
    // FILING_LIMIT_PER_MINUTE at its default (30, asserted below): the reported burst of 60 must be throttled by it.
    env: {
      TRUST_PROXY: "true",
      FILING_LIMIT_PER_MINUTE: "30",
      QUERY_CODE_SECRET: SECRET,
      STATUS_QUERY_MAX_FAILURES: "10",
      CONSULTATION_LIMIT_PER_HOUR: "5",
      CHAT_NEW_SESSIONS_PER_HOUR: "40",
    },
  });
});
afterAll(async () => env?.close());

const svc = () => env.services.applications;
const from = (ip: string) => ({
  chat: (body: Record<string, unknown>) => request(env.server).post("/api/chat").set("X-Forwarded-For", ip).send(body),
  file: (body: unknown, key?: string) => {
    const r = request(env.server).post("/api/applications").set("X-Forwarded-For", ip);
    return (key ? r.set("Idempotency-Key", key) : r).send(body as object);
  },
  status: (no: string, code: string) =>
    request(env.server)
      .get(`/api/applications/${encodeURIComponent(no)}`)
      .set("X-Forwarded-For", ip)
      .query({ queryCode: code }),
});
const text = (res: request.Response) => ((res.body.replies ?? []) as string[]).join("\n");

/** A chat filing dialogue from one address, continuing through the server-issued session. */
async function fileByChat(ip: string, label: string, firstMessageId?: string): Promise<{ session: string; done: string }> {
  let session: string | undefined;
  for (const [i, m] of FORM.entries()) {
    const res = await from(ip).chat({
      userId: label,
      text: m,
      ...(session ? { session } : {}),
      ...(i === 0 && firstMessageId ? { messageId: firstMessageId } : {}),
    });
    expect([m, res.status]).toEqual([m, 200]);
    session = res.body.session;
  }
  const done = await from(ip).chat({ userId: label, text: "确认", session });
  return { session: session!, done: text(done) };
}

describe("item 5: nobody can lock a citizen out of their own status", () => {
  it("100 chat guesses with rotating userId from one address lock that address, never the owner's right code", async () => {
    const filed = (
      await from("10.5.0.1")
        .file(personBody({ description: "张店区融媒体中心2025年度新闻发布会记录" }))
        .expect(201)
    ).body;
    expect(filed.queryCode).toMatch(/^\d{12}$/); // lengthened: 10^12 codes per number
    const replies: string[] = [];
    for (let i = 0; i < 100; i++) {
      const wrong = String(100_000_000_000 + i);
      const res = await from("10.5.0.66").chat({ userId: `attacker-${i}`, text: `查询申请 ${filed.applicationNo} ${wrong}` });
      replies.push(res.status === 429 ? `429 ${res.body.error.code}` : text(res));
    }
    // The limit follows the address, whatever userId says: 10 guesses answered "not found", then refused
    // (by the wrong-code limit, and once 40 new sessions are used up, by the new-session limit as well).
    expect(replies.slice(0, 10).every((r) => r.includes("未找到"))).toBe(true);
    expect(replies.slice(10).filter((r) => !r.includes("查询码错误次数过多") && r !== "429 RATE_LIMITED")).toEqual([]);
    expect(replies.filter((r) => r.includes("查询码错误次数过多")).length).toBeGreaterThan(20);
    // The owner, on their own phone, by REST and by chat.
    const own = await from("10.5.0.2").status(filed.applicationNo, filed.queryCode);
    expect(own.status).toBe(200);
    expect(own.body.applicationNo).toBe(filed.applicationNo);
    expect(text(await from("10.5.0.3").chat({ userId: "owner", text: `查询申请 ${filed.applicationNo} ${filed.queryCode}` }))).toContain("办理状态");
  });
});

describe("item 6: an anonymous conversation belongs to a server-issued session, not to a chosen userId", () => {
  it("a second client posting as web-victim-1 gets neither the victim's application nor the staff reply", async () => {
    const victim = await fileByChat("10.6.0.1", "web-victim-1");
    expect(victim.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const no = /申请编号：(\S+)/.exec(victim.done)![1];
    const code = /查询码：(\d+)/.exec(victim.done)![1];
    // The victim asks for a person; staff answer.
    expect(text(await from("10.6.0.1").chat({ userId: "web-victim-1", text: "人工", session: victim.session }))).toContain("人工");
    const c = await env.ctx.db.getRepository(Consultation).findOneOrFail({ where: { question: "人工", channel: "chat" }, order: { createdAt: "DESC" } });
    const staff = await staffToken(env, "clerk");
    await request(env.server)
      .post(`/api/staff/consultations/${c.id}/reply`)
      .set("Authorization", `Bearer ${staff}`)
      .send({ answer: "您好，给受害者的答复。" })
      .expect(200);

    // The attacker knows the label, not the session: a new conversation, nothing of the victim's.
    const hijack = await from("10.6.0.99").chat({ userId: "web-victim-1", text: "确认" });
    expect(hijack.status).toBe(200);
    expect(hijack.body.session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hijack.body.session).not.toBe(victim.session);
    expect(text(hijack)).not.toContain(no);
    expect(text(hijack)).not.toContain(code);
    expect(text(hijack)).not.toContain("给受害者的答复");
    // A made-up session is not adopted either: the server answers with a session of its own.
    const madeUp = "A".repeat(43);
    const guess = await from("10.6.0.99").chat({ userId: "web-victim-1", text: "你好", session: madeUp });
    expect(guess.body.session).not.toBe(madeUp);
    expect(text(guess)).not.toContain("给受害者的答复");

    // The victim's own session continues the conversation and gets the reply; a repeated 确认 does not show the code again.
    const next = await from("10.6.0.1").chat({ userId: "web-victim-1", text: "谢谢", session: victim.session });
    expect(next.body.session).toBe(victim.session);
    expect(text(next)).toContain("【工作人员回复】您好，给受害者的答复。");
    const again = text(await from("10.6.0.1").chat({ userId: "web-victim-1", text: "确认", session: victim.session }));
    expect(again).toContain(no);
    expect(again).not.toContain(code);
    // The session store keeps no copy of the code.
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${env.config.REDIS_KEY_PREFIX}conv:session:*`);
      for (const k of keys) expect(((await redis.get(k)) ?? "").includes(code)).toBe(false);
    } finally {
      redis.disconnect();
    }
  });

  it("the session also works as the HttpOnly cookie, and a malformed session is a 400 naming the field", async () => {
    const first = await from("10.6.1.1").chat({ text: "办公时间" });
    const cookie = first.headers["set-cookie"]?.[0] ?? "";
    expect(cookie).toMatch(/^ogi_chat=[A-Za-z0-9_-]{43};/);
    expect(cookie.toLowerCase()).toContain("httponly");
    expect(cookie.toLowerCase()).toContain("samesite=strict");
    const byCookie = await request(env.server).post("/api/chat").set("X-Forwarded-For", "10.6.1.1").set("Cookie", cookie.split(";")[0]).send({ text: "谢谢" });
    expect(byCookie.body.session).toBe(first.body.session);
    const bad = await from("10.6.1.1").chat({ text: "你好", session: "not-a-token" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("VALIDATION.INVALID_INPUT");
    expect(bad.body.error.details[0].field).toBe("session");
  });
});

describe("item 9: per-client limits on anonymous writes", () => {
  it("a burst of 60 filings from one address within a minute is throttled (default limit); retries and other addresses are not", async () => {
    expect(loadConfig({}).FILING_LIMIT_PER_MINUTE).toBe(30); // the default, sized for a carrier NAT
    const before = await env.ctx.db.getRepository(Application).count();
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) => from("10.9.0.1").file(personBody({ description: `批量申请第${i}号：2025年度部门预算` }), `burst-${i}`)),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = burst.find((r) => r.status === 429)!;
    expect(refused.body.error).toMatchObject({ code: "RATE_LIMITED", message: "提交申请过于频繁，请1分钟后再试" });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(await env.ctx.db.getRepository(Application).count()).toBe(before + 30);
    // A retry of an accepted filing is answered even now (nothing is lost), and files nothing new.
    const accepted = burst.findIndex((r) => r.status === 201);
    const retry = await from("10.9.0.1").file(personBody({ description: `批量申请第${accepted}号：2025年度部门预算` }), `burst-${accepted}`);
    expect(retry.status).toBe(201);
    expect(retry.body.applicationNo).toBe(burst[accepted].body.applicationNo);
    // Another address is not affected.
    expect((await from("10.9.0.2").file(personBody({ description: "另一个地址的申请：2025年度决算" }))).status).toBe(201);
  });

  it("“人工” from one address opens at most CONSULTATION_LIMIT_PER_HOUR consultations, whatever the sessions", async () => {
    const repo = env.ctx.db.getRepository(Consultation);
    const before = await repo.count();
    const replies: string[] = [];
    for (let i = 0; i < 8; i++) replies.push(text(await from("10.9.1.1").chat({ userId: `help-${i}`, text: "人工" })));
    expect(await repo.count()).toBe(before + 5);
    expect(replies.slice(5).every((r) => !r.includes("人工服务"))).toBe(true);
    // Another address still reaches a person.
    expect(text(await from("10.9.1.2").chat({ text: "人工" }))).toContain("人工");
    expect(await repo.count()).toBe(before + 6);
  });

  it("new chat sessions per address are limited; a refused one leaves nothing in Redis, and open sessions go on", async () => {
    const redis = new Redis(REDIS_URL);
    const countSessions = async () => (await redis.keys(`${env.config.REDIS_KEY_PREFIX}conv:session:chat:*`)).length;
    try {
      const first = await from("10.9.2.1").chat({ text: "办公时间" });
      expect(first.status).toBe(200);
      for (let i = 1; i < 40; i++) expect((await from("10.9.2.1").chat({ userId: `fresh-${i}`, text: "办公时间" })).status).toBe(200);
      const sessions = await countSessions();
      const over = await from("10.9.2.1").chat({ userId: "fresh-over", text: "办公时间" });
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe("RATE_LIMITED");
      expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
      expect(await countSessions()).toBe(sessions);
      expect((await from("10.9.2.1").chat({ text: "谢谢", session: first.body.session })).status).toBe(200);
      expect((await from("10.9.2.2").chat({ text: "办公时间" })).status).toBe(200);
    } finally {
      redis.disconnect();
    }
  });
});

describe("item 11: idempotency keys are namespaced by channel and client; stored answers keep no plain code", () => {
  it("a REST key equal to a chat form's key does not block the chat filing", async () => {
    const squat = await from("10.11.0.1").file(personBody({ description: "抢占聊天幂等键的申请" }), "chat-chat-msg-0001");
    expect(squat.status).toBe(201);
    const chat = await fileByChat("10.11.0.2", "chat-filer", "msg-0001");
    expect(chat.done).toContain("申请已提交");
    expect(/申请编号：(\S+)/.exec(chat.done)![1]).not.toBe(squat.body.applicationNo);
  });

  it("no stored answer holds the code in plain text; after the retry window it is purged and a late retry files nothing", async () => {
    const body = personBody({ description: "重试窗口测试：2025年度部门决算" });
    const first = await from("10.11.1.1").file(body, "window-1");
    expect(first.status).toBe(201);
    const rows = await env.ctx.db.query(`SELECT * FROM idempotency_keys`);
    expect(JSON.stringify(rows)).not.toContain(first.body.queryCode);
    // Within the window (another address: the same applicant's key still replays) the code comes back.
    const retry = await from("10.11.1.2").file(body, "window-1");
    expect(retry.body).toEqual(first.body);
    // 24 h and a second later (aged in the table: a clock a day later would also change the receipt date in the body)
    await env.ctx.db.query(`UPDATE idempotency_keys SET created_at = '2026-03-01T01:59:59.000Z'`);
    {
      await svc().purgeRetryAnswers();
      const sealed = await env.ctx.db.getRepository(IdempotencyKey).find();
      expect(sealed.length).toBeGreaterThan(0);
      expect(sealed.every((k) => k.sealedCode === null)).toBe(true);
      const before = await env.ctx.db.getRepository(Application).count();
      const late = await from("10.11.1.1").file(body, "window-1");
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe("IDEMPOTENCY.EXPIRED");
      expect(late.body.error.details).toEqual({ applicationNo: first.body.applicationNo });
      expect(JSON.stringify(late.body)).not.toContain(first.body.queryCode);
      expect(await env.ctx.db.getRepository(Application).count()).toBe(before);
    }
  });
});

describe("item 12: the query-code hash is keyed with the server secret", () => {
  it("stores HMAC(secret, …), not the unsalted SHA-256, and converts old rows so their codes still open them", async () => {
    const filed = (
      await from("10.12.0.1")
        .file(personBody({ description: "密钥哈希测试：2025年度预算" }))
        .expect(201)
    ).body;
    const repo = env.ctx.db.getRepository(Application);
    const row = await repo.findOneByOrFail({ applicationNo: filed.applicationNo });
    expect(row.queryCodeHash).not.toBe(legacyQueryCodeHash(filed.queryCode));
    expect(row.queryCodeHash).toBe(keyedQueryCodeHash(Buffer.from(SECRET), filed.queryCode));
    // Without the secret the code cannot be checked offline: another secret gives another hash.
    expect(row.queryCodeHash).not.toBe(keyedQueryCodeHash(Buffer.from("x".repeat(40)), filed.queryCode));
    // A row from before (8-digit code, unsalted hash) is converted at start and still opens with its code.
    await repo.update({ id: row.id }, { queryCodeHash: legacyQueryCodeHash("84395357") });
    expect(await svc().keyLegacyQueryCodes()).toBe(1);
    expect((await repo.findOneByOrFail({ id: row.id })).queryCodeHash).toBe(keyedQueryCodeHash(Buffer.from(SECRET), "84395357"));
    expect((await from("10.12.0.2").status(filed.applicationNo, "84395357")).status).toBe(200);
    expect(await svc().keyLegacyQueryCodes()).toBe(0);
  });
});

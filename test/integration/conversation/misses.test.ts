// The misses flow end to end on PostgreSQL and Redis: a message the bot cannot answer is recorded (personal
// data masked, repeats counted), listed in the console by frequency, clerks only read, an approver writes an
// answer (console) or attaches a miss to a built-in answer (staff API), and the same question now gets it.
// Plus the store on SQLite (the upsert) and the migration up/down on both databases.
import request from "supertest";
import { BotLearning1764100700000 } from "../../../migrations/1764100700000-bot-learning";
import { STAFF_COOKIE } from "../../../src/http/auth";
import { defaultAgency } from "../../../src/infra/agencies";
import { Agency } from "../../../src/infra/entities/agency.entity";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { BotCustomAnswer, BotMiss } from "../../../src/modules/conversation/knowledge/learned-entities";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { withCsrf } from "../../helpers/console-forms";

const CANTEEN = "你们单位食堂对外开放吗 我是139 5338 0001";

describe("misses: recorded, listed, answered, used", () => {
  let env: TestEnv;
  let clerk: string;
  let approver: string;
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z", env: { CHAT_RATE_LIMIT_PER_MINUTE: "200" } });
    clerk = await staffToken(env, "clerk");
    approver = await staffToken(env, "approver");
  });
  afterAll(async () => {
    await env.close();
  });

  async function chat(userId: string, text: string): Promise<string> {
    const res = await request(env.server).post("/api/chat").send({ userId, text });
    expect(res.status).toBe(200);
    return (res.body.replies as string[]).join("\n");
  }
  const consoleGet = (token: string, path: string) => request(env.server).get(path).set("Cookie", `${STAFF_COOKIE}=${token}`);
  const consolePost = (token: string, path: string, form: Record<string, string>) =>
    request(env.server).post(path).set("Cookie", `${STAFF_COOKIE}=${token}`).type("form").send(withCsrf(token, form));

  it("records a missed question once with a count, masked, with what the bot answered", async () => {
    expect(await chat("m-1", CANTEEN)).toContain("没有理解");
    expect(await chat("m-2", `${CANTEEN}？`)).toContain("没有理解");
    const rows = await env.ctx.db.getRepository(BotMiss).find();
    expect(rows).toHaveLength(1);
    expect(rows[0].count).toBe(2);
    expect(rows[0].text).toContain("你们单位食堂对外开放吗");
    expect(rows[0].text).not.toContain("5338");
    expect(rows[0].lastReply).toContain("没有理解");
    expect(rows[0].channel).toBe("chat");
    expect(rows[0].agencyId).toBe((await defaultAgency(env.ctx)).id);
  });

  it("lists misses by frequency for a clerk, without the forms; a clerk's answer is refused", async () => {
    await chat("m-3", "我家猫丢了怎么办");
    const page = await consoleGet(clerk, "/console/misses");
    expect(page.status).toBe(200);
    expect(page.text).toContain("未答问题");
    const canteenAt = page.text.indexOf("你们单位食堂对外开放吗");
    const weatherAt = page.text.indexOf("我家猫丢了怎么办");
    expect(canteenAt).toBeGreaterThan(0);
    expect(weatherAt).toBeGreaterThan(canteenAt); // twice before once
    expect(page.text).toContain('出现 <strong class="count">2</strong> 次');
    expect(page.text).toContain("最近 2026-03-02 10:00");
    expect(page.text).not.toContain("5338");
    expect(page.text).not.toContain("/answer");
    const miss = (await env.ctx.db.getRepository(BotMiss).findOneByOrFail({ count: 2 })).id;
    const refused = await consolePost(clerk, `/console/misses/${miss}/answer`, { question: "食堂", answer: "不开放" });
    expect(refused.status).toBe(302);
    expect(await env.ctx.db.getRepository(BotCustomAnswer).count()).toBe(0);
  });

  it("an approver writes an answer in the console, and the same question gets it at once", async () => {
    const miss = (await env.ctx.db.getRepository(BotMiss).findOneByOrFail({ count: 2 })).id;
    const page = await consoleGet(approver, "/console/misses");
    expect(page.text).toContain(`action="/console/misses/${miss}/answer"`);
    expect(page.text).toContain('value="faq:fees"');
    const saved = await consolePost(approver, `/console/misses/${miss}/answer`, {
      question: "你们单位食堂对外开放吗",
      answer: "本单位食堂只供职工就餐，不对外开放。",
    });
    expect(saved.status).toBe(302);
    expect(saved.headers.location).toBe("/console/misses");
    const answer = await chat("m-4", "你们单位的食堂对外开放吗？");
    expect(answer).toContain("本单位食堂只供职工就餐，不对外开放。");
    expect(answer).toContain("工作人员解答（2026-03-02）");
    expect(answer).not.toContain("没有理解");
    const row = await env.ctx.db.getRepository(BotMiss).findOneByOrFail({ id: miss });
    expect(row.status).toBe("answered");
    expect(row.unitId).toMatch(/^custom:/);
    expect(await env.ctx.db.getRepository(AuditEvent).countBy({ action: "bot_answer.create" })).toBe(1);
    // handled misses leave the default list, and stay in 全部
    expect((await consoleGet(approver, "/console/misses")).text).not.toContain(`id="m-${miss}"`);
    expect((await consoleGet(approver, "/console/misses?all=1")).text).toContain(`id="m-${miss}"`);
  });

  it("the staff API attaches a miss to a built-in answer (approvers only), and the question then gets that answer", async () => {
    const q = "搞这个要掏腰包不";
    expect(await chat("m-5", q)).toContain("没有理解");
    const list = await request(env.server).get("/api/staff/bot/misses").set("Authorization", `Bearer ${clerk}`);
    expect(list.status).toBe(200);
    const miss = (list.body.misses as Array<{ id: string; text: string; count: number }>).find((m) => m.text === q)!;
    expect(miss).toBeTruthy();
    const units = await request(env.server).get("/api/staff/bot/units").set("Authorization", `Bearer ${clerk}`);
    expect((units.body.units as Array<{ id: string }>).map((u) => u.id)).toEqual(expect.arrayContaining(["faq:fees", expect.stringMatching(/^custom:/)]));
    const byClerk = await request(env.server)
      .post(`/api/staff/bot/misses/${miss.id}/attach`)
      .set("Authorization", `Bearer ${clerk}`)
      .send({ unitId: "faq:fees" });
    expect(byClerk.status).toBe(403);
    const bad = await request(env.server)
      .post(`/api/staff/bot/misses/${miss.id}/attach`)
      .set("Authorization", `Bearer ${approver}`)
      .send({ unitId: "<script>" });
    expect(bad.status).toBe(400);
    const ok = await request(env.server)
      .post(`/api/staff/bot/misses/${miss.id}/attach`)
      .set("Authorization", `Bearer ${approver}`)
      .send({ unitId: "faq:fees" });
    expect(ok.status).toBe(200);
    expect(ok.body.miss).toMatchObject({ status: "attached", unitId: "faq:fees" });
    const answer = await chat("m-6", q);
    expect(answer).toContain("不收费");
    expect(answer).not.toContain("没有理解");
    const store = env.services.learned;
    expect(await store.attachedQuestions((await defaultAgency(env.ctx)).id)).toEqual(expect.arrayContaining([{ unitId: "faq:fees", question: q }]));
  });

  it("shows and lets act on the misses of the staff member's own agency only", async () => {
    await env.ctx.db.getRepository(Agency).save({
      id: "0a0a0a0a-0000-4000-8000-000000000001",
      code: "other",
      name: "另一机关",
      profile: null,
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    });
    const outsider = await staffToken(env, "approver", "other-approver");
    await env.ctx.db
      .getRepository((await import("../../../src/infra/entities/staff-user.entity")).StaffUser)
      .update({ username: "other-approver" }, { agencyId: "0a0a0a0a-0000-4000-8000-000000000001" });
    const miss = (await env.ctx.db.getRepository(BotMiss).findOneByOrFail({ status: "open", text: "我家猫丢了怎么办" })).id;
    const list = await request(env.server).get("/api/staff/bot/misses?status=all").set("Authorization", `Bearer ${outsider}`);
    expect(list.status).toBe(200);
    expect(list.body.misses).toEqual([]);
    expect((await consoleGet(outsider, "/console/misses?all=1")).text).not.toContain("我家猫丢了怎么办");
    const attach = await request(env.server)
      .post(`/api/staff/bot/misses/${miss}/attach`)
      .set("Authorization", `Bearer ${outsider}`)
      .send({ unitId: "faq:fees" });
    expect(attach.status).toBe(404);
    const answer = await request(env.server)
      .post("/api/staff/bot/answers")
      .set("Authorization", `Bearer ${outsider}`)
      .send({ question: "我家猫丢了怎么办", answer: "今天晴天", missId: miss });
    expect(answer.status).toBe(404);
    expect((await env.ctx.db.getRepository(BotMiss).findOneByOrFail({ id: miss })).status).toBe("open");
  });

  it("escapes what citizens typed on the page", async () => {
    await chat("m-7", "<img src=x onerror=alert(1)>阿巴阿巴");
    const page = await consoleGet(clerk, "/console/misses");
    expect(page.text).not.toContain("<img src=x");
    expect(page.text).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe.each(["postgres", "sqlite"] as const)("the learned store on %s", (db) => {
  it("counts repeats with one upsert, keeps agencies apart, and the migration goes down and up", async () => {
    const env = await createTestEnv({ db, redis: false, now: "2026-03-02T02:00:00Z" });
    try {
      const store = env.services.learned;
      const agency = (await defaultAgency(env.ctx)).id;
      await store.recordMiss({ agencyId: agency, text: "身份证370302198703154612能查吗", reply: "没理解", score: 0.31, channel: "oa" });
      env.clock.set("2026-03-02T03:00:00Z");
      await store.recordMiss({ agencyId: agency, text: "身份证 370302198703154612 能查吗？", reply: "没理解2", score: null, channel: "chat" });
      const [m] = await store.listMisses(agency);
      expect(m).toMatchObject({
        count: 2,
        lastReply: "没理解2",
        score: null,
        channel: "chat",
        firstSeenAt: "2026-03-02T02:00:00.000Z",
        lastSeenAt: "2026-03-02T03:00:00.000Z",
      });
      expect(m.text).not.toContain("198703154612");
      expect(await store.listMisses("00000000-0000-4000-8000-000000000000")).toEqual([]);
      const qr = env.ctx.db.createQueryRunner();
      try {
        await new BotLearning1764100700000().down(qr);
        expect(await qr.hasTable("bot_misses")).toBe(false);
        expect(await qr.hasTable("bot_custom_answers")).toBe(false);
        await new BotLearning1764100700000().up(qr);
        expect(await qr.hasTable("bot_misses")).toBe(true);
      } finally {
        await qr.release();
      }
    } finally {
      await env.close();
    }
  });
});

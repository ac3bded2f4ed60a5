// The chat API against the real services on PostgreSQL and Redis: answers from the seeded guide,
// catalogue and 2019 report; a filing dialogue that writes one application; identity rules; handoff and
// the staff answer reaching the citizen; mini-program login through the code2session stand-in; rate limit;
// a restart (new context on the same database and Redis prefix) continuing a half-filled form.
import request from "supertest";
import { randomUUID } from "node:crypto";
import { closeContext, createContext, prepare } from "../../../src/bootstrap";
import { compose } from "../../../src/composition";
import { buildApp } from "../../../src/http/app";
import { Application } from "../../../src/modules/applications/application.entity";
import { Consultation, NotificationDelivery } from "../../../src/modules/conversation/entities";
import { OutboxMessage } from "../../../src/infra/entities/outbox-message.entity";
import { defaultAgency } from "../../../src/infra/agencies";
import { chatConversationId } from "../../../src/modules/conversation/chat-sessions";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { startWechatStandin, type WechatStandin } from "./wechat-standin";

const BOT = "bot-service-token-0123456789";
const ID = "11010519491231002X";

let env: TestEnv;
let wx: WechatStandin;

beforeAll(async () => {
  wx = await startWechatStandin();
  env = await createTestEnv({
    db: "postgres",
    now: "2026-03-02T02:00:00Z",
    env: {
      BOT_SERVICE_TOKEN: BOT,
      CHAT_RATE_LIMIT_PER_MINUTE: "25",
      WECHAT_API_BASE_URL: wx.url,
      MINIPROGRAM_APPID: "wxmp",
      MINIPROGRAM_SECRET: "mpsecret",
      MINIPROGRAM_STATUS_TEMPLATE_ID: "mp-tpl-1",
    },
  });
});
afterAll(async () => {
  await env.close();
  await wx.close();
});

/** Anonymous citizens' server-issued sessions, by the name the test gives them. */
const sessions = new Map<string, string>();
const conversationOf = (name: string) => chatConversationId(sessions.get(name)!);

async function chat(userId: string, text: string, auth?: string, server = env.server) {
  const session = auth ? undefined : sessions.get(userId);
  const req = request(server)
    .post("/api/chat")
    .send({ userId, text, ...(session ? { session } : {}) });
  const res = await (auth ? req.set("Authorization", `Bearer ${auth}`) : req);
  expect(res.status).toBe(200);
  if (!auth) sessions.set(userId, res.body.session);
  return (res.body.replies as string[]).join("\n");
}

describe("questions answered from the real guide, catalogue and report", () => {
  it("answers how to apply with the fact and its article (the statutory FAQ, the agency's channels filled in)", async () => {
    const r = await chat("q1", "請問怎麼申請政府資訊公開？");
    expect(r).toContain("我要申请");
    expect(r).toContain("电话、电子邮箱");
    expect(r).toContain("书面形式");
    expect(r).toContain("第二十九条");
  });
  it("quotes a fact of the published guide with the section as its source", async () => {
    const r = await chat("q1b", "区融媒体中心通过哪些渠道受理申请");
    expect(r).toContain("张店区融媒体中心政府信息公开指南");
    expect(r).toContain("依申请公开");
    expect(r).toContain("通过电话、电子邮箱受理");
  });
  it("finds the 2019 annual report in the catalogue with its 索引号", async () => {
    const r = await chat("q2", "有没有2019年的年度报告");
    expect(r).toContain("ZDRMT/2019-00001");
    expect(r).toContain("张店区融媒体中心2019年政府信息公开工作年度报告");
  });
  it("answers a figure of the published 2019 report and names the row", async () => {
    const r = await chat("q3", "二〇一九年收到多少申请");
    expect(r).toMatch(/2019年新收政府信息公开申请：\d+件/);
    expect(r).toContain("本年新收政府信息公开申请数量");
    expect(r).toContain("2019年政府信息公开工作年度报告");
  });
  it("says when the year's report is not published and names the latest one", async () => {
    const r = await chat("q4", "去年行政复议几件");
    expect(r).toContain("2025年度");
    expect(r).toContain("尚未公布");
    expect(r).toContain("2019年度报告");
  });
  it("answers a figure without a year from the latest published report (2019 here)", async () => {
    const r = await chat("q4b", "不予公开的有多少");
    expect(r).not.toContain("尚未公布");
    expect(r).toMatch(/2019年不予公开：\d+件/);
    expect(r).toContain("2019年政府信息公开工作年度报告");
  });
  it("tells a complaint where it belongs and files nothing", async () => {
    const before = await env.ctx.db.getRepository(Application).count();
    const r = await chat("q5", "我要举报村干部乱收费");
    expect(r).toContain("信访");
    expect(await env.ctx.db.getRepository(Application).count()).toBe(before);
  });
});

const FORM = ["我要申请", "1", "张三", "1", ID, "13800138000", "请公开2019年新闻采编经费的预算执行情况", "跳过", "2", "1"];

describe("filing through the chat", () => {
  it("files one application, and a repeated confirmation files nothing more", async () => {
    for (const m of FORM) await chat("filer", m);
    const done = await chat("filer", "确认");
    const no = /申请编号：(\S+)/.exec(done)?.[1];
    expect(no).toBeTruthy();
    const again = await chat("filer", "确认");
    expect(again).toContain("已经提交过了");
    const rows = await env.ctx.db.getRepository(Application).findBy({ applicationNo: no! });
    expect(rows).toHaveLength(1);
    expect(rows[0].channel).toBe("online");
    expect(rows[0].citizenKey).toBeNull();
    expect(rows[0].description).toBe("请公开2019年新闻采编经费的预算执行情况");
    const code = /查询码：(\S+)/.exec(done)![1];
    const status = await chat("filer", `查询申请 ${no} ${code}`);
    expect(status).toContain("办理状态");
  });

  it("relayed bot contacts are verified: their filing carries wx:<contact> and 我的申请 lists it; anonymous users see nothing", async () => {
    for (const m of FORM) await chat("wxid_alice", m, BOT);
    const done = await chat("wxid_alice", "确认", BOT);
    const no = /申请编号：(\S+)/.exec(done)![1];
    const row = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: no });
    expect(row.citizenKey).toBe("wx:wxid_alice");
    expect(row.channel).toBe("wechat");
    expect(await chat("wxid_alice", "我的申请", BOT)).toContain(no);
    const anon = await chat("wxid_alice", "我的申请");
    expect(anon).not.toContain(no);
    expect(anon).toContain("为保护个人信息");
  });

  it("continues a half-filled form after a restart (new context, same database and Redis)", async () => {
    for (const m of FORM.slice(0, 4)) await chat("restarter", m);
    // the half-filled form is in Redis with a TTL well beyond a 30-minute pause
    expect(env.ctx.kv.mode).toBe("redis");
    expect(await env.ctx.kv.ttl(`conv:session:chat:${conversationOf("restarter")}`)).toBeGreaterThan(30 * 60);
    const ctx2 = await createContext(env.config);
    const app2 = compose(ctx2);
    await prepare(app2);
    const server2 = buildApp(app2).callback();
    try {
      const next = await chat("restarter", ID, undefined, server2);
      expect(next).toContain("联系电话");
    } finally {
      await closeContext(ctx2);
    }
  });
});

describe("handoff to staff", () => {
  it("creates a consultation; the staff answer reaches the anonymous chat user with their next message", async () => {
    const r = await chat("helpme", "人工");
    expect(r).toContain("人工服务");
    const token = await staffToken(env, "clerk");
    const list = await request(env.server).get("/api/staff/consultations?status=open").set("Authorization", `Bearer ${token}`);
    expect(list.status).toBe(200);
    const c = (list.body.consultations as Array<{ id: string; question: string; channel: string }>).find((x) => x.question === "人工");
    expect(c).toBeDefined();
    expect(c!.channel).toBe("chat");
    const reply = await request(env.server)
      .post(`/api/staff/consultations/${c!.id}/reply`)
      .set("Authorization", `Bearer ${token}`)
      .send({ answer: "您好，2019年的预算信息已在公开目录中发布。" });
    expect(reply.status).toBe(200);
    expect(reply.body.consultation.status).toBe("answered");
    const again = await request(env.server).post(`/api/staff/consultations/${c!.id}/reply`).set("Authorization", `Bearer ${token}`).send({ answer: "再次" });
    expect(again.status).toBe(409);
    const next = await chat("helpme", "谢谢");
    expect(next).toContain("【工作人员回复】您好，2019年的预算信息已在公开目录中发布。");
    const outbox = await env.ctx.db.getRepository(OutboxMessage).findOneByOrFail({ recipient: `chat:${conversationOf("helpme")}` });
    expect(outbox.status).toBe("sent");
    const deliveries = await env.ctx.db.getRepository(NotificationDelivery).findBy({ outboxId: outbox.id });
    expect(deliveries.map((d) => [d.method, d.status])).toEqual([["inbox", "sent"]]);
    expect(await chat("helpme", "谢谢")).not.toContain("工作人员回复");
  });

  it("repeated misunderstanding opens a consultation by itself", async () => {
    await chat("confused", "阿巴阿巴");
    await chat("confused", "嗯嗯嗯嗯");
    const rows = await env.ctx.db.getRepository(Consultation).findBy({ recipient: `chat:${conversationOf("confused")}` });
    expect(rows).toHaveLength(1);
    expect(rows[0].reason).toBe("misunderstood");
  });

  it("refuses the staff API without a staff token", async () => {
    const res = await request(env.server).get("/api/staff/consultations");
    expect(res.status).toBe(401);
  });
});

describe("mini-program identity", () => {
  it("logs in through code2session and chats as a verified user; a bad code or token is refused", async () => {
    const login = await request(env.server).post("/api/miniprogram/login").send({ code: "abc" });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    expect(wx.calls.some((c) => c.path === "/sns/jscode2session" && c.query.js_code === "abc" && c.query.appid === "wxmp")).toBe(true);
    const mine = await chat("ignored", "我的申请", token);
    expect(mine).toContain("没有找到您通过本渠道提交的申请");
    // a consultation from the mini-program is answered on the mini-program: its notification endpoint
    await chat("ignored", "人工", token);
    const c = await env.ctx.db.getRepository(Consultation).findOneByOrFail({ recipient: "mp:mp-openid-abc" });
    expect(c.verified).toBe("yes");
    const staff = await staffToken(env, "clerk");
    await request(env.server).post(`/api/staff/consultations/${c.id}/reply`).set("Authorization", `Bearer ${staff}`).send({ answer: "小程序答复" }).expect(200);
    const notes = await request(env.server).get("/api/miniprogram/notifications").set("Authorization", `Bearer ${token}`);
    expect(notes.status).toBe(200);
    expect(notes.body.notifications).toEqual(["【工作人员回复】小程序答复"]);
    expect((await request(env.server).get("/api/miniprogram/notifications").set("Authorization", `Bearer ${token}`)).body.notifications).toEqual([]);
    expect((await request(env.server).get("/api/miniprogram/notifications")).status).toBe(401);
    const bad = await request(env.server).post("/api/miniprogram/login").send({ code: "bad-code" });
    expect(bad.status).toBe(401);
    const forged = await request(env.server).post("/api/chat").set("Authorization", "Bearer forged").send({ userId: "x", text: "你好" });
    expect(forged.status).toBe(401);
  });
});

describe("mini-program status notifications", () => {
  it("sends a subscription message, and leaves a refused one for the mini-program to poll", async () => {
    const agency = await defaultAgency(env.ctx);
    const repo = env.ctx.db.getRepository(OutboxMessage);
    const mk = (recipient: string) =>
      repo.save(
        Object.assign(new OutboxMessage(), {
          id: randomUUID(),
          agencyId: agency.id,
          applicationId: null,
          channel: "miniprogram",
          recipient,
          kind: "application.status_changed",
          payload: { applicationNo: "ZDRMT-2026-00077", statusLabel: "已答复", message: "您的申请已答复：予以公开。请查收答复告知书。" },
          status: "pending",
          attempts: 0,
          lastError: null,
          createdAt: new Date().toISOString(),
          deliveredAt: null,
        }),
      );
    const ok = await mk("mp:mp-openid-sub");
    const refused = await mk("mp:mp-openid-refused");
    // Issue 15: a subscription message goes out only against a recorded consent (wx.requestSubscribeMessage).
    const conv = env.services.conversation;
    await conv.subscriptions.record("mp:mp-openid-sub", { "mp-tpl-1": "accept" });
    await conv.subscriptions.record("mp:mp-openid-refused", { "mp-tpl-1": "accept" });
    await conv.deliverPending();
    const call = wx.calls.find((c) => c.path === "/cgi-bin/message/subscribe/send" && c.body?.touser === "mp-openid-sub");
    expect(call?.body?.template_id).toBe("mp-tpl-1");
    const data = call!.body!.data as Record<string, { value: string }>;
    expect(data.character_string1.value).toBe("ZDRMT-2026-00077");
    expect([...data.thing3.value].length).toBeLessThanOrEqual(20);
    expect((await repo.findOneByOrFail({ id: ok.id })).status).toBe("sent");
    const d = env.ctx.db.getRepository(NotificationDelivery);
    expect((await d.findOneByOrFail({ outboxId: ok.id })).method).toBe("subscribe");
    expect((await repo.findOneByOrFail({ id: refused.id })).status).toBe("pending");
    // WeChat's refusal is recorded with its errcode (issue 15; was "failed" before refusals were told apart).
    expect((await d.findOneByOrFail({ outboxId: refused.id })).status).toBe("refused");
    expect((await d.findOneByOrFail({ outboxId: refused.id })).errcode).toBe(43101);
    const login = await request(env.server).post("/api/miniprogram/login").send({ code: "refused" });
    const notes = await request(env.server).get("/api/miniprogram/notifications").set("Authorization", `Bearer ${login.body.token}`);
    expect(notes.body.notifications).toEqual(["【申请办理通知】您的申请已答复：予以公开。请查收答复告知书。"]);
    expect((await repo.findOneByOrFail({ id: refused.id })).status).toBe("sent");
  });
});

describe("chat API limits", () => {
  it("validates the body", async () => {
    const res = await request(env.server).post("/api/chat").send({ userId: "", text: "" });
    expect(res.status).toBe(400);
  });
  it("rate-limits per user in Redis", async () => {
    const user = `flood-${randomUUID()}`;
    const statuses: number[] = [];
    const first = await request(env.server).post("/api/chat").send({ userId: user, text: "你好" });
    statuses.push(first.status);
    for (let i = 1; i < 27; i++)
      statuses.push((await request(env.server).post("/api/chat").send({ userId: user, text: "你好", session: first.body.session })).status);
    expect(statuses.slice(0, 25).every((s) => s === 200)).toBe(true);
    expect(statuses[26]).toBe(429);
    expect((await request(env.server).post("/api/chat").send({ userId: user, text: "你好" })).status).toBe(200);
  });
});

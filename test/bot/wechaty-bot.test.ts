// The Wechaty bot logic with wechaty-puppet-mock against a running server (HTTP on port 0, PostgreSQL,
// Redis): a mock contact asks a question, files an application through the dialogue (the record is in
// PostgreSQL), and receives the notifications when staff confirm and answer it and when staff answer a
// consultation.
import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { WechatyBuilder, type Wechaty } from "wechaty";
import { PuppetMock, mock } from "wechaty-puppet-mock";
import { attachBot, type BotHandle } from "../../bots/bot-logic";
import { ChatClient } from "../../bots/chat-client";
import { Application } from "../../src/modules/applications/application.entity";
import { NotificationDelivery } from "../../src/modules/conversation/entities";
import { OutboxMessage } from "../../src/infra/entities/outbox-message.entity";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";

const BOT = "bot-service-token-for-tests-0001";

let env: TestEnv;
let server: http.Server;
let bot: Wechaty;
let handle: BotHandle;
let mocker: mock.Mocker;
let user: mock.ContactMock;
let citizen: mock.ContactMock;
const heard: string[] = [];

async function until<T>(fn: () => T | undefined | false, what: string, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; heard:\n${heard.join("\n---\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The citizen says something; resolves with what the bot says back (the first new message containing `expect`). */
async function ask(text: string, expectText: string): Promise<string> {
  const from = heard.length;
  citizen.say(text).to(user);
  return until(() => heard.slice(from).find((h) => h.includes(expectText)), `"${expectText}" after "${text}"`);
}

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z", env: { BOT_SERVICE_TOKEN: BOT } });
  server = http.createServer(env.server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  bot = WechatyBuilder.build({ name: `test-bot-${Date.now()}`, puppet });
  handle = attachBot(bot, { client: new ChatClient(url, BOT), pollIntervalMs: 200 });
  await bot.start();
  user = mocker.createContact({ name: "张店区融媒体中心政务号" });
  citizen = mocker.createContact({ name: "市民张三" });
  mocker.login(user);
  await until(() => bot.isLoggedIn, "login");
  citizen.on("message", (m: mock.MessageMock) => {
    if (m.payload.talkerId === user.id && m.payload.listenerId === citizen.id && m.payload.text) heard.push(m.payload.text);
  });
});

afterAll(async () => {
  handle?.stop();
  await bot?.stop().catch(() => undefined);
  await new Promise((r) => server?.close(r));
  await env?.close();
});

describe("Wechaty bot relay", () => {
  it("answers a question from the guide", async () => {
    // The how-to fact from the statutory FAQ with its article (was: the pasted guide section "依申请公开").
    const reply = await ask("请问怎么申请政府信息公开", "书面形式");
    expect(reply).toContain("第二十九条");
  });

  it("files an application through the dialogue and the staff answer reaches the contact as a notification", async () => {
    await ask("我要申请", "以什么身份申请");
    await ask("1", "姓名");
    await ask("张三", "证件类型");
    await ask("1", "身份证号码");
    await ask("123", "身份证号码格式不正确");
    await ask("11010519491231002X", "联系电话");
    await ask("13800138000", "描述");
    await ask("请公开2019年张店区融媒体中心新闻采编经费预算执行情况", "文号");
    await ask("跳过", "什么形式");
    await ask("2", "什么方式获取");
    await ask("4", "请核对您的申请");
    const filed = await ask("确认", "申请编号");
    const no = /申请编号：(\S+)/.exec(filed)![1];

    const row = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: no });
    expect(row.citizenKey).toBe(`wx:${citizen.id}`);
    expect(row.channel).toBe("wechat");
    expect(row.deliveryMethod).toBe("wechat");

    const token = await staffToken(env, "clerk");
    expect(row.status).toBe("received");
    expect(filed).toContain("答复期限");

    const answer = await request(env.server)
      .post(`/api/staff/applications/${encodeURIComponent(no)}/answer`)
      .set("Authorization", `Bearer ${token}`)
      .send({ disposition: "granted.provided" });
    expect(answer.status).toBe(200);
    await until(() => heard.find((h) => h.includes("【申请办理通知】") && h.includes("已答复")), "answer notification");

    const outbox = await env.ctx.db.getRepository(OutboxMessage).findBy({ recipient: `wx:${citizen.id}` });
    expect(outbox.length).toBeGreaterThanOrEqual(1);
    // the bot acknowledges after saying the text: wait for the acks to be recorded
    const sentByBot = async () =>
      (await env.ctx.db.getRepository(NotificationDelivery).findBy({ recipient: `wx:${citizen.id}` })).filter((d) => d.method === "bot" && d.status === "sent")
        .length;
    const deadline = Date.now() + 10000;
    while ((await sentByBot()) < outbox.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await sentByBot()).toBe(outbox.length);
    const after = await env.ctx.db.getRepository(OutboxMessage).findBy({ recipient: `wx:${citizen.id}` });
    expect(after.every((o) => o.status === "sent")).toBe(true);

    const mine = await ask("我的申请", no);
    expect(mine).toContain("已答复");
  });

  it("ignores group messages and does not relay them to the chat API", async () => {
    const room = mocker.createRoom({ topic: "业主群", memberIdList: [user.id, citizen.id] });
    const inRoom: string[] = [];
    room.on("message", (m: mock.MessageMock) => {
      if (m.payload.talkerId === user.id) inRoom.push(m.payload.text ?? "");
    });
    const before = heard.length;
    citizen.say("人工").to(room);
    citizen.say("你好").to(user);
    await until(() => heard.slice(before).find((h) => h.includes("我要申请")), "answer to the private message");
    expect(inRoom).toEqual([]);
    expect(heard.slice(before).some((h) => h.includes("人工服务"))).toBe(false);
  });

  it("hands over to a person and delivers the staff answer to the contact", async () => {
    await ask("人工", "人工服务");
    const token = await staffToken(env, "clerk");
    const list = await request(env.server).get("/api/staff/consultations?status=open").set("Authorization", `Bearer ${token}`);
    const c = (list.body.consultations as Array<{ id: string; channel: string }>).find((x) => x.channel === "wx")!;
    expect(c).toBeDefined();
    await request(env.server)
      .post(`/api/staff/consultations/${c.id}/reply`)
      .set("Authorization", `Bearer ${token}`)
      .send({ answer: "您好，预算信息请见公开目录。" })
      .expect(200);
    await until(() => heard.find((h) => h.includes("【工作人员回复】您好，预算信息请见公开目录。")), "consultation answer");
  });
});

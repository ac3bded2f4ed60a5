// The embedded default (SQLite, in-process key-value store): the same engine files an application,
// opens a consultation and delivers the staff answer; the conversation tables migrate on SQLite.
import request from "supertest";
import { Application } from "../../../src/modules/applications/application.entity";
import { Consultation } from "../../../src/modules/conversation/entities";
import { chatConversationId } from "../../../src/modules/conversation/chat-sessions";
import { anonymousChat } from "../../helpers/anonymous-chat";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", redis: false, now: "2026-03-02T02:00:00Z" });
});
afterAll(async () => env.close());
let chats: ReturnType<typeof anonymousChat> | undefined;

const chat = async (userId: string, text: string) => {
  const res = await (chats ??= anonymousChat(env.server)).send(userId, text);
  expect(res.status).toBe(200);
  return (res.body.replies as string[]).join("\n");
};

it("runs on SQLite with the in-process store", async () => {
  expect(env.ctx.kv.mode).toBe("memory");
  expect(await chat("s1", "有没有2019年的年度报告")).toContain("ZDRMT/2019-00001");
  for (const m of ["我要申请", "1", "周九", "1", "11010519491231002X", "13800138000", "请公开2019年融媒体中心的机构设置文件", "跳过", "2", "1"])
    await chat("s1", m);
  const done = await chat("s1", "确认");
  const no = /申请编号：(\S+)/.exec(done)![1];
  expect(await env.ctx.db.getRepository(Application).countBy({ applicationNo: no })).toBe(1);

  await chat("s2", "转人工");
  const c = await env.ctx.db.getRepository(Consultation).findOneByOrFail({ recipient: `chat:${chatConversationId(chats!.sessions.get("s2")!)}` });
  const token = await staffToken(env, "clerk");
  await request(env.server)
    .post(`/api/staff/consultations/${c.id}/reply`)
    .set("Authorization", `Bearer ${token}`)
    .send({ answer: "已收到，稍后联系您。" })
    .expect(200);
  expect(await chat("s2", "你好")).toContain("【工作人员回复】已收到，稍后联系您。");
});

it("says mini-program login is not set up instead of blaming the citizen's code", async () => {
  const res = await request(env.server).post("/api/miniprogram/login").send({ code: "abc" });
  expect(res.status).toBe(503);
  expect(res.body.error.code).toBe("MINIPROGRAM.UNAVAILABLE");
  expect(res.body.error.message).toContain("暂未开通");
});

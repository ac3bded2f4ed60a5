// Issue 14 through POST /api/chat on PostgreSQL and Redis with the real services: chatter at a prompt is
// answered and never reaches the application record; a natural confirmation files once; phone numbers are
// stored normalised; a free-form status query is looked up; a 2,000-character message is answered (HTTP 200,
// first part understood), not refused with 400.
import request from "supertest";
import { Application } from "../../../src/modules/applications/application.entity";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";

const BOT = "bot-service-token-0123456789";
const ID = "11010519491231002X";
const CREDIT = "91350100M000100Y43";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z", env: { BOT_SERVICE_TOKEN: BOT, CHAT_RATE_LIMIT_PER_MINUTE: "200" } });
});
afterAll(async () => {
  await env.close();
});

/** A contact relayed by the Wechaty bot (wx:<contact>). */
async function chat(contact: string, text: string): Promise<string> {
  const res = await request(env.server).post("/api/chat").set("Authorization", `Bearer ${BOT}`).send({ userId: contact, text });
  expect(res.status).toBe(200);
  return (res.body.replies as string[]).join("\n");
}
const filedBy = (contact: string) => env.ctx.db.getRepository(Application).findBy({ citizenKey: `wx:${contact}` });

describe("the form through the chat API", () => {
  it("keeps chatter out of the record, takes a dashed phone number and files once on “对的没问题”", async () => {
    const c = "wxid_org";
    for (const m of ["我要申请", "2", "淄博某某科技有限公司", CREDIT]) await chat(c, m);
    const where = await chat(c, "在吗？刚才填到哪了");
    expect(where).toContain("现在这一项是“联系人”");
    expect(await chat(c, "李四")).toContain("联系电话");
    expect(await chat(c, "139-5338-0001")).toContain("描述您需要的政府信息");
    for (const m of ["请公开2019年新闻采编经费的预算执行情况", "跳过", "2", "2"]) await chat(c, m);
    expect(await chat(c, "同上")).toContain("“同上”不能作为通信地址");
    expect(await chat(c, "山东省淄博市张店区人民西路1号")).toContain("请核对您的申请");
    const done = await chat(c, "对的没问题");
    expect(done).toContain("申请已提交");
    expect(await chat(c, "好的 提交吧")).toContain("已经提交过了");
    const rows = await filedBy(c);
    expect(rows).toHaveLength(1);
    expect(rows[0].applicant).toMatchObject({
      name: "淄博某某科技有限公司",
      contactName: "李四",
      phone: "13953380001",
      address: "山东省淄博市张店区人民西路1号",
    });
  });

  it("answers a complaint at the name prompt and “多久能出结果” at the ID prompt, then cancels on “算了 不弄了”", async () => {
    const c = "wxid_grumpy";
    await chat(c, "我要申请");
    await chat(c, "1");
    const complaint = await chat(c, "你们这也太麻烦了 我要投诉");
    expect(complaint).toContain("投诉");
    expect(complaint).toContain("请输入申请人姓名");
    await chat(c, "张三");
    await chat(c, "1");
    const when = await chat(c, "多久能出结果");
    expect(when).toContain("20个工作日");
    expect(when).not.toContain("身份证号码格式不正确");
    expect(when).toContain("请输入18位居民身份证号码");
    expect(await chat(c, "算了 不弄了")).toContain("已取消本次申请");
    expect(await filedBy(c)).toHaveLength(0);
  });

  it("full-width digits are a phone number, and a free-form “我的申请号是… 查询码…” is looked up", async () => {
    const c = "wxid_fullwidth";
    for (const m of ["我要申请", "1", "王五", "1", ID]) await chat(c, m);
    expect(await chat(c, "１３９５３３８０００２")).toContain("描述您需要的政府信息");
    for (const m of ["请公开2019年新闻采编经费的预算执行情况", "跳过", "2", "1"]) await chat(c, m);
    const done = await chat(c, "确认");
    const no = /申请编号：(\S+)/.exec(done)![1];
    const code = /查询码：(\S+)/.exec(done)![1];
    expect((await filedBy(c))[0].applicant.phone).toBe("13953380002");
    const status = await chat("wxid_someone_else", `我的申请号是${no} 查询码${code}`);
    expect(status).toContain(`申请编号：${no}`);
    expect(status).toContain("办理状态");
    expect(status).not.toContain("为保护个人信息");
  });
});

describe("long messages", () => {
  it("a 2,000-character message is answered from its first part (200), anonymous or relayed", async () => {
    const letter = `请问怎么申请政府信息公开？${"我家门口的道路多年失修，".repeat(200)}`.slice(0, 2000);
    for (const auth of [undefined, BOT]) {
      const req = request(env.server).post("/api/chat").send({ userId: "long-writer", text: letter });
      const res = await (auth ? req.set("Authorization", `Bearer ${auth}`) : req);
      expect(res.status).toBe(200);
      const text = (res.body.replies as string[]).join("\n");
      expect(text).toContain("您的消息较长（2000字），我先按前200字理解");
      expect(text).toContain("书面形式");
    }
  });

  it("a pasted file beyond 10,000 characters is still refused", async () => {
    const res = await request(env.server)
      .post("/api/chat")
      .send({ userId: "paster", text: "字".repeat(10001) });
    expect(res.status).toBe(400);
  });
});

// Full filing dialogues through the engine: validation re-prompts, the ID/phone warning, corrections,
// back, summary, cancel, a pause and a restart (new runner, same store), and a repeated confirmation.
import { MemoryKeyValueStore } from "../../../src/infra/kv";
import type { Speaker } from "../../../src/modules/conversation/runner";
import { fakeWorld, makeRunner } from "./fake-ports";

const ID = "11010519491231002X";
const CREDIT = "91350100M000100Y43";
const user = (id: string): Speaker => ({ channel: "wx", userId: id, citizenKey: `wx:${id}` });
const text = (o: { replies: string[] }) => o.replies.join("\n");

describe("guided filing form", () => {
  it("walks a natural person through every field with re-prompts, corrections and one filing", async () => {
    const { say, world } = makeRunner();
    const u = user("alice");
    expect(text(await say(u, "我要申请"))).toContain("以什么身份申请");
    expect(text(await say(u, "9"))).toContain("请回复1到6之间的序号");
    expect(text(await say(u, "1"))).toContain("请输入申请人姓名");
    expect(text(await say(u, "张三"))).toContain("证件类型");
    expect(text(await say(u, "身份证"))).toContain("18位居民身份证号码");
    const badId = text(await say(u, "110105194912310021"));
    expect(badId).toContain("身份证号码格式不正确");
    expect(badId).toContain("18位居民身份证号码");
    expect(text(await say(u, ID))).toContain("联系电话");
    expect(text(await say(u, "12345"))).toContain("联系电话格式不正确");
    expect(text(await say(u, "13800138000"))).toContain("描述您需要的政府信息");
    expect(text(await say(u, "短"))).toContain("描述过短");
    const warned = text(await say(u, "请提供2019年新闻采编经费的预算文件，我的电话13800138000"));
    expect(warned).toContain("电话号码");
    expect(text(await say(u, "请提供2019年新闻采编经费的预算文件"))).toContain("文号");
    expect(text(await say(u, "跳过"))).toContain("什么形式");
    expect(text(await say(u, "2"))).toContain("什么方式获取");
    expect(text(await say(u, "3"))).toContain("电子邮箱");
    expect(text(await say(u, "not-an-email"))).toContain("电子邮箱格式不正确");
    const summary = text(await say(u, "zhangsan@example.com"));
    expect(summary).toContain("请核对您的申请");
    expect(summary).toContain("1101**********002X");
    expect(summary).not.toContain(ID);
    expect(summary).toContain("获取方式：电子邮件");
    // change one field from the summary, then back to the summary
    expect(text(await say(u, "修改 联系电话"))).toContain("联系电话");
    const after = text(await say(u, "13900139000"));
    expect(after).toContain("请核对您的申请");
    expect(after).toContain("139****9000");
    const filed = await say(u, "确认");
    expect(filed.effects).toEqual(["submit"]);
    expect(text(filed)).toContain("申请编号：ZDRMT-2026-00001");
    expect(text(filed)).toContain("查询码：Q7K2M9");
    const input = [...world.filed.values()][0].input;
    expect(input).toMatchObject({
      channel: "wechat",
      applicant: { category: "natural_person", name: "张三", idType: "resident_id", idNumber: ID, phone: "13900139000", email: "zhangsan@example.com" },
      description: "请提供2019年新闻采编经费的预算文件",
      deliveryForm: "electronic",
      deliveryMethod: "email",
    });
    expect([...world.filed.values()][0].citizenKey).toBe("wx:alice");
    // a repeated confirmation does not file again
    const again = await say(u, "确认");
    expect(again.effects).toEqual([]);
    expect(text(again)).toContain("已经提交过了");
    expect(text(again)).toContain("ZDRMT-2026-00001");
    expect(world.submitCalls).toBe(1);
    expect(world.filed.size).toBe(1);
  });

  it("keeps a description with a phone number when the citizen says 保留", async () => {
    const { say, world } = makeRunner();
    const u = user("keeper");
    for (const m of ["我要申请", "1", "李四", "1", ID, "13800138000"]) await say(u, m);
    expect(text(await say(u, "请公开2019年度报告中提到的13800138000热线的设立文件"))).toContain("保留");
    expect(text(await say(u, "保留"))).toContain("文号");
    for (const m of ["跳过", "1", "1"]) await say(u, m);
    const sum = text(await say(u, "查看"));
    expect(sum).toContain("13800138000热线");
    await say(u, "确认");
    expect(world.filed.size).toBe(1);
  });

  it("asks organisations for credit code and contact person, and goes back with 上一步", async () => {
    const { say, world } = makeRunner();
    const u = user("org");
    await say(u, "我要申请");
    expect(text(await say(u, "2"))).toContain("单位全称");
    expect(text(await say(u, "淄博某某科技有限公司"))).toContain("统一社会信用代码");
    expect(text(await say(u, "12345"))).toContain("统一社会信用代码格式不正确");
    expect(text(await say(u, CREDIT))).toContain("联系人");
    const back = text(await say(u, "上一步"));
    expect(back).toContain("统一社会信用代码");
    expect(text(await say(u, CREDIT))).toContain("联系人");
    for (const m of ["王五", "0533-1234567", "请公开2020年广告经营收入的统计数据", "跳过", "1"]) await say(u, m);
    expect(text(await say(u, "2"))).toContain("邮寄地址");
    const sum = text(await say(u, "山东省淄博市张店区某某路1号"));
    expect(sum).toContain("统一社会信用代码：91350100M000100Y43");
    expect(sum).toContain("通信地址：山东省淄博市张店区某某路1号");
    await say(u, "确认");
    const input = [...world.filed.values()][0].input;
    expect(input.applicant).toMatchObject({ category: "org.commercial", creditCode: CREDIT, contactName: "王五", address: "山东省淄博市张店区某某路1号" });
    expect(input.applicant.idNumber).toBeUndefined();
  });

  it("cancels: the form is cleared and the next message is an ordinary question", async () => {
    const { say, world } = makeRunner();
    const u = user("quitter");
    await say(u, "我要申请");
    await say(u, "1");
    expect(text(await say(u, "取消"))).toContain("已取消本次申请");
    const next = await say(u, "办公时间");
    expect(next.intent).toBe("guide.contact");
    expect(text(await say(u, "确认"))).not.toContain("申请编号");
    expect(world.submitCalls).toBe(0);
  });

  it("resumes after a 40-minute pause and a restart (new runner on the same store)", async () => {
    let clock = Date.parse("2026-03-02T02:00:00Z");
    const kv = new MemoryKeyValueStore(() => clock);
    const world = fakeWorld();
    const first = makeRunner(kv, world);
    const u = user("pauser");
    for (const m of ["我要申请", "1", "赵六"]) await first.say(u, m, new Date(clock));
    clock += 40 * 60 * 1000;
    const restarted = makeRunner(kv, world);
    const resumed = text(await restarted.say(u, "继续", new Date(clock)));
    expect(resumed).toContain("证件类型");
    for (const m of ["1", ID, "13800138000", "请公开2019年政府信息公开工作年度报告的原始统计表", "跳过", "1", "1"]) await restarted.say(u, m, new Date(clock));
    const done = await restarted.say(u, "确认", new Date(clock));
    expect(text(done)).toContain("申请编号");
    expect([...world.filed.values()][0].input.applicant.name).toBe("赵六");
  });

  it("files once when the same confirmation is processed twice concurrently", async () => {
    const { say, world } = makeRunner();
    const u = user("double");
    for (const m of ["我要申请", "1", "钱七", "1", ID, "13800138000", "请公开2019年新闻发布会的记录", "跳过", "1", "1"]) await say(u, m);
    const [a, b] = await Promise.all([say(u, "确认"), say(u, "确认")]);
    expect(world.filed.size).toBe(1);
    const all = text(a) + text(b);
    expect(all).toContain("ZDRMT-2026-00001");
    expect(all).toContain("已经提交过了");
  });
});

describe("transcript privacy", () => {
  it("masks ID and phone numbers in the history handed to staff", async () => {
    const { say, world } = makeRunner();
    const u = user("private");
    for (const m of ["我要申请", "1", "孙八", "1", ID, "13800138000"]) await say(u, m);
    await say(u, "人工");
    expect(world.handoffs).toHaveLength(1);
    const transcript = JSON.stringify(world.handoffs[0].transcript);
    expect(transcript).toContain("孙八");
    expect(transcript).not.toContain(ID);
    expect(transcript).not.toContain("13800138000");
    expect(transcript).toContain("110***********002X");
  });

  it("masks ID and phone numbers in the question handed to staff", async () => {
    const { say, world } = makeRunner();
    await say(user("private-q"), `人工，我的电话13800138000，身份证${ID}`);
    expect(world.handoffs).toHaveLength(1);
    expect(world.handoffs[0].question).not.toContain("13800138000");
    expect(world.handoffs[0].question).not.toContain(ID);
    expect(world.handoffs[0].question).toContain("138****8000");
  });
});

describe("questions in the middle of the form", () => {
  it("answers the question and asks the current field again, keeping what was filled", async () => {
    const { say, world } = makeRunner();
    const u = user("curious");
    for (const m of ["我要申请", "1", "吴十", "1", ID]) await say(u, m);
    const q = await say(u, "申请要收费吗？");
    expect(q.intent).toBe("guide.fees");
    expect(text(q)).toContain("信息处理费");
    expect(text(q)).toContain("我们继续填写申请：请输入联系电话");
    const f = await say(u, "2019年收到多少申请");
    expect(text(f)).toContain("3件");
    expect(text(f)).toContain("请输入联系电话");
    // a wrong phone number is still a validation error, not a question
    expect(text(await say(u, "12345"))).toContain("联系电话格式不正确");
    for (const m of ["13800138000", "请问2019年收到多少申请的统计表能否公开？", "跳过", "1", "1"]) await say(u, m);
    await say(u, "确认");
    expect([...world.filed.values()][0].input.description).toBe("请问2019年收到多少申请的统计表能否公开？");
  });
});

describe("what the citizen asked for when opening the form", () => {
  it("is offered as the description and used on 是", async () => {
    const { say, world } = makeRunner();
    const u = user("direct");
    const start = await say(u, "我要申请公开2019年新闻采编经费的预算执行情况");
    expect(start.intent).toBe("file_start");
    for (const m of ["1", "郑一", "1", ID]) await say(u, m);
    expect(text(await say(u, "13800138000"))).toContain("您开始时提到需要：“2019年新闻采编经费的预算执行情况”");
    expect(text(await say(u, "是"))).toContain("文号");
    for (const m of ["跳过", "1", "1"]) await say(u, m);
    await say(u, "确认");
    expect([...world.filed.values()][0].input.description).toBe("2019年新闻采编经费的预算执行情况");
  });
  it("offers nothing when only 我要申请 was said", async () => {
    const { say } = makeRunner();
    const u = user("plain");
    for (const m of ["我要申请", "1", "郑二", "1", ID]) await say(u, m);
    expect(text(await say(u, "13800138000"))).toContain("请描述您需要的政府信息");
  });
});

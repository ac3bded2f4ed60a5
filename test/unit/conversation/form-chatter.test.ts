// Issue 14, the form that knows chatter from answers, through the engine and runner with plain ports:
// questions, greetings, complaints and "同上" at a prompt are answered and the field asked again (never
// saved); natural confirmations file and hesitations do not; natural cancels; phone numbers in the forms
// citizens type them; a free-form status query; long messages; staff-written answers through the knowledge
// index (the one matcher of them) and the miss record.
import type { AnswerUnit } from "../../../src/modules/conversation/knowledge/answer-unit";
import { isCancel, isConfirmation } from "../../../src/modules/conversation/form-chatter";
import { firstPart, UNDERSTOOD_CHARS } from "../../../src/modules/conversation/long-message";
import { normalizePhone } from "../../../src/modules/conversation/phone";
import type { Speaker } from "../../../src/modules/conversation/runner";
import { fakeWorld, makeRunner } from "./fake-ports";
import { knowledgeIndex } from "./knowledge-fixture";

const ID = "11010519491231002X";
const CREDIT = "91350100M000100Y43";
const user = (id: string): Speaker => ({ channel: "wx", userId: id, citizenKey: `wx:${id}` });
const anon = (id: string): Speaker => ({ channel: "chat", userId: id, citizenKey: null });
const text = (o: { replies: string[] }) => o.replies.join("\n");

/**
 * A runner whose ports also record misses; with `staff` answers, the knowledge index (built by the real
 * producers) holds them as custom units, as LearnedKnowledge.customUnits gives them to the index. Without:
 * no index, the fallback path (what the intents do not place is a miss).
 */
function learningRunner(staff?: Record<string, { answer: string; source: string }>) {
  const world = fakeWorld();
  const misses: Array<{ text: string; reply: string; score: number | null; channel: string }> = [];
  if (staff) {
    const units: AnswerUnit[] = Object.entries(staff).map(([q, a], i) => ({
      id: `custom:${i + 1}`,
      kind: "custom",
      agencyCode: "zdrmt",
      questions: [q],
      answer: a.answer,
      source: { label: a.source },
    }));
    const idx = knowledgeIndex(units);
    world.ports.knowledge = async () => idx;
  }
  world.ports.recordMiss = async (m) => {
    misses.push(m);
  };
  return { ...makeRunner(undefined, world), misses };
}

async function toStep(say: ReturnType<typeof makeRunner>["say"], u: Speaker, messages: string[]) {
  for (const m of messages) await say(u, m);
}
const PERSON_TO_PHONE = ["我要申请", "1", "张三", "1", ID];
const PERSON_TO_SUMMARY = [...PERSON_TO_PHONE, "13800138000", "请提供2019年新闻采编经费的预算文件", "跳过", "1", "1"];

describe("chatter at a free-text prompt is answered, not saved", () => {
  it("“在吗？刚才填到哪了” at the contact-person prompt says where the form stands; the contact is the next answer", async () => {
    const { say, world } = makeRunner();
    const u = user("org");
    await toStep(say, u, ["我要申请", "2", "淄博某某科技有限公司", CREDIT]);
    const where = text(await say(u, "在吗？刚才填到哪了"));
    expect(where).toContain("在的");
    expect(where).toContain("现在这一项是“联系人”");
    expect(where).toContain("请输入联系人姓名");
    expect(text(await say(u, "李四"))).toContain("联系电话");
    await toStep(say, u, ["13800138000", "请提供2019年新闻采编经费的预算文件", "跳过", "1", "1"]);
    const sum = text(await say(u, "查看"));
    expect(sum).toContain("联系人：李四");
    expect(sum).not.toContain("在吗");
    await say(u, "确认");
    expect([...world.filed.values()][0].input.applicant.contactName).toBe("李四");
  });

  it("“你们这也太麻烦了 我要投诉” at the name prompt is a complaint: told where to complain, the name is asked again", async () => {
    const { say } = makeRunner();
    const u = user("grumpy");
    await toStep(say, u, ["我要申请", "1"]);
    const out = await say(u, "你们这也太麻烦了 我要投诉");
    expect(out.intent).toBe("form.complaint");
    expect(text(out)).toContain("投诉");
    expect(text(out)).toContain("已填写的内容都已保留");
    expect(text(out)).toContain("请输入申请人姓名");
    expect(text(await say(u, "张三"))).toContain("证件类型");
    await toStep(say, u, ["1", ID, "13800138000", "请提供2019年新闻采编经费的预算文件", "跳过", "1", "1"]);
    expect(text(await say(u, "查看"))).toContain("姓名/单位名称：张三");
  });

  it("“同上” at the address prompt gets a clear re-prompt, not a saved address", async () => {
    const { say, world } = makeRunner();
    const u = user("mailer");
    await toStep(say, u, [...PERSON_TO_PHONE, "13800138000", "请提供2019年新闻采编经费的预算文件", "跳过", "1", "2"]);
    const same = await say(u, "同上");
    expect(same.intent).toBe("form.same_as");
    expect(text(same)).toContain("“同上”不能作为通信地址");
    expect(text(same)).toContain("请输入邮寄地址");
    for (const w of ["和上面一样", "一样"]) expect(text(await say(u, w))).toContain("不能作为通信地址");
    expect(text(await say(u, "山东省淄博市张店区人民西路1号"))).toContain("请核对您的申请");
    await say(u, "确认");
    expect([...world.filed.values()][0].input.applicant.address).toBe("山东省淄博市张店区人民西路1号");
  });

  it("a name that is a name, and a description that reads like a question, are still saved", async () => {
    const { say } = makeRunner();
    const u = user("plain");
    await toStep(say, u, ["我要申请", "1", "欧阳·娜娜", "1", ID, "13800138000"]);
    expect(text(await say(u, "请问2019年新闻采编经费的预算文件在哪里能看到？"))).toContain("文号");
    await toStep(say, u, ["跳过", "1", "1"]);
    const sum = text(await say(u, "查看"));
    expect(sum).toContain("姓名/单位名称：欧阳·娜娜");
    expect(sum).toContain("所需信息描述：请问2019年新闻采编经费的预算文件在哪里能看到？");
  });

  it("“多久能出结果” at the ID prompt is answered with the time limit, then the ID number is asked again", async () => {
    const { say } = makeRunner();
    const u = user("impatient");
    await toStep(say, u, ["我要申请", "1", "张三", "1"]);
    const out = await say(u, "多久能出结果");
    expect(out.effects).toEqual(["guide"]);
    expect(text(out)).toContain("20个工作日");
    expect(text(out)).not.toContain("身份证号码格式不正确");
    expect(text(out)).toContain("我们继续填写申请：请输入18位居民身份证号码");
    expect(text(await say(u, ID))).toContain("联系电话");
  });

  it("a question nothing places is recorded as a miss, like outside the form, and the form resumes", async () => {
    const { say, misses } = learningRunner();
    const u = user("curious");
    await toStep(say, u, ["我要申请", "1"]);
    const out = await say(u, "你们食堂对外开放吗？");
    expect(out.effects).toEqual(["record_miss"]);
    expect(text(out)).toContain("暂时回答不了");
    expect(text(out)).toContain("我们继续填写申请：请输入申请人姓名");
    expect(misses).toEqual([{ text: "你们食堂对外开放吗？", reply: expect.stringContaining("暂时回答不了"), score: null, channel: "wx" }]);
    expect(text(await say(u, "张三"))).toContain("证件类型");
  });

  it("a mid-form question answered by a staff-written answer resumes the form", async () => {
    const { say, misses } = learningRunner({ "你们食堂对外开放吗？": { answer: "食堂不对外开放。", source: "张店区融媒体中心工作人员解答（2026-03-01）" } });
    const u = user("curious2");
    await toStep(say, u, ["我要申请", "1"]);
    const out = text(await say(u, "你们食堂对外开放吗？"));
    expect(out).toContain("食堂不对外开放。\n（来源：张店区融媒体中心工作人员解答（2026-03-01））");
    expect(out).toContain("我们继续填写申请：请输入申请人姓名");
    expect(misses).toEqual([]);
  });
});

describe("confirmations and cancels in the citizen's words", () => {
  it.each(["好的 提交吧", "对的没问题", "确认无误，提交", "确认"])("“%s” at the summary files once", async (yes) => {
    const { say, world } = makeRunner();
    const u = user(`yes-${yes}`);
    await toStep(say, u, PERSON_TO_SUMMARY);
    const out = await say(u, yes);
    expect(out.effects).toEqual(["submit"]);
    expect(text(out)).toContain("申请已提交");
    expect(world.filed.size).toBe(1);
    expect(text(await say(u, yes))).toContain("已经提交过了");
    expect(world.submitCalls).toBe(1);
  });

  it.each(["先别提交", "不对", "我再看看", "确认了吗？", "好的 不过电话写错了"])("“%s” at the summary does not file", async (no) => {
    const { say, world } = makeRunner();
    const u = user(`no-${no}`);
    await toStep(say, u, PERSON_TO_SUMMARY);
    const out = await say(u, no);
    expect(out.effects).not.toContain("submit");
    expect(world.submitCalls).toBe(0);
  });

  it.each(["算了", "算了 不弄了", "不要了", "那算了吧", "不申请了"])("“%s” cancels the form", async (stop) => {
    const { say } = makeRunner();
    const u = user(`stop-${stop}`);
    await toStep(say, u, ["我要申请", "1", "张三"]);
    const out = await say(u, stop);
    expect(out.intent).toBe("form.cancel");
    expect(text(out)).toContain("已取消本次申请");
    expect(text(await say(u, "收费吗"))).not.toContain("继续填写");
  });

  it("“不用了” at the optional 文号 prompt does not throw the form away", async () => {
    expect(isCancel("不用了")).toBe(false);
    expect(isCancel("算了算了")).toBe(true);
    expect(isCancel("算了，我先问个问题")).toBe(false);
    expect(isConfirmation("好")).toBe(true);
    expect(isConfirmation("提交不了")).toBe(false);
  });
});

describe("phone numbers as citizens type them", () => {
  it.each([
    ["１３９５３３８０００１", "13953380001"],
    ["139-5338-0001", "13953380001"],
    ["139 5338 0001", "13953380001"],
    ["+86 139 5338 0001", "13953380001"],
    ["+86-13953380001", "13953380001"],
    ["0533 1234567", "0533-1234567"],
    ["（0533）1234567", "0533-1234567"],
    ["０５３３－１２３４５６７", "0533-1234567"],
  ])("%s → %s", (typed, stored) => expect(normalizePhone(typed)).toBe(stored));

  it("a full-width and a dashed mobile number are accepted in the form and filed normalised", async () => {
    const { say, world } = makeRunner();
    const u = user("phone");
    await toStep(say, u, PERSON_TO_PHONE);
    expect(text(await say(u, "１３９５３３８０００１"))).toContain("描述您需要的政府信息");
    await toStep(say, u, ["请提供2019年新闻采编经费的预算文件", "跳过", "1", "1"]);
    expect(text(await say(u, "查看"))).toContain("联系电话：139****0001");
    await say(u, "修改 联系电话");
    expect(text(await say(u, "+86 139-5338-0002"))).toContain("请核对您的申请");
    await say(u, "确认");
    expect([...world.filed.values()][0].input.applicant.phone).toBe("13953380002");
  });

  it("still refuses what is not a phone number", async () => {
    const { say } = makeRunner();
    const u = user("badphone");
    await toStep(say, u, PERSON_TO_PHONE);
    expect(text(await say(u, "139-5338-00"))).toContain("联系电话格式不正确");
  });
});

describe("a status query typed in free form", () => {
  it("“我的申请号是… 查询码…” is looked up, not refused as 我的申请", async () => {
    const { say } = makeRunner();
    const out = await say(anon("free-status"), "我的申请号是ZDRMT-2026-00001 查询码AB12CD");
    expect(out.effects).toEqual(["status"]);
    expect(text(out)).toContain("办理状态：办理中");
    expect(text(out)).not.toContain("为保护个人信息");
  });

  it("typed in the middle of the form, it is answered and the form resumes at the same field", async () => {
    const { say } = makeRunner();
    const u = user("status-in-form");
    await toStep(say, u, ["我要申请", "1"]);
    const out = await say(u, "我的申请编号是ZDRMT-2026-00001，查询码是AB12CD");
    expect(out.effects).toEqual(["status"]);
    expect(text(out)).toContain("办理状态：办理中");
    expect(text(out)).toContain("我们继续填写申请：请输入申请人姓名");
  });
});

describe("long messages", () => {
  const letter = `请问怎么申请政府信息公开？${"我家门口的道路多年失修，".repeat(200)}`.slice(0, 2000);

  it("outside the form, a 2,000-character message is understood from its first part, and the reply says so", async () => {
    const { say } = makeRunner();
    const out = await say(anon("letter"), letter);
    expect(letter.length).toBe(2000);
    expect(text(out)).toContain(`您的消息较长（2000字），我先按前${UNDERSTOOD_CHARS}字理解`);
    expect(out.intent).toBe("guide.how_to_apply");
    expect(firstPart("短消息")).toBeNull();
  });

  it("inside the form, a long description is kept whole", async () => {
    const { say, world } = makeRunner();
    const u = user("long-desc");
    const description = `请提供2019年新闻采编经费的预算文件。${"具体包括每一笔支出的明细和审批记录，".repeat(60)}`;
    expect(description.length).toBeGreaterThan(1000);
    await toStep(say, u, [...PERSON_TO_PHONE, "13800138000"]);
    expect(text(await say(u, description))).toContain("文号");
    await toStep(say, u, ["跳过", "1", "1", "确认"]);
    expect([...world.filed.values()][0].input.description).toBe(description.trim());
  });
});

describe("what the bot missed", () => {
  it("an unknown message outside the form is looked up, then answered 没理解 and recorded with that reply", async () => {
    const { say, misses } = learningRunner();
    const out = await say(anon("miss"), "今天天气怎么样");
    expect(out.intent).toBe("unknown");
    expect(text(out)).toContain("没有理解");
    expect(misses).toHaveLength(1);
    expect(misses[0]).toMatchObject({ text: "今天天气怎么样", score: null, channel: "chat" });
    expect(misses[0].reply).toContain("没有理解");
  });

  it("a staff-written answer is used instead, resets the miss count and records nothing", async () => {
    const { say, misses, world } = learningRunner({ 食堂开放吗: { answer: "食堂不对外开放。", source: "工作人员解答" } });
    const u = anon("learned");
    await say(u, "阿巴阿巴");
    const out = await say(u, "食堂开放吗");
    expect(text(out)).toContain("食堂不对外开放。");
    expect(world.handoffs).toHaveLength(0);
    expect(misses).toHaveLength(1);
  });

  it("a failing miss record or lookup never fails the citizen's message", async () => {
    const world = fakeWorld();
    world.ports.knowledge = async () => {
      throw new Error("db down");
    };
    world.ports.recordMiss = async () => {
      throw new Error("db down");
    };
    const { say } = makeRunner(undefined, world);
    const out = await say(anon("fragile"), "今天天气怎么样");
    expect(text(out)).toContain("没有理解");
    expect(text(out)).not.toContain("系统繁忙");
  });

  it("ID and phone numbers are masked in what the engine records", async () => {
    const { say, misses } = learningRunner();
    await say(anon("pii"), `阿巴阿巴 ${ID} 13800138000`);
    expect(misses[0].text).not.toContain(ID);
    expect(misses[0].text).not.toContain("13800138000");
    // the same inside the form
    const u = user("pii-form");
    await toStep(say, u, ["我要申请", "1"]);
    await say(u, "你们食堂开放吗？我是13800138000");
    expect(misses[1].text).toBe("你们食堂开放吗？我是138****8000");
  });
});

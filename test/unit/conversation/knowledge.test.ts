// The bot's knowledge: the realistic messages through the engine and runner with an index built by
// the real producers (test/unit/conversation/knowledge-fixture.ts): the specific fact first with its source,
// the report cell asked (year, row, column), "您是想问" below the threshold, redirects and refusals, misses
// recorded, staff-written answers used at once, and the action intents unchanged.
import { newSession, step, type TextIncoming } from "../../../src/modules/conversation/engine";
import { answerMessage, MAX_REPLY } from "../../../src/modules/conversation/knowledge/answering";
import type { AnswerUnit } from "../../../src/modules/conversation/knowledge/answer-unit";
import type { Speaker } from "../../../src/modules/conversation/runner";
import { sharedUnderstanding } from "../../../src/modules/conversation/understanding";
import { fakeWorld, makeRunner } from "./fake-ports";
import { knowledgeIndex } from "./knowledge-fixture";

const nlu = sharedUnderstanding();
const index = knowledgeIndex();
const anon = (id: string): Speaker => ({ channel: "chat", userId: id, citizenKey: null });
const now = "2026-03-02T02:00:00.000Z";
const msg = (text: string): TextIncoming => ({ type: "text", text, now, messageId: "m1", channel: "chat", verified: false, currentYear: 2026 });
const ask = (text: string) => step(nlu, newSession(now), msg(text), index);
const reply = (text: string) => ask(text).replies.join("\n");

function withKnowledge(extra: AnswerUnit[] = [], attached: Array<{ unitId: string; question: string }> = []) {
  const world = fakeWorld();
  const misses: Array<{ text: string; reply: string; score: number | null; channel: string }> = [];
  const idx = knowledgeIndex(extra, attached);
  world.ports.knowledge = async () => idx;
  world.ports.recordMiss = async (m) => void misses.push(m);
  return { ...makeRunner(undefined, world), misses };
}

describe("the specific fact, first, with its source", () => {
  it.each([
    ["对答复不服多久可以申请复议", "60日内", "行政复议法"],
    ["多久内可以起诉", "6个月内", "行政诉讼法"],
    ["申请要带什么证件", "身份证", "第二十九条"],
    ["申请需要说明用途吗", "不需要", "第二十九条"],
    ["能加急吗", "没有加急", "第三十三条"],
    ["申请后多久答复", "20个工作日", "第三十三条"],
    ["答复期限可以延长吗", "不超过20个工作日", "第三十三条"],
    ["申请内容不明确要补正吗", "7个工作日", "第三十条"],
    ["申请要收费吗", "不收费", "第四十二条"],
    ["哪些信息不予公开", "国家秘密", "第十四条"],
  ])("%s → %s (%s)", (text, fact, source) => {
    const r = ask(text);
    expect(r.intent).toBe("knowledge.answer");
    const [answer, src] = r.replies[0].split("\n（来源：");
    expect(answer).toContain(fact);
    expect(src).toContain(source);
    expect(r.replies[0].length).toBeLessThanOrEqual(MAX_REPLY);
  });

  it("links the regulation and offers the full text; “详细” sends it", async () => {
    const { say } = withKnowledge();
    const first = (await say(anon("d1"), "申请要收费吗")).replies.join("\n");
    expect(first).toContain("https://www.gov.cn/");
    expect(first).toContain("回复“详细”看全文");
    const more = (await say(anon("d1"), "详细")).replies.join("\n");
    expect(more).toContain("11—30件每件100元");
  });

  it("answers a catalogue entry with its 索引号 and URL", () => {
    const r = reply("有没有2024年的年度报告");
    expect(r).toContain("张店区融媒体中心2024年政府信息公开工作年度报告");
    expect(r).toContain("ZDRMT/2025-00002");
    expect(r).toContain("https://example.gov.cn/zdrmt/2024-report");
  });

  it("answers a guide fact with the guide section as its source", () => {
    const r = reply("区融媒体中心通过哪些渠道受理申请");
    expect(r).toContain("通过电话、电子邮箱受理");
    expect(r).toContain("《张店区融媒体中心政府信息公开指南》·依申请公开：申请方式");
    // The date of receipt is a statutory FAQ fact (条例第三十一条, all four ways of filing) the guide restates.
    const when = reply("收到申请的时间怎么算");
    expect(when).toContain("签收之日");
    expect(when).toContain("第三十一条");
  });

  it("gives two answers to two questions in one message", () => {
    const r = ask("申请要收费吗？多久能答复？");
    expect(r.replies).toHaveLength(2);
    expect(r.replies[0]).toContain("不收费");
    expect(r.replies[1]).toContain("20个工作日");
  });

  it("answers “你们是什么单位” with the agency profile", () => {
    expect(reply("你们是什么单位")).toContain("淄博市张店区融媒体中心");
  });

  it("two questions run together without punctuation get two answers (profile + phone)", () => {
    const r = ask("你们是什么单位 电话多少");
    expect(r.replies).toHaveLength(2);
    expect(r.replies[0]).toContain("淄博市张店区融媒体中心");
    expect(r.replies[1]).toContain("联系电话");
    expect(r.replies[1]).toContain("待机关补充");
    // …and after a question particle with no space at all.
    const fees = ask("收费吗多久能答复");
    expect(fees.replies).toHaveLength(2);
    expect(fees.replies.join("\n")).toContain("不收费");
    expect(fees.replies.join("\n")).toContain("20个工作日");
  });
});

describe("report figures: the cell asked", () => {
  it("a column of a row (前年 = 2024; 自然人 10 of 11), not the row total", () => {
    const r = reply("前年收到的申请里自然人的有几个");
    expect(r).toContain("2024年");
    expect(r).toContain("自然人：10件");
    expect(r).toContain("合计11件");
    expect(r).toContain("三、收到和处理政府信息公开申请情况");
  });

  it("a row total says which breakdowns exist", () => {
    const r = reply("2023年收到多少申请");
    expect(r).toContain("2023年新收政府信息公开申请：6件");
    expect(r).toContain("自然人5件");
    expect(r).toContain("商业企业1件");
  });

  it("a group row (不予公开) sums its reasons", () => {
    expect(reply("2024年不予公开多少")).toContain("不予公开：2件");
  });

  it("section 二 (第二十条): 2019年制作了多少规范性文件", () => {
    const r = reply("2019年制作了多少规范性文件");
    expect(r).toContain("规范性文件本年新制作数量：9件");
    expect(r).toContain("二、主动公开政府信息情况");
  });

  it("section 四 phrased “有没有被起诉”: litigation, direct and after review", () => {
    const r = reply("2024年有没有被起诉");
    expect(r).toContain("2024年行政诉讼：2件");
    expect(r).toContain("四、政府信息公开行政复议、行政诉讼情况");
    expect(reply("2024年被复议的结果维持几件")).toContain("行政复议·结果维持：2件");
  });

  it("a narrative (五, problems) and a comparison across years", () => {
    expect(reply("2024年报告里存在的主要问题是什么")).toContain("及时性还需提高");
    const cmp = reply("历年收到的申请数量");
    expect(cmp).toContain("2019年：16件");
    expect(cmp).toContain("2023年：6件");
    expect(cmp).toContain("2024年：11件");
  });

  it("a year not published says so and lists the published ones", () => {
    const r = reply("去年收到多少申请");
    expect(r).toContain("2025年度的政府信息公开工作年度报告尚未公布");
    expect(r).toContain("2019年、2023年、2024年");
  });

  it("a legal-cost question is not answered with a litigation count", () => {
    const r = reply("打官司要花多少律师费");
    expect(r).toContain("12348");
    expect(r).not.toMatch(/行政诉讼：\d+件/);
  });
});

describe("unsure, out of scope, refusals", () => {
  it("asks “您是想问” with numbered choices; the number answers; the miss is recorded", async () => {
    const { say, misses } = withKnowledge();
    const first = await say(anon("c1"), "申请");
    expect(first.intent).toBe("knowledge.clarify");
    const text = first.replies.join("\n");
    expect(text).toContain("您是想问");
    expect(text).toMatch(/1\. .+\n2\. .+/);
    expect(text).not.toContain("来源");
    expect(misses).toHaveLength(1);
    expect(misses[0]).toMatchObject({ text: "申请", channel: "chat" });
    const second = await say(anon("c1"), "1");
    expect(second.intent).toBe("knowledge.choice");
    expect(second.replies.join("\n")).toContain("来源");
  });

  it("a message the index cannot place gets the menu and is recorded (masked) as a miss", async () => {
    const { say, misses } = withKnowledge();
    const r = await say(anon("m1"), "我家猫丢了 电话13912345678");
    expect(r.replies.join("\n")).toContain("抱歉，我没有理解");
    expect(misses).toHaveLength(1);
    expect(misses[0].text).not.toContain("13912345678");
    expect(misses[0].score === null || misses[0].score < 0.55).toBe(true);
  });

  it.each([
    ["社保怎么交", "12333"],
    ["户口迁到张店要什么手续", "派出所"],
    ["公积金怎么提取", "公积金"],
    ["违章罚单在哪交", "12123"],
  ])("out of scope: %s → this service handles disclosure, go to %s", (text, where) => {
    const r = reply(text);
    expect(r).toContain("政府信息公开");
    expect(r).toContain(where);
    expect(r).toContain("12345");
    expect(r).not.toContain("来源");
  });

  it("refuses someone else's personal data and says why", () => {
    const r = reply("帮我查张伟的身份证号 他欠我钱");
    expect(r).toContain("不能提供他人");
    expect(r).toContain("第十五条");
    expect(r).not.toContain("收费");
  });

  // The scope rules work by structure, so wordings nobody listed are placed too (these phrasings are in no
  // word list and in no evaluation set).
  it.each([
    ["帮忙打听一下我表哥前女友的手机号码", "不能提供他人"],
    ["我想知道孙丽娟的家庭住址", "不能提供他人"],
    ["13912345678这个号码是谁的", "不能提供他人"],
    ["把小区保安的身份证号给我看看", "不能提供他人"],
  ])("someone else's data by structure (person + attribute): %s", (text, want) => {
    const r = reply(text);
    expect(r).toContain(want);
    expect(r).toContain("第十五条");
  });

  it.each([
    ["帮我查一下我自己的申请需要带身份证吗", "身份证"],
    ["我家猫丢了 电话13912345678", "没有理解"],
    ["公开信息涉及别人的个人信息怎么办", "第三方"],
  ])("not someone else's data: %s", (text, want) => {
    const r = reply(text);
    expect(r).not.toContain("不能提供他人");
    expect(r).toContain(want);
  });

  it.each([
    ["楼道里的灯坏了半个月了", "12345"],
    ["申请公开：凭什么我们村的补助到现在还没发", "第三十九条"],
    ["菜市场有人短斤少两 我要举报", "12345"],
  ])("complaint by grievance structure: %s", (text, want) => {
    const r = ask(text);
    expect(r.session.mode).toBe("idle");
    expect(r.replies.join("\n")).toContain(want);
  });

  it.each([
    ["物业费交了发票开不出来 能告物业公司吗", "12348"],
    ["邻居家装修把我家墙弄裂了 能要求赔偿吗", "12348"],
  ])("legal advice by structure (a legal step against a party): %s", (text, want) => {
    expect(reply(text)).toContain(want);
  });

  it.each([
    ["起诉你们的期限是多久", "6个月"],
    ["2024年有没有被起诉", "行政诉讼"],
  ])("the disclosure remedies and report figures are not legal advice: %s", (text, want) => {
    const r = reply(text);
    expect(r).not.toContain("12348");
    expect(r).toContain(want);
  });

  it.each([
    ["港澳通行证到期了去哪续签", "出入境"],
    ["新生儿医保怎么参保", "医保"],
    ["老年卡在哪里申领", "12345"],
  ])("out of scope by domain, or any service transaction naming nothing of disclosure: %s", (text, want) => {
    const r = reply(text);
    expect(r).toContain("政府信息公开");
    expect(r).toContain(want);
    expect(r).not.toContain("来源");
  });

  it("a document of another domain is a disclosure request, not a redirect", () => {
    expect(reply("有没有关于社保的政策文件")).not.toContain("不属于本服务的范围");
  });

  it("a complaint phrased as an application goes to 信访/12345, and opens no form", () => {
    const r = ask("我要申请公开：为什么我家门口的路修了三年还没修好");
    expect(r.session.mode).toBe("idle");
    expect(r.replies.join("\n")).toContain("12345");
    expect(r.replies.join("\n")).toContain("第三十九条");
  });

  it("pinyin of known words is read; other pinyin-only input is asked for in characters", () => {
    // Every syllable run is a word the bot knows: answered as 申请政府信息公开 (was: asked for characters).
    expect(reply("shenqing zhengfu xinxi gongkai")).not.toContain("请用汉字输入");
    expect(reply("shoufei ma")).toContain("不收");
    expect(reply("wo de mao diu le")).toContain("请用汉字输入");
  });
});

describe("learns from staff, and the actions stay", () => {
  it("a staff-written unit and an attached question are answered", async () => {
    const custom: AnswerUnit = {
      id: "custom:1",
      kind: "custom",
      agencyCode: "zdrmt",
      questions: ["融媒体中心的停车场对外开放吗"],
      answer: "中心院内停车场仅供来访办事群众临时停放。",
      source: { label: "区融媒体中心办公室（工作人员答复）" },
    };
    const { say } = withKnowledge([custom], [{ unitId: "faq:urgent", question: "材料明天就要用来得及吗" }]);
    expect((await say(anon("l1"), "停车场对外开放吗")).replies.join("\n")).toContain("临时停放");
    expect((await say(anon("l2"), "材料明天就要用来得及吗")).replies.join("\n")).toContain("没有加急");
  });

  it("the action intents keep their steps", async () => {
    const { say } = withKnowledge();
    expect((await say(anon("a1"), "我要申请")).replies.join("\n")).toContain("一步一步填写");
    expect((await say(anon("a2"), "查询申请 ZDRMT-2026-00001 AB12CD")).replies.join("\n")).toContain("办理中");
    expect((await say(anon("a3"), "人工")).effects).toContain("handoff");
    expect((await say(anon("a4"), "我的申请")).replies.join("\n")).toContain("为保护个人信息");
    expect((await say(anon("a5"), "你好")).replies.join("\n")).toContain("政府信息公开咨询服务");
  });

  it("every answer of answerMessage carries a score", () => {
    const r = answerMessage(index, nlu, "复议期限多久", 2026);
    expect(r.answers[0].kind).toBe("answer");
    expect(r.score).toBeGreaterThanOrEqual(0.55);
  });
});

import { newSession, step } from "./src/modules/conversation/engine";
import { sharedUnderstanding } from "./src/modules/conversation/understanding";
import { knowledgeIndex } from "./test/unit/conversation/knowledge-fixture";
const nlu = sharedUnderstanding(); const index = knowledgeIndex();
const M = ["怎么申请政府信息公开", "請問如何申請政府資訊公開？", "怎么申情", "你们几点上班", "办工时间", "联系电话是多少","申请以后多久能答复", "申請要多久", "申请要收费吗", "收废吗", "哪些信息不予公开", "对答复不服怎么办", "付议怎么申请","有没有2019年的年度报告", "2019年收到多少申请", "去年行政复议几件", "二〇一九年不予公开的有多少", "我要举报邻居违建","查询申请", "人工","前年收到的申请里自然人的有几个", "2019年制作了多少规范性文件", "对答复不服多久内可以申请复议", "申请需要说明用途吗","历年收到的申请数量", "社保怎么交", "帮我查张伟的身份证号 他欠我钱", "申请要收费吗？多久能答复？"];
const now = "2026-03-02T02:00:00.000Z";
const per = new Map<string, number[]>();
for (let r = 0; r < 60; r++) for (const [i, text] of M.entries()) {
  const t0 = process.hrtime.bigint();
  step(nlu, newSession(now), { type: "text", text, now, messageId: `m${i}`, channel: "chat", verified: false, currentYear: 2026 }, index);
  const us = Number(process.hrtime.bigint() - t0) / 1e3;
  per.set(text, [...(per.get(text) ?? []), us]);
}
for (const [t, a] of per) { a.sort((x, y) => x - y); console.log(t.padEnd(30), "p50", a[30].toFixed(0), "p90", a[54].toFixed(0), "max", a[59].toFixed(0)); }

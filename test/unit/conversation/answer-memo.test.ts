// answerMessageMemo (issue 18): a repeated question is ranked once per index, with the same answer as
// answerMessage; a rebuilt index, another year or a long text is answered afresh; a memoised answer is frozen.
import { answerMessage } from "../../../src/modules/conversation/knowledge/answering";
import { answerMessageMemo } from "../../../src/modules/conversation/knowledge/answer-memo";
import { knowledgeIndex } from "./knowledge-fixture";
import { sharedUnderstanding } from "../../../src/modules/conversation/understanding";

describe("answerMessageMemo", () => {
  const nlu = sharedUnderstanding();
  const index = knowledgeIndex();

  it("answers as answerMessage does, once per index and question", () => {
    for (const q of ["申请要收费吗", "办公时间", "对答复不服怎么办", "今天天气怎么样"]) {
      const first = answerMessageMemo(index, nlu, q, 2025);
      expect(first).toEqual(answerMessage(index, nlu, q, 2025));
      expect(answerMessageMemo(index, nlu, q, 2025)).toBe(first);
    }
  });

  it("answers afresh for a rebuilt index, another year, another agency name and a long text", () => {
    const first = answerMessageMemo(index, nlu, "申请要收费吗", 2025);
    expect(answerMessageMemo(knowledgeIndex(), nlu, "申请要收费吗", 2025)).not.toBe(first);
    expect(answerMessageMemo(index, nlu, "申请要收费吗", 2026)).not.toBe(first);
    expect(answerMessageMemo(index, nlu, "申请要收费吗", 2025, "另一个机关")).not.toBe(first);
    const long = `请问${"政府信息公开".repeat(40)}申请要收费吗`;
    expect(answerMessageMemo(index, nlu, long, 2025)).not.toBe(answerMessageMemo(index, nlu, long, 2025));
  });

  it("hands out frozen answers, so no caller changes what the next one gets", () => {
    const a = answerMessageMemo(index, nlu, "办公时间", 2025);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.answers)).toBe(true);
    expect(() => (a.answers as unknown[]).push(null)).toThrow(TypeError);
  });
});

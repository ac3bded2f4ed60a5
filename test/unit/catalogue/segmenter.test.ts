// Segmentation with the government-term dictionary, stop words, synonyms and highlighting.
import { analyzeQuery, indexTokens, markTerms } from "../../../src/modules/catalogue/segmenter";

describe("segmenter", () => {
  it("keeps government terms from the user dictionary whole and also indexes their parts", () => {
    const t = indexTokens("张店区融媒体中心2019年政府信息公开工作年度报告");
    expect(t).toEqual(expect.arrayContaining(["融媒体中心", "政府信息公开", "年度报告", "2019", "张店区"]));
    // Search mode adds the dictionary sub-words, so a query for a part still matches.
    expect(t).toEqual(expect.arrayContaining(["媒体", "信息", "公开", "年度", "报告"]));
    expect(t).not.toContain("年");
    expect(t).not.toContain("的");
  });

  it("drops question words and punctuation from queries and adds the guide's words for ways of asking", () => {
    const q = analyzeQuery("怎么申请？");
    expect(q.groups.map((g) => g.word)).toEqual(["申请"]);
    expect(q.expansions).toContain("申请方式");
    expect(analyzeQuery("申请后多久答复").expansions).toContain("时限");
    expect(analyzeQuery("要收费吗").expansions).toContain("收费");
    expect(analyzeQuery("不服怎么办").expansions).toContain("救济");
    expect(analyzeQuery("年度报告").expansions).toEqual([]);
  });

  it("gives a long word its dictionary parts as an alternative", () => {
    const q = analyzeQuery("政府信息公开");
    expect(q.groups).toEqual([{ word: "政府信息公开", parts: expect.arrayContaining(["政府", "信息", "公开"]) }]);
  });

  it("takes document numbers out of the words", () => {
    const q = analyzeQuery("张政办发[2019]12号 工作要点");
    expect(q.docNumbers.map((d) => d.number)).toEqual([12]);
    expect(q.groups.map((g) => g.word)).toEqual(["工作要点"]);
  });

  it("marks matched words and escapes everything else", () => {
    expect(markTerms("<b>年度报告</b>", ["年度报告"])).toBe("&lt;b&gt;<mark>年度报告</mark>&lt;/b&gt;");
    expect(markTerms("2019年工作要点", ["工作要点", "工作"])).toBe("2019年<mark>工作要点</mark>");
    expect(markTerms("大气污染防治", ["大气污染", "防治"])).toBe("<mark>大气污染防治</mark>");
  });
});

describe("traditional Chinese queries", () => {
  it("are read as simplified character by character, place names and document numbers included", () => {
    expect(analyzeQuery("中埠鎮").groups.map((g) => g.word)).toEqual(["中埠镇"]);
    const q = analyzeQuery("怎麼申請政府信息公開 張政辦發[2019]12號");
    expect(q.groups.map((g) => g.word)).toEqual(["申请", "政府信息公开"]);
    expect(q.expansions).toContain("申请方式");
    expect(q.docNumbers[0].key).toBe("张政办发|2019|12");
  });
});

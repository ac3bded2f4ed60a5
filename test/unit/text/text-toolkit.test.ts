// The shared Chinese text toolkit (src/text/): normalisation, segmentation (native jieba and the bot's WordRoute,
// which must give a native jieba's tokens), the synonym tables and pinyin.
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { foldSpaces, foldWidth, normalise, toSimplified } from "../../../src/text/normalise";
import { pinyinKey } from "../../../src/text/pinyin";
import { cut, cutForSearch, wordRoute } from "../../../src/text/segment";
import { conceptsByWord, loadSynonyms, searchExpansions, segmentationWords } from "../../../src/text/synonyms";
import { WordRoute } from "../../../src/text/word-route";

describe("normalisation", () => {
  it("makes traditional characters simplified, character by character (place names stay)", () => {
    expect(toSimplified("怎麼申請政府資訊公開")).toBe("怎么申请政府资讯公开");
    expect(toSimplified("中埠鎮")).toBe("中埠镇");
    expect(toSimplified("張政辦發〔2019〕12號")).toBe("张政办发〔2019〕12号");
  });

  it("folds full-width letters, digits, punctuation and spaces", () => {
    expect(foldWidth("ＡＢＣ１２３，申請？")).toBe("ABC123,申請?");
    expect(foldSpaces("  申請\u3000\u3000公開 \n 目錄 ")).toBe("申請 公開 目錄");
    expect(normalise("  ＡＰＰ\u3000愛張店  ")).toBe("app 爱张店");
  });
});

describe("segmentation", () => {
  it("keeps the user dictionary's government terms whole, and search mode adds their parts", () => {
    const words = cut("张店区融媒体中心2019年政府信息公开工作年度报告", true);
    expect(words).toEqual(expect.arrayContaining(["张店区", "融媒体中心", "政府信息公开", "年度报告"]));
    const search = cutForSearch("张店区融媒体中心2019年政府信息公开工作年度报告");
    expect(search).toEqual(expect.arrayContaining(["融媒体中心", "媒体", "政府信息公开", "信息", "公开"]));
  });

  it("the bot's segmenter keeps its concept words whole and not the search user dictionary's", () => {
    const route = wordRoute(["行政复议", "不给公开"], 200000);
    expect(route.cut("对答复不服可以申请行政复议吗")).toContain("行政复议");
    expect(route.cut("为什么不给公开")).toContain("不给公开");
    // 融媒体中心 is a search term (user dictionary), not a word of the built-in dictionary.
    expect(route.cut("张店区融媒体中心")).not.toContain("融媒体中心");
  });

  it("gives exactly the tokens of a native jieba with the same added words", () => {
    const words = segmentationWords(loadSynonyms());
    const native = Jieba.withDict(dict);
    native.loadDict(Buffer.from(words.map((w) => `${w} 200000`).join("\n"), "utf8"));
    const route = wordRoute(words, 200000);
    const texts = [
      "对答复不服可以申请行政复议吗？多长时间内要提",
      "我想看张店区融媒体中心2019年政府信息公开工作年度报告",
      "查一下爱张店APP",
      "shenqing xinxi gongkai zenme ban",
      "亲～请问一下下申请信息公开收费不😅",
      "张政办发[2021]7号文件有吗\r\n第二行 a-b_c.d 100%",
      "啊啊啊啊啊啊啊啊啊啊啊啊啊啊",
      "",
    ];
    for (const t of texts) expect(route.cut(t)).toEqual(native.cut(t, false));
  });

  it("follows jieba's route on a small dictionary: frequencies, ties to the longer word, joined ASCII letters", () => {
    const small = Buffer.from("中 5\n中国 100\n人 5\n国 5\n国人 100\n", "utf8");
    const native = Jieba.withDict(small);
    const route = new WordRoute(small);
    for (const t of ["中国人", "国人中", "中国ab人c1", "x中y"]) expect(route.cut(t)).toEqual(native.cut(t, false));
    // An added word outweighs the route it replaces, as with loadDict.
    const heavy = new WordRoute(small, ["人中"], 100000);
    native.loadDict(Buffer.from("人中 100000", "utf8"));
    expect(heavy.cut("国人中")).toEqual(native.cut("国人中", false));
    expect(heavy.cut("国人中")).toEqual(["国", "人中"]);
  });

  it("remembers blocks it has cut without handing out its memory", () => {
    const small = Buffer.from("中 5\n中国 100\n人 5\n国 5\n国人 100\n", "utf8");
    const route = new WordRoute(small);
    const first = route.cut("中国人");
    first.push("changed");
    first[0] = "x";
    expect(route.cut("中国人")).toEqual(["中国", "人"]);
    expect(route.cut("a中国人b")).toEqual(["a", "中国", "人", "b"]);
  });

  it("refuses a dictionary that is not sorted by word (binary search would miss words)", () => {
    expect(() => new WordRoute(Buffer.from("国 5\n中 5\n", "utf8"))).toThrow(/not sorted/);
  });
});

describe("synonym tables", () => {
  it("adds the guide's words for ways of asking", () => {
    expect(searchExpansions("怎么申请")).toEqual(["申请方式", "依申请公开"]);
    expect(searchExpansions("要收费吗")).toEqual(["收费"]);
    expect(searchExpansions("申请后多久答复")).toEqual(expect.arrayContaining(["时限", "期限"]));
    expect(searchExpansions("年度报告")).toEqual([]);
  });

  it("maps each concept word to every concept it expresses", () => {
    const byWord = conceptsByWord(loadSynonyms());
    expect(byWord.get("复议")).toEqual(["REMEDY", "REVIEW"]);
    expect(byWord.get("收费")).toEqual(["FEE"]);
    const words = segmentationWords(loadSynonyms());
    expect(words).toContain("行政复议");
    expect(words).not.toContain("hello");
    expect(words).not.toContain("钱");
  });
});

describe("pinyin", () => {
  it("reads words without tones, so homophone typos share a key", () => {
    expect(pinyinKey("申请")).toBe("shen qing");
    expect(pinyinKey("申情")).toBe(pinyinKey("申请"));
    expect(pinyinKey("app申请")).toBe("app shen qing");
  });
});

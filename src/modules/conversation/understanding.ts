// Text understanding for the conversation engine, on the shared text toolkit (src/text/: traditional→simplified,
// full-width folding, jieba, pinyin, the concept table): a typo list, segmentation and concepts, with
// pinyin-homophone and one-character tolerance for common words (most Chinese typos are IME homophones: 申情 → 申请).
import { wordRoute } from "../../text/segment";
import type { WordRoute } from "../../text/word-route";
import { foldWidth, normalise } from "../../text/normalise";
import { pinyinKey } from "../../text/pinyin";
import { conceptsByWord, loadSynonyms, segmentationWords, type SynonymConfig } from "../../text/synonyms";
import { scopeConfig } from "./knowledge/scope";

export { loadSynonyms, type SynonymConfig };

export interface Understood {
  /** Simplified, folded, lower-cased text. */
  text: string;
  /** The message with only full-width folding (keeps the case of numbers and codes). */
  original: string;
  tokens: string[];
  concepts: Set<string>;
  /** Words that matched each concept (for search queries and tests). */
  matched: Map<string, string>;
}

/** The understanding memo: texts up to this long, this many of them (a few hundred KiB at most). */
const MEMO_MAX_CHARS = 200;
const MEMO_ENTRIES = 512;

/** One substituted character, same length (for words of three characters or more). */
function oneCharOff(a: string, b: string): boolean {
  if (a.length !== b.length || a.length < 3) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++diff > 1) return false;
  return diff === 1;
}

/** Words a question is made of besides the domain words (for reading pinyin). */
const PINYIN_COMMON = [
  "政府",
  "信息",
  "公开",
  "怎么",
  "怎么样",
  "你们",
  "我们",
  "吗",
  "呢",
  "多久",
  "多少",
  "什么",
  "哪里",
  "可以",
  "需要",
  "能",
  "要",
  "是",
  "的",
  "有",
  "没有",
  "我",
  "你",
  "时间",
  "地址",
  "答复",
  "办理",
  "年报",
  "去年",
  "今年",
  "文件",
  "查询",
  "联系",
  "申请",
];

function scopePinyinWords(): string[] {
  const c = scopeConfig();
  return [
    ...c.pinyinWords,
    ...c.outOfScope.flatMap((o) => o.words),
    ...c.personalData.persons,
    ...c.personalData.attributes,
    ...c.complaint.acts,
    ...c.legalAdvice.acts,
  ];
}

/** The concept words' frequency in the segmenter: high enough that each is kept whole wherever it occurs. */
const CONCEPT_WORD_FREQ = 200000;

const NOT_FEES = new Set(["经费", "消费", "浪费", "免费", "花费", "学费", "电费", "水费", "燃气费", "暖气费", "供暖费", "物业费", "话费"]);

export class Understanding {
  private readonly wordToConcepts = new Map<string, string[]>();
  private readonly fuzzyByPinyin = new Map<string, string>();
  private readonly fuzzyWords: string[];
  private readonly typoList: Array<[string, string]>;
  readonly stopwords: Set<string>;
  private readonly maxWordLen: number;
  private readonly pinyinWords = new Map<string, string>();
  private readonly words: WordRoute;

  constructor(readonly config: SynonymConfig = loadSynonyms()) {
    for (const [w, concepts] of conceptsByWord(config)) this.wordToConcepts.set(w, concepts);
    const words = new Set(this.wordToConcepts.keys());
    // Domain words are single tokens so that 行政复议 is not split into 行政/复议.
    this.words = wordRoute(segmentationWords(config), CONCEPT_WORD_FREQ);
    this.fuzzyWords = config.fuzzy;
    for (const w of config.fuzzy) if (w.length >= 2) this.fuzzyByPinyin.set(pinyinKey(w), w);
    this.typoList = Object.entries(config.typos).sort((a, b) => b[0].length - a[0].length);
    this.stopwords = new Set(config.stopwords);
    // Pinyin typed without choosing characters ("shoufei ma", "zen me lian xi ni men"): the domain words and a
    // few function words, keyed by their toneless pinyin without spaces (first word wins a homophone).
    // The words of the scope rules too (邻居, 投诉, 社保): "wo yao tousu wuye" is a complaint, not gibberish.
    for (const w of [...words, ...PINYIN_COMMON, ...scopePinyinWords()]) {
      if (!/^[\u4e00-\u9fff]{1,6}$/.test(w)) continue;
      const key = pinyinKey(w).replace(/\s+/g, "");
      if (!this.pinyinWords.has(key)) this.pinyinWords.set(key, w);
    }
    this.maxWordLen = Math.max(...[...words].map((w) => w.length));
  }

  normalize(raw: string): string {
    let s = normalise(raw);
    if (/^[a-z][a-z\s']{3,}$/.test(s)) s = this.fromPinyin(s) ?? s;
    for (const [from, to] of this.typoList) if (s.includes(from)) s = s.split(from).join(to);
    return s;
  }

  /**
   * Pinyin words read as characters: adjacent syllables joined greedily (up to four) into a known word. Null
   * unless every part is read, so "hello world" stays as it is (and is told to type characters).
   */
  fromPinyin(text: string): string | null {
    const parts = text.split(/[\s']+/).filter(Boolean);
    const out: string[] = [];
    for (let i = 0; i < parts.length;) {
      let hit: [string, number] | null = null;
      for (let j = Math.min(parts.length, i + 4); j > i && !hit; j--) {
        const w = this.pinyinWords.get(parts.slice(i, j).join(""));
        if (w) hit = [w, j];
      }
      if (!hit) return null;
      out.push(hit[0]);
      i = hit[1];
    }
    return out.length ? out.join("") : null;
  }

  segment(text: string): string[] {
    return this.words.cut(text).filter((t) => t.trim() !== "");
  }

  /** Canonical word for a window of text: exact synonym, homophone of a common word, or one character off. */
  private canonical(window: string): string | null {
    if (this.wordToConcepts.has(window)) return window;
    if (!/^[\u4e00-\u9fff]+$/.test(window) || window.length < 2) return null;
    const byPinyin = this.fuzzyByPinyin.get(pinyinKey(window));
    if (byPinyin) return byPinyin;
    for (const w of this.fuzzyWords) if (oneCharOff(window, w)) return w;
    return null;
  }

  /**
   * One message is understood several times (the engine's intent, the index's ranking, the form's interruption
   * check) and citizens ask the same few questions: recent results are kept (short texts only, a bounded number;
   * the result is read, never changed, by its callers).
   */
  understand(raw: string): Understood {
    if (raw.length > MEMO_MAX_CHARS) return this.understandFresh(raw);
    const hit = this.memo.get(raw);
    if (hit) return hit;
    const u = this.understandFresh(raw);
    if (this.memo.size >= MEMO_ENTRIES) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(raw, u);
    return u;
  }
  private readonly memo = new Map<string, Understood>();

  private understandFresh(raw: string): Understood {
    const text = this.normalize(raw);
    const original = foldWidth(raw).trim();
    const tokens = this.segment(text);
    const concepts = new Set<string>();
    const matched = new Map<string, string>();
    const add = (word: string) => {
      for (const c of this.wordToConcepts.get(word) ?? []) {
        concepts.add(c);
        if (!matched.has(c)) matched.set(c, word);
      }
    };
    // Windows of 1..4 adjacent tokens: 政府/信息/公开 or a typo split into single characters (申/情).
    for (let i = 0; i < tokens.length; i++) {
      let joined = "";
      for (let j = i; j < Math.min(tokens.length, i + 4); j++) {
        joined += tokens[j];
        if (joined.length > this.maxWordLen) break;
        const canon = this.canonical(joined);
        if (canon) add(canon);
      }
    }
    // Any "…费" (复印费, 邮寄费, 工本费) is a fee, not only the listed words; 经费/消费/浪费 are not.
    if (!concepts.has("FEE")) {
      const fee = tokens.find((t) => /^[\u4e00-\u9fff]{1,3}费$/.test(t) && !NOT_FEES.has(t));
      if (fee) {
        concepts.add("FEE");
        matched.set("FEE", fee);
      }
    }
    return { text, original, tokens, concepts, matched };
  }

  /** Content words for a search query: tokens that are not stopwords or intent words. */
  contentWords(u: Understood, dropConcepts: string[]): string[] {
    const drop = new Set<string>();
    for (const c of dropConcepts) for (const w of this.config.concepts[c] ?? []) drop.add(w);
    return u.tokens.filter((t) => !this.stopwords.has(t) && !drop.has(t) && !/^[\p{P}\p{S}\s]+$/u.test(t));
  }
}

let shared: Understanding | null = null;
/** The pinyin tables are costly to build (and jieba, shared through src/text/segment.ts): one instance per process. */
export function sharedUnderstanding(): Understanding {
  shared ??= new Understanding();
  return shared;
}

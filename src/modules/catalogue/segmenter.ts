// Chinese word segmentation for the catalogue and guide search: jieba with the built-in dictionary plus a
// user dictionary of government terms, a stop-word list, and the small synonym list that maps ways of
// asking ("怎么申请", "要多久") to the guide's own words ("申请方式", "时限").
import fs from "node:fs";
import path from "node:path";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import * as OpenCC from "opencc-js";
import { findDocNumbers, type DocNumber } from "./doc-number";
import { html, type SafeHtml } from "../../http/html";

let instance: Jieba | null = null;
let loadedDict: string | null = null;

export const DEFAULT_USER_DICT = "config/jieba-user-dict.txt";

/** The shared jieba instance (building it parses the ~5 MB dictionary, so it is done once per process). */
export function jieba(userDictPath = DEFAULT_USER_DICT): Jieba {
  if (instance && loadedDict === userDictPath) return instance;
  if (!instance) instance = Jieba.withDict(dict);
  const file = path.resolve(userDictPath);
  if (loadedDict !== userDictPath && fs.existsSync(file)) instance.loadDict(fs.readFileSync(file));
  loadedDict = userDictPath;
  return instance;
}

const STOP = new Set(
  (
    "的 了 和 与 及 或 是 在 有 对 等 之 于 为 以 将 把 被 从 向 由 其 该 此 这 那 个 年 月 日 号 第 " +
    "关于 怎么 如何 怎样 怎么样 咋 什么 哪里 哪儿 哪个 在哪 吗 呢 吧 啊 请问 请 我 我们 你 你们 他 她 它 想 要 能 可以 " +
    "一下 一个 需要 应该 是否 有没有 多少 哪些 相关 问 查 查询 找 看看 告诉 多久 多长时间 几天 多少天 多少钱 怎么办 去 来"
  ).split(/\s+/),
);

const PUNCT = /^[\p{P}\p{S}\s]+$/u;

function clean(tok: string): string | null {
  const t = tok.normalize("NFKC").trim().toLowerCase();
  if (!t || PUNCT.test(t) || STOP.has(t)) return null;
  // Leave only characters the databases' tokenizers keep together; the rest would split a token.
  const s = t.replace(/[^\p{L}\p{N}]/gu, "");
  return s && !STOP.has(s) ? s : null;
}

/** Tokens stored in the index: jieba's search mode (words plus their dictionary sub-words). */
export function indexTokens(text: string | null | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const tok of jieba().cutForSearch(text.normalize("NFKC"), true)) {
    const c = clean(tok);
    if (c) out.push(c);
  }
  return out;
}

/** Tokens for an index column, space-joined (PostgreSQL 'simple' and SQLite unicode61 split on spaces). */
export function joinTokens(...texts: Array<string | null | undefined>): string {
  return texts.flatMap((t) => indexTokens(t)).join(" ");
}

/** One word of the query: it matches a text holding the word itself, or all of its dictionary sub-words. */
export interface QueryGroup {
  word: string;
  parts: string[];
}

export interface AnalyzedQuery {
  /** The text without document numbers. */
  text: string;
  groups: QueryGroup[];
  docNumbers: DocNumber[];
  /** Words the synonym list adds (used to find guide sections). */
  expansions: string[];
  /** Every word worth highlighting, longest first. */
  highlightTerms: string[];
}

interface SynonymRule {
  when: RegExp;
  add: string[];
}

/** Ways citizens ask → the words the guide uses. Small on purpose; extend when the bot's logs show a gap. */
export const SYNONYMS: SynonymRule[] = [
  { when: /(怎么|如何|怎样|咋|怎么样|哪里|在哪|去哪|要|想|可以)(去|来)?(申请|提出申请|提交|办理|递交)|申请(流程|步骤|方法|途径|渠道|方式)|依申请/, add: ["申请方式", "依申请公开"] },
  { when: /申请表|表格|模板|范本|下载/, add: ["申请表"] },
  { when: /(写|填|提供|准备|包括|包含)(些)?(什么|哪些)|申请内容|材料|要素/, add: ["申请内容"] },
  { when: /多久|多长时间|几天|多少天|期限|时限|什么时候|何时|多快|答复时间|延期|延长/, add: ["时限", "期限", "办理流程"] },
  { when: /收费|费用|多少钱|要钱|花钱|免费|收钱|付费|处理费/, add: ["收费"] },
  { when: /电话|地址|邮箱|传真|邮编|邮政编码|联系|办公时间|上班时间|几点|受理机构|在哪办/, add: ["受理机构", "联系方式"] },
  { when: /投诉|举报|复议|起诉|诉讼|不服|不满意|救济|监督|告状/, add: ["监督", "救济"] },
  { when: /(哪里|在哪|哪儿|哪能|什么地方|怎么|如何).{0,3}(看|查|找|获取|了解)|渠道|平台|公众号|微博|微信|网站|app|客户端|电视|报纸/i, add: ["公开方式", "渠道"] },
  { when: /主动公开|公开范围|公开哪些|公开什么/, add: ["主动公开"] },
];

function subWords(word: string): string[] {
  const subs = jieba()
    .cutForSearch(word, true)
    .map(clean)
    .filter((t): t is string => !!t && t !== word);
  // Only a split that covers the word is an alternative; a lone fragment would match far too much.
  const covered = subs.join("");
  return covered.length >= word.length - 1 && subs.length > 1 ? [...new Set(subs)] : [];
}

let toSimplified: ((s: string) => string) | null = null;

/** Traditional characters become simplified, as the catalogue is written. Character by character only: the
 * phrase tables ("twp") also rewrite words, e.g. 埠 → 端口 in the place name 中埠镇. */
export function simplify(text: string): string {
  toSimplified ??= OpenCC.Converter({ from: "tw", to: "cn" });
  return toSimplified(text);
}

export function analyzeQuery(q: string): AnalyzedQuery {
  const normalized = simplify(q.normalize("NFKC").slice(0, 200));
  const docNumbers = findDocNumbers(normalized);
  let text = normalized;
  for (const d of [...docNumbers].reverse()) text = text.slice(0, d.start) + " " + text.slice(d.end);
  text = text.replace(/\s+/g, " ").trim();

  const groups: QueryGroup[] = [];
  const seen = new Set<string>();
  for (const tok of jieba().cut(text, true)) {
    const word = clean(tok);
    if (!word || seen.has(word)) continue;
    seen.add(word);
    groups.push({ word, parts: subWords(word) });
  }
  const expansions = [...new Set(SYNONYMS.filter((r) => r.when.test(normalized)).flatMap((r) => r.add))];
  const highlightTerms = [...new Set([...groups.map((g) => g.word), ...groups.flatMap((g) => g.parts)])].sort((a, b) => b.length - a.length);
  return { text, groups, docNumbers, expansions, highlightTerms };
}

/** HTML-escaped text with every query word wrapped in <mark>…</mark> (a string: the search API returns it). */
export function markTerms(text: string, terms: string[]): string {
  const usable = terms.filter((t) => t.length > 0);
  if (!usable.length) return html`${text}`.value;
  const re = new RegExp(usable.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(html`${text.slice(last, m.index)}<mark>${m[0]}</mark>`);
    last = m.index! + m[0].length;
  }
  // Adjacent words read as one marked phrase.
  return html`${parts}${text.slice(last)}`.value.replace(/<\/mark><mark>/g, "");
}

// The catalogue and guide search's reading of Chinese text, on the shared text toolkit (src/text/): index tokens
// (jieba's search mode without stop words), the query's words with their dictionary parts, the guide's words a
// way of asking adds (src/text/synonyms.ts), and highlighting.
import { findDocNumbers, type DocNumber } from "./doc-number";
import { html, type SafeHtml } from "../../http/html";
import { cut, cutForSearch, jieba } from "../../text/segment";
import { foldWidth, toSimplified } from "../../text/normalise";
import { searchExpansions } from "../../text/synonyms";

/** The process's jieba (the text toolkit's); catalogue start-up builds it with the configured user dictionary. */
export { jieba };

const STOP = new Set(
  (
    "的 了 和 与 及 或 是 在 有 对 等 之 于 为 以 将 把 被 从 向 由 其 该 此 这 那 个 年 月 日 号 第 " +
    "关于 怎么 如何 怎样 怎么样 咋 什么 哪里 哪儿 哪个 在哪 吗 呢 吧 啊 请问 请 我 我们 你 你们 他 她 它 想 要 能 可以 " +
    "一下 一个 需要 应该 是否 有没有 多少 哪些 相关 问 查 查询 找 看看 告诉 多久 多长时间 几天 多少天 多少钱 怎么办 去 来"
  ).split(/\s+/),
);

const PUNCT = /^[\p{P}\p{S}\s]+$/u;

function clean(tok: string): string | null {
  const t = foldWidth(tok).trim().toLowerCase();
  if (!t || PUNCT.test(t) || STOP.has(t)) return null;
  // Leave only characters the databases' tokenizers keep together; the rest would split a token.
  const s = t.replace(/[^\p{L}\p{N}]/gu, "");
  return s && !STOP.has(s) ? s : null;
}

/** Tokens stored in the index: jieba's search mode (words plus their dictionary sub-words). */
export function indexTokens(text: string | null | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const tok of cutForSearch(foldWidth(text))) {
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

function subWords(word: string): string[] {
  const subs = cutForSearch(word)
    .map(clean)
    .filter((t): t is string => !!t && t !== word);
  // Only a split that covers the word is an alternative; a lone fragment would match far too much.
  const covered = subs.join("");
  return covered.length >= word.length - 1 && subs.length > 1 ? [...new Set(subs)] : [];
}

export function analyzeQuery(q: string): AnalyzedQuery {
  const normalized = toSimplified(foldWidth(q).slice(0, 200));
  const docNumbers = findDocNumbers(normalized);
  let text = normalized;
  for (const d of [...docNumbers].reverse()) text = text.slice(0, d.start) + " " + text.slice(d.end);
  text = text.replace(/\s+/g, " ").trim();

  const groups: QueryGroup[] = [];
  const seen = new Set<string>();
  for (const tok of cut(text, true)) {
    const word = clean(tok);
    if (!word || seen.has(word)) continue;
    seen.add(word);
    groups.push({ word, parts: subWords(word) });
  }
  const expansions = searchExpansions(normalized);
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

// The per-agency knowledge index: every answer unit tokenised once (jieba tokens + the synonym concepts they
// name), ranked for a message with BM25. Built when the agency's guide, catalogue, reports or staff-written
// units change (see ports.ts), never per message; search is in-memory and pure, so the engine step calls it.
import type { Understanding } from "../understanding";
import type { AnswerUnit } from "./answer-unit";
import { Bm25 } from "./bm25";

export interface RankedUnit {
  unit: AnswerUnit;
  score: number;
  confidence: number;
  /** Query terms the unit contains. */
  matched?: string[];
}

/** Tokens that carry no topic (punctuation, numerals alone are kept: 2019 finds the 2019 report). */
const NOISE = /^[\p{P}\p{S}\s]+$/u;
const EXTRA_STOP = new Set([
  "多少",
  "几",
  "个",
  "件",
  "吗",
  "呢",
  "么",
  "怎么",
  "如何",
  "可以",
  "能",
  "需要",
  "要",
  "是",
  "不",
  "就",
  "都",
  "还",
  "也",
  "会",
  "问",
  "想",
  "知道",
  "告诉",
  "一下",
  "年",
  "了",
]);

export class KnowledgeIndex {
  private readonly bm25 = new Bm25();
  private readonly byId = new Map<string, AnswerUnit>();
  /** The concepts each unit is about (from its phrasings and keywords, not its answer's wording). */
  private readonly topics = new Map<string, Set<string>>();
  /** Published report years, newest first. */
  readonly reportYears: number[];

  constructor(
    private readonly nlu: Understanding,
    readonly agency: { code: string; name: string },
    units: AnswerUnit[],
    attached: Array<{ unitId: string; question: string }> = [],
    /** When it was built (ISO), for logs and the cache. */
    readonly builtAt = "",
  ) {
    const extra = new Map<string, string[]>();
    for (const a of attached) extra.set(a.unitId, [...(extra.get(a.unitId) ?? []), a.question]);
    const years = new Set<number>();
    for (const u of units) {
      this.byId.set(u.id, u);
      if (u.figure) years.add(u.figure.year);
      // Phrasings weigh twice (what the unit answers), keywords once, the answer text once (its words only).
      const q = this.docTerms([...u.questions, ...(extra.get(u.id) ?? [])].join("。"));
      // Concepts come from what the unit answers, not from its answer's wording ("方式和途径" is not a how-to).
      const kw = this.docTerms((u.keywords ?? []).join(" "));
      const tokens = [...q, ...q, ...kw, ...this.docTerms(u.answer, false)];
      this.topics.set(u.id, new Set([...q, ...kw].filter((t) => t.startsWith("#"))));
      if (u.kind === "catalogue") tokens.push(LOOKUP);
      this.bm25.add(u.id, tokens);
    }
    this.reportYears = [...years].sort((a, b) => b - a);
  }

  get size(): number {
    return this.bm25.size;
  }

  /** Every unit of the index (for staff choosing an answer to attach a missed question to). */
  allUnits(): AnswerUnit[] {
    return [...this.byId.values()];
  }

  unit(id: string): AnswerUnit | undefined {
    return this.byId.get(id);
  }

  /** Query terms: content tokens plus "#CONCEPT" for each synonym concept (复议 and 行政复议 meet), typos mended. */
  terms(text: string): string[] {
    // One message is ranked several times (figure rows, then all units; each question of it): understood once.
    const hit = this.recent.get(text);
    if (hit) return hit;
    const u = this.nlu.understand(text);
    const out = this.content(u.tokens, u.concepts);
    // "有没有/查一下/找" asks for a document: kept as a marker term the catalogue units carry (see below).
    if (u.concepts.has("CATALOGUE") || u.concepts.has("QUERY")) out.push(LOOKUP);
    if (this.recent.size >= 64) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(text, out);
    return out;
  }
  private readonly recent = new Map<string, string[]>();

  /**
   * Document terms: the same, without the typo tolerance (a pinyin look-up per window made building the index
   * of a few hundred units take 400 ms; documents are spelled correctly). Concepts by exact synonym windows.
   */
  private docTerms(text: string, withConcepts = true): string[] {
    const tokens = this.nlu.segment(this.nlu.normalize(text));
    const concepts = new Set<string>();
    for (let i = 0; withConcepts && i < tokens.length; i++) {
      let joined = "";
      for (let j = i; j < Math.min(tokens.length, i + 4); j++) {
        joined += tokens[j];
        for (const c of this.wordConcepts().get(joined) ?? []) concepts.add(c);
      }
    }
    return this.content(tokens, concepts);
  }

  private conceptMap: Map<string, string[]> | null = null;
  private wordConcepts(): Map<string, string[]> {
    if (!this.conceptMap) {
      this.conceptMap = new Map();
      for (const [c, words] of Object.entries(this.nlu.config.concepts)) for (const w of words) this.conceptMap.set(w, [...(this.conceptMap.get(w) ?? []), c]);
    }
    return this.conceptMap;
  }

  private content(tokens: string[], concepts: Set<string>): string[] {
    const out: string[] = [];
    for (const t of tokens) {
      if (NOISE.test(t) || this.nlu.stopwords.has(t) || EXTRA_STOP.has(t)) continue;
      out.push(t);
    }
    for (const c of concepts) if (!GENERIC_CONCEPTS.has(c)) out.push(`#${c}`);
    return out;
  }

  /**
   * Share (by idf) of the query's concepts the unit is about: "复议是多长时间" names 复议, which the litigation
   * unit only mentions in its answer. 1 when the query names no concept.
   */
  conceptCover(unitId: string, terms: string[]): number {
    const qc = [...new Set(terms.filter((t) => t.startsWith("#")))];
    if (!qc.length) return 1;
    const mine = this.topics.get(unitId) ?? new Set<string>();
    const all = qc.reduce((a, t) => a + this.bm25.idf(t), 0);
    return all ? qc.filter((t) => mine.has(t)).reduce((a, t) => a + this.bm25.idf(t), 0) / all : 1;
  }

  /**
   * True when the unit is about a specific matter (复议, 诉讼, 收费, 撤回 …, from its phrasings) that the query
   * does not name: "申请公开需要多少天" shares 申请/多少天 with "对答复不服多久内可以申请行政复议" but is not
   * about review. Such a unit is weighed down, not excluded.
   */
  foreignTopic(unitId: string, terms: string[]): boolean {
    const mine = this.topics.get(unitId);
    if (!mine) return false;
    const specific = [...mine].filter((t) => SPECIFIC_CONCEPTS.has(t));
    return specific.length > 0 && !specific.some((t) => terms.includes(t));
  }

  /** Weight of a term in the index (rare terms name the topic). */
  idf(term: string): number {
    return this.bm25.idf(term);
  }

  search(text: string, limit = 5, filter?: (u: AnswerUnit) => boolean): RankedUnit[] {
    const terms = this.terms(text);
    const hits = this.bm25.search(terms, 50, filter ? (id) => filter(this.byId.get(id)!) : undefined);
    // A year in the question asks for a document or a report of that year, not a rule: no curated preference.
    const dated = terms.some((t) => /^20\d{2}$/.test(t));
    return hits
      .map((h) => {
        const unit = this.byId.get(h.id)!;
        return { unit, score: h.score * (dated ? 1 : KIND_WEIGHT[unit.kind]), confidence: h.confidence, matched: h.matched };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }
}

/**
 * Curated units rank ahead of text found in longer sources when both match: staff wrote a custom unit for
 * exactly the question that was missed, and the FAQ states the fact a guide paragraph only introduces.
 */
const KIND_WEIGHT: Record<AnswerUnit["kind"], number> = { custom: 1.4, faq: 1.25, guide: 1, catalogue: 1, report: 1 };

/** Concepts that name a matter of their own: a unit about one of them answers only a question naming it. */
export const SPECIFIC_CONCEPTS = new Set([
  "#REVIEW",
  "#LITIGATION",
  "#REMEDY",
  "#CORRECTION",
  "#WITHDRAW",
  "#FEE",
  "#WITHHELD",
  "#ID_PROOF",
  "#NOT_EXIST",
  "#ANNUAL_REPORT",
]);

/** The term a look-up question ("有没有…的文件") and every catalogue entry share. */
const LOOKUP = "#LOOKUP";

/** Concepts that say how a thing is asked, not what about (every unit would match 怎么/我要). */
const GENERIC_CONCEPTS = new Set(["WANT", "HOW_MANY", "QUERY", "GREET", "THANKS", "CATALOGUE", "ACK"]);

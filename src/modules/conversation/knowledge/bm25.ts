// Okapi BM25 over pre-tokenised documents, plus a confidence in [0, 1] so the engine can compare a score with a
// fixed threshold. Written here rather than taken from a library: minisearch and wink-bm25-text-search both
// bring their own tokenisers (whitespace / Latin), so CJK text would need our jieba tokens anyway, and with
// those tokens BM25 is the forty lines below (no dependency, no ESM-only package under jest, pure for the engine).

export interface Bm25Hit {
  id: string;
  score: number;
  /** Share of the query's weight (idf) that the document matched: 1 = every query term found. */
  confidence: number;
  /** The query terms this document contains. */
  matched: string[];
}

interface Doc {
  id: string;
  tf: Map<string, number>;
  len: number;
}

const K1 = 1.2;
const B = 0.75;
/**
 * The least query weight (sum of idf) a confident match needs: a one-word query of a word most units contain
 * ("公开") matches everything completely but says nothing; a rare word ("复议", idf ≈ 3.5) carries it alone.
 */
export const MIN_QUERY_IDF = 2.5;

export class Bm25 {
  private readonly docs: Doc[] = [];
  private readonly df = new Map<string, number>();
  /** Term → indices of the documents containing it (so a query reads only the documents it can match). */
  private readonly postings = new Map<string, number[]>();
  private avgLen = 0;

  add(id: string, tokens: string[]): void {
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const index = this.docs.length;
    this.docs.push({ id, tf, len: tokens.length });
    for (const t of tf.keys()) {
      this.df.set(t, (this.df.get(t) ?? 0) + 1);
      const p = this.postings.get(t);
      if (p) p.push(index);
      else this.postings.set(t, [index]);
    }
    this.avgLen += (tokens.length - this.avgLen) / this.docs.length;
  }

  get size(): number {
    return this.docs.length;
  }

  idf(term: string): number {
    const n = this.df.get(term) ?? 0;
    return Math.log(1 + (this.docs.length - n + 0.5) / (n + 0.5));
  }

  /**
   * Ranked documents for the query terms (duplicates count once). `filter` limits the candidates (a year's
   * report cells). Confidence divides the matched idf by the query's total idf, so words the index has never
   * seen (社保, 户口) lower it: a message about something else does not pass as a weak match.
   */
  search(terms: string[], limit = 5, filter?: (id: string) => boolean): Bm25Hit[] {
    const q = [...new Set(terms)];
    const scores = new Map<number, { score: number; matched: number; terms: string[] }>();
    let totalIdf = 0;
    for (const t of q) {
      const idf = this.idf(t);
      totalIdf += idf;
      for (const i of this.postings.get(t) ?? []) {
        const d = this.docs[i];
        if (filter && !filter(d.id)) continue;
        const f = d.tf.get(t)!;
        const s = (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.len) / (this.avgLen || 1)));
        const acc = scores.get(i) ?? { score: 0, matched: 0, terms: [] };
        acc.score += s;
        acc.matched += idf;
        acc.terms.push(t);
        scores.set(i, acc);
      }
    }
    return [...scores.entries()]
      .map(([i, a]) => ({ id: this.docs[i].id, score: a.score, confidence: a.matched / Math.max(totalIdf, MIN_QUERY_IDF), matched: a.terms }))
      .sort((a, b) => b.score - a.score || b.confidence - a.confidence)
      .slice(0, limit);
  }
}

// The stand-in for the knowledge index until it lands: does a message match a staff-written answer or a
// missed question staff attached to a unit? Folded exact match, else character-bigram similarity (Dice)
// above a threshold. Pure. The index (src/modules/conversation/knowledge/) replaces this call with its
// ranking over customUnits/attachedQuestions; nothing else depends on how the match is made.
import type { AnswerUnit } from "./answer-unit";

/** Below this the match is not trusted: a wrong staff answer is worse than "没理解" and a recorded miss. */
export const MATCH_THRESHOLD = 0.6;

/** For matching and for grouping repeats: NFKC, lower case, no spaces, punctuation or polite frame. */
export function foldQuestion(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, "")
    .replace(/^(你好|您好|请问一下|请问|问一下|我想问一下|我想问|想问一下|想问)/, "")
    .replace(/(吗|呢|啊|呀|吧|哦)+$/, "");
}

function bigrams(s: string): string[] {
  const c = [...s];
  if (c.length < 2) return c;
  return c.slice(1).map((ch, i) => c[i] + ch);
}

/** Dice coefficient over character bigrams (multiset), 0…1. */
export function similarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (!x.length || !y.length) return 0;
  const pool = new Map<string, number>();
  for (const g of y) pool.set(g, (pool.get(g) ?? 0) + 1);
  let common = 0;
  for (const g of x) {
    const n = pool.get(g) ?? 0;
    if (n > 0) {
      common++;
      pool.set(g, n - 1);
    }
  }
  return (2 * common) / (x.length + y.length);
}

/** The best unit for a message among staff-written units and attached phrasings, or null. */
export function matchLearned(
  question: string,
  units: AnswerUnit[],
  attached: Array<{ unitId: string; question: string }>,
): { unitId: string; score: number } | null {
  const q = foldQuestion(question);
  if (!q) return null;
  const phrasings = [...units.flatMap((u) => u.questions.map((p) => ({ unitId: u.id, p }))), ...attached.map((a) => ({ unitId: a.unitId, p: a.question }))];
  let best: { unitId: string; score: number } | null = null;
  for (const { unitId, p } of phrasings) {
    const f = foldQuestion(p);
    const score = f === q ? 1 : similarity(q, f);
    if (score >= MATCH_THRESHOLD && (!best || score > best.score)) best = { unitId, score };
  }
  return best;
}

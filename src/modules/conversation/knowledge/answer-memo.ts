// answerMessage with a memo per index (issue 18): citizens ask the same questions, and ranking the index (t→s
// conversion, segmentation, BM25 over every unit, the checks of scope and concepts) was a tenth of a FAQ
// message's CPU. The answer depends only on the index, the understanding, the text, the year and the agency
// name, all fixed for an index object (a rebuilt index is a new object with an empty memo), so the same
// question is ranked once per index. Answers are frozen: a caller cannot change what the next one gets.
import { answerMessage, type MessageAnswer } from "./answering";
import type { KnowledgeIndex } from "./knowledge-index";
import type { Understanding } from "../understanding";

/** Texts longer than this are answered afresh (rare, and not worth holding). */
const MEMO_MAX_CHARS = 200;
/** Distinct questions kept per index (oldest out first): a few hundred KiB at most. */
const MEMO_ENTRIES = 512;

const memos = new WeakMap<KnowledgeIndex, WeakMap<Understanding, Map<string, MessageAnswer>>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function memoOf(index: KnowledgeIndex, nlu: Understanding): Map<string, MessageAnswer> {
  let byNlu = memos.get(index);
  if (!byNlu) memos.set(index, (byNlu = new WeakMap()));
  let memo = byNlu.get(nlu);
  if (!memo) byNlu.set(nlu, (memo = new Map()));
  return memo;
}

/** answerMessage(index, nlu, raw, currentYear, agencyName), ranked once per index for a repeated question. */
export function answerMessageMemo(index: KnowledgeIndex, nlu: Understanding, raw: string, currentYear: number, agencyName = index.agency.name): MessageAnswer {
  if (raw.length > MEMO_MAX_CHARS) return answerMessage(index, nlu, raw, currentYear, agencyName);
  const memo = memoOf(index, nlu);
  const key = `${currentYear}\u0000${agencyName}\u0000${raw}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const answer = deepFreeze(answerMessage(index, nlu, raw, currentYear, agencyName));
  if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(key, answer);
  return answer;
}

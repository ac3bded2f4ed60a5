// The agency directory's matching rule (pure): which agencies of the platform a citizen's words point to, by
// name (full, short, the name without its region, with one typo or a homophone) or by what the agency handles
// (profile.duties: keywords and a sentence). "学校的事找谁" → the education bureau; "融媒体中新" → the media center.
import { indexTokens } from "../catalogue/segmenter";
import { pinyinKey } from "../../text/pinyin";

/** What routing reads from an agency: `profile.duties = { keywords, summary }` (shared with the agency admin). */
export interface AgencyDuties {
  keywords: string[];
  summary: string;
}

export interface DirectoryAgency {
  code: string;
  name: string;
  shortName: string | null;
  fullName: string | null;
  duties: AgencyDuties | null;
  /** The agency's published contact line ("联系方式待机关补充" when it gave none). */
  contact: string;
}

export interface AgencyMatch {
  agency: DirectoryAgency;
  score: number;
  /** "name": the citizen named it; "duties": it handles what they described. */
  by: "name" | "duties";
}

// Region prefixes and kind suffixes: "张店区教育和体育局" is also called "教育和体育局", "教育局" is found through "教育".
const REGION_RE = /^(山东省)?(淄博市)?(张店区|张店)?/;
const KIND_RE = /(委员会|管理委员会|管委会|办公室|办事处|街道办事处|中心|局|委|办|厅|处|所|站|队|院)$/;
// Words of a routing question that say nothing about the matter ("…的事找谁", "归哪个部门管").
const GENERIC = new Set([
  "事",
  "事情",
  "事儿",
  "问题",
  "找",
  "谁",
  "哪个",
  "部门",
  "单位",
  "机关",
  "管",
  "归",
  "负责",
  "办",
  "办理",
  "申请",
  "公开",
  "信息",
  "政府",
  "政府信息",
  "哪",
  "个",
  "该",
  "联系",
  "电话",
  "方式",
  "我",
  "想",
  "要",
  "请问",
]);

const fold = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").toLowerCase();

/** Edit distance at most one (a typo, a dropped or an extra character). */
function withinOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** Names a citizen may use for the agency, longest first. */
export function nameVariants(a: Pick<DirectoryAgency, "name" | "shortName" | "fullName">): string[] {
  const out = new Set<string>();
  for (const n of [a.fullName, a.name, a.shortName]) {
    if (!n) continue;
    const f = fold(n);
    out.add(f);
    const local = f.replace(REGION_RE, "").replace(/^[区市县]/, "");
    if (local.length >= 2) out.add(local);
  }
  return [...out].filter((v) => v.length >= 2).sort((x, y) => y.length - x.length);
}

/** The name without region and kind ("教育和体育" of 张店区教育和体育局): citizens say 教育局, 教体局. */
function cores(a: DirectoryAgency): string[] {
  const out = new Set<string>();
  for (const v of nameVariants(a)) {
    const core = v
      .replace(REGION_RE, "")
      .replace(/^[区市县]/, "")
      .replace(KIND_RE, "");
    if (core.length >= 2) out.add(core);
    // "教育和体育" → "教育", "体育": each half of a joined name is a name citizens use.
    for (const part of core.split(/[和与及、]/)) if (part.length >= 2) out.add(part);
  }
  return [...out];
}

function nameScore(text: string, a: DirectoryAgency): number {
  const variants = nameVariants(a);
  for (const v of variants) if (text.includes(v)) return 100 + v.length;
  // A typo or homophone of a full name ("融媒体中新", "张店区融每体中心"): windows of the text against each name.
  for (const v of variants) {
    if (v.length < 4) continue;
    const py = pinyinKey(v);
    for (let len = v.length - 1; len <= v.length + 1; len++) {
      for (let i = 0; i + len <= text.length; i++) {
        const w = text.slice(i, i + len);
        if (withinOne(w, v) || (len === v.length && pinyinKey(w) === py)) return 80 + v.length;
      }
    }
  }
  let best = 0;
  for (const c of cores(a)) if (text.includes(c)) best = Math.max(best, 60 + c.length);
  return best;
}

function dutiesScore(text: string, tokens: string[], a: DirectoryAgency): number {
  const d = a.duties;
  if (!d) return 0;
  let score = 0;
  for (const k of d.keywords) {
    const kw = fold(k);
    if (kw.length >= 1 && text.includes(kw)) score += 10 + kw.length;
  }
  const summary = fold(d.summary);
  const seen = new Set<string>();
  for (const t of tokens) {
    if (seen.has(t) || GENERIC.has(t) || t.length < 2) continue;
    seen.add(t);
    if (summary.includes(t)) score += 3;
  }
  return score;
}

/**
 * Agencies the text points to, best first: a named agency outranks one whose duties match. `normalize` is the
 * conversation's normaliser (simplified characters, known typos) when the caller has one.
 */
export function matchAgencies(agencies: DirectoryAgency[], raw: string, normalize: (s: string) => string = (s) => s, limit = 5): AgencyMatch[] {
  const text = fold(normalize(raw)).slice(0, 200);
  if (!text) return [];
  const tokens = indexTokens(text);
  const out: AgencyMatch[] = [];
  for (const a of agencies) {
    const n = nameScore(text, a);
    if (n > 0) {
      out.push({ agency: a, score: n, by: "name" });
      continue;
    }
    const d = dutiesScore(text, tokens, a);
    if (d >= 6) out.push({ agency: a, score: d, by: "duties" });
  }
  return out.sort((x, y) => y.score - x.score || x.agency.name.localeCompare(y.agency.name, "zh")).slice(0, limit);
}

/** One suggestion the citizen is asked to confirm: a named agency, or a duties match clearly ahead of the next. */
export function suggestAgency(agencies: DirectoryAgency[], text: string, normalize?: (s: string) => string): AgencyMatch | null {
  const [first, second] = matchAgencies(agencies, text, normalize, 2);
  if (!first) return null;
  if (first.by === "name") return first;
  return !second || first.score >= second.score + 5 ? first : null;
}

// Document numbers (文号) in every notation people type: 张政办发〔2019〕12号, [2019], (2019), （2019）, 【2019】,
// or with no brackets at all (张政办发201912号). They all reduce to one key "prefix|year|number" for exact matching.

export interface DocNumber {
  prefix: string;
  year: number;
  number: number;
  /** Canonical notation with 〔〕 as the standards require. */
  canonical: string;
  key: string;
  /** Where it was found in the (NFKC-normalised) text. */
  start: number;
  end: number;
}

const OPEN = "〔\\[(（【［﹝{";
const CLOSE = "〕\\])）】］﹞}";
const PREFIX = "[\\u4e00-\\u9fa5A-Za-z]{1,20}";
const BRACKETED = new RegExp(`(${PREFIX})\\s*[${OPEN}]\\s*((?:19|20)\\d{2})\\s*[${CLOSE}]\\s*第?\\s*(\\d{1,5})\\s*号?`, "g");
const BARE = new RegExp(`(${PREFIX})\\s*((?:19|20)\\d{2})\\s*第?\\s*(\\d{1,5})\\s*号`, "g");

export function docKey(prefix: string, year: number, number: number): string {
  return `${prefix}|${year}|${number}`;
}

function make(prefix: string, year: string, num: string, start: number, end: number): DocNumber {
  const y = Number(year);
  const n = Number(num);
  return { prefix, year: y, number: n, canonical: `${prefix}〔${y}〕${n}号`, key: docKey(prefix, y, n), start, end };
}

/** Every document number in a text (query or field), left to right. */
export function findDocNumbers(text: string): DocNumber[] {
  const s = text.normalize("NFKC");
  const found: DocNumber[] = [];
  for (const re of [BRACKETED, BARE]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      const start = m.index;
      const end = start + m[0].length;
      if (found.some((f) => start < f.end && end > f.start)) continue;
      found.push(make(m[1], m[2], m[3], start, end));
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Parses a 文号 field: the canonical form and key, or null when the text is not a document number. */
export function parseDocNumber(value: string): DocNumber | null {
  const v = value.normalize("NFKC").trim();
  const all = findDocNumbers(v);
  if (all.length !== 1 || all[0].start !== 0 || all[0].end !== v.length) return null;
  return all[0];
}

/**
 * Keys a document number typed inside a sentence may stand for: the letters before the bracket may carry
 * words that are not part of the prefix ("查询张政办发〔2019〕12号"), so every suffix of 2+ characters is a candidate.
 */
export function candidateKeys(d: DocNumber): string[] {
  const keys: string[] = [];
  for (let i = 0; i <= d.prefix.length - 1; i++) {
    const p = d.prefix.slice(i);
    if (p.length < 1) continue;
    keys.push(docKey(p, d.year, d.number));
  }
  return keys;
}

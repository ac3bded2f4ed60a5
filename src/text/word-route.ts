// jieba's accurate mode without HMM (jieba-rs 0.10 `cut(text, false)`), computed over the built-in dictionary's own
// bytes plus a set of words of a chosen frequency: the bot's view of the dictionary (built-in + its concept words)
// without a second native jieba (≈ 47 MiB each). Search keeps the native one (built-in + the user dictionary).
// Same blocks, DAG, route (ties go to the longer word) and joined ASCII letters as jieba-rs, so the tokens are equal.

/** The built-in dictionary as sorted lines "word freq tag\n": line starts and word ends, for binary search. */
interface SortedDictionary {
  bytes: Uint8Array;
  wordStart: Int32Array;
  wordEnd: Int32Array;
  freqSum: number;
}

const indexed = new WeakMap<Uint8Array, SortedDictionary>();

/** The index of a dictionary's bytes, built once per buffer (≈ 3 MiB for jieba's 349,045 words). */
function indexDictionary(bytes: Uint8Array): SortedDictionary {
  const known = indexed.get(bytes);
  if (known) return known;
  let lines = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) lines++;
  const wordStart = new Int32Array(lines + 1);
  const wordEnd = new Int32Array(lines + 1);
  let count = 0;
  let freqSum = 0;
  for (let i = 0; i < bytes.length;) {
    let nl = bytes.indexOf(0x0a, i);
    if (nl < 0) nl = bytes.length;
    let sp = bytes.indexOf(0x20, i);
    if (sp < 0 || sp > nl) sp = nl;
    if (sp > i) {
      wordStart[count] = i;
      wordEnd[count] = sp;
      // Binary search needs the words in byte order, as jieba's dict.txt ships; refuse anything else.
      if (count > 0 && Buffer.compare(bytes.subarray(wordStart[count - 1], wordEnd[count - 1]), bytes.subarray(i, sp)) >= 0) {
        throw new Error(`word-route: the dictionary is not sorted by word (line ${count + 1})`);
      }
      count++;
      let f = 0;
      for (let k = sp + 1; k < nl && bytes[k] >= 0x30 && bytes[k] <= 0x39; k++) f = f * 10 + (bytes[k] - 0x30);
      freqSum += f;
    }
    i = nl + 1;
  }
  const d = { bytes, wordStart: wordStart.slice(0, count), wordEnd: wordEnd.slice(0, count), freqSum };
  indexed.set(bytes, d);
  return d;
}

/** Compares bytes [from, to) of the word on `line` with key[from, to): -1, 0, 1 (a word that ends first is smaller). */
function compareRange(d: SortedDictionary, line: number, key: Uint8Array, from: number, to: number): number {
  const s = d.wordStart[line];
  const len = d.wordEnd[line] - s;
  for (let k = from; k < to; k++) {
    if (k >= len) return -1;
    const a = d.bytes[s + k];
    if (a !== key[k]) return a < key[k] ? -1 : 1;
  }
  return 0;
}

function parseFreq(d: SortedDictionary, line: number): number {
  let f = 0;
  for (let k = d.wordEnd[line] + 1; k < d.bytes.length && d.bytes[k] >= 0x30 && d.bytes[k] <= 0x39; k++) f = f * 10 + (d.bytes[k] - 0x30);
  return f;
}

const encoder = new TextEncoder();

/** The block memo: blocks up to this long, this many of them (≈ 1–2 MiB at most). */
const BLOCK_MEMO_CHARS = 256;
const BLOCK_MEMO_ENTRIES = 4096;

const utf8Length = (cp: number) => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

function isHanDefault(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2ebef) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f) ||
    /^[a-zA-Z0-9+#&._%-]$/.test(c)
  );
}

const isAsciiAlnum = (c: string) => /^[a-zA-Z0-9]$/.test(c);

export class WordRoute {
  private readonly dict: SortedDictionary;
  private readonly extra = new Map<string, number>();
  private readonly extraPrefixes = new Set<string>();
  private logTotal: number;
  private total: number;

  /** `dictionary`: jieba's dict.txt bytes (sorted by word, as shipped); `words`: added or re-weighted at `freq`. */
  constructor(dictionary: Uint8Array, words: Iterable<string> = [], freq = 0) {
    this.dict = indexDictionary(dictionary);
    this.total = this.dict.freqSum;
    this.logTotal = Math.log(this.total);
    this.addWords(words, freq);
  }

  /** Words added with a frequency (as jieba's loadDict: a known word's frequency is replaced). */
  addWords(words: Iterable<string>, freq: number): void {
    for (const w of words) {
      if (!w || /\s/.test(w)) continue;
      const old = this.extra.get(w) ?? this.baseFreq(w);
      this.total += freq - (old ?? 0);
      this.extra.set(w, freq);
      const chars = [...w];
      for (let k = 1; k < chars.length; k++) this.extraPrefixes.add(chars.slice(0, k).join(""));
    }
    this.logTotal = Math.log(this.total);
  }

  /** The built-in frequency of a word, null if the built-in dictionary lacks it. */
  private baseFreq(word: string): number | null {
    const key = encoder.encode(word);
    const [lo, hi] = this.narrow(0, this.dict.wordStart.length, key, 0, key.length);
    return lo < hi && this.dict.wordEnd[lo] - this.dict.wordStart[lo] === key.length ? parseFreq(this.dict, lo) : null;
  }

  /** The lines whose word starts with a character (cached: a text's characters repeat). */
  private firstChar(c: string, key: Uint8Array, bytes: number): [number, number] {
    let r = this.byFirstChar.get(c);
    if (!r) {
      r = this.narrow(0, this.dict.wordStart.length, key, 0, bytes);
      this.byFirstChar.set(c, r);
    }
    return r;
  }
  private readonly byFirstChar = new Map<string, [number, number]>();

  /** Lines [lo, hi) share key[0, from); the lines among them that also share key[from, to). */
  private narrow(lo: number, hi: number, key: Uint8Array, from: number, to: number): [number, number] {
    const d = this.dict;
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (compareRange(d, mid, key, from, to) < 0) a = mid + 1;
      else b = mid;
    }
    let c = a;
    let e = hi;
    while (c < e) {
      const mid = (c + e) >>> 1;
      if (compareRange(d, mid, key, from, to) <= 0) c = mid + 1;
      else e = mid;
    }
    return [a, c];
  }

  /** The words of a text, as jieba-rs `cut(text, false)` with this dictionary. */
  cut(text: string): string[] {
    const out: string[] = [];
    let run: string[] = [];
    let han: boolean | null = null;
    const flush = () => {
      if (!run.length) return;
      if (han) this.cutBlock(run, out);
      else {
        // Other characters one by one, a CR LF pair as one.
        for (let i = 0; i < run.length; i++) {
          if (run[i] === "\r" && run[i + 1] === "\n") {
            out.push("\r\n");
            i++;
          } else out.push(run[i]);
        }
      }
      run = [];
    };
    for (const c of text) {
      const h = isHanDefault(c);
      if (h !== han) flush();
      han = h;
      run.push(c);
    }
    flush();
    return out;
  }

  /**
   * Blocks already cut, FIFO-bounded: the knowledge index re-reads the same answer texts at every rebuild and
   * citizens send the same phrases, and the route is a few times slower per character than the native jieba.
   */
  private readonly blocks = new Map<string, readonly string[]>();

  private cutBlock(chars: string[], out: string[]): void {
    const text = chars.join("");
    const known = this.blocks.get(text);
    if (known) {
      for (const w of known) out.push(w);
      return;
    }
    const from = out.length;
    this.routeBlock(chars, text, out);
    if (text.length <= BLOCK_MEMO_CHARS) {
      if (this.blocks.size >= BLOCK_MEMO_ENTRIES) this.blocks.delete(this.blocks.keys().next().value!);
      this.blocks.set(text, out.slice(from));
    }
  }

  private routeBlock(chars: string[], text: string, out: string[]): void {
    const n = chars.length;
    const key = encoder.encode(text);
    const offset = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) offset[k + 1] = offset[k] + utf8Length(chars[k].codePointAt(0)!);
    const d = this.dict;
    const score = new Float64Array(n + 1);
    const next = new Int32Array(n + 1);
    for (let i = n - 1; i >= 0; i--) {
      let best = -Infinity;
      let bestEnd = -1;
      let s = "";
      const sub = key.subarray(offset[i]);
      let [lo, hi] = this.firstChar(chars[i], sub, offset[i + 1] - offset[i]);
      for (let j = i; j < n; j++) {
        s += chars[j];
        const depth = offset[j + 1] - offset[i];
        if (j > i && lo < hi) [lo, hi] = this.narrow(lo, hi, sub, offset[j] - offset[i], depth);
        const exact = lo < hi && d.wordEnd[lo] - d.wordStart[lo] === depth;
        const freq = this.extra.get(s) ?? (exact ? parseFreq(d, lo) : null);
        if (freq !== null) {
          const v = Math.log(freq) - this.logTotal + score[j + 1];
          if (v >= best) {
            best = v;
            bestEnd = j + 1;
          }
        }
        if (hi - lo <= (exact ? 1 : 0) && !this.extraPrefixes.has(s)) break;
      }
      if (bestEnd < 0) {
        best = 0 - this.logTotal + score[i + 1];
        bestEnd = i + 1;
      }
      score[i] = best;
      next[i] = bestEnd;
    }
    let left = -1;
    for (let x = 0; x < n;) {
      const y = next[x];
      if (y - x === 1 && isAsciiAlnum(chars[x])) {
        if (left < 0) left = x;
      } else {
        if (left >= 0) out.push(chars.slice(left, x).join(""));
        left = -1;
        out.push(chars.slice(x, y).join(""));
      }
      x = y;
    }
    if (left >= 0) out.push(chars.slice(left).join(""));
  }
}

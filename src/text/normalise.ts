// Chinese text normalisation shared by search and the bot: full-width folding (NFKC), whitespace, and
// traditional → simplified characters (OpenCC's converter, built once per process on first use).
import * as OpenCC from "opencc-js";

/** Full-width letters, digits and punctuation folded to their ordinary forms (ＡＢＣ１２３，→ ABC123,). */
export function foldWidth(text: string): string {
  return text.normalize("NFKC");
}

/** Full-width folded, runs of whitespace (full-width spaces included) made one space, trimmed. */
export function foldSpaces(text: string): string {
  return foldWidth(text).replace(/\s+/g, " ").trim();
}

let tToS: ((s: string) => string) | null = null;

/**
 * Traditional characters become simplified, as the catalogue and the bot's vocabulary are written. Character by
 * character only ("tw" → "cn"): the phrase tables ("twp") also rewrite words, e.g. 埠 → 端口 in the place name 中埠镇.
 */
export function toSimplified(text: string): string {
  tToS ??= OpenCC.Converter({ from: "tw", to: "cn" });
  return tToS(text);
}

/** What both search and the bot read: full-width folded, spaces collapsed, simplified, lower-cased. */
export function normalise(raw: string): string {
  return toSimplified(foldSpaces(raw)).toLowerCase();
}

// The key under which repeats of one missed question are counted (bot_misses): the message folded — NFKC,
// lower case, no spaces, punctuation or polite frame — so "请问食堂开放吗？" and "食堂开放吗" are one row.
// (It was also the stand-in matcher of staff-written answers before the knowledge index; the index is now the
// only matcher of those, so only the folding is left here.)

/** For grouping repeats: NFKC, lower case, no spaces, punctuation or polite frame. */
export function foldQuestion(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, "")
    .replace(/^(你好|您好|请问一下|请问|问一下|我想问一下|我想问|想问一下|想问)/, "")
    .replace(/(吗|呢|啊|呀|吧|哦)+$/, "");
}

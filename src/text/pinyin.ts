// Toneless pinyin of Chinese words (pinyin-pro), for homophone typos (申情 → 申请) and pinyin typed without
// choosing characters. The library's tables load with this module, once per process.
import { pinyin } from "pinyin-pro";

/** Toneless pinyin, one syllable per character, space-separated; runs of other characters stay as one part. */
export function pinyinKey(word: string): string {
  return (pinyin(word, { toneType: "none", type: "array", nonZh: "consecutive" }) as string[]).join(" ");
}

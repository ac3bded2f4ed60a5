// Chinese word segmentation for search and the bot on ONE dictionary load per process. Search uses the native jieba
// (@node-rs/jieba: the built-in dictionary + the government user dictionary, config/jieba-user-dict.txt), built once
// on first use; each instance parses the ~5 MB dictionary into ≈ 47 MiB, so there is only this one. The bot reads
// the same built-in dictionary bytes through WordRoute (word-route.ts) with its concept words added, which gives
// exactly the tokens a second jieba with those words would, for ≈ 3 MiB of index instead of another 47 MiB.
import fs from "node:fs";
import path from "node:path";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { WordRoute } from "./word-route";

export const DEFAULT_USER_DICT = "config/jieba-user-dict.txt";

let instance: Jieba | null = null;
const userDicts = new Set<string>();

function loadUserDict(j: Jieba, userDictPath: string): void {
  if (userDicts.has(userDictPath)) return;
  userDicts.add(userDictPath);
  const file = path.resolve(userDictPath);
  if (fs.existsSync(file)) j.loadDict(fs.readFileSync(file));
}

/**
 * The process's jieba: the built-in dictionary and the default user dictionary, plus a configured one (the service's
 * JIEBA_USER_DICT) when given. Catalogue start-up calls it so the first search does not pay for building it.
 */
export function jieba(userDictPath = DEFAULT_USER_DICT): Jieba {
  if (!instance) {
    instance = Jieba.withDict(dict);
    loadUserDict(instance, DEFAULT_USER_DICT);
  }
  loadUserDict(instance, userDictPath);
  return instance;
}

/** The words of a text in order (jieba's accurate mode; `hmm` guesses words the dictionaries lack). */
export function cut(text: string, hmm: boolean): string[] {
  return jieba().cut(text, hmm);
}

/** Search mode: the words plus their dictionary sub-words (政府信息公开 → 政府, 信息, 公开, …, 政府信息公开). */
export function cutForSearch(text: string): string[] {
  return jieba().cutForSearch(text, true);
}

/**
 * A segmenter over the built-in dictionary with `words` added at frequency `freq` (no user dictionary), as
 * `Jieba.withDict(dict)` + `loadDict("word freq" lines)` + `cut(text, false)` would segment, without the native copy.
 */
export function wordRoute(words: Iterable<string>, freq: number): WordRoute {
  return new WordRoute(dict, words, freq);
}

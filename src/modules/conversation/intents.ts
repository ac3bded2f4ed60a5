// Intent recognition over understood text: which of the things the bot can do the citizen asks for,
// plus the slots it needs (year, figure topic, search words, application number and query code).
import { findDocNumbers } from "../catalogue/doc-number";
import type { Understanding, Understood } from "./understanding";

export type GuideTopic = "how_to_apply" | "contact" | "time_limit" | "fees" | "withheld" | "remedies" | "overview";
export type FigureTopic =
  "received" | "carried_over" | "granted" | "partial" | "withheld" | "unable" | "not_processed" | "total" | "carried_forward" | "review" | "litigation";

export type Intent =
  | { kind: "handoff" }
  | { kind: "wrong_channel"; word: string }
  | { kind: "status_mine" }
  | { kind: "status_query"; applicationNo?: string; queryCode?: string }
  | { kind: "report_figures"; year: number | null; yearWord?: string; topic: FigureTopic }
  | { kind: "file_start" }
  | { kind: "guide"; topic: GuideTopic }
  | { kind: "catalogue_search"; query: string; year: number | null }
  | { kind: "greeting" }
  | { kind: "thanks" }
  | { kind: "smalltalk"; what: "bye" | "capability" | "emoji" | "symbols" | "ack" }
  | { kind: "unknown" };

const CN_DIGITS: Record<string, string> = {
  〇: "0",
  零: "0",
  "○": "0",
  Ｏ: "0",
  一: "1",
  二: "2",
  三: "3",
  四: "4",
  五: "5",
  六: "6",
  七: "7",
  八: "8",
  九: "9",
};

/** Year named in the text: 2019年, 二〇一九年, 19年, 今年/去年/前年/大前年 (relative to `currentYear`). */
export function parseYear(text: string, currentYear: number): { year: number; word: string } | null {
  const rel: Array<[string, number]> = [
    ["大前年", -3],
    ["前年", -2],
    ["去年", -1],
    ["上一年", -1],
    ["上年度", -1],
    ["今年", 0],
    ["本年", 0],
  ];
  for (const [w, d] of rel) if (text.includes(w)) return { year: currentYear + d, word: w };
  const cn = /([〇零○一二三四五六七八九]{4})年/.exec(text);
  if (cn) {
    const y = Number([...cn[1]].map((c) => CN_DIGITS[c]).join(""));
    if (y >= 2000 && y <= 2099) return { year: y, word: cn[0] };
  }
  const four = /(?<!\d)(20\d{2})(?!\d)/.exec(text);
  if (four) return { year: Number(four[1]), word: four[1] };
  const two = /(?<![\d-])(\d{2})年/.exec(text);
  if (two) return { year: 2000 + Number(two[1]), word: two[0] };
  return null;
}

/** Application number and query code in a message such as "查询 ZDRMT-2026-0001 查询码 A1B2C3". */
export function parseCredentials(text: string): { applicationNo?: string; queryCode?: string } {
  const folded = text.normalize("NFKC");
  const tokens = folded.match(/[A-Za-z0-9][A-Za-z0-9\-/_]*[A-Za-z0-9]/g) ?? [];
  const candidates = tokens.filter((t) => /\d/.test(t));
  // The application number is the first token with a separator or letters and at least 6 characters.
  const noIdx = candidates.findIndex((t) => t.length >= 6 && (/[-/_]/.test(t) || /[A-Za-z]/.test(t)));
  const applicationNo = noIdx >= 0 ? candidates[noIdx].toUpperCase() : undefined;
  const rest = candidates.filter((_, i) => i !== noIdx);
  const codeMatch = /(?:查询码|验证码|密码|code)\s*[:：]?\s*([A-Za-z0-9]{4,16})/i.exec(folded);
  const queryCode = codeMatch?.[1] ?? rest.find((t) => /^[A-Za-z0-9]{4,16}$/.test(t) && t.toUpperCase() !== applicationNo);
  return { applicationNo, queryCode };
}

function figureTopic(u: Understood): FigureTopic | null {
  const c = u.concepts;
  if (c.has("REVIEW")) return "review";
  if (c.has("LITIGATION")) return "litigation";
  if (c.has("PARTIAL")) return "partial";
  if (c.has("WITHHELD")) return "withheld";
  if (c.has("GRANTED")) return "granted";
  if (c.has("UNABLE")) return "unable";
  if (c.has("NOT_PROCESSED")) return "not_processed";
  if (c.has("CARRIED")) return u.text.includes("上年结转") ? "carried_over" : "carried_forward";
  if (c.has("RECEIVED") || c.has("APPLY")) return "received";
  return null;
}

export function classify(nlu: Understanding, u: Understood, currentYear: number): Intent {
  const c = u.concepts;
  const has = (...names: string[]) => names.some((n) => c.has(n));
  // "投诉工作人员" is a complaint about staff (right channel), not a request to talk to one.
  if (has("HANDOFF") && !(has("WRONG") && u.matched.get("HANDOFF") === "工作人员")) return { kind: "handoff" };
  if (has("WRONG")) return { kind: "wrong_channel", word: u.matched.get("WRONG") ?? "信访" };
  const creds = parseCredentials(u.original);
  // "ZDRMT-2026-00001 304931499960": an application number and its code alone ask for the status.
  if (creds.applicationNo && creds.queryCode && /^[A-Z]{2,}-\d{4}-\d{3,}$/.test(creds.applicationNo)) return { kind: "status_query", ...creds };
  // "我的申请号是… 查询码…" names one application: it is looked up, not refused as a 我的申请 listing.
  if (has("MINE") && !(creds.applicationNo && creds.queryCode)) return { kind: "status_mine" };
  if (has("STATUS") || (has("QUERY") && has("APPLY")) || (has("QUERY") && creds.applicationNo)) {
    return { kind: "status_query", ...creds };
  }
  // A document number (张政办发〔2021〕7号, [2021], 2021年7号…) is looked up in the catalogue as it is.
  const docNo = findDocNumbers(u.text)[0];
  if (docNo) return { kind: "catalogue_search", query: docNo.canonical, year: null };
  const year = parseYear(u.text, currentYear);
  if (has("HOW_MANY")) {
    const topic = figureTopic(u);
    if (topic && (year || has("RECEIVED", "REVIEW", "LITIGATION", "WITHHELD", "GRANTED", "PARTIAL", "CARRIED", "UNABLE", "NOT_PROCESSED"))) {
      return { kind: "report_figures", year: year?.year ?? null, yearWord: year?.word, topic };
    }
  }
  // "申请需要身份证吗" asks about applying; "我要申请" opens the form.
  const asks = /[吗嘛？?]$|吗[，,。；;\s]|什么|哪些|是否|能不能|可不可以|要不要|需不需要|用不用|啥|咋|多久|怎么|如何|带/.test(u.text);
  if (has("APPLY") && has("WANT") && !asks && !has("HOW", "WHERE", "FEE", "TIMELIMIT")) return { kind: "file_start" };
  if (has("REMEDY")) return { kind: "guide", topic: "remedies" };
  if (has("WITHHELD")) return { kind: "guide", topic: "withheld" };
  if (has("FEE")) return { kind: "guide", topic: "fees" };
  if (has("HOURS", "CONTACT") && !has("CATALOGUE")) return { kind: "guide", topic: "contact" };
  if (has("TIMELIMIT") && (has("APPLY") || has("HOW_MANY") || /答复|回复|办理|处理/.test(u.text))) return { kind: "guide", topic: "time_limit" };
  if (has("APPLY") && has("HOW", "WHERE")) return { kind: "guide", topic: "how_to_apply" };
  if (has("GUIDE")) return { kind: "guide", topic: "overview" };
  if (has("CATALOGUE", "ANNUAL_REPORT")) {
    const words = nlu.contentWords(u, ["CATALOGUE"]).filter((w) => w !== "年");
    return { kind: "catalogue_search", query: words.join(" "), year: year?.year ?? null };
  }
  if (has("TIMELIMIT")) return { kind: "guide", topic: "time_limit" };
  if (has("APPLY")) return { kind: "guide", topic: "how_to_apply" };
  // "我要查询" / "查一下": with nothing else to look up, it is the status of an application;
  // "查一下安全生产工作要点" names something to look up in the catalogue.
  if (has("QUERY")) {
    const words = nlu.contentWords(u, ["QUERY", "WANT"]).filter((w) => /[\u4e00-\u9fff]{2,}/.test(w));
    if (words.length && !has("APPLY", "STATUS")) return { kind: "catalogue_search", query: words.join(" "), year: year?.year ?? null };
    return { kind: "status_query", ...creds };
  }
  // Small talk only when nothing else is asked ("你会什么时候答复" names 答复): bye, "what can you do", emoji alone.
  const SOCIAL = new Set(["GREET", "THANKS", "BYE", "CAPABILITY", "WANT", "ACK"]);
  const onlySocial = [...c].every((x) => SOCIAL.has(x));
  // Laughter alone ("哈哈哈", "呵呵"): an acknowledgement, whatever its length. (A run of fillers such as
  // "嗯嗯嗯嗯" stays not understood: two of them hand the citizen to a person.)
  const bare = u.text.replace(/[\p{P}\p{S}\s]/gu, "");
  if (bare && /^(哈|呵|嘿){2,}$/.test(bare)) return { kind: "smalltalk", what: "ack" };
  if (onlySocial && has("CAPABILITY")) return { kind: "smalltalk", what: "capability" };
  if (onlySocial && has("BYE")) return { kind: "smalltalk", what: "bye" };
  // The class lists the emoji joiner (U+200D) and variation selector (U+FE0F) as characters of their own on purpose.
  // eslint-disable-next-line no-misleading-character-class
  if (!c.size && u.text && /^[\p{Extended_Pictographic}\p{P}\p{S}\s\u200d\ufe0f]+$/u.test(u.text) && /\p{Extended_Pictographic}/u.test(u.text))
    return { kind: "smalltalk", what: "emoji" };
  // Symbols and digits without a word ("{{7*7}} ${7*7}", "？？？"): nothing is asked; never evaluated or echoed.
  if (!c.size && u.text && !/\p{L}/u.test(u.text) && /[\p{P}\p{S}]/u.test(u.text)) return { kind: "smalltalk", what: "symbols" };
  // "谢谢你的帮助" thanks (帮助 is also a greeting word).
  if (has("THANKS")) return { kind: "thanks" };
  if (has("GREET")) return { kind: "greeting" };
  if (onlySocial && has("ACK")) return { kind: "smalltalk", what: "ack" };
  return { kind: "unknown" };
}

// Answering a question from the knowledge index: scope rules first (redirects and refusals), then figure
// questions (a report cell: year, row, column; a comparison across years), then BM25 ranking of every unit.
// The score decides: answer with the specific fact, its source and link; or "您是想问：1.… 2.…"; or nothing
// (the engine's menu), the last two recorded as misses. Pure (no I/O), called inside the engine step.
import { parseYear } from "../intents";
import type { Understanding } from "../understanding";
import type { AnswerUnit } from "./answer-unit";
import { SPECIFIC_CONCEPTS, type KnowledgeIndex, type RankedUnit } from "./knowledge-index";
import { checkScope, scopeReply } from "./scope";

/** Confidence (share of the query's idf matched) at or above which the top unit is answered outright. */
export const ANSWER_CONFIDENCE = 0.55;
/** Below this nothing is close enough to offer as a choice. */
export const CHOICE_CONFIDENCE = 0.2;
/** A phone screen: the answer and its source line stay within this many characters. */
export const MAX_REPLY = 300;
export const DETAIL_HINT = "回复“详细”看全文";

export type Answer =
  | { kind: "answer"; unitId: string; text: string; score: number; hasDetail: boolean }
  | { kind: "clarify"; choices: string[]; text: string; score: number }
  | { kind: "redirect"; reason: string; text: string }
  | { kind: "none"; score: number | null };

function sourceLine(u: AnswerUnit): string {
  return `（来源：${u.source.label}${u.source.url ? `，${u.source.url}` : ""}）`;
}

/** The unit said briefly: its fact, its source and link, and the hint when there is more. */
export function unitReply(u: AnswerUnit, answer = u.answer): string {
  const src = sourceLine(u);
  const hint = u.detail ? `\n${DETAIL_HINT}` : "";
  const room = MAX_REPLY - src.length - hint.length - 1;
  const body = answer.length > room ? `${answer.slice(0, Math.max(room - 1, 40))}…` : answer;
  return `${body}\n${src}${hint}`;
}

export function detailReply(u: AnswerUnit): string {
  return `${u.detail ?? u.answer}\n${sourceLine(u)}`;
}

/** How a choice is offered: the unit's first phrasing (a report cell names its year). */
export function choiceLabel(u: AnswerUnit): string {
  const q = u.questions[0] ?? u.answer;
  return u.figure && !q.includes(String(u.figure.year)) ? `${u.figure.year}年${q}` : q;
}

export function clarifyText(units: AnswerUnit[], hint = ""): string {
  return `我不太确定您想问哪一项。您是想问：\n${units.map((u, i) => `${i + 1}. ${choiceLabel(u)}`).join("\n")}\n请回复序号；${hint}都不是的话，换个说法或回复“人工”。`;
}

// ---- figures ----

/** Citizens' words for the applicant columns of section 三 (the printed label is the official one). */
const COLUMN_WORDS: Array<[string, string[]]> = [
  ["natural_person", ["自然人", "个人", "公民", "老百姓", "群众", "市民"]],
  ["org.commercial", ["商业企业", "企业", "公司"]],
  ["org.research", ["科研机构", "科研", "研究机构", "高校"]],
  ["org.public_welfare", ["社会公益组织", "公益组织", "公益"]],
  ["org.legal_service", ["法律服务机构", "律师事务所", "律所"]],
];
/** Words for the columns of 二 (2019: 新制作/新公开/对外公开总数; 2021: 制发/废止/现行有效; 决定; 金额). */
const DISCLOSURE_COLUMN_WORDS: Record<string, string[]> = {
  new_made: ["制作"],
  new_published: ["新公开", "发布", "公布"],
  total_published: ["总数", "累计", "一共"],
  issued: ["制发", "发布", "出台", "印发", "制作", "发了"],
  repealed: ["废止", "废除"],
  in_force: ["现行有效", "有效", "现行"],
  decisions: ["决定", "处理决定", "多少件", "几件"],
  fee_amount: ["金额", "收了多少", "多少钱"],
  purchase_amount: ["金额", "多少钱", "采购额"],
  upheld: ["维持"],
  corrected: ["纠正"],
  pending: ["尚未审结", "未审结", "还没结"],
};
const COMPARE = /历年|每年|各年|近几年|这几年|近年|逐年|对比|比较|变化|趋势|哪一年|哪年|增加了|减少了/;
const FIGURE_ASK = /多少|几件|几个|几起|几宗|几次|数量|总数|一共|共计|有没有被|被起诉|被告|被复议|统计|数据|数字/;

function figureYears(text: string, currentYear: number, published: number[]): { years: number[]; asked: number | null; compare: boolean } {
  const compare = COMPARE.test(text);
  const all = [...text.matchAll(/(?<!\d)(20\d{2})(?!\d)/g)].map((m) => Number(m[1]));
  if (all.length > 1) return { years: [...new Set(all)].sort(), asked: null, compare: true };
  const one = parseYear(text, currentYear);
  if (compare && !one) return { years: [...published].sort(), asked: null, compare: true };
  if (one) return { years: [one.year], asked: one.year, compare: false };
  return { years: published.slice(0, 1), asked: null, compare: false };
}

function figureAnswer(index: KnowledgeIndex, text: string, currentYear: number): Answer | null {
  const published = index.reportYears;
  if (!published.length) return null;
  const isNarrative = /存在的问题|主要问题|改进|不足|总体情况|平台|渠道建设|其他需要报告/.test(text) && /报告|年/.test(text);
  // "复议期限是多少天", "查个文件要多少钱", "可以申请好几个文件吗" ask 多少/几 of something else than a count.
  const hasYear = /(?<!\d)20\d{2}|[今去前]年|[〇零一二三四五六七八九]{4}年/.test(text);
  // 件 counts applications, but not in 文件/证件/案件/邮件 ("一份申请可以申请好几个文件吗").
  const PIECES = /(?<![文证案邮稿附条])件/;
  const duration = /期限|多少天|几天|多久|多长时间|时间|费|钱|几个工作日/.test(text) && !PIECES.test(text);
  const countAsked =
    FIGURE_ASK.test(text) &&
    !duration &&
    (hasYear || PIECES.test(text) || /宗|起|报告|统计|数据|数量|收到|受理|不予公开|予以公开|部分公开|复议|诉讼|起诉|结转|无法提供|不予处理/.test(text));
  if (!countAsked && !isNarrative && !(COMPARE.test(text) && (hasYear || /申请|复议|诉讼|报告/.test(text)))) return null;
  const { years, asked, compare } = figureYears(text, currentYear, published);
  const missing = years.filter((y) => !published.includes(y));
  if (asked !== null && missing.length) {
    const list = [...published]
      .sort()
      .map((y) => `${y}年`)
      .join("、");
    return {
      kind: "redirect",
      reason: "report_not_published",
      text: `${asked}年度的政府信息公开工作年度报告尚未公布，暂时无法提供该数字。已公布的年度报告：${list}，目前已公布的最近一期为${published[0]}年度报告。`,
    };
  }
  const inYears = years.filter((y) => published.includes(y));
  const year0 = inYears[inYears.length - 1] ?? published[0];
  // 四: a question naming 诉讼/起诉 is about litigation (also "复议后起诉"), one naming only 复议 about review.
  const litigation = /诉讼|起诉|官司|被告|法院/.test(text);
  const review = !litigation && /复议/.test(text);
  const fits = (u: AnswerUnit) => {
    const f = u.figure;
    if (u.kind !== "report" || !f || f.year !== year0) return false;
    if (isNarrative ? f.value !== null : f.value === null) return false;
    if (f.section === "四" && (litigation || review)) return f.row.startsWith(litigation ? "litigation" : "review");
    return true;
  };
  // The row is found without the applicant words (律所, 企业): they name the column, not the row.
  const rowText = COLUMN_WORDS.reduce((t, [, words]) => words.reduce((x, w) => x.split(w).join(" "), t), text);
  const hits = index.search(rowText, 3, fits);
  let top: RankedUnit | undefined = hits[0];
  // "律所申请了几件": no row named but applications asked about — the row of new applications.
  if ((!top || top.confidence < CHOICE_CONFIDENCE) && !isNarrative && /申请/.test(text)) {
    const u = index.unit(`report:${year0}:三:received.new`);
    if (u) top = { unit: u, score: 0, confidence: CHOICE_CONFIDENCE };
  }
  if (!top || top.confidence < CHOICE_CONFIDENCE) return null;
  const f = top.unit.figure!;
  if (compare && inYears.length > 1 && f.value !== null) {
    const lines = inYears.map((y) => {
      const u = index.unit(top.unit.id.replace(`report:${f.year}:`, `report:${y}:`));
      return `${y}年：${u?.figure?.value ?? "—"}${f.unit}`;
    });
    const label = top.unit.questions[0];
    return {
      kind: "answer",
      unitId: top.unit.id,
      score: top.confidence,
      hasDetail: false,
      text: `${label}，历年情况：\n${lines.join("\n")}\n（来源：各年度《政府信息公开工作年度报告》${top.unit.source.label.split("》")[1] ?? ""}）`,
    };
  }
  if (f.value !== null && f.columns?.length) {
    const cols = f.columns;
    const word = COLUMN_WORDS.find(([code, words]) => cols.some((c) => c.code === code) && words.some((w) => text.includes(w)));
    const legalPerson = /法人|组织|单位申请/.test(text) && !word;
    if (word) {
      const c = cols.find((x) => x.code === word[0])!;
      return {
        kind: "answer",
        unitId: top.unit.id,
        score: top.confidence,
        hasDetail: false,
        text: unitReply(
          { ...top.unit, detail: undefined, source: { ...top.unit.source, label: `${top.unit.source.label.replace(/·总计$/, "")}·${c.label}` } },
          `${f.year}年${top.unit.questions[0]}中，${c.label}：${c.value}${f.unit}（合计${f.value}${f.unit}）。`,
        ),
      };
    }
    if (legalPerson) {
      const org = cols.filter((c) => c.code.startsWith("org."));
      const sum = org.reduce((a, c) => a + c.value, 0);
      return {
        kind: "answer",
        unitId: top.unit.id,
        score: top.confidence,
        hasDetail: false,
        text: unitReply(
          { ...top.unit, detail: undefined },
          `${f.year}年${top.unit.questions[0]}中，法人或其他组织：${sum}${f.unit}（${org.map((c) => `${c.label}${c.value}`).join("、")}）。`,
        ),
      };
    }
    if (f.section === "二" || f.section === "四") {
      const asked = cols.find((c) => (DISCLOSURE_COLUMN_WORDS[c.code.split(".").pop()!] ?? []).some((w) => text.includes(w)) || text.includes(c.label));
      if (asked) {
        const rest = cols
          .filter((c) => c !== asked)
          .map((c) => `${c.label}${c.value}${c.unit ?? f.unit}`)
          .join("，");
        return {
          kind: "answer",
          unitId: top.unit.id,
          score: top.confidence,
          hasDetail: false,
          text: unitReply(
            { ...top.unit, source: { ...top.unit.source, label: `${top.unit.source.label}·${asked.label}` } },
            `${f.year}年${f.rowLabel}${asked.label}：${asked.value}${asked.unit ?? f.unit}${rest ? `（${rest}）` : ""}。`,
          ),
        };
      }
    }
    // No column asked: the total, and which breakdowns exist (the non-zero ones with their figures).
    const nz = cols.filter((c) => c.value);
    const by =
      f.section === "三"
        ? `按申请人分：${(nz.length ? nz : cols.slice(0, 2)).map((c) => `${c.label}${c.value}${f.unit}`).join("，")}。可以问“其中自然人多少”。`
        : `${cols.map((c) => `${c.label}${c.value}${c.unit ?? f.unit}`).join("，")}。`;
    const lead =
      f.section === "三"
        ? `${f.year}年${top.unit.questions[0]}：${f.value}${f.unit}。${by}`
        : f.section === "四"
          ? `${f.year}年${f.rowLabel}：${f.value}${f.unit}（${by.replace(/。$/, "")}）。`
          : `${f.year}年${f.rowLabel}：${by}`;
    return { kind: "answer", unitId: top.unit.id, score: top.confidence, hasDetail: false, text: unitReply({ ...top.unit, detail: undefined }, lead) };
  }
  const latest = asked === null && f.value !== null ? `（最近一期${f.year}年度报告）` : "";
  return {
    kind: "answer",
    unitId: top.unit.id,
    score: top.confidence,
    hasDetail: Boolean(top.unit.detail),
    text: unitReply(top.unit, `${top.unit.answer}${latest}`),
  };
}

// ---- the whole message ----

/** Two questions in one message: split at question marks and at 另外/还有/顺便问 (parts of 4+ characters). */
export function splitQuestions(text: string): string[] {
  const parts = text
    .split(/[？?]+|[。；;]\s*(?=另外|还有|顺便|再问|以及)|(?<=[\u4e00-\u9fff])\s*(?:另外|还有就是|顺便问一下|顺便问)/)
    .map((p) => p.replace(/^(另外|还有|顺便问?|再问|以及)[，,、]?/, "").trim())
    .filter((p) => p.length >= 4);
  return parts.length > 1 ? parts.slice(0, 3) : [text];
}

function distinct(hits: RankedUnit[]): RankedUnit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const k = choiceLabel(h.unit);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Weight of a unit about a specific matter the question does not name (KnowledgeIndex.foreignTopic). */
export const FOREIGN_TOPIC = 0.7;

/** Idf the top unit matched that the runner-up did not: a rare topic word (复议, 补正) only it contains. */
export const DISTINCT_IDF = 2.5;
function distinctive(index: KnowledgeIndex, top: RankedUnit, second: RankedUnit): number {
  const other = new Set(second.matched ?? []);
  return (top.matched ?? []).filter((t) => !other.has(t)).reduce((a, t) => a + index.idf(t), 0);
}

// ---- contact details ----

/** The contact fields a citizen asks for, by the words used; label as printed in the FAQ contact answer. */
const CONTACT_FIELDS: Array<{ label: string; words: RegExp }> = [
  { label: "联系电话", words: /电话|号码|手机|热线|打给|联系方式|怎么联系|联系你们/ },
  { label: "办公时间", words: /办公时间|上班时间|工作时间|几点|上班|下班|周[六日末]|星期|礼拜|节假日|双休|开门/ },
  { label: "办公地址", words: /地址|在哪|哪里|地点|位置|地方|当面|现场|窗口|递交|上门/ },
  { label: "电子邮箱", words: /邮箱|电子邮件|email|e-mail/ },
  { label: "传真", words: /传真/ },
  { label: "邮政编码", words: /邮编|邮政编码/ },
  { label: "受理机构", words: /受理机构|部门|科室|办公室|负责|归谁管/ },
];
/** Concepts a contact question may name besides the contact ones ("周六能去办理吗", "怎么联系你们"). */
const CONTACT_ONLY = new Set(["#CONTACT", "#HOURS", "#OFFICE", "#VISIT", "#WHERE", "#HOW"]);
const UNPUBLISHED = "待机关补充";

/**
 * "你们电话多少", "邮编多少", "周六能去办理吗": the asked field first, from the agency's contact unit; a field the
 * agency has not published is said to be so (never invented), then the other published ways to reach it.
 */
function contactAnswer(index: KnowledgeIndex, text: string): Answer | null {
  // A message giving a number ("我家猫丢了 电话139…") tells us theirs; it does not ask for ours.
  if (/\d{5,}/.test(text)) return null;
  const terms = index.terms(text).filter((t) => t.startsWith("#"));
  if (!terms.some((t) => t === "#CONTACT" || t === "#HOURS" || t === "#OFFICE" || t === "#VISIT")) return null;
  if (terms.some((t) => !CONTACT_ONLY.has(t) && !(t === "#APPLY" && terms.includes("#VISIT")))) return null;
  const u = index.unit("faq:contact");
  if (!u) return null;
  const fields = new Map<string, string>();
  for (const part of `${u.answer}；${u.detail ?? ""}`.split(/[；。]/)) {
    const m = /^\s*([^：]{2,6})：(.+)$/.exec(part);
    if (m) fields.set(m[1], m[2].trim());
  }
  const asked = CONTACT_FIELDS.filter((f) => f.words.test(text)).map((f) => f.label);
  if (!asked.length) return null;
  const say = (label: string) => {
    const v = fields.get(label) ?? UNPUBLISHED;
    return v === UNPUBLISHED ? `${label}：${UNPUBLISHED}（机关尚未公布）` : `${label}：${v}`;
  };
  const lead = asked.map(say).join("；");
  const known = [...fields.entries()].filter(([k, v]) => !asked.includes(k) && v !== UNPUBLISHED && k !== "传真").map(([k, v]) => `${k}：${v}`);
  const rest = known.length ? `。${known.join("；")}` : "";
  const tail = asked.some((l) => (fields.get(l) ?? UNPUBLISHED) === UNPUBLISHED) ? "。未公布的以机关正式公布为准，也可以回复“人工”留言。" : "。";
  return { kind: "answer", unitId: u.id, score: 1, hasDetail: Boolean(u.detail), text: unitReply(u, `${lead}${rest}${tail}`) };
}

/** What a message without any topic word most likely asks (unit ids that every agency's index holds). */
const COMMON_CHOICES = ["faq:how_to_apply", "faq:time_limit", "faq:fees"];
function vagueChoices(index: KnowledgeIndex, text: string): Answer | null {
  if (!text.replace(/[\p{P}\p{S}\s]/gu, "") || index.terms(text).length) return null;
  const units = COMMON_CHOICES.map((id) => index.unit(id)).filter((u): u is AnswerUnit => Boolean(u));
  if (units.length < 2) return null;
  return { kind: "clarify", choices: units.map((u) => u.id), score: 0, text: clarifyText(units, "查询办理进度请回复“查询申请”，在线申请请回复“我要申请”；") };
}

/** The words a look-up names (not the question words or concepts). */
function lookupWords(terms: string[]): string {
  return terms.filter((t) => !t.startsWith("#") && t.length >= 2 && !/^(有没有|查一下|一下|你们|我们)$/.test(t)).join("");
}

function notFound(what: string): Answer {
  return {
    kind: "answer",
    unitId: "catalogue:not_found",
    score: 0,
    hasDetail: false,
    text: `在政府信息公开目录中没有找到${what ? `“${what}”` : "相关信息"}。您可以换个说法再问，或回复“我要申请”依申请获取该信息。\n（来源：政府信息公开目录）`,
  };
}

function rankAnswer(index: KnowledgeIndex, text: string, currentYear: number): Answer {
  const fig = figureAnswer(index, text, currentYear);
  if (fig) return fig;
  // "多少", "那个啥", "那个东西怎么弄啊": no topic word at all: the common questions are offered.
  const vague = vagueChoices(index, text);
  if (vague) return vague;
  const contact = contactAnswer(index, text);
  if (contact) return contact;
  // Report cells answer only figure questions (above); a word such as 诉讼 must not pull "行政诉讼：0件".
  // Ranked by BM25, then weighed by how many of the message's concepts each unit is about (its phrasings, not
  // words its answer happens to mention).
  const terms = index.terms(text);
  // A report's narrative answers a question about the report (报告, 年报, a year), not any word it mentions (网站).
  const aboutReport = /报告|年报|(?<!\d)20\d{2}|[今去前]年/.test(text);
  // A bare topic word ("期限") is offered widely; only a question is kept off units about another matter.
  const topicWord = text.replace(/[\p{P}\p{S}\s]/gu, "").length <= 3;
  const hits = distinct(index.search(text, 8, (u) => u.kind !== "report" || (u.figure?.value === null && aboutReport)))
    .map((h) => ({
      ...h,
      score: h.score * (0.6 + 0.4 * index.conceptCover(h.unit.id, terms)) * (!topicWord && index.foreignTopic(h.unit.id, terms) ? FOREIGN_TOPIC : 1),
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 6);
  // "索引号ZDRMT/2019-00004是什么": the entry of that index number, or that the catalogue has none.
  const indexNo = /(?<![a-z0-9])([a-z]{2,12}\/\d{4}-\d{3,6})(?!\d)/i.exec(text)?.[1]?.toUpperCase();
  if (indexNo) {
    const u = index.unit(`catalogue:${indexNo}`);
    if (u) return { kind: "answer", unitId: u.id, score: 1, hasDetail: Boolean(u.detail), text: unitReply(u) };
    return notFound(`索引号${indexNo}`);
  }
  const top = hits[0];
  // "申请公开政府文件收钱吗" names 文件 but asks about fees: a specific matter is not a catalogue look-up.
  const lookup = terms.includes("#LOOKUP") && !terms.some((t) => SPECIFIC_CONCEPTS.has(t));
  if (!top) return lookup ? notFound(lookupWords(terms)) : { kind: "none", score: null };
  const second = hits[1];
  // A one- or two-character message ("期限", "时间") names a topic, not a question: offer the choices.
  const bare =
    text.replace(/[\p{P}\p{S}\s]/gu, "").length <= 3 && !/[吗呢嘛][？?!！。]*$/.test(text) && hits.filter((h) => h.confidence >= CHOICE_CONFIDENCE).length >= 2;
  // Clear winner: confident enough, or the only candidate / well ahead of the next one.
  const ahead = !second || second.confidence < CHOICE_CONFIDENCE || top.score >= 1.3 * second.score || distinctive(index, top, second) >= DISTINCT_IDF;
  if (!bare && (top.confidence >= ANSWER_CONFIDENCE || (top.confidence >= 0.3 && ahead))) {
    return { kind: "answer", unitId: top.unit.id, score: top.confidence, hasDetail: Boolean(top.unit.detail), text: unitReply(top.unit) };
  }
  // A bare topic word ("期限") is offered more widely than a question that nearly matched.
  // "有没有2024年的部门预算": a look-up nothing in the index answers is said not to be in the catalogue, with
  // the way to ask for it, rather than offered unrelated entries.
  if (lookup && !bare && top.confidence < ANSWER_CONFIDENCE && lookupWords(terms)) {
    // "有没有你们的网站": a word the FAQ or guide speaks of is answered from there, not said to be missing.
    const content = terms.filter((t) => !t.startsWith("#") && t.length >= 2);
    const speaks = hits.find((h) => h.unit.kind !== "catalogue" && h.unit.kind !== "report" && content.every((t) => h.matched?.includes(t)));
    if (speaks)
      return { kind: "answer", unitId: speaks.unit.id, score: speaks.confidence, hasDetail: Boolean(speaks.unit.detail), text: unitReply(speaks.unit) };
    return notFound(lookupWords(terms));
  }
  // A bare word ("申请") offers the common questions it names first, then the closest others.
  const close = hits.filter((h) => h.confidence >= CHOICE_CONFIDENCE);
  const common = bare
    ? index
        .search(text, 3, (u) => COMMON_CHOICES.includes(u.id))
        .find((h) => h.confidence >= CHOICE_CONFIDENCE && !close.slice(0, 4).some((c) => c.unit.id === h.unit.id))
    : undefined;
  const choices = common ? [...close.slice(0, 3), common] : close.slice(0, bare ? 4 : 3);
  if (!choices.length) return { kind: "none", score: top.confidence };
  const hint = index.terms(text).includes("#APPLY") ? "在线填写申请请回复“我要申请”；" : "";
  return {
    kind: "clarify",
    choices: choices.map((c) => c.unit.id),
    score: top.confidence,
    text: clarifyText(
      choices.map((c) => c.unit),
      hint,
    ),
  };
}

/**
 * Clauses of a run-on message without question marks: split at commas and at the words that introduce the
 * question ("我就是想知道…", "对了…", "请问…"); "复议和起诉分别多久" gives one clause per named thing.
 */
export function clauses(text: string): string[] {
  const both = /^(.{2,8}?)和(.{2,8}?)(分别|各自|各)(.+)$/.exec(text);
  // (Not "2019年和2025年各收到多少": years compared are one figure question.)
  if (both && !/\d|年/.test(both[1] + both[2])) return [`${both[1]}${both[4]}`, `${both[2]}${both[4]}`];
  return (
    text
      // Also at question marks, at a space between two words ("你们是什么单位 电话多少") and after a question
      // particle running into the next question ("收费吗多久能答复").
      .split(
        /[，,；;。！!～~？?]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|(?<=[吗呢嘛])(?=[\u4e00-\u9fff])|(?:我就是想知道|我只是想知道|我想知道|就是想知道|想知道|想问一下|想问问|我想问|请问|对了|不过)/,
      )
      .map((p) => p.replace(/^(第[一二三四五六]个?|首先|其次|然后|另外|还有|再就是|以及|最后)[，,、:：]?/, "").trim())
      .filter((p) => p.replace(/[\p{P}\p{S}\s]/gu, "").length >= 2)
  );
}

/** A clause answered on its own: the agency profile or a confident unit (redirects of a clause are not guessed). */
function clauseAnswer(index: KnowledgeIndex, clause: string, currentYear: number): Extract<Answer, { kind: "answer" }> | null {
  const v = checkScope(clause);
  if (v?.kind === "agency_profile") {
    const u = index.unit("faq:agency_profile");
    return u ? { kind: "answer", unitId: u.id, text: unitReply(u), score: 1, hasDetail: Boolean(u.detail) } : null;
  }
  if (v) return null;
  const a = rankAnswer(index, clause, currentYear);
  return a.kind === "answer" ? a : null;
}

/**
 * A run-on message ("申请要钱吗，多久能答复", "…挺吵的不过这不是重点我就是想知道收不收费"): when its clauses
 * answer two different questions, both are answered; when only one clause is understood and the whole message
 * is not, that clause is. Null: answer the message as a whole.
 */
function runOnAnswer(index: KnowledgeIndex, text: string, currentYear: number): MessageAnswer | null {
  const cl = clauses(text);
  if (cl.length < 2) return null;
  const found: Array<Extract<Answer, { kind: "answer" }>> = [];
  for (const c of cl.slice(0, 4)) {
    const a = clauseAnswer(index, c, currentYear);
    if (a && !found.some((f) => f.unitId === a.unitId)) found.push(a);
  }
  if (found.length >= 2) return { answers: found.slice(0, 3), unsure: false, score: Math.min(...found.map((f) => f.score)) };
  if (found.length === 1) {
    const whole = checkScope(text)?.kind === "agency_profile" ? null : rankAnswer(index, text, currentYear);
    if (!whole || whole.kind !== "answer") return { answers: found, unsure: false, score: found[0].score };
  }
  return null;
}

/** A staff-written unit confident for a message a topic list would redirect (out of scope only). */
function ownAnswer(index: KnowledgeIndex, text: string, verdict: Exclude<ReturnType<typeof checkScope>, null>): RankedUnit | undefined {
  if (verdict.kind !== "out_of_scope") return undefined;
  const own = index.search(text, 1, (u) => u.kind === "custom")[0];
  return own && own.confidence >= ANSWER_CONFIDENCE ? own : undefined;
}

export interface MessageAnswer {
  answers: Answer[];
  /** Lowest score among the parts, recorded when the bot was unsure. */
  unsure: boolean;
  score: number | null;
}

/**
 * Answers a message. `agencyName` prints in redirects. A message with two questions gets two answers; a part
 * that finds nothing is left out when another part was answered.
 */
export function answerMessage(index: KnowledgeIndex, nlu: Understanding, raw: string, currentYear: number, agencyName = index.agency.name): MessageAnswer {
  const text = nlu.normalize(raw);
  const verdict = checkScope(text);
  if (verdict) {
    if (verdict.kind === "agency_profile") {
      // "你们是什么单位，电话多少": the profile and the other question, each answered.
      const run = runOnAnswer(index, text, currentYear);
      if (run) return run;
      const u = index.unit("faq:agency_profile");
      if (u) return { answers: [{ kind: "answer", unitId: u.id, text: unitReply(u), score: 1, hasDetail: Boolean(u.detail) }], unsure: false, score: 1 };
    } else if ((verdict.kind === "complaint" || verdict.kind === "out_of_scope") && !ownAnswer(index, text, verdict)) {
      // "…修路挺吵的不过这不是重点我就是想知道申请收不收费": a clause outside every rule that the index answers
      // is answered, and the redirect for the rest follows. (Never for personal data or legal advice.)
      const redirect: Answer = { kind: "redirect", reason: verdict.kind, text: scopeReply(verdict, agencyName) };
      const found = clauses(text)
        .slice(0, 4)
        .filter((c) => !checkScope(c))
        .map((c) => clauseAnswer(index, c, currentYear))
        .filter((a): a is Extract<Answer, { kind: "answer" }> => Boolean(a));
      // The clause answered most surely ("…不是重点，我就是想知道收不收费" names its question last).
      const best = found.reduce<(typeof found)[number] | undefined>((b, a) => (!b || a.score >= b.score ? a : b), undefined);
      if (best && clauses(text).length > 1) return { answers: [best, redirect], unsure: false, score: best.score };
      return { answers: [redirect], unsure: false, score: null };
    } else {
      // A staff-written answer of this agency wins over a topic list ("停车场对外开放吗" is not 交通管理 here).
      const own = ownAnswer(index, text, verdict);
      if (own) {
        return {
          answers: [{ kind: "answer", unitId: own.unit.id, text: unitReply(own.unit), score: own.confidence, hasDetail: Boolean(own.unit.detail) }],
          unsure: false,
          score: own.confidence,
        };
      }
      return { answers: [{ kind: "redirect", reason: verdict.kind, text: scopeReply(verdict, agencyName) }], unsure: false, score: null };
    }
  }
  const parts = splitQuestions(text);
  if (parts.length === 1) {
    const run = runOnAnswer(index, text, currentYear);
    if (run) return run;
  }
  const answers = parts.map((p) => rankAnswer(index, p, currentYear));
  const good = answers.filter((a) => a.kind === "answer" || a.kind === "redirect");
  const scores = answers.map((a) => ("score" in a ? a.score : null)).filter((s): s is number => s !== null);
  const score = scores.length ? Math.min(...scores) : null;
  if (parts.length > 1 && good.length) return { answers: good, unsure: good.length < answers.length, score };
  return { answers, unsure: !good.length, score };
}

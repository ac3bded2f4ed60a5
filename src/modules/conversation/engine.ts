// The conversation engine: a pure step (session, incoming) → (session, replies, effects). Effects that need
// data (search, figures, filing, status) are executed by the runner, whose results come back as a
// `result` incoming, so every decision and every sentence is made here and tested without servers.
import { maskIdNumber } from "../../domain/id-checks";
import { markNotedDate } from "../../domain/provisional-date";
import type { IntakeInput } from "../applications/intake-schema";
import { maskQueryCodes } from "../applications/query-codes";
import { findDocNumbers } from "../catalogue/doc-number";
import type { DirectoryAgency } from "../directory/agency-match";
import * as agencyChoice from "./agency-choice";
import * as form from "./form";
import { isCancel, isConfirmation } from "./form-chatter";
import { interruption } from "./form-interruption";
import { firstPart, longMessageNote } from "./long-message";
import { classify, parseCredentials, type FigureTopic, type GuideTopic, type Intent } from "./intents";
import { detailReply, unitReply, type MessageAnswer } from "./knowledge/answering";
import { answerMessageMemo } from "./knowledge/answer-memo";
import type { KnowledgeIndex } from "./knowledge/knowledge-index";
import { checkScope } from "./knowledge/scope";
import type { Understanding } from "./understanding";

export type ChannelKind = "oa" | "mp" | "wx" | "chat";

export interface Session {
  v: 1;
  mode: "idle" | "form" | "await_credentials" | "choose_agency";
  form?: form.FormState;
  /** Consecutive messages the bot did not understand. */
  misses: number;
  history: Array<{ from: "citizen" | "bot"; text: string; at: string }>;
  /** The last application filed in this conversation, so a repeated "确认" answers without filing again. */
  lastFiled?: { applicationNo: string; idempotencyKey: string };
  lastIntent?: string;
  /** An application number sent without its query code while the bot waits for the code. */
  pendingApplicationNo?: string;
  /** Unit ids offered as "您是想问：1.… 2.…", so a reply "2" answers the second. */
  choices?: string[];
  /** The unit answered last, so "详细" sends its full text. */
  lastUnitId?: string;
  /** "向哪个机关…" in progress (mode choose_agency; only on a platform of several agencies). */
  agencyChoice?: agencyChoice.AgencyChoiceState;
  /** The agency the conversation last pointed to ("学校的事找谁"), proposed first when the citizen files. */
  agencyHint?: string;
  /** A 不属于本机关 answer just shown: "转交申请" (or "1") re-files it. `grant` proves the status query was passed. */
  refileOffer?: { applicationNo: string; grant: string; agencyName: string };
  updatedAt: string;
}

export interface TextIncoming {
  type: "text";
  text: string;
  /** ISO instant of the message. */
  now: string;
  /** Unique id of the message (used as the idempotency key of a form started by it). */
  messageId: string;
  channel: ChannelKind;
  /** True for a signature-checked openid, a mini-program session or a contact relayed by the bot. */
  verified: boolean;
  currentYear: number;
  /** The platform's agencies (the directory); with more than one the bot asks which agency when it matters. */
  agencies?: DirectoryAgency[];
}

export type Effect =
  | { kind: "guide"; topic: GuideTopic }
  | { kind: "catalogue"; query: string; year: number | null }
  | { kind: "figures"; year: number | null; yearWord?: string; topic: FigureTopic }
  | { kind: "submit"; input: IntakeInput; idempotencyKey: string; agencyCode?: string }
  /** An agency's contacts and guide (a platform of several agencies). */
  | { kind: "agency_info"; code: string }
  /** Re-file a 不属于本机关 application at the competent agency (Art. 36(5)). */
  | { kind: "refile"; applicationNo?: string; grant?: string }
  | { kind: "status"; applicationNo: string; queryCode: string }
  | { kind: "list_mine" }
  | { kind: "handoff"; reason: "requested" | "misunderstood"; question: string; transcript: Session["history"] }
  /** A message the bot was unsure of, for the misses list (LearnedKnowledge.recordMiss); text already masked. */
  | { kind: "record_miss"; text: string; reply: string; score: number | null };

export interface GuideResult {
  title: string;
  text: string;
  source: string;
}
export interface CatalogueResult {
  total: number;
  items: Array<{ indexNo: string; title: string; date?: string | null; url?: string | null; agencyName?: string }>;
  guideSections: Array<{ title: string; snippet: string }>;
  /** Searched across the platform's agencies: each hit names its agency. */
  multiAgency?: boolean;
}
export type FiguresResult =
  | { found: true; year: number; value: number; name: string; label: string; source: string; breakdown?: Array<{ label: string; value: number }> }
  | { found: false; year: number | null; latestYear?: number | null };
export type SubmitResult =
  | {
      ok: true;
      applicationNo: string;
      queryCode: string;
      dueDate?: string | null;
      dueDateNote?: string | null;
      receivedAt?: string | null;
      status: string;
      attached?: number;
    }
  | { ok: false; message: string };
export type StatusResult =
  | {
      ok: true;
      applicationNo: string;
      statusLabel: string;
      dueDate?: string | null;
      dueDateNote?: string | null;
      disposition?: string | null;
      dispositionDate?: string | null;
      /** Art. 36(5): the competent agency named in the answer; `grant` lets this conversation re-file it. */
      referral?: { agencyName: string; contact: string; refiledAs: string | null; grant?: string };
    }
  | { ok: false; message: string };
export type RefileResult =
  | {
      ok: true;
      applicationNo: string;
      refiledFrom: string;
      agencyName: string;
      receivedAt: string | null;
      dueDate: string | null;
      dueDateNote?: string | null;
      alreadyRefiled: boolean;
    }
  | { ok: false; message: string };
export interface MineResult {
  items: Array<{
    applicationNo: string;
    statusLabel: string;
    dueDate?: string | null;
    dueDateNote?: string | null;
    disposition?: string | null;
    submittedAt?: string | null;
    agencyName?: string;
  }>;
}

export type EffectResult =
  | { kind: "guide"; result: GuideResult }
  | { kind: "catalogue"; result: CatalogueResult }
  | { kind: "figures"; result: FiguresResult }
  | { kind: "submit"; result: SubmitResult }
  | { kind: "status"; result: StatusResult }
  | { kind: "list_mine"; result: MineResult }
  | { kind: "handoff"; result: { consultationId: string } }
  | { kind: "agency_info"; result: agencyChoice.AgencyInfoResult | null }
  | { kind: "refile"; result: RefileResult }
  | { kind: "record_miss" }
  | { kind: "error"; effect: Effect["kind"]; message: string };

export type Incoming = TextIncoming | { type: "result"; now: string; channel: ChannelKind; result: EffectResult };

export interface StepResult {
  session: Session;
  replies: string[];
  effects: Effect[];
  /** The recognised intent, for tests and logs. */
  intent?: string;
}

export const MISSES_BEFORE_HANDOFF = 2;
const HISTORY = 10;

export function newSession(now: string): Session {
  return { v: 1, mode: "idle", misses: 0, history: [], updatedAt: now };
}

const MENU =
  "您好，这里是政府信息公开咨询服务。您可以直接问我，例如：\n" +
  "· 怎么申请政府信息公开？\n· 办公时间和联系电话\n· 多久能答复？收费吗？\n· 有没有2019年的年度报告\n· 去年收到多少申请\n" +
  "· 回复“我要申请”在线填写申请\n· 回复“查询申请”查看办理进度\n· 回复“人工”联系工作人员";

const SMALLTALK: Record<"bye" | "capability" | "emoji" | "symbols" | "ack", string> = {
  ack: "好的。还有其他问题随时问我；回复“我要申请”可以在线申请，回复“查询申请”查看办理进度。",
  bye: "再见，感谢您的咨询！有政府信息公开方面的问题随时来问。",
  capability:
    "我是政府信息公开咨询助手（自动回复）：可以解答怎么申请、答复期限、收费、复议诉讼等问题，查公开目录和年度报告数据，帮您在线填写申请（回复“我要申请”）、查询办理进度（回复“查询申请”）；需要真人时回复“人工”。",
  symbols: "您好！请用文字描述您的问题，例如“怎么申请政府信息公开”“多久答复”；回复“帮助”查看我能做什么，回复“查询申请”查看办理进度。",
  emoji: "😊 您好！有政府信息公开方面的问题可以直接问我，例如“怎么申请”“多久答复”；回复“帮助”查看我能做什么。",
};

const WRONG_CHANNEL =
  "您反映的属于信访、举报或投诉事项，不按政府信息公开申请办理（《政府信息公开条例》第三十九条）。请通过以下渠道反映：\n" +
  "· 信访事项：向本级信访工作机构（信访局）提出，或登录国家信访局网上信访平台；\n" +
  "· 举报、投诉某一行政行为：向有关主管部门或上一级机关反映，也可拨打12345政务服务便民热线；\n" +
  "· 对政府信息公开工作本身有意见：可向上一级行政机关或政府信息公开工作主管部门投诉、举报。\n" +
  "如果您确实需要申请获取某项政府信息，请回复“我要申请”。";

const ID_NUMBERS = new RegExp(form.ID_NUMBER_RE.source, "g");
const PHONES = new RegExp(form.PHONE_RE.source, "g");
const mask = (m: string) => maskIdNumber(m) ?? "";

/** ID numbers and phone numbers never enter the transcript (it is shown to staff on handoff). */
export function maskPersonalData(text: string): string {
  return text.replace(ID_NUMBERS, mask).replace(PHONES, mask);
}

function remember(s: Session, from: "citizen" | "bot", texts: string[], at: string): Session {
  const history = [...s.history, ...texts.map((text) => ({ from, text: maskQueryCodes(maskPersonalData(text.slice(0, 500))), at }))].slice(-HISTORY);
  return { ...s, history, updatedAt: at };
}

function done(session: Session, replies: string[], effects: Effect[] = [], intent?: string): StepResult {
  return { session, replies, effects, intent };
}

function formChannel(ch: ChannelKind): IntakeInput["channel"] {
  return ch === "mp" ? "miniprogram" : ch === "chat" ? "online" : "wechat";
}

const RESUME_PREFIX = "我们继续填写申请：";
const CANCEL_RE = /^(取消|退出|不申请了|不填了|算了|放弃|取消申请)[。!！]?$/;
const BACK_RE = /^(上一步|返回|返回上一步|后退|上一个|上一项)[。!！]?$/;
const SUMMARY_RE = /^(查看|摘要|汇总|预览|查看申请|看看填了什么|核对)[。!！]?$/;
const CHANGE_RE = /^(修改|更改|改一下|改|重填|重新填写?)\s*(.+)$/;
const RESUME_RE = /^(继续|接着填|继续填写|继续申请)[。!！]?$/;
const CONFIRM_RE = /^(确认|确定|提交|确认提交)[。!！]?$/;

/**
 * One step of the conversation. Pure: no I/O, no clock, no randomness. `knowledge` is the agency's answer index
 * (built by the ports when its sources change); questions are answered from it. Without one (a port that has
 * none, or the index failed to build) questions go to the guide/catalogue/figures effects as before.
 */
export function step(nlu: Understanding, session: Session, incoming: Incoming, knowledge?: KnowledgeIndex | null): StepResult {
  if (incoming.type === "result") return onResult(session, incoming.result, incoming.now);
  const text = incoming.text.trim();
  let s = remember(session, "citizen", [text], incoming.now);
  const out = onText(nlu, s, { ...incoming, text }, knowledge ?? null);
  s = remember(out.session, "bot", out.replies, incoming.now);
  return { ...out, session: s };
}

function onText(nlu: Understanding, s: Session, m: TextIncoming, k: KnowledgeIndex | null): StepResult {
  if (!m.text) return done(s, ["请发送文字消息。回复“帮助”查看我能做什么。"]);
  // A long message outside the form is understood from its first part, and the citizen is told so; inside
  // the form the whole text goes to the field (a description may be long; the validator says when too long).
  const part = s.mode === "form" ? null : firstPart(m.text);
  if (part) {
    const out = onText(nlu, s, { ...m, text: part.text }, k);
    return { ...out, replies: [longMessageNote(part.total), ...out.replies] };
  }
  if (s.mode === "form" && s.form) return inForm(nlu, s, s.form, m, k);
  if (s.mode === "choose_agency") {
    // The directory may have become one agency (or failed to load) meanwhile: then the question is dropped.
    const chosen = s.agencyChoice && agencyChoice.isMultiAgency(m.agencies) ? onAgencyChoice(s, s.agencyChoice, m, nlu) : null;
    if (chosen) return chosen;
    s = { ...s, mode: "idle", agencyChoice: undefined };
  }
  if (s.mode === "await_credentials") {
    let creds = parseCredentials(m.text);
    // Waiting for the code of a known number: a lone token without separators is the code (e.g. AB12CD).
    if (s.pendingApplicationNo && !creds.queryCode && creds.applicationNo && !/[-/_]/.test(creds.applicationNo)) {
      creds = { queryCode: creds.applicationNo };
    }
    const applicationNo = creds.applicationNo ?? s.pendingApplicationNo;
    if (applicationNo && creds.queryCode) {
      return done({ ...s, mode: "idle", pendingApplicationNo: undefined }, [], [{ kind: "status", applicationNo, queryCode: creds.queryCode }], "status_query");
    }
    if (creds.applicationNo) return askQueryCode(s, creds.applicationNo, "status_query");
    s = { ...s, mode: "idle", pendingApplicationNo: undefined };
  }
  // A repeated confirmation: the exact words at any time, a natural one ("对的没问题") right after the filing.
  const lastBot = [...s.history].reverse().find((h) => h.from === "bot")?.text ?? "";
  if (s.lastFiled && (CONFIRM_RE.test(m.text) || (isConfirmation(m.text) && (/确认|确定|提交/.test(m.text) || lastBot.startsWith("申请已提交"))))) {
    // The query code is shown once, when filed; the session keeps no copy of it (issue 13 item 6).
    return done(s, [`您的申请已经提交过了，无需重复确认。申请编号：${s.lastFiled.applicationNo}，查询码已在提交成功的消息中发送。`], [], "file_already");
  }
  const refile = refileReply(s, m);
  if (refile) return refile;
  if (k) {
    const follow = followUp(s, m.text, k);
    if (follow) return follow;
  }
  const { choices: _c, refileOffer: _r, ...rest } = s;
  s = rest;
  const u = nlu.understand(m.text);
  const intent = classify(nlu, u, m.currentYear);
  if (agencyChoice.isMultiAgency(m.agencies) && !AGENCY_BLIND.has(intent.kind)) {
    const q = agencyChoice.agencyQuestion(m.text, m.agencies, nlu);
    if (q) return onAgencyQuestion(s, q);
  }
  if (k) return fromKnowledge(nlu, s, intent, m, k, u.text);
  return onIntent(s, intent, m, nlu);
}

/** Intents whose handling does not depend on the agency (a status number carries its agency; 人工 is the platform's). */
const AGENCY_BLIND = new Set<Intent["kind"]>(["file_start", "status_query", "status_mine", "handoff", "wrong_channel", "greeting", "thanks", "smalltalk"]);

/** The reply to "向哪个机关…": the form opens with the agency, or its contacts are looked up. Null: not an answer. */
function onAgencyChoice(s: Session, state: agencyChoice.AgencyChoiceState, m: TextIncoming, nlu: Understanding): StepResult | null {
  const agencies = m.agencies ?? [];
  const out = agencyChoice.answerChoice(state, m.text, agencies, nlu);
  const idle: Session = { ...s, mode: "idle", agencyChoice: undefined };
  switch (out.kind) {
    case "ask":
      return done({ ...s, agencyChoice: out.state }, [out.reply], [], "agency.ask");
    case "cancel":
      return done(idle, [out.reply], [], "agency.cancel");
    case "abandon":
      return null;
    case "chosen": {
      if (out.purpose === "info") return done({ ...idle, agencyHint: out.agency.code }, [], [{ kind: "agency_info", code: out.agency.code }], "agency.info");
      const f: form.FormState = { ...form.newForm(`chat-${m.channel}-${m.messageId}`, m.now, out.description), agency: out.agency };
      return done(
        { ...idle, mode: "form", form: f, agencyHint: out.agency.code, lastIntent: "file_start" },
        [`好的，向${out.agency.name}申请。我们一步一步填写政府信息公开申请（随时可回复“上一步”“修改 字段名”“查看”或“取消”）。`, form.promptFor(f)],
        [],
        "file_start",
      );
    }
  }
}

function onAgencyQuestion(s: Session, q: agencyChoice.AgencyQuestion): StepResult {
  const hit: Session = { ...s, misses: 0 };
  if (q.kind === "route") return done({ ...hit, agencyHint: q.hint ?? s.agencyHint, lastIntent: "agency.route" }, [q.reply], [], "agency.route");
  if (q.kind === "info")
    return done({ ...hit, agencyHint: q.agency.code, lastIntent: "agency.info" }, [], [{ kind: "agency_info", code: q.agency.code }], "agency.info");
  return done({ ...hit, mode: "choose_agency", agencyChoice: q.state, lastIntent: "agency.ask" }, [q.reply], [], "agency.ask");
}

const REFILE_RE = /^(转交申请|转交|一步转交|申请转交|我要转交|转交给?(负责|该)?机关)[。!！]?$/;

/** "转交申请" (or "1" right after the offer): re-file the application a status reply just offered, or a verified citizen's latest. */
function refileReply(s: Session, m: TextIncoming): StepResult | null {
  const offered = s.refileOffer;
  const one = offered && /^\s*1\s*[.、。]?\s*$/.test(m.text.normalize("NFKC"));
  if (!REFILE_RE.test(m.text) && !one) return null;
  if (offered)
    return done({ ...s, misses: 0, lastIntent: "refile" }, [], [{ kind: "refile", applicationNo: offered.applicationNo, grant: offered.grant }], "refile");
  if (m.verified) return done({ ...s, misses: 0, lastIntent: "refile" }, [], [{ kind: "refile" }], "refile");
  return done(s, ["请先回复“查询申请 申请编号 查询码”查看答复；答复写明了负责机关的申请，可以在查询结果后回复“转交申请”一步转交。"], [], "refile");
}

const DETAIL_RE = /^(详细|详情|全文|看全文|更多|展开)[。!！]?$/;

/** A number answering "您是想问…", or "详细" after an answer. */
function followUp(s: Session, text: string, k: KnowledgeIndex): StepResult | null {
  const n = /^\s*([1-9])\s*[.、。]?\s*$/.exec(text.normalize("NFKC"));
  if (n && s.choices?.length) {
    const u = k.unit(s.choices[Number(n[1]) - 1] ?? "");
    if (u) return done({ ...s, choices: undefined, lastUnitId: u.id, misses: 0, lastIntent: "knowledge.choice" }, [unitReply(u)], [], "knowledge.choice");
  }
  if (DETAIL_RE.test(text) && s.lastUnitId) {
    const u = k.unit(s.lastUnitId);
    if (u) return done({ ...s, lastIntent: "knowledge.detail" }, [detailReply(u)], [], "knowledge.detail");
  }
  return null;
}

/** Intents that act (file, status, hand-off, 我的申请) or greet keep their steps; every question goes to the index. */
const ACTION_INTENTS = new Set<Intent["kind"]>(["handoff", "status_mine", "status_query", "greeting", "thanks", "smalltalk"]);

function fromKnowledge(nlu: Understanding, s: Session, intent: Intent, m: TextIncoming, k: KnowledgeIndex, normalized: string): StepResult {
  // "2024年复议结果维持几件" names 结果 (a status word) but asks a figure: without an application number it is a question.
  const figureNotStatus = intent.kind === "status_query" && !intent.applicationNo && /(?<!\d)20\d{2}|[今去前]年|多少|几件|几个/.test(normalized);
  // "答复会有哪几种结果" (结果 is a status word) and "我申请的信息你们没有怎么办" (我申请的) ask about the rules.
  const questionNotStatus =
    (intent.kind === "status_query" &&
      !intent.applicationNo &&
      /哪几种|哪些|几种|什么样|类型|多久|多长时间|几天|一般|什么时候|怎么(?:拿|领|取|送|给|寄|通知)|如何|需要|要带|不满意|不服|[吗嘛][？?]?$/.test(
        normalized,
      )) ||
    (intent.kind === "status_mine" && /怎么办|什么时候|多久|怎么(?:拿|领|取|送|给|寄)|撤回|撤销|修改|更正|改一下/.test(normalized));
  // Someone else's data and legal advice are refused before anything else ("查车牌鲁C12345的车主" is no status query).
  const verdict = intent.kind === "handoff" || intent.kind === "greeting" ? null : checkScope(normalized);
  const refuseFirst = verdict?.kind === "personal_data" || verdict?.kind === "legal_advice";
  if (ACTION_INTENTS.has(intent.kind) && !figureNotStatus && !questionNotStatus && !refuseFirst) return onIntent(s, intent, m, nlu);
  // "申请公开：为什么我家门口的路修了三年" reads as an application but is a complaint: checked before the form opens.
  if (intent.kind === "file_start" && verdict?.kind !== "complaint" && !refuseFirst) return onIntent(s, intent, m, nlu);
  if (intent.kind === "wrong_channel" && !refuseFirst) return onIntent(s, intent, m, nlu);
  // A document number is looked up in the catalogue as it is (the index holds titles, not every spelling of 〔〕).
  if (intent.kind === "catalogue_search" && findDocNumbers(normalized).length) return onIntent(s, intent, m, nlu);
  const r = answerMessageMemo(k, nlu, m.text, m.currentYear);
  // Several agencies: a topic "of another agency" may be one of this platform's; its catalogue entries are in the index.
  if (agencyChoice.isMultiAgency(m.agencies) && r.answers.length === 1 && r.answers[0].kind === "redirect" && r.answers[0].reason === "out_of_scope") {
    const routed = agencyChoice.routeOutOfScope(m.text, m.agencies, nlu);
    if (routed) {
      const entry = k.search(m.text, 1, (x) => x.kind === "catalogue")[0];
      const replies = [...(entry && entry.confidence >= 0.5 ? [unitReply(entry.unit)] : []), routed.reply];
      return done(
        { ...s, misses: 0, agencyHint: routed.hint, lastIntent: "agency.route", lastUnitId: entry?.unit.id ?? s.lastUnitId },
        replies,
        [],
        "agency.route",
      );
    }
  }
  return answered(s, r, intent, m);
}

function answered(s: Session, r: MessageAnswer, intent: Intent, m: TextIncoming): StepResult {
  const replies = r.answers.filter((a) => a.kind !== "none").map((a) => a.text);
  const miss = (reply: string): Effect => ({ kind: "record_miss", text: maskPersonalData(m.text), reply: reply.slice(0, 500), score: r.score });
  const last = [...r.answers].reverse().find((a) => a.kind === "answer");
  const clarify = r.answers.find((a) => a.kind === "clarify");
  // An unsure reply counts as a miss: two in a row open a consultation, as two messages not understood did.
  // (The index already holds the staff-written answers, so the misses-list lookup of the unknown path is skipped.)
  if (clarify && s.misses + 1 >= MISSES_BEFORE_HANDOFF) return missed(s, maskPersonalData(m.text), m.now, r.score, true);
  if (replies.length) {
    const next: Session = {
      ...s,
      misses: clarify ? s.misses + 1 : 0,
      lastIntent: clarify ? "knowledge.clarify" : last ? "knowledge.answer" : "knowledge.redirect",
      lastUnitId: last?.kind === "answer" ? last.unitId : s.lastUnitId,
      choices: clarify?.kind === "clarify" ? clarify.choices : undefined,
    };
    const effects = r.unsure || clarify ? [miss(replies.join("\n"))] : [];
    const kind = clarify ? "knowledge.clarify" : last ? "knowledge.answer" : `knowledge.${r.answers[0].kind === "redirect" ? r.answers[0].reason : "answer"}`;
    return done(next, replies, effects, kind);
  }
  // Nothing in the index: a search of the catalogue when something was named, else the menu (and hand-off).
  if (intent.kind === "catalogue_search" && intent.query.trim()) {
    return done(
      { ...s, misses: 0, lastIntent: intent.kind },
      [],
      [{ kind: "catalogue", query: intent.query, year: intent.year }, miss("(catalogue search)")],
      intent.kind,
    );
  }
  return missed(s, maskPersonalData(m.text), m.now, r.score, true);
}

/** The number came without its query code: keep the number and ask for the code alone. */
function askQueryCode(s: Session, applicationNo: string, kind: string): StepResult {
  return done(
    { ...s, mode: "await_credentials", pendingApplicationNo: applicationNo },
    [`请发送申请${applicationNo}的查询码（提交申请时告知您的12位数字）。`],
    [],
    kind,
  );
}

function onIntent(s: Session, intent: Intent, m: TextIncoming, nlu: Understanding): StepResult {
  const hit = { ...s, misses: 0, lastIntent: intent.kind };
  switch (intent.kind) {
    case "handoff":
      return done(hit, [], [{ kind: "handoff", reason: "requested", question: maskPersonalData(m.text), transcript: s.history }], intent.kind);
    case "wrong_channel":
      return done(hit, [WRONG_CHANNEL], [], intent.kind);
    case "status_mine":
      if (!m.verified) {
        return done(
          hit,
          ["为保护个人信息，只有通过微信公众号、小程序登录或微信好友身份确认后才能查看“我的申请”。您可以回复“查询申请 申请编号 查询码”查询某一件申请。"],
          [],
          intent.kind,
        );
      }
      return done(hit, [], [{ kind: "list_mine" }], intent.kind);
    case "status_query":
      if (intent.applicationNo && intent.queryCode) {
        return done(hit, [], [{ kind: "status", applicationNo: intent.applicationNo, queryCode: intent.queryCode }], intent.kind);
      }
      if (intent.applicationNo) return askQueryCode(hit, intent.applicationNo, intent.kind);
      return done(
        { ...hit, mode: "await_credentials", pendingApplicationNo: undefined },
        ["请发送申请编号和查询码，例如：ZDRMT-2026-00001 023975681746（提交申请时告知您的12位查询码）。"],
        [],
        intent.kind,
      );
    case "report_figures":
      return done(hit, [], [{ kind: "figures", year: intent.year, yearWord: intent.yearWord, topic: intent.topic }], intent.kind);
    case "file_start": {
      // Several agencies: which one first (suggested from what the citizen said), then the form.
      if (agencyChoice.isMultiAgency(m.agencies)) {
        const out = agencyChoice.startChoice("file", m.text, m.agencies, nlu, s.agencyHint, form.descriptionFromRequest(m.text));
        if (out.kind === "ask") return done({ ...hit, mode: "choose_agency", agencyChoice: out.state }, [out.reply], [], "agency.ask");
      }
      const f = form.newForm(`chat-${m.channel}-${m.messageId}`, m.now, form.descriptionFromRequest(m.text));
      return done(
        { ...hit, mode: "form", form: f },
        ["好的，我们一步一步填写政府信息公开申请（随时可回复“上一步”“修改 字段名”“查看”或“取消”）。", form.promptFor(f)],
        [],
        intent.kind,
      );
    }
    case "guide":
      return done(hit, [], [{ kind: "guide", topic: intent.topic }], `guide.${intent.topic}`);
    case "catalogue_search":
      if (!intent.query.trim()) {
        return done(hit, ["请告诉我您要找的信息名称或关键词，例如：“有没有2019年的年度报告”“有没有预算公开的文件”。"], [], intent.kind);
      }
      return done(hit, [], [{ kind: "catalogue", query: intent.query, year: intent.year }], intent.kind);
    case "greeting":
      return done(hit, [MENU], [], intent.kind);
    case "thanks":
      return done(hit, ["不客气，还有其他问题随时问我。"], [], intent.kind);
    case "smalltalk":
      return done(hit, [SMALLTALK[intent.what]], [], `smalltalk.${intent.what}`);
    case "unknown":
      // Only without a knowledge index (it holds the staff-written answers and is the one matcher of them):
      // "没理解", recorded as a miss, and a person after the second.
      return { ...missed(s, maskPersonalData(m.text), m.now, null, true), intent: "unknown" };
  }
}

const FORM_UNKNOWN = "抱歉，这个问题我暂时回答不了，已记录下来，工作人员会补充答案。填完申请后可回复“人工”咨询工作人员。";

/**
 * Nothing answered the message: the "没理解" reply (or the handoff after repeated misses), recorded once as a
 * miss. `inStep`: called while a text is being handled, so step() itself remembers the replies.
 */
function missed(s: Session, question: string, now: string, score: number | null = null, inStep = false): StepResult {
  const keep = (next: Session, replies: string[]) => (inStep ? next : remember(next, "bot", replies, now));
  if (s.mode === "form" && s.form) {
    const replies = [FORM_UNKNOWN, `${RESUME_PREFIX}${form.promptFor(s.form)}`];
    return done(keep(s, replies), replies, [{ kind: "record_miss", text: question, reply: FORM_UNKNOWN, score }]);
  }
  const misses = s.misses + 1;
  if (misses >= MISSES_BEFORE_HANDOFF) {
    return done(
      { ...s, misses: 0, lastIntent: "unknown" },
      [],
      [
        { kind: "handoff", reason: "misunderstood", question, transcript: s.history },
        { kind: "record_miss", text: question, reply: "（转人工）", score },
      ],
    );
  }
  const reply = `抱歉，我没有理解您的问题。${MENU}`;
  return done(keep({ ...s, misses, lastIntent: "unknown" }, [reply]), [reply], [{ kind: "record_miss", text: question, reply, score }]);
}

function inForm(nlu: Understanding, s: Session, f: form.FormState, m: TextIncoming, k: KnowledgeIndex | null): StepResult {
  const t = m.text;
  if (CANCEL_RE.test(t) || isCancel(t)) {
    return done({ ...s, mode: "idle", form: undefined }, ["已取消本次申请，填写的内容已清除。需要时可随时回复“我要申请”重新开始。"], [], "form.cancel");
  }
  if (/^(人工|转人工|人工客服)[。!！]?$/.test(t)) {
    return done(
      s,
      ["已为您转接工作人员，您填写的申请内容会保留，回复“继续”可接着填写。"],
      [{ kind: "handoff", reason: "requested", question: t, transcript: s.history }],
      "handoff",
    );
  }
  if (RESUME_RE.test(t)) return done(s, ["好的，我们继续。", form.promptFor(f)], [], "form.resume");
  if (BACK_RE.test(t)) return fromOutcome(s, form.back(f), "form.back");
  if (SUMMARY_RE.test(t)) {
    return done(s, [form.summary(f), f.step === "summary" ? "" : `（当前待填写：${form.fieldLabel(f.step)}）`].filter(Boolean), [], "form.summary");
  }
  const ch = CHANGE_RE.exec(t);
  if (ch && f.step !== "description") {
    const key = form.fieldFromText(ch[2]);
    if (key) return fromOutcome(s, form.change(f, key), "form.change");
  }
  // Chatter (a question, greeting, complaint, "同上", a status query) is answered, not saved; the same field
  // is asked again (form-chatter.ts, form-interruption.ts). A question is answered from the index when there is one.
  const chatter = interruption(nlu, f, t, m.currentYear, m.verified);
  const fromIndex = (): StepResult | null => {
    if (!k) return null;
    const r = answerMessageMemo(k, nlu, t, m.currentYear);
    const texts = r.answers.filter((a) => a.kind === "answer" || a.kind === "redirect").map((a) => a.text);
    return texts.length ? done(s, [...texts, `${RESUME_PREFIX}${form.promptFor(f)}`], [], "knowledge.answer") : null;
  };
  if (chatter?.kind === "effect") {
    if (["guide", "figures", "catalogue"].includes(chatter.effect.kind)) {
      const answered = fromIndex();
      if (answered) return answered;
    }
    return done(s, [], [chatter.effect], chatter.intent);
  }
  // A question nothing else places: the index (staff-written answers included), else a recorded miss and the
  // same field asked again.
  if (chatter?.kind === "question") return fromIndex() ?? { ...missed(s, maskPersonalData(chatter.text), m.now, null, true), intent: chatter.intent };
  if (chatter?.kind === "say") return done(s, [chatter.text, `${RESUME_PREFIX}${form.promptFor(f)}`], [], chatter.intent);
  if (chatter?.kind === "wrong_channel") return done(s, [WRONG_CHANNEL, `${RESUME_PREFIX}${form.promptFor(f)}`], [], "wrong_channel");
  const out = form.answer(f, t, formChannel(m.channel));
  return fromOutcome(s, out, f.step === "summary" ? "form.confirm" : `form.${f.step}`);
}

function fromOutcome(s: Session, out: form.FormOutcome, intent: string): StepResult {
  if (out.kind === "confirm") {
    const agencyCode = out.form.agency?.code;
    return done(
      { ...s, form: out.form },
      [],
      [{ kind: "submit", input: out.input, idempotencyKey: out.form.idempotencyKey, ...(agencyCode ? { agencyCode } : {}) }],
      intent,
    );
  }
  return done({ ...s, form: out.form, mode: "form" }, out.replies, [], intent);
}

const FIGURE_NAMES: Record<FigureTopic, string> = {
  received: "新收政府信息公开申请",
  carried_over: "上年结转的申请",
  granted: "予以公开",
  partial: "部分公开",
  withheld: "不予公开",
  unable: "无法提供",
  not_processed: "不予处理",
  total: "办理结果总计",
  carried_forward: "结转下年度继续办理",
  review: "政府信息公开行政复议",
  litigation: "政府信息公开行政诉讼",
};
export const figureName = (t: FigureTopic) => FIGURE_NAMES[t];

function onResult(s: Session, r: EffectResult, now: string): StepResult {
  const say = (replies: string[], session = s) => {
    const open = session.mode === "form" && session.form && ["guide", "catalogue", "figures", "status", "list_mine"].includes(r.kind);
    const all = open ? [...replies, `${RESUME_PREFIX}${form.promptFor(session.form!)}`] : replies;
    const next = remember(session, "bot", all, now);
    return done(next, all);
  };
  switch (r.kind) {
    case "guide":
      return say([`${r.result.text}\n（来源：${r.result.source}·${r.result.title}）`]);
    case "catalogue": {
      const { total, items, guideSections } = r.result;
      if (!items.length && !guideSections.length) {
        return say(["在公开目录中没有找到相关信息。您可以换个说法再试，或回复“我要申请”依申请获取该信息。"]);
      }
      const lines: string[] = [];
      if (items.length) {
        lines.push(`在政府信息公开目录中找到${total}条相关信息${total > items.length ? `，前${items.length}条` : ""}：`);
        items.forEach((it, i) =>
          lines.push(
            `${i + 1}. ${it.title}（${r.result.multiAgency && it.agencyName ? `${it.agencyName}，` : ""}索引号：${it.indexNo}${it.date ? `，${it.date}` : ""}）`,
          ),
        );
      }
      if (guideSections.length) {
        lines.push("公开指南中的相关内容：");
        for (const g of guideSections.slice(0, 2)) lines.push(`· ${g.title}：${g.snippet}`);
      }
      lines.push("（来源：政府信息公开目录）");
      return say([lines.join("\n")]);
    }
    case "figures": {
      const f = r.result;
      if (!f.found) {
        const latest = f.latestYear ? `目前已公布的最近一期为${f.latestYear}年度报告。` : "";
        return say([`${f.year ? `${f.year}年度的` : ""}政府信息公开工作年度报告尚未公布，暂时无法提供该数字。${latest}`]);
      }
      const breakdown = f.breakdown
        ?.filter((b) => b.value > 0)
        .map((b) => `${b.label}${b.value}件`)
        .join("，");
      return say([`${f.year}年${f.name}：${f.value}件${breakdown ? `（其中${breakdown}）` : ""}。\n（来源：${f.source}）`]);
    }
    case "submit": {
      const res = r.result;
      if (!res.ok) {
        return say([`提交没有成功：${res.message}。您的填写内容已保留，可回复“确认”重试或“修改 字段名”更正。`], { ...s, mode: "form" });
      }
      const key = s.form?.idempotencyKey ?? "";
      const next: Session = { ...s, mode: "idle", form: undefined, lastFiled: { applicationNo: res.applicationNo, idempotencyKey: key } };
      const due = res.dueDate
        ? `答复期限：${markNotedDate(res.dueDate, res.dueDateNote)}（自收到申请之日起20个工作日内答复）。${res.dueDateNote ?? ""}`
        : "工作人员确认收到后开始计算20个工作日的答复期限。";
      return say(
        [
          `申请已提交。\n申请编号：${res.applicationNo}\n查询码：${res.queryCode}\n${res.attached ? `已随申请附上您发送的${res.attached}张图片。\n` : ""}请妥善保存查询码，回复“查询申请 ${res.applicationNo} ${res.queryCode}”可随时查询进度。${due}`,
        ],
        next,
      );
    }
    case "status": {
      const res = r.result;
      if (!res.ok) return say([res.message]);
      const parts = [`申请编号：${res.applicationNo}`, `办理状态：${res.statusLabel}`];
      if (res.dueDate) parts.push(`答复期限：${markNotedDate(res.dueDate, res.dueDateNote)}`);
      if (res.disposition) parts.push(`办理结果：${res.disposition}${res.dispositionDate ? `（${res.dispositionDate}）` : ""}`);
      if (res.dueDate && res.dueDateNote) parts.push(res.dueDateNote);
      if (res.referral) {
        const ref = res.referral;
        parts.push(`负责公开该信息的机关：${ref.agencyName}（${ref.contact}）`);
        if (ref.refiledAs) parts.push(`您已转交申请，新申请编号：${ref.refiledAs}（查询码与本申请相同）。`);
        else if (ref.grant) {
          parts.push(`回复“转交申请”或“1”，即可向${ref.agencyName}重新提交本申请（无需重新填写，收到日期为转交当天）。`);
          return say([parts.join("\n")], { ...s, refileOffer: { applicationNo: res.applicationNo, grant: ref.grant, agencyName: ref.agencyName } });
        }
      }
      return say([parts.join("\n")]);
    }
    case "list_mine": {
      const items = r.result.items;
      if (!items.length) return say(["没有找到您通过本渠道提交的申请。回复“我要申请”可以在线申请。"]);
      const agencies = new Set(items.map((a) => a.agencyName ?? ""));
      const lines = items.map(
        (a) =>
          `${a.applicationNo}${agencies.size > 1 && a.agencyName ? `（${a.agencyName}）` : ""}：${a.statusLabel}${a.dueDate ? `，答复期限${markNotedDate(a.dueDate, a.dueDateNote)}` : ""}${a.disposition ? `，结果：${a.disposition}` : ""}`,
      );
      // Each distinct explanation once, after the list, instead of repeating it on every line.
      const notes = [...new Set(items.filter((a) => a.dueDate && a.dueDateNote).map((a) => a.dueDateNote as string))];
      return say([`您提交的申请：\n${lines.join("\n")}${notes.length ? `\n${notes.join("")}` : ""}`]);
    }
    case "record_miss":
      return done(s, []);
    case "agency_info":
      return say(
        [r.result ? agencyChoice.agencyInfoReply(r.result) : "没有找到该机关，请回复机关名称或“帮助”。"],
        r.result ? { ...s, agencyHint: r.result.code } : s,
      );
    case "refile": {
      const res = r.result;
      const next: Session = { ...s, refileOffer: undefined };
      if (!res.ok) return say([res.message], next);
      const due = res.dueDate ? `答复期限：${markNotedDate(res.dueDate, res.dueDateNote ?? null)}。` : "";
      const head = res.alreadyRefiled ? `该申请已经转交过，无需重复转交。` : `已向${res.agencyName}转交您的申请（原申请${res.refiledFrom}）。`;
      return say(
        [
          `${head}\n新申请编号：${res.applicationNo}\n受理机关：${res.agencyName}\n收到日期：${res.receivedAt ?? "待确认"}\n${due}查询码与原申请相同，回复“查询申请 ${res.applicationNo} 查询码”可查询进度。`,
        ],
        next,
      );
    }
    case "handoff":
      return say([`已为您转接人工服务（咨询编号 ${r.result.consultationId.slice(0, 8)}），工作人员会在工作时间尽快通过本渠道回复您。`]);
    case "error":
      return say([
        r.effect === "submit" ? "系统繁忙，申请暂未提交成功，您的填写内容已保留，请稍后回复“确认”重试。" : "系统繁忙，请稍后再试，或回复“人工”联系工作人员。",
      ]);
  }
}

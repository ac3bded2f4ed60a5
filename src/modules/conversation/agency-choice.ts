// Which agency a citizen means, asked only when it matters: the platform has more than one agency and the
// citizen files an application or asks for an agency's contacts or guide. Pure (state in, state out): the
// agencies come with the message (the runner reads the directory), matching is directory/agency-match.ts.
// With one agency nothing here runs and the bot behaves exactly as it did before agencies were data.
import { matchAgencies, suggestAgency, type DirectoryAgency } from "../directory/agency-match";
import { isCancel, isConfirmation } from "./form-chatter";
import type { Understanding } from "./understanding";

export interface AgencyRef {
  code: string;
  name: string;
}

/** The question "向哪个机关…" in progress (Session.agencyChoice). */
export interface AgencyChoiceState {
  purpose: "file" | "info";
  /** The numbered choices shown, in order. */
  options: AgencyRef[];
  /** The agency proposed for a "是" to confirm. */
  suggested?: AgencyRef;
  /** For "file": what the citizen said they need, offered later at the description step. */
  description?: string;
  /** Unclear replies so far: after two the choice is dropped (the citizen may be asking something else). */
  tries: number;
}

export type ChoiceOutcome =
  | { kind: "ask"; state: AgencyChoiceState; reply: string }
  | { kind: "chosen"; agency: AgencyRef; purpose: AgencyChoiceState["purpose"]; description?: string }
  | { kind: "cancel"; reply: string }
  /** Not an answer to the question: the message is handled as usual and the choice dropped. */
  | { kind: "abandon" };

const MAX_OPTIONS = 9;
const ref = (a: DirectoryAgency): AgencyRef => ({ code: a.code, name: a.name });
export const isMultiAgency = (agencies: DirectoryAgency[] | undefined): agencies is DirectoryAgency[] => !!agencies && agencies.length > 1;

/** Choices to number: the matches first (when any), then the rest, at most nine. */
function optionsFor(agencies: DirectoryAgency[], text: string, nlu: Understanding, first?: AgencyRef): AgencyRef[] {
  const hits = matchAgencies(agencies, text, (s) => nlu.normalize(s), MAX_OPTIONS).map((m) => ref(m.agency));
  const all = [...(first ? [first] : []), ...hits, ...agencies.map(ref)];
  const seen = new Set<string>();
  return all.filter((a) => !seen.has(a.code) && seen.add(a.code)).slice(0, MAX_OPTIONS);
}

const numbered = (options: AgencyRef[]) => options.map((a, i) => `${i + 1}. ${a.name}`).join("\n");

function prompt(state: AgencyChoiceState, agencies: DirectoryAgency[]): string {
  const what = state.purpose === "file" ? "您要向哪个机关申请？" : "您想了解哪个机关的联系方式和公开指南？";
  const more =
    agencies.length > state.options.length
      ? `\n（本平台共${agencies.length}个机关；也可以直接说机关名称或要办的事，例如“学校的事”）`
      : "\n（也可以直接说机关名称或要办的事）";
  if (state.suggested) {
    const a = agencies.find((x) => x.code === state.suggested!.code);
    const duty = a?.duties?.summary ? `（${a.duties.summary.replace(/。$/, "")}）` : "";
    return `${state.purpose === "file" ? "请先确认受理机关：" : ""}您要找的是“${state.suggested.name}”吗？${duty}\n回复“是”确认，或回复序号选择其他机关：\n${numbered(state.options)}${more}`;
  }
  return `${what}请回复序号：\n${numbered(state.options)}${more}`;
}

/** Opens the question. `hint`: an agency the conversation already pointed to ("学校的事找谁" before "我要申请"). */
export function startChoice(
  purpose: AgencyChoiceState["purpose"],
  text: string,
  agencies: DirectoryAgency[],
  nlu: Understanding,
  hint?: string,
  description?: string,
): ChoiceOutcome {
  const named = suggestAgency(agencies, text, (s) => nlu.normalize(s));
  const hinted = hint ? agencies.find((a) => a.code === hint) : undefined;
  const suggested = named ? ref(named.agency) : hinted ? ref(hinted) : undefined;
  const state: AgencyChoiceState = { purpose, options: optionsFor(agencies, text, nlu, suggested), suggested, description, tries: 0 };
  return { kind: "ask", state, reply: prompt(state, agencies) };
}

const YES_RE = /^(是|是的|对|对的|没错|确认|确定|好|好的|嗯|可以|就是|就是它|是这个)[。!！]?$/;
const CANCEL_RE = /^(取消|退出|算了|不用了|不申请了|放弃)[。!！]?$/;

/** The citizen's reply to the question. */
export function answerChoice(state: AgencyChoiceState, text: string, agencies: DirectoryAgency[], nlu: Understanding): ChoiceOutcome {
  const t = text.trim();
  if (CANCEL_RE.test(t) || isCancel(t))
    return { kind: "cancel", reply: state.purpose === "file" ? "已取消本次申请。需要时可随时回复“我要申请”重新开始。" : "好的。还有其他问题随时问我。" };
  const chosen = (a: AgencyRef): ChoiceOutcome => ({ kind: "chosen", agency: a, purpose: state.purpose, description: state.description });
  const live = (a: AgencyRef | undefined) => (a && agencies.some((x) => x.code === a.code) ? a : undefined);
  if (state.suggested && (YES_RE.test(t) || isConfirmation(t))) {
    const a = live(state.suggested);
    if (a) return chosen(a);
  }
  const n = /^\s*([1-9])\s*[.、。]?\s*$/.exec(t.normalize("NFKC"));
  if (n) {
    const a = live(state.options[Number(n[1]) - 1]);
    if (a) return chosen(a);
  }
  const named = matchAgencies(agencies, t, (s) => nlu.normalize(s), 3);
  // A name, or one agency clearly ahead: confirmed at once when named, proposed when found by what it handles.
  if (named[0]?.by === "name" && named[0].score >= 100 && (!named[1] || named[1].score < named[0].score)) return chosen(ref(named[0].agency));
  const s = suggestAgency(agencies, t, (x) => nlu.normalize(x));
  if (s) {
    const next: AgencyChoiceState = { ...state, suggested: ref(s.agency), options: optionsFor(agencies, t, nlu, ref(s.agency)), tries: state.tries };
    return { kind: "ask", state: next, reply: prompt(next, agencies) };
  }
  // Something else altogether (a status query, "人工", a whole question): handled as usual, the choice dropped.
  if (state.tries + 1 >= 2 || t.length > 12 || /\d{4}|人工|帮助|查询|菜单/.test(t)) return { kind: "abandon" };
  const next = { ...state, tries: state.tries + 1 };
  return { kind: "ask", state: next, reply: `没有找到对应的机关。${prompt(next, agencies)}\n回复“取消”可退出。` };
}

const ROUTING_RE = /找谁|找哪|哪个部门|哪个单位|哪个机关|哪个局|哪家|归谁|归哪|谁管|谁负责|哪里管|哪个管|向谁申请|该找|应该问谁|问谁/;
const CONTACT_RE = /联系|电话|地址|办公时间|上班时间|邮箱|传真|在哪|位置|公开指南|指南/;

export type AgencyQuestion =
  /** "学校的事找谁": the agencies that handle it, with what they do and their contact. */
  | { kind: "route"; reply: string; hint?: string }
  /** A named agency's contacts or guide: looked up (effect agency_info). */
  | { kind: "info"; agency: AgencyRef }
  /** Contacts or guide of no named agency: which one? */
  | { kind: "ask"; state: AgencyChoiceState; reply: string };

/** A question about agencies (who handles what, an agency's contacts), or null for every other message. */
export function agencyQuestion(text: string, agencies: DirectoryAgency[], nlu: Understanding): AgencyQuestion | null {
  const t = nlu.normalize(text);
  if (t.length > 80) return null;
  if (ROUTING_RE.test(t)) {
    const hits = matchAgencies(agencies, t, (s) => s, 3);
    if (!hits.length) {
      return {
        kind: "route",
        reply: `没有从您的描述中找到对应的机关。本平台的机关有：\n${numberedAll(agencies)}\n您可以说得具体些（例如“孩子入学的事”），或回复“人工”咨询工作人员。`,
      };
    }
    const lines = hits.map(
      (h, i) =>
        `${i + 1}. ${h.agency.name}${h.agency.duties?.summary ? `：${h.agency.duties.summary.replace(/。$/, "")}` : ""}\n   联系方式：${h.agency.contact}`,
    );
    const lead = hits.length === 1 ? "这件事可以找：" : "这件事可能由以下机关负责：";
    return {
      kind: "route",
      reply: `${lead}\n${lines.join("\n")}\n回复“我要申请”可向${hits.length === 1 ? "该机关" : "其中的机关"}提出政府信息公开申请。`,
      hint: hits[0].agency.code,
    };
  }
  if (CONTACT_RE.test(t)) {
    const named = matchAgencies(agencies, t, (s) => s, 2).filter((m) => m.by === "name");
    if (named.length) return { kind: "info", agency: ref(named[0].agency) };
    const out = startChoice("info", t, agencies, nlu);
    if (out.kind === "ask") return { kind: "ask", state: out.state, reply: out.reply };
  }
  return null;
}

const numberedAll = (agencies: DirectoryAgency[]) =>
  agencies
    .slice(0, 20)
    .map((a) => `· ${a.name}`)
    .join("\n") + (agencies.length > 20 ? `\n……共${agencies.length}个` : "");

/** The reply to an agency_info effect: its contact and the office section of its published guide. */
export interface AgencyInfoResult {
  code: string;
  name: string;
  contact: string;
  duties: string | null;
  guide: { title: string; text: string } | null;
}

export function agencyInfoReply(r: AgencyInfoResult): string {
  const lines = [`${r.name}`, `联系方式：${r.contact}`];
  if (r.duties) lines.push(`主要职责：${r.duties}`);
  if (r.guide) lines.push(`${r.guide.text}\n（来源：《${r.guide.title}》）`);
  else lines.push("（该机关的政府信息公开指南尚未发布）");
  lines.push(`回复“我要申请”可向${r.name}提出政府信息公开申请。`);
  return lines.join("\n");
}

/**
 * A topic the one-agency bot sends elsewhere ("入学和教育请咨询区教育和体育局") may belong to an agency of this
 * platform: then the citizen is told which one (and its contact), instead of being sent away.
 */
export function routeOutOfScope(text: string, agencies: DirectoryAgency[], nlu: Understanding): { reply: string; hint: string } | null {
  const hits = matchAgencies(agencies, text, (s) => nlu.normalize(s), 2);
  const best = hits[0];
  if (!best || (hits[1] && hits[1].score >= best.score)) return null;
  const a = best.agency;
  return {
    reply: `这件事由本平台的${a.name}负责${a.duties?.summary ? `（${a.duties.summary.replace(/。$/, "")}）` : ""}。联系方式：${a.contact}\n回复“我要申请”可向${a.name}提出政府信息公开申请。`,
    hint: a.code,
  };
}

// What the bot does with chatter typed at a form prompt (form-chatter.ts decides that it is chatter): answer
// the question the way it answers outside the form (the knowledge index, or the effects guide, figures,
// catalogue and status; what nothing answers is a recorded miss), say where the form stands, re-ask after "同上";
// the engine then asks the same field again. Nothing typed here is saved as an answer.
import type { Effect } from "./engine";
import * as form from "./form";
import { chatterAt, FREE_TEXT_FIELDS, isConfirmation } from "./form-chatter";
import { classify } from "./intents";
import type { Understanding } from "./understanding";

export type FormInterruption =
  /** Answered by an effect; the engine's result step appends the current prompt. */
  | { kind: "effect"; effect: Effect; intent: string }
  /** A question the intents do not place: answered from the knowledge index, else recorded as a miss. */
  | { kind: "question"; text: string; intent: string }
  /** Said now, followed by the current prompt. */
  | { kind: "say"; text: string; intent: string }
  | { kind: "wrong_channel" };

export const FORM_COMPLAINT =
  "抱歉给您带来不便。对政府信息公开工作有意见，可以向上一级行政机关或政府信息公开工作主管部门投诉、举报；信访、举报其他事项请通过信访渠道或12345政务服务便民热线反映。回复“人工”可联系工作人员。您已填写的内容都已保留。";

function whereWeAre(f: form.FormState): string {
  const filled = Object.values(f.values).filter((v) => v !== undefined).length;
  const now = f.step === "summary" ? "各项已填写完毕，请核对后确认" : `现在这一项是“${form.fieldLabel(f.step)}”`;
  return `在的。您正在填写政府信息公开申请，已填写${filled}项，${now}。已填写的内容都已保存。`;
}

export function interruption(nlu: Understanding, f: form.FormState, text: string, currentYear: number, verified: boolean): FormInterruption | null {
  if (f.step === "summary" && (isConfirmation(text) || form.fieldFromText(text))) return null;
  const accepted = f.step !== "summary" && form.wouldAccept(f, text);
  const chatter = chatterAt(f.step, text, accepted);
  // A refused answer at a closed field (a choice, an ID number, a phone) may still be a question without a
  // question mark ("2019年收到多少申请"): answered when the intents know it, else the validator's message.
  if (!chatter) return !accepted && !(f.step !== "summary" && FREE_TEXT_FIELDS.has(f.step)) ? asked(nlu, f, text, currentYear, verified, false) : null;
  const label = f.step === "summary" ? "" : form.fieldLabel(f.step);
  switch (chatter.kind) {
    case "status_query":
      return { kind: "effect", effect: { kind: "status", applicationNo: chatter.applicationNo, queryCode: chatter.queryCode }, intent: "form.status_query" };
    case "same_as":
      if (f.step === "summary") return null;
      return { kind: "say", text: `“${text.trim()}”不能作为${label}：每一项都单独保存，不会引用其他项，请完整填写${label}。`, intent: "form.same_as" };
    case "where":
    case "greeting":
      return { kind: "say", text: whereWeAre(f), intent: "form.where" };
    case "complaint":
      return { kind: "say", text: FORM_COMPLAINT, intent: "form.complaint" };
    case "question":
      return asked(nlu, f, text, currentYear, verified, true);
  }
}

/** A question typed at a prompt, answered through the effects the idle mode uses; `sure`: it reads as a question. */
function asked(nlu: Understanding, f: form.FormState, text: string, currentYear: number, verified: boolean, sure: boolean): FormInterruption | null {
  const u = nlu.understand(text);
  const intent = classify(nlu, u, currentYear);
  // Not sure it is a question: only what the form always answered (guide, figures, catalogue, complaints).
  if (!sure && !["guide", "report_figures", "catalogue_search", "wrong_channel"].includes(intent.kind)) return null;
  switch (intent.kind) {
    case "guide":
      return { kind: "effect", effect: { kind: "guide", topic: intent.topic }, intent: `guide.${intent.topic}` };
    case "report_figures":
      return { kind: "effect", effect: { kind: "figures", year: intent.year, yearWord: intent.yearWord, topic: intent.topic }, intent: intent.kind };
    case "catalogue_search":
      if (!intent.query.trim()) break;
      return { kind: "effect", effect: { kind: "catalogue", query: intent.query, year: intent.year }, intent: intent.kind };
    case "wrong_channel":
      return { kind: "wrong_channel" };
    case "status_query":
      if (intent.applicationNo && intent.queryCode) {
        return { kind: "effect", effect: { kind: "status", applicationNo: intent.applicationNo, queryCode: intent.queryCode }, intent: "form.status_query" };
      }
      // "多久能出结果" asks how long an answer takes, not how one application stands.
      if (u.concepts.has("TIMELIMIT")) return { kind: "effect", effect: { kind: "guide", topic: "time_limit" }, intent: "guide.time_limit" };
      return { kind: "say", text: "申请提交后会告知申请编号和查询码，之后回复“查询申请 申请编号 查询码”即可查询办理进度。", intent: "form.status_hint" };
    case "status_mine":
      if (verified) return { kind: "effect", effect: { kind: "list_mine" }, intent: intent.kind };
      return { kind: "say", text: "为保护个人信息，只有通过微信公众号、小程序登录或微信好友身份确认后才能查看“我的申请”。", intent: intent.kind };
    case "handoff":
      return { kind: "say", text: "回复“人工”即可联系工作人员，已填写的内容会保留。", intent: "form.handoff_hint" };
    case "greeting":
      return { kind: "say", text: whereWeAre(f), intent: "form.where" };
    default:
      break;
  }
  if (!sure) return null;
  // What the intents do not know goes where the idle mode sends it: the knowledge index (which holds the
  // staff-written answers), else a recorded miss.
  return { kind: "question", text: text.trim(), intent: "form.question" };
}

// The guided filing form: one question at a time, each answer checked with the same field validators as
// the applications API (intake-schema.ts), with back / change field / summary / confirm / cancel.
// Pure: state in, state and text out.
import type { z } from "zod";
import {
  CATEGORY_LABELS,
  DELIVERY_FORM_LABELS,
  DELIVERY_METHOD_LABELS,
  fieldSchemas,
  ID_TYPE_LABELS,
  intakeSchema,
  type IntakeInput,
} from "../applications/intake-schema";
import { isConfirmation } from "./form-chatter";
import { normalizePhone } from "./phone";

export type FieldKey =
  | "category"
  | "name"
  | "idType"
  | "idNumber"
  | "creditCode"
  | "contactName"
  | "phone"
  | "description"
  | "documentNo"
  | "deliveryForm"
  | "deliveryMethod"
  | "email"
  | "address";

export interface FormState {
  step: FieldKey | "summary";
  values: Partial<Record<FieldKey, string>>;
  /** Steps answered, for "上一步". */
  trail: FieldKey[];
  /** Set while changing one field from the summary: go back to the summary afterwards. */
  returnToSummary?: boolean;
  /** Description that contains an ID number or phone, waiting for "保留" or a new text. */
  pendingDescription?: string;
  /** What the citizen said they need when opening the form ("我要申请公开…"), offered at the description step. */
  suggestedDescription?: string;
  idempotencyKey: string;
  startedAt: string;
  /** The agency chosen before the form opened (only when the platform has more than one; agency-choice.ts). */
  agency?: { code: string; name: string };
}

type Values = FormState["values"];

interface FieldDef {
  key: FieldKey;
  label: string;
  optional?: boolean;
  applies?(v: Values): boolean;
  prompt(v: Values): string;
  /** Turns the citizen's text into the stored value, or says what is wrong. */
  parse(text: string, v: Values): { value: string } | { error: string };
  show?(value: string): string;
}

const CATEGORY_OPTIONS: Array<[string, string]> = [
  ["natural_person", "个人（自然人）"],
  ["org.commercial", "商业企业"],
  ["org.research", "科研机构"],
  ["org.public_welfare", "社会公益组织"],
  ["org.legal_service", "法律服务机构"],
  ["org.other", "其他组织"],
];
const ID_TYPE_OPTIONS = Object.entries(ID_TYPE_LABELS) as Array<[string, string]>;
const FORM_OPTIONS = Object.entries(DELIVERY_FORM_LABELS) as Array<[string, string]>;
const METHOD_OPTIONS = Object.entries(DELIVERY_METHOD_LABELS) as Array<[string, string]>;

const isPerson = (v: Values) => v.category === "natural_person";

function options(list: Array<[string, string]>): string {
  return list.map(([, label], i) => `${i + 1}. ${label}`).join("\n");
}

/** Accepts the option's number or (part of) its label. */
function choose(list: Array<[string, string]>, text: string, extra: Record<string, string> = {}): string | null {
  const t = text.trim().replace(/[。.!！]$/, "");
  const n = Number(t);
  if (Number.isInteger(n) && n >= 1 && n <= list.length) return list[n - 1][0];
  for (const [word, key] of Object.entries(extra)) if (t.includes(word)) return key;
  const hit = list.find(([key, label]) => t === key || label.includes(t) || t.includes(label.replace(/（.*）/, "")));
  return hit ? hit[0] : null;
}

function check(schema: z.ZodType, text: string): { value: string } | { error: string } {
  const r = schema.safeParse(text);
  if (r.success) return { value: String(r.data) };
  return { error: r.error.issues[0]?.message ?? "格式不正确" };
}

const SKIP_WORDS = ["跳过", "没有", "无", "不知道", "略过", "不填"];
const isSkip = (t: string) => SKIP_WORDS.includes(t.trim().replace(/[。.!！]$/, ""));

export const ID_NUMBER_RE = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)/;
export const PHONE_RE = /(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/;

export const FIELDS: FieldDef[] = [
  {
    key: "category",
    label: "申请人类型",
    prompt: () => `请问您以什么身份申请？请回复序号：\n${options(CATEGORY_OPTIONS)}`,
    parse: (t) => {
      const k = choose(CATEGORY_OPTIONS, t, {
        个人: "natural_person",
        自己: "natural_person",
        公司: "org.commercial",
        企业: "org.commercial",
        律所: "org.legal_service",
        律师: "org.legal_service",
        大学: "org.research",
        高校: "org.research",
      });
      return k ? { value: k } : { error: `没有看懂您的选择，请回复1到${CATEGORY_OPTIONS.length}之间的序号。` };
    },
    show: (v) => CATEGORY_LABELS[v as keyof typeof CATEGORY_LABELS] ?? v,
  },
  {
    key: "name",
    label: "姓名/单位名称",
    prompt: (v) => (isPerson(v) ? "请输入申请人姓名：" : "请输入单位全称："),
    parse: (t) => check(fieldSchemas.name, t),
  },
  {
    key: "idType",
    label: "证件类型",
    applies: isPerson,
    prompt: () => `请选择证件类型（回复序号）：\n${options(ID_TYPE_OPTIONS)}`,
    parse: (t) => {
      const k = choose(ID_TYPE_OPTIONS, t, { 身份证: "resident_id", 护照: "passport", 港澳: "hk_macao_permit", 台湾: "taiwan_permit" });
      return k ? { value: k } : { error: `没有看懂您的选择，请回复1到${ID_TYPE_OPTIONS.length}之间的序号。` };
    },
    show: (v) => ID_TYPE_LABELS[v as keyof typeof ID_TYPE_LABELS] ?? v,
  },
  {
    key: "idNumber",
    label: "证件号码",
    applies: isPerson,
    prompt: (v) => (v.idType === "resident_id" ? "请输入18位居民身份证号码：" : "请输入证件号码："),
    parse: (t, v) => check(v.idType === "resident_id" ? fieldSchemas.residentId : fieldSchemas.idNumber, t.normalize("NFKC").replace(/\s/g, "")),
    show: (v) => (v.length > 8 ? `${v.slice(0, 4)}${"*".repeat(v.length - 8)}${v.slice(-4)}` : "****"),
  },
  {
    key: "creditCode",
    label: "统一社会信用代码",
    applies: (v) => !isPerson(v),
    prompt: () => "请输入单位的18位统一社会信用代码：",
    parse: (t) => check(fieldSchemas.creditCode, t.replace(/\s/g, "")),
  },
  {
    key: "contactName",
    label: "联系人",
    applies: (v) => !isPerson(v),
    prompt: () => "请输入联系人姓名：",
    parse: (t) => check(fieldSchemas.contactName, t),
  },
  {
    key: "phone",
    label: "联系电话",
    prompt: () => "请输入联系电话（手机号或带区号的固定电话）：",
    parse: (t) => check(fieldSchemas.phone, normalizePhone(t)),
    show: (v) => (v.length >= 7 ? `${v.slice(0, 3)}****${v.slice(-4)}` : v),
  },
  {
    key: "description",
    label: "所需信息描述",
    prompt: () => "请描述您需要的政府信息：尽量写明信息名称、文号、时间或其他能找到它的特征（一次申请一件事）。",
    parse: (t) => check(fieldSchemas.description, t),
  },
  {
    key: "documentNo",
    label: "文号",
    optional: true,
    prompt: () => "如果知道文件的文号（如“张融发〔2019〕1号”），请输入；不知道请回复“跳过”。",
    parse: (t) => check(fieldSchemas.documentNo, t),
  },
  {
    key: "deliveryForm",
    label: "提供形式",
    prompt: () => `您希望以什么形式获取信息？请回复序号：\n${options(FORM_OPTIONS)}`,
    parse: (t) => {
      const k = choose(FORM_OPTIONS, t, { 纸: "paper", 电子: "electronic" });
      return k ? { value: k } : { error: "没有看懂您的选择，请回复1（纸质）或2（电子）。" };
    },
    show: (v) => Object.fromEntries(FORM_OPTIONS)[v] ?? v,
  },
  {
    key: "deliveryMethod",
    label: "获取方式",
    prompt: () => `您希望通过什么方式获取？请回复序号：\n${options(METHOD_OPTIONS)}`,
    parse: (t) => {
      const k = choose(METHOD_OPTIONS, t, { 领取: "pickup", 自取: "pickup", 邮寄: "mail", 快递: "mail", 邮件: "email", 邮箱: "email", 微信: "wechat" });
      return k ? { value: k } : { error: `没有看懂您的选择，请回复1到${METHOD_OPTIONS.length}之间的序号。` };
    },
    show: (v) => Object.fromEntries(METHOD_OPTIONS)[v] ?? v,
  },
  {
    key: "email",
    label: "电子邮箱",
    applies: (v) => v.deliveryMethod === "email",
    prompt: () => "请输入接收信息的电子邮箱：",
    parse: (t) => check(fieldSchemas.email, t.replace(/\s/g, "")),
  },
  {
    key: "address",
    label: "通信地址",
    applies: (v) => v.deliveryMethod === "mail",
    prompt: () => "请输入邮寄地址（省市区街道门牌）：",
    parse: (t) => check(fieldSchemas.address, t),
  },
];

const byKey = new Map(FIELDS.map((f) => [f.key, f]));

export function fieldLabel(key: FieldKey): string {
  return byKey.get(key)?.label ?? key;
}

function applicable(v: Values): FieldDef[] {
  return FIELDS.filter((f) => !f.applies || f.applies(v));
}

/** The first applicable field without a value, or the summary. */
export function nextStep(v: Values): FieldKey | "summary" {
  const f = applicable(v).find((d) => v[d.key] === undefined);
  return f ? f.key : "summary";
}

export function newForm(idempotencyKey: string, now: string, suggestedDescription?: string): FormState {
  return { step: "category", values: {}, trail: [], idempotencyKey, startedAt: now, ...(suggestedDescription ? { suggestedDescription } : {}) };
}

/** "我要申请公开2019年的预算执行情况" → "2019年的预算执行情况" (at least five characters), else undefined. */
export function descriptionFromRequest(text: string): string | undefined {
  const m = /申请(?:公开|获取|查阅|提供)?[:：,，\s]*(.+)$/.exec(text.trim());
  const rest = m?.[1]
    ?.replace(/^(公开|获取|查阅|提供|一下)/, "")
    .replace(/[。.!！?？]+$/, "")
    .trim();
  return rest && [...rest].length >= 5 ? rest : undefined;
}

export function promptFor(form: FormState): string {
  if (form.step === "summary") return summary(form);
  if (form.step === "description" && form.suggestedDescription && form.values.description === undefined) {
    return `您开始时提到需要：“${form.suggestedDescription}”。回复“是”用这段话作为所需信息描述，或发送新的描述（尽量写明信息名称、文号、时间）。`;
  }
  return byKey.get(form.step)!.prompt(form.values);
}

export function summary(form: FormState): string {
  const v = form.values;
  const lines = applicable(v).map((f) => {
    const raw = v[f.key];
    const shown = raw === undefined || raw === "" ? "（未填）" : f.show ? f.show(raw) : raw;
    return `${f.label}：${shown}`;
  });
  if (form.agency) lines.unshift(`受理机关：${form.agency.name}`);
  return `请核对您的申请：\n${lines.join("\n")}\n\n回复“确认”提交；回复“修改 字段名”（如“修改 联系电话”）更改某一项；回复“取消”放弃本次申请。`;
}

/** Field named in "修改 联系电话" / "改电话" / "改一下描述". */
export function fieldFromText(text: string): FieldKey | null {
  const aliases: Array<[RegExp, FieldKey]> = [
    [/类型|身份/, "category"],
    [/证件类型/, "idType"],
    [/身份证|证件号/, "idNumber"],
    [/信用代码/, "creditCode"],
    [/联系人/, "contactName"],
    [/姓名|名字|单位名称|名称/, "name"],
    [/电话|手机/, "phone"],
    [/描述|内容|信息名称/, "description"],
    [/文号/, "documentNo"],
    [/形式/, "deliveryForm"],
    [/方式|获取/, "deliveryMethod"],
    [/邮箱|email/i, "email"],
    [/地址/, "address"],
  ];
  const order: FieldKey[] = [
    "idType",
    "contactName",
    "creditCode",
    "idNumber",
    "category",
    "name",
    "phone",
    "description",
    "documentNo",
    "deliveryForm",
    "deliveryMethod",
    "email",
    "address",
  ];
  for (const key of order) {
    const re = aliases.find(([, k]) => k === key)![0];
    if (re.test(text)) return key;
  }
  return null;
}

export type FormOutcome =
  | { kind: "continue"; form: FormState; replies: string[] }
  | { kind: "confirm"; form: FormState; input: IntakeInput }
  | { kind: "invalid_at_confirm"; form: FormState; replies: string[] };

function advance(form: FormState, prefix: string[] = []): FormOutcome {
  // The first unanswered field; after a change from the summary that is the summary again, unless the
  // change (of category or delivery method) made new fields necessary.
  const next = nextStep(form.values);
  const f: FormState = { ...form, step: next, returnToSummary: next === "summary" ? undefined : form.returnToSummary };
  return { kind: "continue", form: f, replies: [...prefix, promptFor(f)] };
}

export function buildInput(v: Values, channel: IntakeInput["channel"]): unknown {
  const person = v.category === "natural_person";
  return {
    channel,
    applicant: {
      category: v.category,
      name: v.name,
      idType: person ? v.idType : undefined,
      idNumber: person ? v.idNumber : undefined,
      creditCode: person ? undefined : v.creditCode,
      contactName: person ? undefined : v.contactName,
      phone: v.phone,
      email: v.deliveryMethod === "email" ? v.email : undefined,
      address: v.deliveryMethod === "mail" ? v.address : undefined,
    },
    description: v.description,
    documentNo: v.documentNo || undefined,
    deliveryForm: v.deliveryForm,
    deliveryMethod: v.deliveryMethod,
  };
}

/** Whether the text would be accepted as the answer to the current question (for telling answers from questions). */
export function wouldAccept(form: FormState, text: string): boolean {
  if (form.step === "summary") return false;
  const def = byKey.get(form.step)!;
  if (def.optional && isSkip(text)) return true;
  return !("error" in def.parse(text.trim(), form.values));
}

/** One citizen message while the form is open (commands cancel/back/summary are handled by the engine). */
export function answer(form: FormState, text: string, channel: IntakeInput["channel"]): FormOutcome {
  const t = text.trim();
  if (form.step === "summary") {
    if (isConfirmation(t)) {
      const parsed = intakeSchema.safeParse(buildInput(form.values, channel));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const key = (issue.path[issue.path.length - 1] as FieldKey) ?? "description";
        const target = byKey.has(key) ? key : nextStep(form.values) === "summary" ? "description" : nextStep(form.values);
        const f: FormState = { ...form, step: target, returnToSummary: true };
        return { kind: "invalid_at_confirm", form: f, replies: [`${issue.message}。`, promptFor(f)] };
      }
      return { kind: "confirm", form, input: parsed.data };
    }
    const key = fieldFromText(t);
    if (key && byKey.get(key)!.applies?.(form.values) !== false) {
      const f: FormState = { ...form, step: key, returnToSummary: true };
      return { kind: "continue", form: f, replies: [promptFor(f)] };
    }
    return { kind: "continue", form, replies: ["请回复“确认”提交，“修改 字段名”更改，或“取消”放弃。", summary(form)] };
  }
  const def = byKey.get(form.step)!;
  if (form.step === "description" && form.pendingDescription !== undefined) {
    if (/^(保留|继续|确定|是|不改)[。!！]?$/.test(t)) {
      const values = { ...form.values, description: form.pendingDescription };
      return advance({ ...form, values, pendingDescription: undefined, trail: [...form.trail, "description"] });
    }
  }
  const useSuggestion =
    form.step === "description" && form.suggestedDescription && form.pendingDescription === undefined && /^(是|是的|对|好|好的|可以|用这段)[。!！]?$/.test(t);
  if (useSuggestion) return answer({ ...form, suggestedDescription: undefined }, form.suggestedDescription!, channel);
  if (def.optional && isSkip(t)) {
    return advance({ ...form, values: { ...form.values, [def.key]: "" }, trail: [...form.trail, def.key] });
  }
  const r = def.parse(t, form.values);
  if ("error" in r) return { kind: "continue", form, replies: [r.error, def.prompt(form.values)] };
  if (def.key === "description" && (ID_NUMBER_RE.test(r.value) || PHONE_RE.test(r.value))) {
    const what = ID_NUMBER_RE.test(r.value) ? "身份证号码" : "电话号码";
    return {
      kind: "continue",
      form: { ...form, pendingDescription: r.value },
      replies: [
        `提醒：您的描述中似乎包含${what}。描述会被工作人员阅读并可能出现在答复中，请不要在描述里填写个人证件号或电话（联系方式已单独登记）。请发送修改后的描述，或回复“保留”按原文继续。`,
      ],
    };
  }
  const values = { ...form.values, [def.key]: r.value };
  // Changing the category or delivery method drops answers that no longer apply.
  for (const f of FIELDS) if (f.applies && !f.applies(values)) delete values[f.key];
  return advance({ ...form, values, pendingDescription: undefined, trail: [...form.trail.filter((k) => k !== def.key), def.key] });
}

/** "上一步": the previous answered field is asked again. */
export function back(form: FormState): FormOutcome {
  const trail = [...form.trail];
  const prev = trail.pop();
  if (!prev) return { kind: "continue", form, replies: ["已经是第一项了。", promptFor(form)] };
  const f: FormState = { ...form, step: prev, trail, returnToSummary: undefined, pendingDescription: undefined };
  return { kind: "continue", form: f, replies: [`好的，回到上一项（${fieldLabel(prev)}）。`, promptFor(f)] };
}

/** "修改 电话" during the form. */
export function change(form: FormState, key: FieldKey): FormOutcome {
  const def = byKey.get(key)!;
  if (def.applies && !def.applies(form.values)) return { kind: "continue", form, replies: [`当前申请不需要填写${def.label}。`, promptFor(form)] };
  const f: FormState = { ...form, step: key, returnToSummary: nextStep(form.values) === "summary" || form.returnToSummary, pendingDescription: undefined };
  return { kind: "continue", form: f, replies: [promptFor(f)] };
}

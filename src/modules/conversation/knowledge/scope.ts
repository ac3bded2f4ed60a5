// What the bot must not answer from the index, checked before ranking: topics other agencies handle
// (社保, 户口 …), someone else's personal data (条例第十五条、第三十二条), legal advice (12348), complaints and
// petitions, also when phrased as an application (条例第三十九条), pinyin typed without characters. Word lists
// live in config/conversation/scope.json so staff can extend them without a deploy of code.
import fs from "node:fs";
import path from "node:path";

interface ScopeConfig {
  outOfScope: Array<{ words: string[]; topic: string; where: string }>;
  personalData: { subjects: string[]; others: string[] };
  legalAdvice: string[];
  complaint: { why: string[]; grievance: string[]; alone: string[] };
  agencyProfile: string[];
}
const SCOPE_FILE = path.resolve(__dirname, "../../../../config/conversation/scope.json");
let scope: ScopeConfig | null = null;
function config(): ScopeConfig {
  scope ??= JSON.parse(fs.readFileSync(SCOPE_FILE, "utf8")) as ScopeConfig;
  return scope;
}

export type ScopeVerdict =
  | { kind: "out_of_scope"; topic: string; where: string }
  | { kind: "personal_data" }
  | { kind: "legal_advice" }
  | { kind: "complaint" }
  | { kind: "agency_profile" }
  | { kind: "pinyin" };

const has = (text: string, words: string[]) => words.some((w) => text.includes(w));

/** `text` is the normalised (simplified, lower-cased) message. */
export function checkScope(text: string): ScopeVerdict | null {
  const c = config();
  // Latin letters only, several words or a long run: pinyin typed without choosing characters (shenqing gongkai).
  if (/^[a-z\s']{6,}$/.test(text) && !/^(hi|hello|help)\b/.test(text)) return { kind: "pinyin" };
  if (has(text, c.agencyProfile)) return { kind: "agency_profile" };
  const asksData = /查|告诉我|给我|提供|公开|要到|知道|看一下|在哪|是谁|住哪/.test(text) && !/需要|要不要|填写|要带|我的(?!人)|本人|自己的|吗$/.test(text);
  if (asksData && has(text, c.personalData.subjects) && (has(text, c.personalData.others) || /[\u4e00-\u9fff]{2,3}的(身份证|手机|电话|住址|家庭)/.test(text))) {
    return { kind: "personal_data" };
  }
  if (has(text, c.legalAdvice)) return { kind: "legal_advice" };
  if ((has(text, c.complaint.why) && has(text, c.complaint.grievance)) || has(text, c.complaint.alone)) return { kind: "complaint" };
  for (const o of c.outOfScope) if (has(text, o.words)) return { kind: "out_of_scope", topic: o.topic, where: o.where };
  return null;
}

export function scopeReply(v: ScopeVerdict, agencyName: string): string {
  switch (v.kind) {
    case "out_of_scope":
      return `${v.topic}不属于本服务的范围：这里是${agencyName}的政府信息公开咨询，只办理政府信息的公开与申请。${v.topic}请咨询${v.where}，也可拨打12345政务服务便民热线。`;
    case "personal_data":
      return "抱歉，不能提供他人的身份证号、电话、住址等个人信息：公开会损害第三方合法权益的个人隐私依法不予公开（《政府信息公开条例》第十五条、第三十二条）。涉及纠纷的，可通过人民法院等法定途径解决，或拨打12348咨询法律服务。";
    case "legal_advice":
      return "具体的法律问题（是否起诉、律师、胜诉可能、赔偿等）本服务不能提供意见，请拨打12348公共法律服务热线，或咨询当地法律援助中心、律师事务所。关于政府信息公开的复议、诉讼期限可以问我，例如“复议期限多久”。";
    case "complaint":
      return "您反映的属于投诉、信访事项，即使写成“申请公开”，也不按政府信息公开申请办理（《政府信息公开条例》第三十九条）。请拨打12345政务服务便民热线，或向信访工作机构（信访局）、有关主管部门反映。如果您需要获取某项具体的政府信息（例如某份文件），请回复“我要申请”。";
    case "pinyin":
      return "抱歉，我读不懂拼音，请用汉字输入您的问题，例如“怎么申请政府信息公开”“申请要收费吗”。";
    case "agency_profile":
      return "";
  }
}

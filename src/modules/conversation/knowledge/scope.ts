// What the bot must not answer from the index, checked before ranking, recognised by the STRUCTURE of the
// message rather than by whole phrasings (the held-out evaluation showed phrasing lists do not carry over):
// - someone else's personal data (条例第十五条、第三十二条): a third person (a relation, a role, "某人", a
//   surname + given name, an ID or plate number) together with a personal attribute (phone, address, income…);
// - legal advice (12348): a legal step against a party outside the disclosure remedies, or a private-law matter;
// - a complaint or petition, also phrased as an application (条例第三十九条): a complaint act, a demand for
//   redress, or a grievance (a state of things somebody should fix);
// - another agency's business: a domain named by its concepts (社保, 户口 …), or any service transaction
//   (办理/补办/报名…) that names nothing of disclosure;
// - pinyin typed without characters. The vocabulary lives in config/conversation/scope.json.
import fs from "node:fs";
import path from "node:path";

interface ScopeConfig {
  outOfScope: Array<{ words: string[]; topic: string; where: string }>;
  serviceTransaction: { verbs: string[]; disclosureWords: string[]; topic: string; where: string };
  personalData: {
    persons: string[];
    officials: string[];
    surnames: string;
    notNames: string[];
    attributes: string[];
    possessedAttributes: string[];
    possessedContextNot: string[];
    ownedAttributes: string[];
    nameAttributes: string[];
    notAsking: string[];
  };
  legalAdvice: { always: string[]; acts: string[]; giRemedyContext: string[]; privateLaw: string[] };
  complaint: {
    acts: string[];
    demands: string[];
    grievances: string[];
    grievancePatterns: string[];
    why: string[];
    situation: string[];
    aboutDisclosureWork: string[];
  };
  agencyProfile: string[];
  documentWords: string[];
  pinyinWords: string[];
}
const SCOPE_FILE = path.resolve(__dirname, "../../../../config/conversation/scope.json");
let scope: ScopeConfig | null = null;
let compiled: { name: RegExp; person: RegExp; grievance: RegExp } | null = null;
export function scopeConfig(): ScopeConfig {
  scope ??= JSON.parse(fs.readFileSync(SCOPE_FILE, "utf8")) as ScopeConfig;
  return scope;
}
function patterns() {
  if (!compiled) {
    const c = scopeConfig().personalData;
    const esc = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // "他" but not 其他/吉他; the other person words as they are.
    const person = c.persons.map((w) => (w === "他" || w === "她" ? `(?<![其吉])${w}` : esc(w))).join("|");
    compiled = {
      // A person named: surname + one or two characters, followed by what one says of a person (的, 名下, 家 …),
      // or 老王/小张; after a look-up verb, or before 的.
      name: new RegExp(
        `(?:(?:查|查查|查下|查一下|看看|要|叫|知道|告诉我|打听|提供|公开)([${c.surnames}][\\u4e00-\\u9fff]{1,2}?)(?=的|名下|有没有|家|住|在|现在|是|这个|那个|$|\\s))|(?:([${c.surnames}][\\u4e00-\\u9fff]{1,2}?)(?=的|名下))|(?:[老小]([${c.surnames}]))(?=[的家\\s]|$|[\\u4e00-\\u9fff])`,
      ),
      person: new RegExp(person),
      grievance: new RegExp(scopeConfig().complaint.grievancePatterns.join("|")),
    };
  }
  return compiled;
}

export type ScopeVerdict =
  | { kind: "out_of_scope"; topic: string; where: string }
  | { kind: "personal_data" }
  | { kind: "legal_advice" }
  | { kind: "complaint" }
  | { kind: "agency_profile" }
  | { kind: "pinyin" };

/** Each word list as one compiled alternation: one scan of the message instead of hundreds of includes(). */
const listPatterns = new WeakMap<string[], RegExp>();
const escapeRe = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function has(text: string, words: string[]): boolean {
  let re = listPatterns.get(words);
  if (!re) listPatterns.set(words, (re = words.length ? new RegExp(words.map(escapeRe).join("|")) : /(?!)/));
  return re.test(text);
}

/** Who we are: "你们是什么单位", "你是哪个部门的", "这是哪里的公众号", "你们是干嘛的". */
const AGENCY_ASK = /(你们|你|这里|这|贵单位|贵中心)(是|属于)(个|一个)?(什么|哪个|哪里|哪|啥|干嘛|干什么|做什么)(?!时候|时间|意思)/;

let notNames: RegExp | null = null;
const notNamesPattern = () => (notNames ??= new RegExp(scopeConfig().personalData.notNames.map(escapeRe).join("|"), "g"));

const ROLE =
  /(?:保安|门卫|保洁|护士|医生|老师|[\u4e00-\u9fff](?:员|师|户|友)|(?:员|职|民|临时)工|(?:妻|儿|孩|嫂|姨|舅|侄|孙)子|(?<![这那哪])[\u4e00-\u9fff]?(?:姨|舅|叔|姑|婶|哥|姐|弟|妹|爸|妈|爷|奶|婆|丈夫|妻|女儿|孙女|侄女|父亲|母亲|亲戚))的/;

/** Third person + personal attribute (not a question about what an applicant must provide). */
function asksPersonalData(text: string): boolean {
  const c = scopeConfig().personalData;
  if (has(text, c.notAsking)) return false;
  const p = patterns();
  // An ID, phone or plate number asked about ("370303…这个身份证是谁的", "鲁C12345的车主").
  const number = /\d{15}[\dx]|\d{17}[\dx]|1[3-9]\d{9}|[\u4e00-\u9fff][a-z][a-z0-9]{5,6}/.test(text);
  const rest = text.replace(notNamesPattern(), "　");
  const named = p.name.exec(rest);
  // A person by role: a word for a person (…员, …师, …户, 朋友…) owning something ("小区保安的", "快递员的").
  const person = p.person.exec(rest) ?? (ROLE.test(rest.replace(/工作人员/g, "")) ? ["role"] : null);
  const official = person && c.officials.includes(person[0]);
  // A number alone is someone only when asked whose it is (a citizen giving their own phone is not asking).
  if (number && !named && !person) return has(text, c.nameAttributes) || text.includes("车主");
  if (!named && !person) return false;
  if (has(text, c.attributes) || c.ownedAttributes.some((w) => text.includes(`的${w}`))) return true;
  // 工资, 收入…: someone's ("老板的工资", "村支书一年工资多少"), not a claim ("双倍工资", "拖欠工资").
  if (c.possessedAttributes.some((w) => text.includes(`的${w}`) || (text.includes(w) && !has(text, c.possessedContextNot)))) return true;
  // Who someone is ("举报我的那个人是谁", "那个司机叫啥"): not for officials, whose names are public.
  return has(text, c.nameAttributes) && !official && !/你们|你是|您是/.test(text.replace(/你们(?:的)?(?:记者|员工|职工)/, ""));
}

function asksLegalAdvice(text: string): boolean {
  const c = scopeConfig().legalAdvice;
  if (has(text, c.always) || has(text, c.privateLaw)) return true;
  // "2024年有没有被起诉" asks a report figure; "起诉期限" the disclosure remedy: neither is legal advice.
  if (!has(text, c.acts) || has(text, c.giRemedyContext) || /(?<!\d)20\d{2}|[今去前]年|被起诉|被诉|被告/.test(text)) return false;
  // "信息公开申请能委托律师办吗": a lawyer as the applicant's agent is a question about applying.
  // "律师事务所可以申请吗": a law firm as an applicant.
  return !(/委托|代理|代为|代办|律师事务所|律所/.test(text) && /申请/.test(text));
}

function isComplaint(text: string): boolean {
  const c = scopeConfig().complaint;
  const act = has(text, c.acts);
  // A question about how disclosure itself is handled ("一直没人理我…一般要多久才能答复") is answered (Arts. 33,
  // 47, 51), unless the citizen says they complain.
  const grievance = has(text, c.grievances) || has(text, c.demands) || patterns().grievance.test(text);
  if (!act && has(text, c.aboutDisclosureWork)) return false;
  // "对信息公开工作不满意向谁投诉": the FAQ says who supervises disclosure (Art. 47).
  if (!grievance && /信息公开工作|公开工作/.test(text)) return false;
  if (act || grievance) return true;
  // "申请公开：为什么我家门口的路修了三年": a question why, about the citizen's own situation.
  return has(text, c.why) && has(text, c.situation);
}

function otherAgency(text: string): ScopeVerdict | null {
  const c = scopeConfig();
  // "有没有…招聘公告": a document of that domain is government information this service may hold.
  if (has(text, c.documentWords)) return null;
  // "申请需要带户口本吗": another agency's certificate brought as proof of identity, not its business.
  if (/(?:带|提供|出示)(?:上|个|着|一下)?[^，。？?\s]{0,3}(?:户口本|证|卡|执照|复印件)/.test(text) && !/办|补|迁|换|申领|怎么弄/.test(text)) return null;
  for (const o of c.outOfScope) if (has(text, o.words)) return { kind: "out_of_scope", topic: o.topic, where: o.where };
  const t = c.serviceTransaction;
  if (has(text, t.verbs) && !has(text, t.disclosureWords)) return { kind: "out_of_scope", topic: t.topic, where: t.where };
  return null;
}

/** One message is checked several times (the engine, the answer, each clause): the verdicts of the last few. */
const recent = new Map<string, ScopeVerdict | null>();

/** `text` is the normalised (simplified, lower-cased) message. */
export function checkScope(text: string): ScopeVerdict | null {
  if (recent.has(text)) return recent.get(text)!;
  const v = verdictOf(text);
  if (recent.size >= 64) recent.delete(recent.keys().next().value!);
  recent.set(text, v);
  return v;
}

function verdictOf(text: string): ScopeVerdict | null {
  const c = scopeConfig();
  // Latin letters only, several words or a long run: pinyin typed without choosing characters (shenqing gongkai).
  if (/^[a-z\s']{6,}$/.test(text) && !/^(hi|hello|help|hey|thank|thanks|thx|ok|okay|bye)\b/.test(text)) return { kind: "pinyin" };
  // Someone else's data first: "我前男友在哪个单位上班" names 哪个单位 but is not about us.
  if (asksPersonalData(text)) return { kind: "personal_data" };
  if (has(text, c.agencyProfile) || AGENCY_ASK.test(text)) return { kind: "agency_profile" };
  if (asksLegalAdvice(text)) return { kind: "legal_advice" };
  if (isComplaint(text)) return { kind: "complaint" };
  return otherAgency(text);
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

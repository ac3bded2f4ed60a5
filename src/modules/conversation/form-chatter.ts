// Telling chatter from answers while the filing form is open. A free-text prompt (name, contact person,
// address, description) accepts almost any text, so "在吗？刚才填到哪了" used to be saved as the contact
// person. These rules recognise a greeting, a "where were we", a complaint, a question, "同上", a status
// query and a cancel, so the engine can answer and ask the same field again instead of saving it; and they
// recognise natural confirmations ("好的 提交吧") and cancels ("算了 不弄了") that exact-word lists missed.
// Pure string rules: no I/O.
import { parseCredentials } from "./intents";
import type { FieldKey } from "./form";

export type Chatter =
  | { kind: "greeting" }
  | { kind: "where" }
  | { kind: "complaint" }
  | { kind: "question" }
  | { kind: "same_as" }
  | { kind: "status_query"; applicationNo: string; queryCode: string };

/** Folded for matching: NFKC, no whitespace or punctuation, lower case. */
export function fold(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\s\p{P}\p{S}]+/gu, "")
    .toLowerCase();
}

/** Fields that accept free text: a question typed there would be saved unless recognised first. */
export const FREE_TEXT_FIELDS: ReadonlySet<FieldKey> = new Set<FieldKey>(["name", "contactName", "address", "description", "documentNo"]);

const CANCEL_PARTS = [
  "取消申请",
  "取消",
  "退出",
  "不申请了",
  "我不申请了",
  "不填了",
  "不想填了",
  "不想申请了",
  "不想弄了",
  "不弄了",
  "不搞了",
  "不办了",
  "不要了",
  "算了吧",
  "算了",
  "放弃申请",
  "放弃",
  "不干了",
];
// Filler that may surround a cancel ("那算了吧", "唉 不弄了") but is no cancel alone.
const FILLERS = ["那", "哎", "唉", "还是", "我", "吧", "啊", "呀", "哦", "了", "嗯"];

/**
 * A message made only of cancel phrases (and filler): "算了", "算了 不弄了", "不要了", "那算了吧". "不用了" is
 * left out on purpose: at the optional 文号 prompt it means "no number", and a cancel would clear the form.
 */
export function isCancel(text: string): boolean {
  let rest = fold(text);
  let found = false;
  outer: while (rest) {
    for (const p of CANCEL_PARTS) {
      if (rest.startsWith(p)) {
        rest = rest.slice(p.length);
        found = true;
        continue outer;
      }
    }
    for (const f of FILLERS) {
      if (rest.startsWith(f)) {
        rest = rest.slice(f.length);
        continue outer;
      }
    }
    return false;
  }
  return found;
}

/**
 * A confirmation of the summary: "确认", "好的 提交吧", "对的没问题", "确认无误，提交". Refused: anything with a
 * negation, a hesitation or a change ("先别提交", "不对", "我再看看", "改一下电话"), questions ("确认了吗？"), and
 * long messages — filing is not undone, so only a short, plain yes files.
 */
export function isConfirmation(text: string): boolean {
  if (/[?？]/.test(text)) return false;
  const t = fold(text).replace(/没问题|没错|无误|不错/g, "ok");
  if (!t || [...t].length > 12) return false;
  if (/[吗呢]$/.test(t)) return false;
  if (/不|别|没|等|先|改|错|再|取消|算了|慢|稍|考虑|想想|看看/.test(t)) return false;
  return /确认|确定|提交|递交|ok|对|是|好|行|可以|嗯|正确|同意|发送|发吧/.test(t);
}

const GREETING = /^(在吗|在不在|在么|有人吗|有人在吗|你好|您好|喂|哈喽|hello|hi|嗨)/i;
const WHERE = /填到哪|到哪了|到哪一步|哪一步了|进行到哪|下一步填什么|现在填什么|要填什么|刚才.*(哪|什么)/;
const COMPLAINT = /投诉|举报|太麻烦|麻烦死|好麻烦|真麻烦|烦死|太慢|这么慢|什么破|垃圾|差劲|不满意|气死/;
const QUESTION =
  /[?？]|[吗嘛呢][。!！~]*$|^(请问|问一下|想问)|多久|多长时间|几天|怎么|为什么|为啥|什么时候|能不能|可不可以|是不是|要不要|收费|收钱|多少|哪里|在哪/;
const SAME_AS =
  /^(同上|同前|同左|同下|一样|同样|相同|同上面|和上面一样|跟上面一样|与上面相同|和上面相同|跟上面相同|和前面一样|跟前面一样|见上|见上面|上面那个|上面的|同申请人|同联系人|同上一项|同前一项|如上)$/;
// Words that make a description out of a question-like sentence ("请问2019年预算文件在哪里能看到" asks for a document).
const INFO_WORDS = /文件|信息|通知|记录|数据|报告|预算|决算|名单|批复|规划|合同|材料|档案|公告|方案|标准|明细|会议|纪要|政策|办法|规定|目录|年度|\d{4}/;
const STATUS_WORDS = /申请号|申请编号|编号|查询码|进度|查询/;

/**
 * What a message at the current prompt is when it is not an answer, or null for an answer. `accepted` says
 * whether the field's validator would take the text; a text the validator refuses at a closed field (a
 * choice, an ID number, a phone) is chatter only when it reads like a question, greeting or complaint.
 */
export function chatterAt(step: FieldKey | "summary", text: string, accepted: boolean): Chatter | null {
  const t = text.trim();
  const folded = fold(t);
  if (!folded) return null;
  const creds = parseCredentials(t);
  if (creds.applicationNo && creds.queryCode && STATUS_WORDS.test(t))
    return { kind: "status_query", applicationNo: creds.applicationNo, queryCode: creds.queryCode };
  if (SAME_AS.test(folded)) return { kind: "same_as" };
  const free = step !== "summary" && FREE_TEXT_FIELDS.has(step);
  if (accepted && !free) return null;
  // A description is long and may read like a question or mention a complaint: only short messages
  // without anything that names information are taken as chatter there.
  const describes = step === "description" && ([...folded].length > 20 || INFO_WORDS.test(t));
  if (WHERE.test(t)) return { kind: "where" };
  if (GREETING.test(folded) && [...folded].length <= 12) return { kind: "greeting" };
  if (COMPLAINT.test(t) && !describes) return { kind: "complaint" };
  if (QUESTION.test(t) && !describes) return { kind: "question" };
  return null;
}

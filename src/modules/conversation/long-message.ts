// Long messages (a pasted letter, a 2,000-character complaint): the bot answers from the first part and says
// so, on every channel alike. Understanding a whole letter would only add noise to the intents, and the
// reply says what to do with the rest (the form's description takes up to 2,000 characters, or 人工).

/** Characters of a message outside the form that the bot reads. */
export const UNDERSTOOD_CHARS = 200;

/** The first part of a long message, or null when the message is short enough to read whole. */
export function firstPart(text: string): { text: string; total: number } | null {
  const chars = [...text];
  if (chars.length <= UNDERSTOOD_CHARS) return null;
  return { text: chars.slice(0, UNDERSTOOD_CHARS).join(""), total: chars.length };
}

export function longMessageNote(total: number): string {
  return `您的消息较长（${total}字），我先按前${UNDERSTOOD_CHARS}字理解并回答。需要申请获取信息可回复“我要申请”（所需信息描述最多2000字）；需要详细反映情况请回复“人工”联系工作人员。`;
}

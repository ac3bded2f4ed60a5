// A missed message as staff may see it: ID numbers, phones (also with spaces or dashes), e-mail addresses
// and long digit runs (query codes, card or account numbers) masked before it is stored.
import { redactString } from "../../../infra/redact";
import { maskPersonalData } from "../engine";

export function maskMissText(text: string): string {
  return redactString(maskPersonalData(text.normalize("NFKC")))
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, "[邮箱]")
    .replace(/(?<![\d*])\d{6,}(?![\d*])/g, "[数字]");
}

// Whom a per-client limit counts (wrong query codes, filings, consultations): a verified citizen by their
// WeChat identity, an anonymous chat by its network address (a name or token it picks costs it nothing to
// change), and only without either the conversation itself (the official account's openid is verified).
import type { Speaker } from "./runner";

export function clientKeyOf(speaker: Speaker): string {
  if (speaker.citizenKey) return speaker.citizenKey;
  if (speaker.clientAddress) return `ip:${speaker.clientAddress}`;
  return `${speaker.channel}:${speaker.userId}`;
}

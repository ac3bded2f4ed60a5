// The proof a conversation carries between a status reply and "转交申请": an HMAC of the application number and
// the conversation, keyed with the server secret. The session keeps no query code (issue 13 item 6), and a
// grant copied to another conversation, or forged, opens nothing.
import { createHmac, timingSafeEqual } from "node:crypto";

export function refileGrant(secret: Buffer, applicationNo: string, conversation: string): string {
  return createHmac("sha256", secret).update(`refile\u0000${applicationNo}\u0000${conversation}`).digest("base64url").slice(0, 32);
}

export function isRefileGrant(secret: Buffer, applicationNo: string, conversation: string, grant: string): boolean {
  const want = Buffer.from(refileGrant(secret, applicationNo, conversation));
  const got = Buffer.from(String(grant));
  return want.length === got.length && timingSafeEqual(want, got);
}

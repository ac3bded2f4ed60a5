// The online application form's one-time key: issued by the server in a hidden field, signed with the server
// secret, and passed to the applications service as the idempotency key, so a double click or a re-sent POST
// files one application and answers with the same number and query code. Only keys this server issued are
// accepted (a client cannot pick keys), and they name nothing about the applicant. The signature covers the
// agency the form was issued for, so a replayed form posted to another agency's address is refused.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AppContext } from "../../context";
import { serverSecret } from "../../infra/server-secret";

const FORMAT = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/;

const sign = (app: AppContext, nonce: string, agencyCode: string) =>
  createHmac("sha256", serverSecret(app.config)).update(`portal-apply:${agencyCode}:${nonce}`).digest("base64url").slice(0, 22);

/** A fresh key for a form that files to this agency. */
export function issueFormKey(app: AppContext, agencyCode: string): string {
  const nonce = randomBytes(16).toString("base64url");
  return `${nonce}.${sign(app, nonce, agencyCode)}`;
}

/** The key when this server issued it for this agency, else null. */
export function checkFormKey(app: AppContext, value: unknown, agencyCode: string): string | null {
  if (typeof value !== "string" || !FORMAT.test(value)) return null;
  const [nonce, mac] = value.split(".");
  const expected = Buffer.from(sign(app, nonce, agencyCode));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
}

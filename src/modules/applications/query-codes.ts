// Query codes: how they are made and how they are stored. 12 random digits (10^12 possibilities per
// application number, so guessing stays hopeless under the per-client limit); stored only as an HMAC-SHA256
// keyed with the server secret, so a copy of the database alone cannot be searched for the codes.
import { createHash, createHmac, randomBytes, randomInt } from "node:crypto";

export const QUERY_CODE_DIGITS = 12;
/** Prefix of the keyed format; the legacy unsalted format is 64 hex characters, so the two never collide. */
const KEYED = "k1.";

/** Query codes out of texts that are kept (chat transcripts, handed to staff): a code is shown to its filer only. */
export function maskQueryCodes(text: string): string {
  return text.replace(/(查询码[：:\s]*)[A-Za-z0-9]{4,16}/g, "$1********").replace(/(?<!\d)\d{12}(?!\d)/g, "************");
}

export function newQueryCode(): string {
  // Two draws: randomInt allows ranges below 2^48 only.
  return String(randomInt(0, 1_000_000)).padStart(6, "0") + String(randomInt(0, 1_000_000)).padStart(6, "0");
}

/** The old, unsalted hash (kept only as the input of the keyed one, so old rows can be converted in place). */
export function legacyQueryCodeHash(code: string): string {
  return createHash("sha256").update(`ogi-query-code:${code}`).digest("hex");
}

/** The stored form: HMAC(secret, legacy hash). Old rows become HMAC(secret, stored value) without the code. */
export function keyedQueryCodeHash(secret: Buffer, code: string): string {
  return keyLegacyHash(secret, legacyQueryCodeHash(code));
}

export function keyLegacyHash(secret: Buffer, legacy: string): string {
  return KEYED + createHmac("sha256", secret).update(legacy).digest("base64url");
}

export function isKeyedHash(stored: string): boolean {
  return stored.startsWith(KEYED);
}

/** For rows that have no query code (historical imports): keyed format, so no start-up conversion touches it. */
export function unusableQueryCodeHash(): string {
  return KEYED + randomBytes(32).toString("base64url");
}

/** Compared against when an application number does not exist: same length as a keyed hash, no code gives it. */
export const NO_APPLICATION_HASH = KEYED + "!".repeat(43);

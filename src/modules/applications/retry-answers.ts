// What a retried filing gets back, and how its key is stored. Keys are namespaced by channel and client
// (REST: the applicant's identity; chat: the conversation; staff: the account), so one caller's key can
// neither replay nor block another's filing; the stored key is a digest of namespace + key. The stored first
// answer carries the query code sealed (AES-256-GCM under a key derived from the server secret), never in
// plain text, and only for IDEMPOTENCY_RETRY_HOURS: then the sealed code is purged and a late retry is told
// the number but not the code (a query code is shown to its filer, once, plus retries within the window).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";

export interface StoredAnswer {
  applicationNo: string;
  status: string;
  receivedAt: string | null;
  dueDate: string | null;
  /** Whether dueDate is an estimate (a year whose holidays are not published yet), and the sentence saying so. */
  dueDateProvisional?: boolean;
  dueDateNote?: string | null;
  /** base64url(iv | tag | ciphertext) of the query code; null once purged. */
  sealedCode: string | null;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The stored key: a digest, so any key length fits and namespaces never run into each other. */
export function namespacedKey(namespace: string, key: string): string {
  return sha256(`${namespace}\u0000${key}`);
}

function sealKey(secret: Buffer): Buffer {
  return createHmac("sha256", secret).update("ogi:idempotency-answer-seal:v1").digest();
}

export function sealCode(secret: Buffer, code: string, aad: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", sealKey(secret), iv);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(code, "utf8"), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString("base64url");
}

/** The query code, or null when the seal does not open (another secret, tampering). */
export function openCode(secret: Buffer, sealed: string, aad: string): string | null {
  try {
    const raw = Buffer.from(sealed, "base64url");
    const d = createDecipheriv("aes-256-gcm", sealKey(secret), raw.subarray(0, 12));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString("utf8");
  } catch {
    return null;
  }
}

// WeChat's side of the official-account protocol, written from WeChat's published algorithm and independently
// of src/channels/wechat-crypto.ts, for tests and benchmarks: the sha1 signature of the sorted parts, and the
// safe-mode envelope (random 16 bytes + length + message + AppID, PKCS#7 to 32, AES-256-CBC, IV = key[0..16]).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** sha1 of the sorted, concatenated parts: `signature` (token, timestamp, nonce) and `msg_signature` (+ Encrypt). */
export const wechatSignature = (parts: string[]) =>
  createHash("sha1")
    .update([...parts].sort().join(""))
    .digest("hex");

const keyOf = (encodingAesKey: string) => Buffer.from(`${encodingAesKey}=`, "base64");

export function sealForWechat(encodingAesKey: string, appId: string, xml: string): string {
  const key = keyOf(encodingAesKey);
  const body = Buffer.from(xml);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), len, body, Buffer.from(appId)]);
  const n = 32 - (plain.length % 32);
  const c = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(n, n)])), c.final()]).toString("base64");
}

export function unsealFromWechat(encodingAesKey: string, b64: string): { xml: string; appId: string } {
  const key = keyOf(encodingAesKey);
  const d = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  const p = Buffer.concat([d.update(Buffer.from(b64, "base64")), d.final()]);
  const plain = p.subarray(0, p.length - p[p.length - 1]);
  const len = plain.readUInt32BE(16);
  return { xml: plain.subarray(20, 20 + len).toString(), appId: plain.subarray(20 + len).toString() };
}

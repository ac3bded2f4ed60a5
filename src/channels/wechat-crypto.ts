// WeChat official-account message security: the URL/plain-mode signature, and safe mode's AES-256-CBC
// envelope (random 16 bytes + 4-byte length + message + appid, PKCS#7 padded to 32 bytes, key =
// base64(EncodingAESKey + "="), IV = first 16 bytes of the key), as in WeChat's published algorithm.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function sha1Signature(parts: string[]): string {
  return createHash("sha1")
    .update([...parts].sort().join(""))
    .digest("hex");
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** signature = sha1(sort(token, timestamp, nonce)) — URL verification and plain-mode messages. */
export function checkSignature(token: string, timestamp: string, nonce: string, signature: string): boolean {
  return safeEqual(sha1Signature([token, timestamp, nonce]), String(signature).toLowerCase());
}

/** msg_signature = sha1(sort(token, timestamp, nonce, Encrypt)) — safe-mode messages and replies. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return sha1Signature([token, timestamp, nonce, encrypted]);
}

const BLOCK = 32;

function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  if (key.length !== 32) throw new Error("EncodingAESKey must decode to 32 bytes");
  return key;
}

export class WechatCryptoError extends Error {}

export function encryptMessage(encodingAesKey: string, appId: string, xml: string, random: Buffer = randomBytes(16)): string {
  const key = aesKey(encodingAesKey);
  const msg = Buffer.from(xml, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const plain = Buffer.concat([random, len, msg, Buffer.from(appId, "utf8")]);
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString("base64");
}

/** Returns the inner XML and the appid it was sealed for; throws WechatCryptoError on any defect. */
export function decryptMessage(encodingAesKey: string, encrypted: string): { xml: string; appId: string } {
  const key = aesKey(encodingAesKey);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(encrypted, "base64")), decipher.final()]);
  } catch {
    throw new WechatCryptoError("cannot decrypt");
  }
  const pad = plain[plain.length - 1];
  if (!pad || pad > BLOCK || plain.length < 20 + pad) throw new WechatCryptoError("bad padding");
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WechatCryptoError("bad padding");
  const content = plain.subarray(16, plain.length - pad);
  const len = content.readUInt32BE(0);
  if (len > content.length - 4) throw new WechatCryptoError("bad length");
  return { xml: content.subarray(4, 4 + len).toString("utf8"), appId: content.subarray(4 + len).toString("utf8") };
}

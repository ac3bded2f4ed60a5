// XML of the official-account webhook, read with fast-xml-parser (a maintained parser) with entity
// processing off; documents with a DOCTYPE (the vehicle of entity-expansion attacks) are refused outright.
import { XMLParser, XMLValidator } from "fast-xml-parser";

export class XmlRejected extends Error {}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  cdataPropName: false,
});

const MAX_XML_BYTES = 64 * 1024;

/** The flat <xml>…</xml> document WeChat sends, as string fields. */
export function parseWechatXml(body: string): Record<string, string> {
  if (typeof body !== "string" || !body.trim()) throw new XmlRejected("empty body");
  if (Buffer.byteLength(body) > MAX_XML_BYTES) throw new XmlRejected("too large");
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new XmlRejected("DOCTYPE and entity declarations are not accepted");
  if (XMLValidator.validate(body) !== true) throw new XmlRejected("malformed XML");
  const doc = parser.parse(body) as Record<string, unknown>;
  const root = doc.xml;
  if (!root || typeof root !== "object") throw new XmlRejected("missing <xml> root");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === "string" || typeof v === "number") out[k] = String(v);
  }
  return out;
}

function cdata(s: string): string {
  return `<![CDATA[${s.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}

export function textReplyXml(to: string, from: string, createTime: number, content: string): string {
  return `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(from)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata("text")}</MsgType><Content>${cdata(content)}</Content></xml>`;
}

export function encryptedReplyXml(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`;
}

// XML of the official-account webhook, read with fast-xml-parser (a maintained parser) with entity
// processing off; documents with a DOCTYPE (the vehicle of entity-expansion attacks) are refused outright.
import { XMLParser, XMLValidator } from "fast-xml-parser";

export class XmlRejected extends Error {}
/** The body is beyond the XML cap: answered 413 rather than 400. */
export class XmlTooLarge extends XmlRejected {}

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

export const MAX_XML_BYTES = 64 * 1024;

/**
 * True when the document has a markup declaration (<!DOCTYPE, <!ENTITY, <!ELEMENT…, any case or spacing).
 * Scans left to right like a tokenizer, so "<!DOCTYPE" written inside a CDATA section or a comment (a
 * citizen may type anything) is text, while a declaration hidden after a comment that opens a fake
 * CDATA section is still found. An unterminated CDATA section or comment counts as a declaration.
 */
export function hasMarkupDeclaration(body: string): boolean {
  const tokens = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<!/g;
  for (let m = tokens.exec(body); m; m = tokens.exec(body)) if (m[0] === "<!") return true;
  return false;
}

/** The flat <xml>…</xml> document WeChat sends, as string fields. */
export function parseWechatXml(body: string): Record<string, string> {
  if (typeof body !== "string" || !body.trim()) throw new XmlRejected("empty body");
  if (Buffer.byteLength(body) > MAX_XML_BYTES) throw new XmlTooLarge("too large");
  if (hasMarkupDeclaration(body)) throw new XmlRejected("DOCTYPE and entity declarations are not accepted");
  if (XMLValidator.validate(body) !== true) throw new XmlRejected("malformed XML");
  let doc: Record<string, unknown>;
  try {
    // The parser itself refuses some well-formed documents (tags named __proto__ or prototype, nesting
    // beyond its depth limit) by throwing a plain Error: still the sender's fault, not ours.
    doc = parser.parse(body) as Record<string, unknown>;
  } catch (e) {
    throw new XmlRejected(`unreadable XML: ${e instanceof Error ? e.message.slice(0, 80) : "parser error"}`);
  }
  const root = doc.xml;
  if (!root || typeof root !== "object") throw new XmlRejected("missing <xml> root");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (typeof v === "string" || typeof v === "number") out[k] = String(v);
  }
  // The 订阅通知 events nest one <List> per template: flattened to one JSON field, SubscribeList.
  const nested = (root as Record<string, unknown>).SubscribeMsgPopupEvent ?? (root as Record<string, unknown>).SubscribeMsgChangeEvent;
  if (nested && typeof nested === "object") {
    const raw = (nested as { List?: unknown }).List;
    const items = (Array.isArray(raw) ? raw : raw ? [raw] : []).slice(0, 20) as Array<Record<string, unknown>>;
    out.SubscribeList = JSON.stringify(items.filter((i) => i && typeof i === "object").map((i) => ({ templateId: String(i.TemplateId ?? ""), status: String(i.SubscribeStatusString ?? "") })));
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

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

const OPEN_TAG = /<([A-Za-z][A-Za-z0-9_]{0,63})>/y;
const NOT_A_FIELD = new Set(["__proto__", "constructor", "prototype"]);
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The usual message in one pass (issue 18: validating, then parsing with fast-xml-parser, was a tenth of a FAQ
 * message's CPU): `<xml>` holding only distinct elements of letters and digits, each with one CDATA section or
 * plain text without markup or entities, then `</xml>`. Such a document is well-formed and has no declaration,
 * and the fields are what the parser returns for it (test/unit/conversation/wechat-xml-flat.test.ts compares them),
 * except the parser's "#text" for the line breaks between elements, which nothing reads.
 * Anything else — a declaration, a comment, nesting, an attribute, a repeated element, an entity, text beside a
 * CDATA section — returns null and takes the full path below, with its checks and its refusals.
 */
export function parseFlatWechatXml(body: string): Record<string, string> | null {
  let pos = 0;
  while (pos < body.length && isSpace(body.charCodeAt(pos))) pos++;
  if (!body.startsWith("<xml>", pos)) return null;
  pos += 5;
  const out: Record<string, string> = {};
  for (;;) {
    while (pos < body.length && isSpace(body.charCodeAt(pos))) pos++;
    if (body.startsWith("</xml>", pos)) {
      for (pos += 6; pos < body.length; pos++) if (!isSpace(body.charCodeAt(pos))) return null;
      return Object.keys(out).length ? out : null;
    }
    OPEN_TAG.lastIndex = pos;
    const open = OPEN_TAG.exec(body);
    if (!open) return null;
    const name = open[1];
    if (NOT_A_FIELD.has(name) || Object.hasOwn(out, name)) return null;
    pos = OPEN_TAG.lastIndex;
    let value: string;
    if (body.startsWith("<![CDATA[", pos)) {
      const end = body.indexOf("]]>", pos + 9);
      if (end < 0) return null;
      value = body.slice(pos + 9, end);
      pos = end + 3;
    } else {
      const end = body.indexOf("<", pos);
      if (end < 0) return null;
      value = body.slice(pos, end);
      if (value.includes("&") || value.includes("]]>")) return null;
      pos = end;
    }
    // The parser turns line ends \r\n and \r into \n (as XML says): such a value takes the full path.
    if (value.includes("\r")) return null;
    const close = `</${name}>`;
    if (!body.startsWith(close, pos)) return null;
    pos += close.length;
    out[name] = value;
  }
}

/** The flat <xml>…</xml> document WeChat sends, as string fields. */
export function parseWechatXml(body: string): Record<string, string> {
  if (typeof body !== "string" || !body.trim()) throw new XmlRejected("empty body");
  if (Buffer.byteLength(body) > MAX_XML_BYTES) throw new XmlTooLarge("too large");
  return parseFlatWechatXml(body) ?? parseWechatXmlWithParser(body);
}

/** The full path: declarations refused, the document validated, then read by fast-xml-parser. */
export function parseWechatXmlWithParser(body: string): Record<string, string> {
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
    out.SubscribeList = JSON.stringify(
      items.filter((i) => i && typeof i === "object").map((i) => ({ templateId: String(i.TemplateId ?? ""), status: String(i.SubscribeStatusString ?? "") })),
    );
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

// Official-account webhook messages for the retry storm: plain-mode text messages signed the way WeChat
// signs them (sha1 of the sorted token, timestamp and nonce), written independently of src/channels.
import { XMLParser } from "fast-xml-parser";
import { wechatSignature } from "../../helpers/wechat-official";

export const STORM_TOKEN = "stormtoken";
export const STORM_APPID = "wxstorm000000001";
export const STORM_ACCOUNT = "gh_storm0000001";

const sha1 = wechatSignature;

export function textXml(openId: string, content: string, msgId: string, createTime: string): string {
  return `<xml><ToUserName><![CDATA[${STORM_ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

/** The query string WeChat appends to every push (a fresh timestamp and nonce per push). */
export function signedQuery(timestamp: string, nonce: string): string {
  return new URLSearchParams({ timestamp, nonce, signature: sha1([STORM_TOKEN, timestamp, nonce]) }).toString();
}

const parser = new XMLParser({ processEntities: false, parseTagValue: false });

/** The Content of a passive text reply, or null for WeChat's "success" (no passive reply). */
export function replyContent(body: string): string | null {
  if (body === "success") return null;
  const xml = parser.parse(body).xml as Record<string, string> | undefined;
  if (!xml || xml.MsgType !== "text") throw new Error(`not a passive text reply: ${body.slice(0, 200)}`);
  return xml.Content;
}

/** A menu click (no MsgId: WeChat's retries of an event are recognised by sender, CreateTime and event). */
export function clickXml(openId: string, key: string, createTime: string): string {
  return `<xml><ToUserName><![CDATA[${STORM_ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${key}]]></EventKey></xml>`;
}

// WeChat official-account messages for the hostile tests: signing and safe-mode sealing written here from
// WeChat's published algorithm (independently of src/channels/wechat-crypto.ts), message XML, and a small
// fetch-based client for an in-process server listening on a free port.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { XMLParser } from "fast-xml-parser";
import { answerClientErrors } from "../../../src/http/client-errors";
import type { TestEnv } from "../../helpers/test-context";
import { sealForWechat, unsealFromWechat, wechatSignature } from "../../helpers/wechat-official";

export const WX = {
  TOKEN: "hostiletoken",
  APPID: "wx00hostile00test",
  AES_KEY: "HostileWebhookTestsKey0123456789abcdefghijk",
  ACCOUNT: "gh_hostile0001",
};
export const WECHAT_ENV = {
  WECHAT_TOKEN: WX.TOKEN,
  WECHAT_APPID: WX.APPID,
  WECHAT_APPSECRET: "secret",
  WECHAT_ENCODING_AES_KEY: WX.AES_KEY,
};

export const sha1 = wechatSignature;

export const seal = (xml: string, appId = WX.APPID): string => sealForWechat(WX.AES_KEY, appId, xml);
export const unseal = (b64: string): { xml: string; appId: string } => unsealFromWechat(WX.AES_KEY, b64);

const parser = new XMLParser({ processEntities: false, parseTagValue: false });
export const readXml = (s: string) => (parser.parse(s) as { xml: Record<string, string> }).xml;

let seq = 0;
/** A nonce never used before in this process: the webhook spends each (timestamp, nonce, signature). */
export const freshNonce = () => `n${process.pid.toString(36)}x${(seq++).toString(36)}`;

export function textXml(openId: string, content: string, msgId: string, createTime: string): string {
  return `<xml><ToUserName><![CDATA[${WX.ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

export const outerXml = (encrypted: string) => `<xml><ToUserName><![CDATA[${WX.ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;

export function plainQuery(ts: string, nonce = freshNonce(), token = WX.TOKEN): Record<string, string> {
  return { timestamp: ts, nonce, signature: sha1([token, ts, nonce]) };
}

export function safeQuery(ts: string, encrypted: string, nonce = freshNonce(), token = WX.TOKEN): Record<string, string> {
  return { ...plainQuery(ts, nonce, token), encrypt_type: "aes", msg_signature: sha1([token, ts, nonce, encrypted]) };
}

export interface Answer {
  status: number;
  text: string;
  /** The parsed JSON body, when it is JSON. */
  json: unknown;
}

/** The in-process app on a real socket, wired like src/main.ts (one listening server, keep-alive fetches: far cheaper than supertest per call). */
export async function listen(env: TestEnv): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(env.server);
  answerClientErrors(server); // as src/main.ts does
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { query?: Record<string, string>; body?: string | Buffer; type?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : "";
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.type) headers["content-type"] = opts.type;
  const body = typeof opts.body === "string" || opts.body === undefined ? opts.body : new Uint8Array(opts.body);
  const res = await fetch(`${base}${path}${qs}`, { method, headers, body });
  const text = await res.text();
  let json: unknown = undefined;
  if ((res.headers.get("content-type") ?? "").includes("json")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, text, json };
}

export const postWechat = (base: string, query: Record<string, string>, body: string | Buffer, type = "text/xml") =>
  call(base, "POST", "/wechat", { query, body, type });

/** The code of an error answer ({error:{code}}), or undefined. */
export function errorCode(a: Answer): string | undefined {
  const e = (a.json as { error?: { code?: unknown } } | undefined)?.error;
  return typeof e?.code === "string" ? e.code : undefined;
}

// HTTP clients of the outage and two-instance tests: timed calls that never throw (a refused connection is
// status 0), signed official-account text messages (plain mode), and the chat filing dialogue.
import { randomBytes } from "node:crypto";
import { sleep, waitUntil } from "../../helpers/wait";
import { wechatSignature } from "../../helpers/wechat-official";
import { personBody, RESIDENT_ID } from "../../integration/applications/fixtures";

export interface Answer {
  status: number;
  ms: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  text: string;
  /** When the request was sent (epoch ms). */
  at: number;
  /** The Retry-After header, if any. */
  retryAfter?: string | null;
}

export async function call(
  method: "GET" | "POST",
  url: string,
  opts: { json?: unknown; xml?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const at = Date.now();
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.xml !== undefined) {
    headers["content-type"] = "text/xml";
    body = opts.xml;
  }
  try {
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
    }
    return { status: res.status, ms: Date.now() - at, body: parsed, text, at, retryAfter: res.headers.get("retry-after") };
  } catch (e) {
    return { status: 0, ms: Date.now() - at, body: null, text: String(e), at };
  }
}

export const BUSY = "系统繁忙，请稍后再试。";

/** The 503 answer of a dependency outage: the busy body, and Retry-After for the client. */
export function isBusy503(a: Answer): boolean {
  const err = (a.body as { error?: { code?: string; message?: string } } | null)?.error;
  return a.status === 503 && err?.code === "SERVICE.UNAVAILABLE" && err?.message === BUSY && a.retryAfter === "5";
}

export const WECHAT_TOKEN = "outagetoken";
export const ACCOUNT = "gh_0123456789ab";
let msgSeq = BigInt(Date.now()) * 1000n;

/** POST /wechat with a signed plain-mode text message (fresh MsgId and nonce, current timestamp). */
export function postWechatText(baseUrl: string, openId: string, content: string): Promise<Answer> {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString("hex");
  const signature = wechatSignature([WECHAT_TOKEN, ts, nonce]);
  const msgId = String(msgSeq++);
  const xml = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  return call("POST", `${baseUrl}/wechat?timestamp=${ts}&nonce=${nonce}&signature=${signature}`, { xml });
}

/** The text of a passive reply (<Content> of the reply XML), or null when the answer is not one. */
export function passiveText(a: Answer): string | null {
  if (a.status !== 200) return null;
  const m = /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(a.text);
  return m ? m[1] : null;
}

/** Server-issued chat sessions by the label a test gives its citizen (the label itself is only a label). */
const chatSessions = new Map<string, string>();

/** One anonymous chat message; the citizen's conversation continues through the session the server issued. */
export async function chat(baseUrl: string, userId: string, text: string): Promise<Answer> {
  const session = chatSessions.get(userId);
  const a = await call("POST", `${baseUrl}/api/chat`, { json: { userId, text, ...(session ? { session } : {}) } });
  const issued = (a.body as { session?: string } | null)?.session;
  if (issued) chatSessions.set(userId, issued);
  return a;
}

export function repliesOf(a: Answer): string {
  return ((a.body as { replies?: string[] } | null)?.replies ?? []).join("\n");
}

export { RESIDENT_ID };

/** The chat filing dialogue up to (not including) the final 确认. */
export function filingDialogue(description: string): string[] {
  return ["我要申请", "1", "张三", "1", RESIDENT_ID, "13800138000", description, "跳过", "2", "1"];
}

/** A valid POST /api/applications body (natural person) with this description. */
export const intakeBody = (description: string) => personBody({ description });

export { sleep, waitUntil };

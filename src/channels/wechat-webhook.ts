// The official-account webhook: GET /wechat (URL verification) and POST /wechat (messages, plain or
// safe mode). Order of work: signature and timestamp → XML → decrypt → dedupe (stored before any work,
// because WeChat retries a slow reply three times) → engine within the reply budget → passive reply, or
// "success" now and a customer-service message when the engine finishes later.
import { randomBytes } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../context";
import { getService } from "../context";
import { DomainError } from "../domain/errors";
import type { ConversationService } from "../modules/conversation/conversation-service";
import type { Speaker } from "../modules/conversation/runner";
import { checkSignature, decryptMessage, encryptMessage, msgSignature, safeEqual, WechatCryptoError } from "./wechat-crypto";
import { encryptedReplyXml, parseWechatXml, textReplyXml, XmlRejected } from "./wechat-xml";

/** Menu click keys (config/wechat-menu.json) and the message each one stands for. */
export const MENU_KEYS: Record<string, string> = {
  GUIDE: "怎么申请政府信息公开",
  CATALOGUE: "公开目录",
  APPLY: "我要申请",
  STATUS: "查询申请",
};

const DEDUPE_SECONDS = 3600;
/** WeChat's limit for a passive text reply is 2048 bytes. */
const PASSIVE_MAX_BYTES = 2000;

const unauthenticated = (why: string) => new DomainError("AUTH.UNAUTHENTICATED", why);
const badRequest = (why: string) => new DomainError("WECHAT.INVALID_MESSAGE", why);

function q(ctx: Context, name: string): string {
  const v = ctx.query[name];
  return typeof v === "string" ? v : "";
}

function token(app: AppContext): string {
  const t = app.config.WECHAT_TOKEN;
  if (!t) throw new DomainError("WECHAT.UNAVAILABLE", "公众号接入未配置（WECHAT_TOKEN）");
  return t;
}

function checkTimestamp(app: AppContext, timestamp: string): void {
  const tolerance = app.config.WECHAT_TIMESTAMP_TOLERANCE_SECONDS;
  if (!/^\d{1,12}$/.test(timestamp)) throw unauthenticated("invalid timestamp");
  if (tolerance === 0) return;
  const age = Math.abs(app.clock.now().getTime() / 1000 - Number(timestamp));
  if (age > tolerance) throw unauthenticated("stale timestamp");
}

type Inbound = { kind: "text"; text: string } | { kind: "reply"; text: string } | { kind: "ignore" };

/** What a WeChat message asks the engine (or the fixed reply for what the engine cannot read). */
export function inboundOf(msg: Record<string, string>): Inbound {
  switch (msg.MsgType) {
    case "text":
      return msg.Content?.trim() ? { kind: "text", text: msg.Content } : { kind: "ignore" };
    case "voice":
      return msg.Recognition?.trim()
        ? { kind: "text", text: msg.Recognition }
        : { kind: "reply", text: "抱歉，没能识别这段语音，请发送文字消息，或回复“帮助”查看我能做什么。" };
    case "image":
      return { kind: "reply", text: "已收到您的图片，谢谢。目前我只能阅读文字消息，请用文字描述您的问题；需要提交材料可回复“人工”联系工作人员。" };
    case "event": {
      const ev = (msg.Event ?? "").toLowerCase();
      if (ev === "subscribe") return { kind: "text", text: "帮助" };
      if (ev === "click" && MENU_KEYS[msg.EventKey ?? ""]) return { kind: "text", text: MENU_KEYS[msg.EventKey] };
      return { kind: "ignore" };
    }
    default:
      return msg.MsgType ? { kind: "reply", text: "目前只能处理文字消息，请用文字描述您的问题。" } : { kind: "ignore" };
  }
}

export function dedupeKey(msg: Record<string, string>): string {
  if (msg.MsgId) return `wechat:dedupe:msg:${msg.MsgId}`;
  return `wechat:dedupe:evt:${msg.FromUserName}:${msg.CreateTime}:${msg.Event ?? ""}:${msg.EventKey ?? ""}`;
}

export function wechatWebhookRoutes(app: AppContext): Router {
  const r = new Router();
  const svc = () => getService<ConversationService>(app, "conversation");

  r.get("/wechat", async (ctx) => {
    const t = token(app);
    const [timestamp, nonce] = [q(ctx, "timestamp"), q(ctx, "nonce")];
    if (!checkSignature(t, timestamp, nonce, q(ctx, "signature"))) throw unauthenticated("bad signature");
    checkTimestamp(app, timestamp);
    ctx.type = "text/plain";
    ctx.body = q(ctx, "echostr");
  });

  r.post("/wechat", async (ctx) => {
    const t = token(app);
    const [timestamp, nonce] = [q(ctx, "timestamp"), q(ctx, "nonce")];
    const safeMode = q(ctx, "encrypt_type") === "aes";
    const body = typeof ctx.request.body === "string" ? ctx.request.body : "";
    if (!safeMode && !checkSignature(t, timestamp, nonce, q(ctx, "signature"))) throw unauthenticated("bad signature");
    checkTimestamp(app, timestamp);

    let msg: Record<string, string>;
    try {
      msg = parseWechatXml(body);
      if (safeMode) {
        const key = app.config.WECHAT_ENCODING_AES_KEY;
        if (!key) throw badRequest("safe mode is not configured (WECHAT_ENCODING_AES_KEY)");
        const encrypted = msg.Encrypt ?? "";
        if (!encrypted || !safeEqual(msgSignature(t, timestamp, nonce, encrypted), q(ctx, "msg_signature").toLowerCase())) {
          throw unauthenticated("bad msg_signature");
        }
        const inner = decryptMessage(key, encrypted);
        if (!app.config.WECHAT_APPID || inner.appId !== app.config.WECHAT_APPID) throw unauthenticated("message sealed for another appid");
        msg = parseWechatXml(inner.xml);
      }
    } catch (e) {
      if (e instanceof XmlRejected || e instanceof WechatCryptoError) throw badRequest(`unreadable message: ${e.message}`);
      throw e;
    }
    const openId = msg.FromUserName ?? "";
    const account = msg.ToUserName ?? "";
    if (!openId || !account || !msg.MsgType) throw badRequest("message without FromUserName, ToUserName or MsgType");
    const queryOpenId = q(ctx, "openid");
    if (queryOpenId && queryOpenId !== openId) throw unauthenticated("openid does not match the signed request");

    // Dedupe before any work: the second and third deliveries of a retried message change nothing.
    if (!(await app.kv.setIfAbsent(dedupeKey(msg), "1", DEDUPE_SECONDS))) {
      ctx.type = "text/plain";
      ctx.body = "success";
      return;
    }

    const inbound = inboundOf(msg);
    if (inbound.kind === "ignore") {
      ctx.type = "text/plain";
      ctx.body = "success";
      return;
    }
    const speaker: Speaker = { channel: "oa", userId: openId, citizenKey: `oa:${openId}` };
    const work: Promise<string[]> =
      inbound.kind === "reply"
        ? svc()
            .touch(speaker)
            .then(() => [inbound.text])
        : svc()
            .handle(speaker, inbound.text, msg.MsgId ?? dedupeKey(msg))
            .then((o) => o.replies);
    let timer: NodeJS.Timeout | undefined;
    const late = Symbol("late");
    const first = await Promise.race([
      work.catch(() => ["系统繁忙，请稍后再试。"]),
      new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), app.config.WECHAT_REPLY_BUDGET_MS))),
    ]);
    clearTimeout(timer);

    const sendLater = (replies: Promise<string[]> | string[]) => {
      Promise.resolve(replies)
        .then(async (texts) => {
          for (const text of texts) await svc().wechat.sendText(openId, text);
        })
        .catch((err) => app.logger.warn({ err: String(err) }, "customer-service message failed"));
    };

    if (first === late || Buffer.byteLength(first.join("\n\n")) > PASSIVE_MAX_BYTES) {
      // WeChat waits 5 seconds at most: answer now, deliver the reply as customer-service message(s).
      sendLater(first === late ? work : first);
      ctx.type = "text/plain";
      ctx.body = "success";
      return;
    }
    const now = Math.floor(app.clock.now().getTime() / 1000);
    const xml = textReplyXml(openId, account, now, first.join("\n\n"));
    ctx.type = "application/xml";
    if (!safeMode) {
      ctx.body = xml;
      return;
    }
    const replyNonce = randomBytes(8).toString("hex");
    const ts = String(now);
    const encrypted = encryptMessage(app.config.WECHAT_ENCODING_AES_KEY!, app.config.WECHAT_APPID!, xml);
    ctx.body = encryptedReplyXml(encrypted, msgSignature(t, ts, replyNonce, encrypted), ts, replyNonce);
  });

  return r;
}

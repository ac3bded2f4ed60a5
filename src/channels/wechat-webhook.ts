// The official-account webhook: GET /wechat (URL verification) and POST /wechat (messages, plain or
// safe mode). Order of work: signature and timestamp → XML → decrypt → replay guard (a signature reused
// with another body is refused) → dedupe (stored before any work, because WeChat retries a slow reply
// three times) → engine within the reply budget → passive reply, or "success" now and a customer-service
// message when the engine finishes later. A store or engine outage answers the passive reply "系统繁忙".
import { createHash, randomBytes } from "node:crypto";
import Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../context";
import type { Services } from "../modules/services";
import { DomainError } from "../domain/errors";
import { IMAGE_OUTSIDE_FORM } from "../modules/conversation/conversation-service";
import type { SubscribeResult } from "../modules/conversation/subscriptions";
import type { Speaker } from "../modules/conversation/runner";
import { checkSignature, decryptMessage, encryptMessage, msgSignature, safeEqual, WechatCryptoError } from "./wechat-crypto";
import type { BatchResult, KvStep } from "../infra/kv";
import { BUSY_MESSAGE, isDependencyDown } from "../infra/unavailable";
import { encryptedReplyXml, parseWechatXml, textReplyXml, XmlRejected, XmlTooLarge } from "./wechat-xml";

/** Menu click keys (config/wechat-menu.json) and the message each one stands for. */
export const MENU_KEYS: Record<string, string> = {
  GUIDE: "怎么申请政府信息公开",
  CATALOGUE: "公开目录",
  APPLY: "我要申请",
  STATUS: "查询申请",
};

const DEDUPE_SECONDS = 3600;
/** How long a signature triple stays spent when the timestamp check is switched off (tolerance 0). */
const REPLAY_SECONDS_WITHOUT_TOLERANCE = 86400;
/** WeChat's limit for a passive text reply is 2048 bytes. */
const PASSIVE_MAX_BYTES = 2000;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
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

type Inbound =
  | { kind: "text"; text: string }
  | { kind: "reply"; text: string }
  | { kind: "image"; mediaId: string }
  | { kind: "consent"; results: Record<string, SubscribeResult> }
  | { kind: "ignore" };

/** The 订阅通知 pop-up and settings events: which template ids the user accepted or refused. */
function consentResults(msg: Record<string, string>): Record<string, SubscribeResult> {
  let list: unknown;
  try {
    list = JSON.parse(msg.SubscribeList ?? "[]");
  } catch {
    return {};
  }
  const out: Record<string, SubscribeResult> = {};
  for (const item of Array.isArray(list) ? list.slice(0, 20) : []) {
    const { templateId, status } = item as { templateId?: unknown; status?: unknown };
    if (typeof templateId !== "string" || !templateId || templateId.length > 128) continue;
    // "reject" in the settings event switches the template off: counted like the mini-program's "ban".
    const v =
      status === "accept" ? "accept" : msg.Event === "subscribe_msg_change_event" && status === "reject" ? "ban" : status === "reject" ? "reject" : null;
    if (v) out[templateId] = v;
  }
  return out;
}

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
      // Attached to the application when a filing dialogue is open (ConversationService.receiveImage).
      return msg.MediaId ? { kind: "image", mediaId: msg.MediaId } : { kind: "reply", text: IMAGE_OUTSIDE_FORM };
    case "event": {
      const ev = (msg.Event ?? "").toLowerCase();
      if (ev === "subscribe") return { kind: "text", text: "帮助" };
      if (ev === "subscribe_msg_popup_event" || ev === "subscribe_msg_change_event") {
        const results = consentResults(msg);
        return Object.keys(results).length ? { kind: "consent", results } : { kind: "ignore" };
      }
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

/**
 * Replay protection as a batch step: the first use of (signature, timestamp, nonce) records a digest of the
 * body for as long as the timestamp stays acceptable. The step passes for that first use or a repeat of its
 * exact body (a retry, which the MsgId dedupe then answers "success") and stops the batch for the triple with
 * another body.
 */
export function replayStep(app: AppContext, signature: string, timestamp: string, nonce: string, body: string): KvStep {
  const tolerance = app.config.WECHAT_TIMESTAMP_TOLERANCE_SECONDS;
  // A timestamp is acceptable from (ts - tolerance) to (ts + tolerance): the mark must outlive that span.
  const ttl = tolerance > 0 ? 2 * tolerance + 1 : REPLAY_SECONDS_WITHOUT_TOLERANCE;
  return { op: "claim", key: `wechat:replay:${sha256(`${signature}\n${timestamp}\n${nonce}`)}`, value: sha256(body), ttl, stop: "differs" };
}

const PROCESSING = "processing";
const DONE = "done";

const processingSeconds = (app: AppContext) => Math.ceil(app.config.WECHAT_REPLY_BUDGET_MS / 1000) + 2;
/** The dedupe claim as a batch step: it stops the batch when another delivery holds the mark. */
const claimStep = (app: AppContext, key: string): KvStep => ({ op: "claim", key, value: PROCESSING, ttl: processingSeconds(app), stop: "taken" });

/**
 * Takes the message for this delivery: true when it is ours to handle. Another delivery of the same message
 * that is still being handled is waited for (WeChat retries after 5 s); when its short "processing" mark
 * lapses without becoming "done" — the server handling it died — this delivery takes the message over.
 */
async function claimMessage(app: AppContext, key: string): Promise<boolean> {
  const deadline = Date.now() + processingSeconds(app) * 1000 + 500;
  for (;;) {
    const r = await app.kv.batch([claimStep(app, key)]);
    if (r.stoppedAt === null) return true;
    const mark = r.results[0];
    if (mark !== null && mark !== PROCESSING) return false;
    if (Date.now() > deadline) return false;
    if (mark === PROCESSING) await new Promise((r) => setTimeout(r, 100));
  }
}

/** The passive reply to the message: text XML, sealed in safe mode. */
function passiveReply(app: AppContext, ctx: Context, r: { safeMode: boolean; token: string; openId: string; account: string; text: string }): void {
  const now = Math.floor(app.clock.now().getTime() / 1000);
  const xml = textReplyXml(r.openId, r.account, now, r.text);
  ctx.status = 200;
  ctx.type = "application/xml";
  if (!r.safeMode) {
    ctx.body = xml;
    return;
  }
  const replyNonce = randomBytes(8).toString("hex");
  const ts = String(now);
  const encrypted = encryptMessage(app.config.WECHAT_ENCODING_AES_KEY!, app.config.WECHAT_APPID!, xml);
  ctx.body = encryptedReplyXml(encrypted, msgSignature(r.token, ts, replyNonce, encrypted), ts, replyNonce);
}

export function wechatWebhookRoutes(app: AppContext, deps: Pick<Services, "conversation">): Router {
  const r = new Router();
  const svc = () => deps.conversation;

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
      if (e instanceof XmlTooLarge) throw new DomainError("REQUEST.TOO_LARGE", "提交的内容过大");
      if (e instanceof XmlRejected || e instanceof WechatCryptoError) throw badRequest(`unreadable message: ${e.message}`);
      throw e;
    }
    const openId = msg.FromUserName ?? "";
    const account = msg.ToUserName ?? "";
    if (!openId || !account || !msg.MsgType) throw badRequest("message without FromUserName, ToUserName or MsgType");
    const queryOpenId = q(ctx, "openid");
    if (queryOpenId && queryOpenId !== openId) throw unauthenticated("openid does not match the signed request");

    const reply = (text: string) => passiveReply(app, ctx, { safeMode, token: t, openId, account, text });
    const busy = (err: unknown, stage: string) => {
      // A store or engine outage must not show the citizen "该公众号暂时无法提供服务": answer in Chinese, record nothing.
      const down = isDependencyDown(err);
      app.logger[down ? "warn" : "error"]({ stage, err: err instanceof Error ? err.message : String(err) }, "wechat webhook answered busy");
      reply(BUSY_MESSAGE);
    };

    // The plain-mode signature covers only (token, timestamp, nonce), not the body: within the timestamp
    // window the same triple may come again only with the same body (WeChat's own retry).
    const signature = safeMode ? q(ctx, "msg_signature") : q(ctx, "signature");
    const replay = replayStep(app, signature.toLowerCase(), timestamp, nonce, body);
    // Dedupe before any work: the second and third deliveries of a retried message change nothing. The mark
    // is "processing" for a few seconds only, then "done" for an hour: if the server dies while handling a
    // message, the short mark lapses and WeChat's next retry (after the restart) handles it instead of being
    // swallowed. A delivery that finds the mark waits for the first one to finish.
    const dedupe = dedupeKey(msg);
    const doneStep: KvStep = { op: "set", key: dedupe, value: DONE, ttl: DEDUPE_SECONDS };
    const success = () => {
      ctx.type = "text/plain";
      ctx.body = "success";
    };
    /** What the guard and the claim said: ours to handle, replayed, a duplicate, or held by a delivery under way. */
    const verdict = (r: BatchResult): "ours" | "replayed" | "duplicate" | "wait" => {
      if (r.stoppedAt === null) return "ours";
      if (r.stoppedAt === 0) return "replayed";
      return r.results[1] === PROCESSING ? "wait" : "duplicate";
    };
    /** Another delivery holds the mark: wait for it; true when the message became ours (its handler died). */
    const waitForOther = async (): Promise<boolean> => claimMessage(app, dedupe);

    const inbound = inboundOf(msg);
    if (inbound.kind !== "text") {
      // Nothing for the engine: guard and claim in one batch of their own, then the fixed reply.
      let v: ReturnType<typeof verdict>;
      try {
        v = verdict(await app.kv.batch([replay, claimStep(app, dedupe)]));
        if (v === "wait") v = (await waitForOther()) ? "ours" : "duplicate";
      } catch (err) {
        return busy(err, "dedupe");
      }
      if (v === "replayed") throw unauthenticated("signature replayed with a different body");
      if (v === "duplicate") return success();
      let handled = false;
      try {
        const speaker: Speaker = { channel: "oa", userId: openId, citizenKey: `oa:${openId}` };
        if (inbound.kind === "reply") {
          await svc().touch(speaker);
          reply(inbound.text);
        } else if (inbound.kind === "consent") {
          // 订阅通知 consents are counted for bizsend (conversation-service.ts); the event wants no reply.
          await svc().subscriptions.record(speaker.citizenKey!, inbound.results);
          success();
        } else if (inbound.kind === "image") {
          // Within the reply budget, else "success" now and the answer as a customer-service message.
          const work = svc().receiveImage(speaker, inbound.mediaId);
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), app.config.WECHAT_REPLY_BUDGET_MS)));
          const text = await Promise.race([work, late]);
          clearTimeout(timer);
          if (text === null) {
            work
              .then((t) => svc().wechat.sendText(openId, t))
              .catch((err: unknown) => app.logger.warn({ err: String(err) }, "customer-service message failed"));
            success();
          } else reply(text);
        } else success();
        handled = true;
      } catch (err) {
        busy(err, "engine");
      } finally {
        await (handled ? app.kv.set(dedupe, DONE, DEDUPE_SECONDS) : app.kv.del(dedupe)).catch(() => undefined);
      }
      return;
    }

    // A text message: the guard and the claim ride in the conversation's opening batch (replay guard, dedupe
    // claim, last-seen, lock, session read: one round trip), "done" in its closing one (session write, unlock,
    // dedupe done): two round trips per message (issue 18). The reply budget starts once the claim is ours.
    const speaker: Speaker = { channel: "oa", userId: openId, citizenKey: `oa:${openId}` };
    type Outcome = { kind: "done"; replies: string[] } | { kind: "stopped"; result: BatchResult } | { kind: "failed"; err: unknown } | { kind: "late" };
    const attempt = async (before: KvStep[]): Promise<{ outcome: Outcome; work: () => Promise<string[]> }> => {
      let timer: NodeJS.Timeout | undefined;
      let lateNow: (o: Outcome) => void = () => undefined;
      const late = new Promise<Outcome>((resolve) => (lateNow = resolve));
      const passed = () => (timer = setTimeout(() => lateNow({ kind: "late" }), app.config.WECHAT_REPLY_BUDGET_MS));
      const turn = svc().handle(speaker, inbound.text, msg.MsgId ?? dedupe, { before, after: [doneStep], passed });
      const outcome = await Promise.race<Outcome>([
        turn.then(
          (o): Outcome => (o.stopped ? { kind: "stopped", result: o.stopped } : { kind: "done", replies: o.replies }),
          (err: unknown): Outcome => ({ kind: "failed", err }),
        ),
        late,
      ]);
      clearTimeout(timer);
      // The replies of a turn still running, taken only when the reply goes out late (no rejection left unheard).
      return { outcome, work: () => turn.then((o) => o.replies) };
    };

    let { outcome, work } = await attempt([replay, claimStep(app, dedupe)]);
    if (outcome.kind === "stopped") {
      const v = verdict(outcome.result);
      if (v === "replayed") throw unauthenticated("signature replayed with a different body");
      if (v === "duplicate") return success();
      try {
        if (!(await waitForOther())) return success();
      } catch (err) {
        return busy(err, "dedupe");
      }
      ({ outcome, work } = await attempt([]));
    }

    if (outcome.kind === "failed") {
      // Nothing was done for this message: release its dedupe mark so a redelivery is handled, not swallowed.
      busy(outcome.err, "engine");
      await app.kv.del(dedupe).catch(() => undefined);
      return;
    }
    if (outcome.kind === "stopped") return success(); // only a replay guard or claim could stop it, and both passed above

    const sendLater = (replies: Promise<string[]> | string[]) => {
      Promise.resolve(replies)
        .then(async (texts) => {
          for (const text of texts) await svc().wechat.sendText(openId, text);
        })
        .catch((err) => app.logger.warn({ err: String(err) }, "customer-service message failed"));
    };

    if (outcome.kind === "late") {
      // WeChat waits 5 seconds at most: answer now, deliver the reply as customer-service message(s). The
      // message counts as handled from now: later deliveries change nothing.
      sendLater(work());
      success();
      await app.kv.set(dedupe, DONE, DEDUPE_SECONDS).catch(() => undefined);
      return;
    }
    // The closing batch marked the message done with the session write.
    if (Buffer.byteLength(outcome.replies.join("\n\n")) > PASSIVE_MAX_BYTES) {
      sendLater(outcome.replies);
      return success();
    }
    reply(outcome.replies.join("\n\n"));
  });

  return r;
}

// HTTP side of the conversation: the chat API (mini-program, Wechaty bot relay, anonymous web chat), the
// bot's notification polling, and the staff consultation queue. Mini-program login and notifications are
// in the mini-program API (src/modules/miniprogram/routes.ts).
import { sharedLimiter, type Limiter } from "../../infra/rate-limiter";
import Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { safeEqual } from "../../channels/wechat-crypto";
import { DomainError } from "../../domain/errors";
import { currentStaff, requireStaff } from "../../http/auth";
import { parseInput } from "../../http/validate";
import { CHAT_SESSION_FORMAT, chatConversationId, newChatSession, refreshChatTokenStep, sentChatToken, setChatCookie } from "./chat-sessions";
import type { Speaker } from "./runner";
import { bearer, mpOpenIdOf } from "../miniprogram/mp-session";

export const chatSchema = z.object({
  userId: z
    .string({ error: "请提供 userId" })
    .trim()
    .min(1, { error: "请提供 userId" })
    .max(128, { error: "userId 不能超过128个字符" })
    .regex(/^[^\s]+$/, { error: "userId 不能包含空白字符" })
    // Anonymous chat: a label only (the conversation is the server-issued session); the bot: its contact id.
    .optional(),
  session: z
    .string({ error: "session 应为服务器返回的字符串" })
    .regex(CHAT_SESSION_FORMAT, { error: "session 格式不正确：请原样发回服务器返回的 session，或不带 session 开始新会话" })
    .optional(),
  // Long messages are answered from their first part, as on the official account (long-message.ts); the cap
  // only keeps pasted files out.
  text: z.string({ error: "请提供 text" }).trim().min(1, { error: "消息内容不能为空" }).max(10000, { error: "消息不能超过10000个字" }),
  messageId: z.string().trim().min(1).max(128).optional(),
});
const replySchema = z.object({
  answer: z.string({ error: "请填写答复内容" }).trim().min(1, { error: "请填写答复内容" }).max(2000, { error: "答复不能超过2000个字" }),
});
const ackSchema = z.object({ ok: z.boolean({ error: "ok 应为 true 或 false" }), error: z.string().max(500).optional() });
const listSchema = z.object({ status: z.enum(["open", "answered"], { error: "status 应为 open 或 answered" }).optional() });

function isBot(app: AppContext, token: string | null): boolean {
  const expected = app.config.BOT_SERVICE_TOKEN;
  return Boolean(expected && token && safeEqual(token, expected));
}

function requireBot(app: AppContext) {
  return async (ctx: Context, next: () => Promise<unknown>) => {
    if (!isBot(app, bearer(ctx))) throw new DomainError("AUTH.UNAUTHENTICATED", "需要机器人服务令牌");
    await next();
  };
}

/** Who is chatting: the bot's relayed contact, a signed-in mini-program user, or an anonymous key. */
async function speakerOf(app: AppContext, ctx: Context, userId: string | undefined): Promise<Speaker> {
  const token = bearer(ctx);
  if (!token) throw new Error("anonymous chat has no bearer speaker"); // anonymous chat is answered by its session token instead
  if (isBot(app, token)) {
    if (!userId)
      throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [{ field: "userId", message: "请提供 userId（转发的联系人）" }]);
    return { channel: "wx", userId, citizenKey: `wx:${userId}` };
  }
  const openId = await mpOpenIdOf(app, token);
  if (!openId) throw new DomainError("AUTH.UNAUTHENTICATED", "登录已失效，请重新登录小程序");
  return { channel: "mp", userId: openId, citizenKey: `mp:${openId}` };
}

/** Messages per conversation (the shared limiter: atomic on Redis, counted across instances); the portal's chat page counts here too. */
export function chatMessageLimit(app: AppContext): Limiter {
  return sharedLimiter(app.kv, { name: "chat", points: app.config.CHAT_RATE_LIMIT_PER_MINUTE, durationSeconds: 60, message: "发送过于频繁，请稍后再试" });
}

export function conversationRoutes(app: AppContext, deps: Pick<Services, "conversation" | "staff">): Router {
  const svc = () => deps.conversation;
  const r = new Router();
  const rateLimit = (speaker: Speaker) => chatMessageLimit(app).consume(`${speaker.channel}:${speaker.userId}`);

  r.post("/api/chat", async (ctx) => {
    const body = parseInput(chatSchema, ctx.request.body);
    if (bearer(ctx)) {
      const speaker = await speakerOf(app, ctx, body.userId);
      // The limit is taken with the conversation open (its second round trip; issue 18).
      const out = await svc().handle(speaker, body.text, body.messageId, { admit: () => rateLimit(speaker) });
      ctx.body = { replies: out.replies };
      return;
    }
    // Anonymous: the conversation is the server-issued session, whatever userId says. A known token's sliding
    // expiry rides in the turn's opening batch; an unknown one stops it and a new conversation starts.
    const anonymous = (conversationId: string): Speaker => ({ channel: "chat", userId: conversationId, citizenKey: null, clientAddress: ctx.ip });
    const sent = sentChatToken(ctx, body.session);
    if (sent) {
      const speaker = anonymous(chatConversationId(sent));
      const out = await svc().handle(speaker, body.text, body.messageId, { before: [refreshChatTokenStep(sent)], admit: () => rateLimit(speaker) });
      if (!out.stopped) {
        ctx.body = { replies: out.replies, session: sent };
        return;
      }
    }
    const fresh = await newChatSession(app, ctx);
    const speaker = anonymous(fresh.conversationId);
    const out = await svc().handle(speaker, body.text, body.messageId, { before: [fresh.store], admit: () => rateLimit(speaker) });
    setChatCookie(ctx, fresh.token);
    ctx.body = { replies: out.replies, session: fresh.token };
  });

  r.get("/api/bot/notifications", requireBot(app), async (ctx) => {
    ctx.body = { notifications: await svc().botNotifications() };
  });

  r.post("/api/bot/notifications/:id/ack", requireBot(app), async (ctx) => {
    const body = parseInput(ackSchema, ctx.request.body);
    await svc().ackBotNotification(String(ctx.params.id), body.ok, body.error);
    ctx.status = 204;
  });

  r.get("/api/staff/consultations", requireStaff(deps.staff), async (ctx) => {
    const q = parseInput(listSchema, ctx.query);
    ctx.body = { consultations: await svc().listConsultations(currentStaff(ctx), q.status) };
  });

  r.post("/api/staff/consultations/:id/reply", requireStaff(deps.staff), async (ctx) => {
    const body = parseInput(replySchema, ctx.request.body);
    ctx.body = { consultation: await svc().replyConsultation(currentStaff(ctx), String(ctx.params.id), body.answer) };
  });

  return r;
}

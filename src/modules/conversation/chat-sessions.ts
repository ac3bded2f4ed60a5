// Anonymous web chat sessions (issue 13 item 6): a conversation belongs to a token the server issued, not to
// a name the client picks. The first answer of POST /api/chat carries "session"; a later message sends it
// back ("session" in the body, or the ogi_chat cookie) to continue; without a known one a new conversation
// starts (counted against CHAT_NEW_SESSIONS_PER_HOUR per address). The store keeps only the token's digest,
// and the conversation is named by a digest too, so neither keys nor logs nor staff screens carry the token.
import { createHash, randomBytes } from "node:crypto";
import type { Context } from "koa";
import type { AppContext } from "../../context";
import type { KvStep } from "../../infra/kv";
import { citizenLimits } from "./citizen-limits";
import { SESSION_TTL_SECONDS } from "./session-store";

export const CHAT_SESSION_COOKIE = "ogi_chat";
/** 32 random bytes, base64url: what the server issues and accepts. */
export const CHAT_SESSION_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const digest = (token: string) => createHash("sha256").update(`ogi-chat-session:${token}`).digest("hex");
const tokenKey = (token: string) => `chat:token:${digest(token)}`;
/** The conversation a session token names (its session key is conv:session:chat:<id>, its recipient chat:<id>). */
export const chatConversationId = (token: string) => digest(token).slice(0, 32);

export interface ChatSession {
  token: string;
  /** Conversation key within the "chat" channel (session store, outbox recipient chat:<id>). */
  conversationId: string;
  isNew: boolean;
}

/** The token the request sent back (body, else a well-formed cookie); undefined when none. */
export function sentChatToken(ctx: Context, sent: string | undefined): string | undefined {
  const fromCookie = ctx.cookies.get(CHAT_SESSION_COOKIE);
  return sent ?? (fromCookie && CHAT_SESSION_FORMAT.test(fromCookie) ? fromCookie : undefined);
}

/**
 * A known token's sliding expiry (a session lives a day after its last message, like the conversation itself)
 * as a batch step that stops the batch when the server does not know the token: it rides in the turn's
 * opening round trip (issue 18).
 */
export function refreshChatTokenStep(token: string): KvStep {
  return { op: "refresh", key: tokenKey(token), ttl: SESSION_TTL_SECONDS, stop: "missing" };
}

/**
 * A new conversation (counted against CHAT_NEW_SESSIONS_PER_HOUR per address) and the step that stores its
 * token, to run in the turn's opening batch.
 */
export async function newChatSession(app: AppContext, ctx: Context): Promise<ChatSession & { store: KvStep }> {
  await citizenLimits(app).newChatSession.consume(`ip:${ctx.ip}`);
  const fresh = randomBytes(32).toString("base64url");
  return {
    token: fresh,
    conversationId: chatConversationId(fresh),
    isNew: true,
    store: { op: "set", key: tokenKey(fresh), value: "1", ttl: SESSION_TTL_SECONDS },
  };
}

/** The conversation of this request in two steps of its own (the portal's form without JavaScript; POST /api/chat
 * folds them into the turn's round trips instead): the token it sent back when the server knows it, else a new one. */
export async function chatSession(app: AppContext, ctx: Context, sent: string | undefined): Promise<ChatSession> {
  const token = sentChatToken(ctx, sent);
  if (token && (await app.kv.batch([refreshChatTokenStep(token)])).stoppedAt === null) {
    return { token, conversationId: chatConversationId(token), isNew: false };
  }
  const fresh = await newChatSession(app, ctx);
  await app.kv.batch([fresh.store]);
  return { token: fresh.token, conversationId: fresh.conversationId, isNew: true };
}

/** The web chat may keep the token in a cookie instead of script memory: HttpOnly, this API only, same site. */
export function setChatCookie(ctx: Context, token: string): void {
  ctx.cookies.set(CHAT_SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    path: "/api/chat",
    maxAge: SESSION_TTL_SECONDS * 1000,
    overwrite: true,
    secure: ctx.secure,
  });
}

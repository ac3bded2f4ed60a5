// Mini-program sessions: the token login hands out is kept only as its hash in the key-value store (Redis),
// mapped to the user's openid for a week. Every mini-program route (and the chat API) reads the openid here.
import { createHash, randomBytes } from "node:crypto";
import type { Context } from "koa";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";

export const MP_SESSION_TTL = 7 * 24 * 3600;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
/** Key-value key of a mini-program session: the token is kept only as its hash. */
export const mpSessionKey = (token: string) => `mp:session:${sha256(token)}`;

export function bearer(ctx: Context): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.get("Authorization"));
  return m ? m[1] : null;
}

export async function newMpSession(app: AppContext, openId: string): Promise<{ token: string; expiresIn: number }> {
  const token = randomBytes(32).toString("base64url");
  await app.kv.set(mpSessionKey(token), openId, MP_SESSION_TTL);
  return { token, expiresIn: MP_SESSION_TTL };
}

/** The signed-in user's openid, or null for a token that is not (or no longer) a mini-program session. */
export async function mpOpenIdOf(app: AppContext, token: string | null): Promise<string | null> {
  if (!token || token.length > 200) return null;
  return app.kv.get(mpSessionKey(token));
}

/** The openid of the request's bearer token; 401 in Chinese when there is none. */
export async function requireMpUser(app: AppContext, ctx: Context): Promise<string> {
  const openId = await mpOpenIdOf(app, bearer(ctx));
  if (!openId) throw new DomainError("AUTH.UNAUTHENTICATED", "请先登录小程序（登录已失效时请重新登录）");
  return openId;
}

// Console CSRF tokens, on top of SameSite=Strict cookies and the Origin check: every POST under /console must
// carry `_csrf` (form field; `X-CSRF-Token` header; `?_csrf=` for multipart forms, whose body the guard does not
// read). Signed in: HMAC-SHA256 of the session token (a synchronizer token that needs no storage and dies with
// the session). At the login form: a random pre-session cookie, double-submitted. The guard writes the token
// into every POST form of the HTML it sends, so no page has to remember it.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "koa";
import { html } from "../../http/html";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "X-CSRF-Token";
const LOGIN_COOKIE = "ogi_csrf";
const SECURE_LOGIN_COOKIE = "__Host-ogi_csrf";

/** The CSRF token of a signed-in console session. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("ogi-console-csrf-v1").digest("base64url");
}

/** The login form's token: the pre-session cookie's value, set now when the browser has none. */
export function loginCsrfToken(ctx: Context): string {
  const name = ctx.secure ? SECURE_LOGIN_COOKIE : LOGIN_COOKIE;
  const existing = ctx.cookies.get(name);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString("base64url");
  ctx.cookies.set(name, token, { httpOnly: true, sameSite: "strict", path: "/", secure: ctx.secure, overwrite: true });
  return token;
}

/** The token the request carries (form field, header, or query for multipart), removed from the form body. */
export function submittedCsrfToken(ctx: Context): string | null {
  const body = ctx.request.body as Record<string, unknown> | undefined;
  let value: unknown = ctx.get(CSRF_HEADER) || undefined;
  if (body && typeof body === "object" && CSRF_FIELD in body) {
    value ??= body[CSRF_FIELD];
    delete body[CSRF_FIELD]; // page handlers never see it
  }
  value ??= ctx.query[CSRF_FIELD];
  return typeof value === "string" && value.length <= 100 ? value : null;
}

export function csrfMatches(submitted: string | null, expected: string): boolean {
  if (!submitted) return false;
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Adds the token to every POST form of an HTML page: a hidden field, or the action's query for multipart forms. */
export function withCsrfFields(page: string, token: string): string {
  return page.replace(/<form\b[^>]*>/gi, (tag) => {
    if (!/\bmethod\s*=\s*"?post"?/i.test(tag)) return tag;
    if (/enctype\s*=\s*"multipart\/form-data"/i.test(tag)) {
      return tag.replace(
        /\baction\s*=\s*"([^"]*)"/i,
        (_m, action: string) => `action="${action}${action.includes("?") ? "&amp;" : "?"}${CSRF_FIELD}=${token}"`,
      );
    }
    return `${tag}${html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`.value}`;
  });
}

// Console sessions and request plumbing: the staff token lives in an httpOnly, sameSite=strict cookie
// (`__Host-ogi_staff`, Secure, on HTTPS); forms are same-origin only and carry a CSRF token (./csrf.ts);
// domain errors become a Chinese message on the page instead of JSON.
import type { Context, Next } from "koa";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { DomainError, ValidationError, statusForCode } from "../../domain/errors";
import { sessionCookieToken, staffCookieName } from "../../http/auth";
import { assertNoNul } from "../../http/reject-nul";
import type { Policy, StaffRole } from "../../domain/staff-roles";
import { mayManageAgencies } from "../platform/policy";
import { isAgencyStaff } from "../staff/policy";
import type { StaffPrincipal } from "../staff/staff-service";
import { csrfMatches, csrfTokenFor, loginCsrfToken, submittedCsrfToken, withCsrfFields } from "./csrf";
import { errorPage } from "./layout";

const FLASH_COOKIE = "ogi_flash";

export interface Flash {
  kind: "ok" | "error";
  text: string;
}

/**
 * A browser-session cookie: the server enforces the session's expiry, and the browser forgets it on exit.
 * Over HTTPS it is `__Host-ogi_staff` (Secure, Path=/, no Domain: no subdomain or plain-http page can set or
 * shadow it). On plain http it is `ogi_staff` without Secure — fine on localhost, refused in production.
 */
export function setSessionCookie(app: AppContext, ctx: Context, token: string): void {
  if (app.config.NODE_ENV === "production" && !ctx.secure) {
    // A production session over plain http would travel in clear text; behind a TLS proxy set TRUST_PROXY=true.
    throw new DomainError("AUTH.INSECURE_TRANSPORT", "请通过 HTTPS 访问工作台（反向代理之后请设置 TRUST_PROXY=true）");
  }
  ctx.cookies.set(staffCookieName(ctx), token, { httpOnly: true, sameSite: "strict", path: "/", secure: ctx.secure, overwrite: true });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(staffCookieName(ctx), "", { httpOnly: true, sameSite: "strict", path: "/", secure: ctx.secure, expires: new Date(0), overwrite: true });
}

/** A one-shot message shown on the next page (post/redirect/get). */
export function setFlash(ctx: Context, flash: Flash): void {
  ctx.cookies.set(FLASH_COOKIE, Buffer.from(JSON.stringify(flash), "utf8").toString("base64url"), {
    httpOnly: true,
    sameSite: "strict",
    path: "/console",
    maxAge: 60_000,
    overwrite: true,
  });
}

export function takeFlash(ctx: Context): Flash | null {
  const v = ctx.cookies.get(FLASH_COOKIE);
  if (!v) return null;
  ctx.cookies.set(FLASH_COOKIE, "", { path: "/console", expires: new Date(0), overwrite: true });
  try {
    const f = JSON.parse(Buffer.from(v, "base64url").toString("utf8")) as Flash;
    return f && typeof f.text === "string" ? { kind: f.kind === "ok" ? "ok" : "error", text: f.text.slice(0, 2000) } : null;
  } catch {
    return null;
  }
}

/** Redirects to a console path only (never to another site). */
export function redirectTo(ctx: Context, target: string | undefined, fallback = "/console"): void {
  const safe = target && /^\/console(\/|$|\?)/.test(target) && !target.startsWith("//") ? target : fallback;
  ctx.redirect(safe);
}

export function consoleStaff(ctx: Context): StaffPrincipal {
  return ctx.state.staff as StaffPrincipal;
}

/**
 * Console guard and error mapping. Unauthenticated → login page; POSTs must come from this origin
 * (the sameSite=strict cookie already keeps other sites' forms out; this is the second lock);
 * a failed form action comes back to the page it was sent from with the reason.
 */
export function consoleGuard(app: AppContext, deps: Pick<Services, "staff">) {
  return async (ctx: Context, next: Next) => {
    const isPublic = ctx.path === "/console/login" || ctx.path.startsWith("/console/assets/");
    const unsafe = ctx.method !== "GET" && ctx.method !== "HEAD";
    if (unsafe) {
      // Fails closed: an Origin of another host or "null" (sandboxed frames, data: URLs) and any Sec-Fetch-Site
      // other than same-origin are refused; without either header the CSRF token below still has to match.
      const origin = ctx.get("Origin");
      const site = ctx.get("Sec-Fetch-Site");
      if (origin && hostOf(origin) !== ctx.host) throw new DomainError("AUTH.FORBIDDEN", "跨站提交被拒绝");
      if (site && site !== "same-origin") throw new DomainError("AUTH.FORBIDDEN", "跨站提交被拒绝");
    }
    ctx.state.consoleApp = app;
    ctx.set("Cache-Control", "no-store");
    // helmet's no-referrer makes Chromium send "Origin: null" with the console's own forms; same-origin keeps
    // the real Origin (and Referer) for this site and still sends nothing to others.
    ctx.set("Referrer-Policy", "same-origin");
    let csrf: string | null = null;
    if (!isPublic) {
      const token = sessionCookieToken(ctx);
      const staff = token ? await deps.staff.authenticate(token) : null;
      if (!staff || !token) {
        if (ctx.method === "GET") return ctx.redirect(`/console/login?next=${encodeURIComponent(ctx.originalUrl)}`);
        setFlash(ctx, { kind: "error", text: "登录已失效，请重新登录" });
        return ctx.redirect("/console/login");
      }
      ctx.state.staff = staff;
      csrf = csrfTokenFor(token);
    } else if (ctx.path === "/console/login") {
      csrf = loginCsrfToken(ctx);
    }
    if (unsafe && csrf !== null && !csrfMatches(submittedCsrfToken(ctx), csrf)) {
      ctx.status = 403;
      ctx.type = "html";
      ctx.body = errorPage(ctx, 403, "表单已失效或来源不明（缺少安全令牌），请刷新页面后重新提交").value;
      return;
    }
    try {
      assertNoNul(ctx);
      if (ctx.state.staff && !isAgencyStaff(ctx.state.staff as StaffPrincipal)) {
        // A supervisor or platform admin works on the district pages only; every agency page refuses them,
        // as the staff API does (src/http/auth.ts), so no form of an agency can be sent in their name.
        const home = oversightHome((ctx.state.staff as StaffPrincipal).role);
        if (ctx.method === "GET" && (ctx.path === "/console" || ctx.path === "/console/")) return ctx.redirect(home);
        if (!OVERSIGHT_PATHS.some((p) => ctx.path === p || ctx.path.startsWith(`${p}/`))) throw new DomainError("AUTH.FORBIDDEN", "当前角色无权执行此操作");
      }
      await next();
      if (csrf !== null && typeof ctx.body === "string" && ctx.response.is("html")) ctx.body = withCsrfFields(ctx.body, csrf);
    } catch (err) {
      if (!(err instanceof DomainError)) {
        (ctx.state.log ?? app.logger).error({ err }, "console error");
        ctx.status = 500;
        ctx.type = "html";
        ctx.body = errorPage(ctx, 500, "服务器内部错误，请稍后再试").value;
        return;
      }
      const text = describeError(err);
      if (ctx.method === "POST" && statusForCode(err.code) < 500) {
        setFlash(ctx, { kind: "error", text });
        const back = typeof ctx.request.body === "object" && ctx.request.body ? (ctx.request.body as Record<string, unknown>).back : undefined;
        return redirectTo(ctx, typeof back === "string" ? back : refererPath(ctx), "/console");
      }
      ctx.status = statusForCode(err.code);
      ctx.type = "html";
      ctx.body = errorPage(ctx, ctx.status, text).value;
      // An error page still has the logout form of the header.
      if (csrf !== null) ctx.body = withCsrfFields(String(ctx.body), csrf);
    }
  };
}

/** The console paths open to a supervisor or a platform admin (the district views, their own account). */
const OVERSIGHT_PATHS = ["/console/district", "/console/platform", "/console/account", "/console/logout"];

export function oversightHome(role: StaffRole): string {
  return mayManageAgencies({ role }) ? "/console/platform/agencies" : "/console/district";
}

/** Host of an Origin header. Compared by host, not scheme, so a TLS-terminating proxy does not break forms
 *  (Koa 3's ctx.origin is the request's Origin header itself, so it cannot be used for this check). */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function refererPath(ctx: Context): string | undefined {
  const ref = ctx.get("Referer");
  if (!ref) return undefined;
  try {
    const u = new URL(ref);
    return u.host === ctx.host ? u.pathname + u.search : undefined;
  } catch {
    return undefined;
  }
}

export function describeError(err: DomainError): string {
  // Services also throw plain DomainErrors whose details are field problems ({ field, message }).
  const problems: unknown[] = err instanceof ValidationError ? err.problems : Array.isArray(err.details) ? err.details : [];
  const messages = problems
    .map((p) => (p && typeof p === "object" ? (p as { message?: unknown }).message : undefined))
    .filter((m): m is string => typeof m === "string" && m !== "");
  if (messages.length) {
    // The field messages are written in Chinese and say what to fix; the field codes would only be noise.
    return `${err.message}：${[...new Set(messages)].join("；")}`;
  }
  return err.message;
}

/** The signed-in staff member if the module's policy rule (its policy.ts) admits them, else 403 — as the API does. */
export function requireRole(ctx: Context, may: Policy): StaffPrincipal {
  const s = consoleStaff(ctx);
  if (!may(s)) throw new DomainError("AUTH.FORBIDDEN", "当前角色无权执行此操作");
  return s;
}

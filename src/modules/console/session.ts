// Console sessions and request plumbing: the staff token lives in an httpOnly, sameSite=strict cookie;
// forms are same-origin only; domain errors become a Chinese message on the page instead of JSON.
import type { Context, Next } from "koa";
import type { AppContext } from "../../context";
import { getService } from "../../context";
import { DomainError, ValidationError, statusForCode } from "../../domain/errors";
import { STAFF_COOKIE } from "../../http/auth";
import { assertNoNul } from "../../http/reject-nul";
import type { StaffRole } from "../../infra/entities/staff-user.entity";
import type { StaffPrincipal, StaffService } from "../staff/staff-service";
import { errorPage } from "./layout";

const FLASH_COOKIE = "ogi_flash";

export interface Flash {
  kind: "ok" | "error";
  text: string;
}

/** A browser-session cookie: the server enforces the session's expiry, and the browser forgets it on exit. */
export function setSessionCookie(app: AppContext, ctx: Context, token: string): void {
  ctx.cookies.set(STAFF_COOKIE, token, {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: app.config.NODE_ENV === "production" && ctx.secure,
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(STAFF_COOKIE, "", { httpOnly: true, sameSite: "strict", path: "/", expires: new Date(0), overwrite: true });
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
export function consoleGuard(app: AppContext) {
  return async (ctx: Context, next: Next) => {
    const isPublic = ctx.path === "/console/login" || ctx.path.startsWith("/console/assets/");
    if (ctx.method === "POST") {
      const origin = ctx.get("Origin");
      if (origin && origin !== "null" && hostOf(origin) !== ctx.host) throw new DomainError("AUTH.FORBIDDEN", "跨站提交被拒绝");
      if (!origin && ctx.get("Sec-Fetch-Site") && ctx.get("Sec-Fetch-Site") !== "same-origin") throw new DomainError("AUTH.FORBIDDEN", "跨站提交被拒绝");
    }
    ctx.state.consoleApp = app;
    ctx.set("Cache-Control", "no-store");
    if (!isPublic) {
      const token = ctx.cookies.get(STAFF_COOKIE);
      const staff = token ? await getService<StaffService>(app, "staff").authenticate(token) : null;
      if (!staff) {
        if (ctx.method === "GET") return ctx.redirect(`/console/login?next=${encodeURIComponent(ctx.originalUrl)}`);
        setFlash(ctx, { kind: "error", text: "登录已失效，请重新登录" });
        return ctx.redirect("/console/login");
      }
      ctx.state.staff = staff;
    }
    try {
      assertNoNul(ctx);
      await next();
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
    }
  };
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
  const messages = problems.map((p) => (p && typeof p === "object" ? (p as { message?: unknown }).message : undefined)).filter((m): m is string => typeof m === "string" && m !== "");
  if (messages.length) {
    // The field messages are written in Chinese and say what to fix; the field codes would only be noise.
    return `${err.message}：${[...new Set(messages)].join("；")}`;
  }
  return err.message;
}

export function requireRole(ctx: Context, ...roles: StaffRole[]): StaffPrincipal {
  const s = consoleStaff(ctx);
  if (!roles.includes(s.role)) throw new DomainError("AUTH.FORBIDDEN", "当前角色无权执行此操作");
  return s;
}

// Staff authentication for routes: `requireStaff()` reads the bearer token (the console's cookie only for
// GET/HEAD — downloads linked from console pages — so a cross-site form can never act on the staff API),
// `requireStaff(staff, rule)` refuses with 403 whom the module's policy rule (its policy.ts) does not admit. The
// principal is ctx.state.staff. Without a rule, `requireStaff(staff)` admits agency staff only (clerk, approver,
// admin): a supervisor or a platform admin acts on no agency's records, so every agency route refuses them unless
// its rule admits them; `requireAnyStaff(staff)` (their own account: /me, logout, password) admits every role.
import type { Context, Next } from "koa";
import { DomainError } from "../domain/errors";
import type { Policy } from "../domain/staff-roles";
import { isAgencyStaff } from "../modules/staff/policy";
import type { StaffPrincipal, StaffService } from "../modules/staff/staff-service";

/** The session cookie on plain-http localhost (development); browsers refuse `__Host-` cookies without TLS. */
export const STAFF_COOKIE = "ogi_staff";
/** The session cookie over HTTPS: the `__Host-` prefix makes browsers insist on Secure, Path=/ and no Domain. */
export const SECURE_STAFF_COOKIE = "__Host-ogi_staff";

export function staffCookieName(ctx: Context): string {
  return ctx.secure ? SECURE_STAFF_COOKIE : STAFF_COOKIE;
}

/** The console's session token from its cookie (the `__Host-` one on a secure request), or null. */
export function sessionCookieToken(ctx: Context): string | null {
  return ctx.cookies.get(staffCookieName(ctx)) ?? null;
}

export function bearerToken(ctx: Context): string | null {
  const h = ctx.get("Authorization");
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (m) return m[1];
  // Reading only: a POST/PUT/DELETE authenticated by a cookie the browser attaches by itself is what CSRF is.
  if (ctx.method === "GET" || ctx.method === "HEAD") return sessionCookieToken(ctx);
  return null;
}

/** What the guards need of the staff module: who a session token belongs to. */
export type StaffAuthenticator = Pick<StaffService, "authenticate">;

/** Signed-in staff whom `may` admits (a rule of the module's policy.ts); without a rule, agency staff. */
export function requireStaff(staff: StaffAuthenticator, may: Policy = isAgencyStaff) {
  return staffWithRoles(staff, may);
}

/** Any signed-in account, whatever its role: only for routes about the account itself. */
export function requireAnyStaff(staff: StaffAuthenticator) {
  return staffWithRoles(staff, null);
}

function staffWithRoles(auth: StaffAuthenticator, may: Policy | null) {
  return async (ctx: Context, next: Next) => {
    const token = bearerToken(ctx);
    const staff = token ? await auth.authenticate(token) : null;
    if (!staff) throw new DomainError("AUTH.UNAUTHENTICATED", "请先登录");
    if (may && !may(staff)) throw new DomainError("AUTH.FORBIDDEN", "当前角色无权执行此操作");
    ctx.state.staff = staff;
    await next();
  };
}

export function currentStaff(ctx: Context): StaffPrincipal {
  const s = ctx.state.staff as StaffPrincipal | undefined;
  if (!s) throw new DomainError("AUTH.UNAUTHENTICATED", "请先登录");
  return s;
}

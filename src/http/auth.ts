// Staff authentication for routes: `requireStaff()` reads the bearer token (or the console's cookie),
// `requireRole(...)` refuses other roles with 403. The principal is ctx.state.staff.
import type { Context, Next } from "koa";
import type { AppContext } from "../context";
import { getService } from "../context";
import { DomainError } from "../domain/errors";
import type { StaffRole } from "../infra/entities/staff-user.entity";
import type { StaffPrincipal, StaffService } from "../modules/staff/staff-service";

export const STAFF_COOKIE = "ogi_staff";

export function bearerToken(ctx: Context): string | null {
  const h = ctx.get("Authorization");
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (m) return m[1];
  return ctx.cookies.get(STAFF_COOKIE) ?? null;
}

export function requireStaff(app: AppContext, ...roles: StaffRole[]) {
  return async (ctx: Context, next: Next) => {
    const token = bearerToken(ctx);
    const staff = token ? await getService<StaffService>(app, "staff").authenticate(token) : null;
    if (!staff) throw new DomainError("AUTH.UNAUTHENTICATED", "请先登录");
    if (roles.length && !roles.includes(staff.role)) throw new DomainError("AUTH.FORBIDDEN", "当前角色无权执行此操作");
    ctx.state.staff = staff;
    await next();
  };
}

export function currentStaff(ctx: Context): StaffPrincipal {
  const s = ctx.state.staff as StaffPrincipal | undefined;
  if (!s) throw new DomainError("AUTH.UNAUTHENTICATED", "请先登录");
  return s;
}

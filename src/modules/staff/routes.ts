// Staff login/logout and user administration (admin only).
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { bearerToken, currentStaff, requireAnyStaff, requireStaff } from "../../http/auth";
import { parseInput } from "../../http/validate";
import { mayManageUsers, mayUseTotp } from "./policy";
import { STAFF_ROLES } from "./staff-service";

const loginSchema = z.object({
  agency: z.string().min(1).max(40).optional(),
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(200),
  totp: z.string().max(10).optional(),
});
const createUserSchema = z.object({
  username: z.string().min(3).max(64),
  password: z.string().min(1).max(200), // the policy (length, zxcvbn score) is the service's

  role: z.enum(STAFF_ROLES as [string, ...string[]]),
  displayName: z.string().max(100).optional(),
});
const roleSchema = z.object({ role: z.enum(STAFF_ROLES as [string, ...string[]]) });
const changePasswordSchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) });
const resetPasswordSchema = z.object({ newPassword: z.string().min(1).max(200) });
const totpSchema = z.object({ code: z.string().max(10) });

export function staffRoutes(app: AppContext, deps: Pick<Services, "staff">): Router {
  const staff = () => deps.staff;
  const r = new Router({ prefix: "/api/staff" });

  r.post("/login", async (ctx) => {
    const body = parseInput(loginSchema, ctx.request.body);
    const res = await staff().login(body.username, body.password, ctx.ip, ctx.get("User-Agent"), { agencyCode: body.agency, totp: body.totp });
    ctx.body = { token: res.token, expiresAt: res.expiresAt, user: res.user };
  });

  r.post("/logout", requireAnyStaff(deps.staff), async (ctx) => {
    const token = bearerToken(ctx);
    if (token) await staff().logout(token);
    ctx.status = 204;
  });

  r.get("/me", requireAnyStaff(deps.staff), async (ctx) => {
    ctx.body = { user: currentStaff(ctx) };
  });

  r.get("/users", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    ctx.body = { users: await staff().listUsers(currentStaff(ctx).agencyId) };
  });

  r.post("/users", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    const body = parseInput(createUserSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { user: await staff().createUser({ ...body, role: body.role as never }, currentStaff(ctx)) };
  });

  r.post("/users/:id/role", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    const body = parseInput(roleSchema, ctx.request.body);
    ctx.body = { user: await staff().setRole(ctx.params.id, body.role as never, currentStaff(ctx)) };
  });

  r.post("/users/:id/revoke-sessions", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    ctx.body = { revoked: await staff().revokeSessions(ctx.params.id, currentStaff(ctx)) };
  });

  r.post("/users/:id/disable", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    ctx.body = { user: await staff().setActive(ctx.params.id, false, currentStaff(ctx)) };
  });

  r.post("/users/:id/enable", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    ctx.body = { user: await staff().setActive(ctx.params.id, true, currentStaff(ctx)) };
  });

  r.post("/users/:id/reset-password", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    const body = parseInput(resetPasswordSchema, ctx.request.body);
    ctx.body = { revoked: await staff().resetPassword(ctx.params.id, body.newPassword, currentStaff(ctx)) };
  });

  r.post("/users/:id/totp/disable", requireStaff(deps.staff, mayManageUsers), async (ctx) => {
    ctx.body = { user: await staff().disableTotp(ctx.params.id, currentStaff(ctx)) };
  });

  // Every role: their own password; the other sessions end, this one stays.
  r.post("/me/password", requireAnyStaff(deps.staff), async (ctx) => {
    const body = parseInput(changePasswordSchema, ctx.request.body);
    ctx.body = { revoked: await staff().changePassword(currentStaff(ctx), body.currentPassword, body.newPassword, bearerToken(ctx) ?? undefined) };
  });

  // Admins: a TOTP second factor — setup returns the secret once, confirm puts it in force, disable needs a code.
  r.post("/me/totp/setup", requireStaff(deps.staff, mayUseTotp), async (ctx) => {
    ctx.body = await staff().beginTotp(currentStaff(ctx));
  });

  r.post("/me/totp/confirm", requireStaff(deps.staff, mayUseTotp), async (ctx) => {
    const body = parseInput(totpSchema, ctx.request.body);
    ctx.body = { user: await staff().confirmTotp(currentStaff(ctx), body.code) };
  });

  r.post("/me/totp/disable", requireStaff(deps.staff, mayUseTotp), async (ctx) => {
    const body = parseInput(totpSchema, ctx.request.body);
    const me = currentStaff(ctx);
    ctx.body = { user: await staff().disableTotp(me.id, me, body.code) };
  });

  return r;
}

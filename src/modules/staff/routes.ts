// Staff login/logout and user administration (admin only).
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../context";
import { getService } from "../../context";
import { bearerToken, currentStaff, requireStaff } from "../../http/auth";
import { parseInput } from "../../http/validate";
import { STAFF_ROLES, type StaffService } from "./staff-service";

const loginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) });
const createUserSchema = z.object({
  username: z.string().min(3).max(64),
  password: z.string().min(8).max(200),
  role: z.enum(STAFF_ROLES as [string, ...string[]]),
  displayName: z.string().max(100).optional(),
});
const roleSchema = z.object({ role: z.enum(STAFF_ROLES as [string, ...string[]]) });

export function staffRoutes(app: AppContext): Router {
  const staff = () => getService<StaffService>(app, "staff");
  const r = new Router({ prefix: "/api/staff" });

  r.post("/login", async (ctx) => {
    const body = parseInput(loginSchema, ctx.request.body);
    const res = await staff().login(body.username, body.password, ctx.ip, ctx.get("User-Agent"));
    ctx.body = { token: res.token, expiresAt: res.expiresAt, user: res.user };
  });

  r.post("/logout", requireStaff(app), async (ctx) => {
    const token = bearerToken(ctx);
    if (token) await staff().logout(token);
    ctx.status = 204;
  });

  r.get("/me", requireStaff(app), async (ctx) => {
    ctx.body = { user: currentStaff(ctx) };
  });

  r.get("/users", requireStaff(app, "admin"), async (ctx) => {
    ctx.body = { users: await staff().listUsers(currentStaff(ctx).agencyId) };
  });

  r.post("/users", requireStaff(app, "admin"), async (ctx) => {
    const body = parseInput(createUserSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { user: await staff().createUser({ ...body, role: body.role as never }, currentStaff(ctx)) };
  });

  r.post("/users/:id/role", requireStaff(app, "admin"), async (ctx) => {
    const body = parseInput(roleSchema, ctx.request.body);
    ctx.body = { user: await staff().setRole(ctx.params.id, body.role as never, currentStaff(ctx)) };
  });

  r.post("/users/:id/revoke-sessions", requireStaff(app, "admin"), async (ctx) => {
    ctx.body = { revoked: await staff().revokeSessions(ctx.params.id, currentStaff(ctx)) };
  });

  return r;
}

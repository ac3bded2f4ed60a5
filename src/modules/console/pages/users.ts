// Users (admin only): create accounts, change roles, revoke a user's sessions, disable/enable an account,
// set a new password, switch off a lost second factor — through the staff service.
import type Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { DomainError } from "../../../domain/errors";
import { parseInput } from "../../../http/validate";
import type { StaffRole } from "../../../infra/entities/staff-user.entity";
import { html, options } from "../../../http/html";
import { page, ROLE_LABELS } from "../layout";
import { requireRole, setFlash, takeFlash } from "../session";
import { mayManageUsers, STAFF_ROLES } from "../../staff/policy";

const roleEnum = z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]], { message: "请选择角色" });
const createForm = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{3,64}$/, "用户名须为3–64位字母、数字或 . _ -"),
  displayName: z.string().trim().max(100).optional(),
  password: z.string().min(1, "请填写初始密码").max(200), // length and strength: the service's policy
  role: roleEnum,
});
const resetForm = z.object({ newPassword: z.string().min(1, "请填写新密码").max(200) });
const roleForm = z.object({ role: roleEnum });
const roleOptions = STAFF_ROLES.map((r) => [r, ROLE_LABELS[r]] as [string, string]);

export function userRoutes(app: AppContext, r: Router, deps: Pick<Services, "staff">): void {
  const staff = () => deps.staff;

  r.get("/users", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    const users = await staff().listUsers(me.agencyId);
    const body = html`
<section class="card">
<h2>现有用户</h2>
<div class="table-wrap"><table>
<caption class="sr-only">工作人员账号</caption>
<thead><tr><th scope="col">用户名</th><th scope="col">姓名</th><th scope="col">角色</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead>
<tbody>
${users.map(
  (u) => html`<tr>
  <td>${u.username}</td><td>${u.displayName ?? ""}</td><td>${ROLE_LABELS[u.role] ?? u.role}</td>
  <td>${u.active === false ? "已停用" : "正常"}${u.totpEnabled ? "，两步验证" : ""}</td>
  <td class="actions">
    ${
      u.id === me.id
        ? html`<span class="muted">（本人，角色须由另一位管理员修改）</span>`
        : html`<form method="post" action="/console/users/${u.id}/role" class="inline">
      <label for="role-${u.id}" class="sr-only">${u.username} 的角色</label>
      <select id="role-${u.id}" name="role">${options(roleOptions, u.role)}</select>
      <button type="submit">设置角色</button>
    </form>`
    }
    <form method="post" action="/console/users/${u.id}/revoke-sessions" class="inline">
      <button type="submit" data-confirm="确定让 ${u.username} 的所有登录失效？">注销全部会话</button>
    </form>
    ${
      u.id === me.id
        ? ""
        : html`<form method="post" action="/console/users/${u.id}/${u.active === false ? "enable" : "disable"}" class="inline">
      <button type="submit"${u.active === false ? "" : html` data-confirm="确定停用 ${u.username}？停用后其登录全部失效且不能再登录。"`}>${u.active === false ? "启用" : "停用"}</button>
    </form>
    <form method="post" action="/console/users/${u.id}/reset-password" class="inline">
      <label for="reset-${u.id}" class="sr-only">${u.username} 的新密码</label>
      <input id="reset-${u.id}" name="newPassword" type="password" required minlength="${app.config.PASSWORD_MIN_LENGTH}" autocomplete="new-password" placeholder="新密码">
      <button type="submit">重设密码</button>
    </form>
    ${
      u.totpEnabled
        ? html`<form method="post" action="/console/users/${u.id}/totp-disable" class="inline"><button type="submit" data-confirm="确定停用 ${u.username} 的两步验证？">停用两步验证</button></form>`
        : ""
    }`
    }
  </td></tr>`,
)}
</tbody></table></div>
</section>
<section class="card">
<h2>新建用户</h2>
<form method="post" action="/console/users" class="grid-form">
  <label for="nu-username">用户名</label><input id="nu-username" name="username" required pattern="[A-Za-z0-9._\\-]{3,64}" autocomplete="off">
  <label for="nu-name">姓名</label><input id="nu-name" name="displayName" maxlength="100">
  <label for="nu-password">初始密码（至少${app.config.PASSWORD_MIN_LENGTH}位，不能是常见密码）</label><input id="nu-password" name="password" type="password" minlength="${app.config.PASSWORD_MIN_LENGTH}" required autocomplete="new-password">
  <label for="nu-role">角色</label><select id="nu-role" name="role">${options(roleOptions, "clerk")}</select>
  <div class="form-actions"><button type="submit" class="primary">创建</button></div>
</form>
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "用户管理", active: "users", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/users", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    const f = parseInput(createForm, ctx.request.body);
    const u = await staff().createUser({ username: f.username, password: f.password, role: f.role, displayName: f.displayName || undefined }, me);
    setFlash(ctx, { kind: "ok", text: `已创建用户 ${u.username}` });
    ctx.redirect("/console/users");
  });

  r.post("/users/:id/role", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    const f = parseInput(roleForm, ctx.request.body);
    // An admin demoting themselves could leave the agency without any admin in the console.
    if (ctx.params.id === me.id) throw new DomainError("STAFF.CONFLICT", "不能修改自己的角色，请由另一位管理员操作");
    const u = await staff().setRole(ctx.params.id, f.role, me);
    setFlash(ctx, { kind: "ok", text: `${u.username} 的角色已设为${ROLE_LABELS[u.role]}` });
    ctx.redirect("/console/users");
  });

  r.post("/users/:id/revoke-sessions", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    // The staff service refuses users of another agency (STAFF.NOT_FOUND).
    const n = await staff().revokeSessions(ctx.params.id, me);
    setFlash(ctx, { kind: "ok", text: `已注销 ${n} 个会话` });
    ctx.redirect("/console/users");
  });

  r.post("/users/:id/disable", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    const u = await staff().setActive(ctx.params.id, false, me);
    setFlash(ctx, { kind: "ok", text: `已停用 ${u.username}，其登录已全部失效` });
    ctx.redirect("/console/users");
  });

  r.post("/users/:id/enable", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    const u = await staff().setActive(ctx.params.id, true, me);
    setFlash(ctx, { kind: "ok", text: `已启用 ${u.username}` });
    ctx.redirect("/console/users");
  });

  r.post("/users/:id/reset-password", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    const f = parseInput(resetForm, ctx.request.body);
    const n = await staff().resetPassword(ctx.params.id, f.newPassword, me);
    setFlash(ctx, { kind: "ok", text: `密码已重设，${n} 个登录已失效` });
    ctx.redirect("/console/users");
  });

  r.post("/users/:id/totp-disable", async (ctx) => {
    const me = requireRole(ctx, mayManageUsers);
    const u = await staff().disableTotp(ctx.params.id, me);
    setFlash(ctx, { kind: "ok", text: `已停用 ${u.username} 的两步验证` });
    ctx.redirect("/console/users");
  });
}

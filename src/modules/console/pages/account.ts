// "我的账号" (every role): change one's own password (other sessions end), and for admins the optional TOTP
// second factor — start, confirm with a code from the authenticator app, or switch off with a current code.
import type Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { sessionCookieToken } from "../../../http/auth";
import { parseInput } from "../../../http/validate";
import { html } from "../../../http/html";
import { page } from "../layout";
import { consoleStaff, requireRole, setFlash, takeFlash } from "../session";
import { mayUseTotp } from "../../staff/policy";

const passwordForm = z.object({
  currentPassword: z.string().min(1, "请填写当前密码").max(200),
  newPassword: z.string().min(1, "请填写新密码").max(200),
});
const codeForm = z.object({
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, "请输入6位动态验证码"),
});

export function accountRoutes(app: AppContext, r: Router, deps: Pick<Services, "staff">): void {
  const staff = () => deps.staff;

  r.get("/account", async (ctx) => {
    const me = consoleStaff(ctx);
    const admin = mayUseTotp(me);
    const body = html`
<section class="card">
<h2>修改密码</h2>
<p class="muted">至少${app.config.PASSWORD_MIN_LENGTH}位，不能是常见密码、连续字符或用户名。修改后，您在其他设备上的登录会失效。</p>
<form method="post" action="/console/account/password" class="grid-form">
  <label for="cp-current">当前密码</label><input id="cp-current" name="currentPassword" type="password" required autocomplete="current-password">
  <label for="cp-new">新密码</label><input id="cp-new" name="newPassword" type="password" required minlength="${app.config.PASSWORD_MIN_LENGTH}" autocomplete="new-password">
  <div class="form-actions"><button type="submit" class="primary">修改密码</button></div>
</form>
</section>
${
  admin
    ? html`<section class="card">
<h2>两步验证（动态验证码）</h2>
${
  me.totpEnabled
    ? html`<p>已启用：登录时须输入验证器应用显示的6位动态验证码。</p>
<form method="post" action="/console/account/totp/disable" class="grid-form">
  <label for="totp-off">当前动态验证码</label><input id="totp-off" name="code" inputmode="numeric" pattern="[0-9]{6}" required autocomplete="one-time-code">
  <div class="form-actions"><button type="submit">停用两步验证</button></div>
</form>`
    : html`<p>未启用。启用后，登录除密码外还须输入验证器应用（如 Microsoft Authenticator、Google 身份验证器）中的6位动态验证码。</p>
<form method="post" action="/console/account/totp/setup" class="inline"><button type="submit">开始设置</button></form>`
}
</section>`
    : ""
}`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "我的账号", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/account/password", async (ctx) => {
    const me = consoleStaff(ctx);
    const f = parseInput(passwordForm, ctx.request.body);
    const n = await staff().changePassword(me, f.currentPassword, f.newPassword, sessionCookieToken(ctx) ?? undefined);
    setFlash(ctx, { kind: "ok", text: `密码已修改，其他 ${n} 个登录已失效` });
    ctx.redirect("/console/account");
  });

  r.post("/account/totp/setup", async (ctx) => {
    const me = requireRole(ctx, mayUseTotp);
    const { secret, uri } = await staff().beginTotp(me);
    // Shown once, on this no-store page; the confirm form proves the app holds it before it is in force.
    const body = html`<section class="card">
<h2>在验证器应用中添加账号</h2>
<p>在验证器应用中选择“输入设置密钥”，输入下面的密钥（基于时间），或把链接粘贴到支持的应用中：</p>
<p><code id="totp-secret">${secret}</code></p>
<p class="muted"><code>${uri}</code></p>
<form method="post" action="/console/account/totp/confirm" class="grid-form">
  <label for="totp-code">应用显示的6位动态验证码</label><input id="totp-code" name="code" inputmode="numeric" pattern="[0-9]{6}" required autocomplete="one-time-code">
  <div class="form-actions"><button type="submit" class="primary">确认并启用</button></div>
</form>
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "设置两步验证", body }).value;
  });

  r.post("/account/totp/confirm", async (ctx) => {
    const me = requireRole(ctx, mayUseTotp);
    const f = parseInput(codeForm, ctx.request.body);
    await staff().confirmTotp(me, f.code);
    setFlash(ctx, { kind: "ok", text: "两步验证已启用，下次登录时须输入动态验证码" });
    ctx.redirect("/console/account");
  });

  r.post("/account/totp/disable", async (ctx) => {
    const me = requireRole(ctx, mayUseTotp);
    const f = parseInput(codeForm, ctx.request.body);
    await staff().disableTotp(me.id, me, f.code);
    setFlash(ctx, { kind: "ok", text: "两步验证已停用" });
    ctx.redirect("/console/account");
  });
}

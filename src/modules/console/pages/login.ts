// Login and logout: the console calls the staff service in-process and keeps its token in the session cookie.
import type Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { DomainError } from "../../../domain/errors";
import { sessionCookieToken } from "../../../http/auth";
import { barePage } from "../layout";
import { html } from "../../../http/html";
import { clearSessionCookie, redirectTo, setSessionCookie, takeFlash } from "../session";

const loginForm = z.object({
  agency: z.string().trim().max(40).optional(),
  username: z.string().trim().min(1).max(64),
  totp: z.string().trim().max(10).optional(),
  password: z.string().min(1).max(200),
  next: z.string().max(500).optional(),
});

function loginPage(message: string | null, next: string, username = "", agency = "") {
  return barePage(
    "登录",
    html`<section class="card narrow">
  <h1>工作人员登录</h1>
  ${message ? html`<div class="flash error" role="alert">${message}</div>` : ""}
  <form method="post" action="/console/login" class="stack">
    <input type="hidden" name="next" value="${next}">
    <label for="agency">机关代码</label>
    <input id="agency" name="agency" autocomplete="organization" required value="${agency}">
    <label for="username">用户名</label>
    <input id="username" name="username" autocomplete="username" required value="${username}" autofocus>
    <label for="password">密码</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <label for="totp">动态验证码（已启用两步验证时填写）</label>
    <input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6">
    <button type="submit" class="primary">登录</button>
  </form>
</section>`,
  );
}

export function loginRoutes(app: AppContext, r: Router, deps: Pick<Services, "staff">): void {
  const staff = () => deps.staff;

  r.get("/login", async (ctx) => {
    const flash = takeFlash(ctx);
    const next = typeof ctx.query.next === "string" ? ctx.query.next : "/console";
    ctx.type = "html";
    ctx.body = loginPage(flash?.text ?? null, next, "", app.config.DEFAULT_AGENCY_CODE).value;
  });

  r.post("/login", async (ctx) => {
    const parsed = loginForm.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      ctx.status = 400;
      ctx.type = "html";
      ctx.body = loginPage("请填写用户名和密码", "/console", "", app.config.DEFAULT_AGENCY_CODE).value;
      return;
    }
    const { username, password, next, totp } = parsed.data;
    const agency = parsed.data.agency || app.config.DEFAULT_AGENCY_CODE;
    try {
      const res = await staff().login(username, password, ctx.ip, ctx.get("User-Agent"), { agencyCode: agency, totp: totp || undefined });
      setSessionCookie(app, ctx, res.token);
      redirectTo(ctx, next);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      ctx.status = err.code === "RATE_LIMITED" ? 429 : err.code === "AUTH.INSECURE_TRANSPORT" ? 400 : 401;
      if (err.code === "RATE_LIMITED" && typeof err.details === "object" && "retryAfterSeconds" in err.details)
        ctx.set("Retry-After", String(err.details.retryAfterSeconds));
      ctx.type = "html";
      ctx.body = loginPage(err.message, next ?? "/console", username, agency).value;
    }
  });

  r.post("/logout", async (ctx) => {
    const token = sessionCookieToken(ctx);
    if (token) await staff().logout(token);
    clearSessionCookie(ctx);
    ctx.redirect("/console/login");
  });
}

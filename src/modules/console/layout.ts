// The console page shell: header with the signed-in user, navigation (only pages whose services exist),
// the flash message, and the main content. One stylesheet, one script, both same-origin (CSP 'self').
import type { Context } from "koa";
import type { AppContext } from "../../context";
import type { Policy } from "../../domain/staff-roles";
import { mayHandleApplications } from "../applications/policy";
import { mayEditContent } from "../catalogue/policy";
import { mayReadMisses } from "../conversation/policy";
import { mayManageAgencies, mayOverseeDistrict } from "../platform/policy";
import { mayDraftReport } from "../reports/policy";
import { isAgencyStaff, mayManageUsers } from "../staff/policy";
import type { StaffPrincipal } from "../staff/staff-service";
import { html, type HtmlValue, type SafeHtml } from "../../http/html";
import type { Flash } from "./session";

export const ROLE_LABELS: Record<string, string> = {
  clerk: "经办人",
  approver: "审批人",
  admin: "管理员",
  supervisor: "监督（政务公开办）",
  platform_admin: "平台管理员",
};

interface NavItem {
  href: string;
  label: string;
  key: string;
  /** Who sees the link: the rule (of the module's policy.ts) the page itself requires. */
  may: Policy;
}

const NAV: NavItem[] = [
  { href: "/console", label: "申请队列", key: "queue", may: mayHandleApplications },
  { href: "/console/consultations", label: "咨询留言", key: "consultations", may: isAgencyStaff },
  { href: "/console/misses", label: "未答问题", key: "misses", may: mayReadMisses },
  { href: "/console/statistics", label: "统计", key: "statistics", may: isAgencyStaff },
  { href: "/console/reports", label: "年度报告", key: "reports", may: mayDraftReport },
  { href: "/console/content", label: "指南与目录", key: "content", may: mayEditContent },
  { href: "/console/users", label: "用户管理", key: "users", may: mayManageUsers },
  { href: "/console/district", label: "全区监督", key: "district", may: mayOverseeDistrict },
  { href: "/console/platform/agencies", label: "机关管理", key: "agencies", may: mayManageAgencies },
];

/** Pages mounted for an app (routes.ts mounts a page only when the services it needs are registered). */
const mounted = new WeakMap<AppContext, Set<string>>();
export function markMounted(app: AppContext, key: string): void {
  if (!mounted.has(app)) mounted.set(app, new Set());
  mounted.get(app)!.add(key);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as China-local "YYYY-MM-DD HH:mm" in the agency time zone. */
export function localTime(app: AppContext, iso: string): string {
  const timeZone = app.config.APP_TIMEZONE;
  let f = timeFormats.get(timeZone);
  if (!f) {
    // Building a formatter costs far more than using one; pages call this once per row.
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    timeFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(iso));
  const v = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${v("year")}-${v("month")}-${v("day")} ${v("hour")}:${v("minute")}`;
}

export interface PageOptions {
  title: string;
  active?: string;
  body: HtmlValue;
  flash?: Flash | null;
  scripts?: string[];
}

function shell(title: string, header: HtmlValue, main: HtmlValue, scripts: string[] = []): SafeHtml {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · 政府信息公开工作台</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body>
<a class="skip" href="#main">跳到主要内容</a>
${header}
<main id="main" tabindex="-1">
${main}
</main>
${scripts.map((s) => html`<script src="${s}" defer></script>`)}
<script src="/console/assets/console.js" defer></script>
</body>
</html>`;
}

export function page(ctx: Context, opts: PageOptions): SafeHtml {
  const app = ctx.state.consoleApp as AppContext;
  const staff = ctx.state.staff as StaffPrincipal;
  const nav = NAV.filter((n) => mounted.get(app)?.has(n.key) && n.may(staff));
  const header = html`<header class="top">
  <div class="brand">政府信息公开工作台</div>
  <nav aria-label="主导航"><ul>
    ${nav.map((n) => html`<li><a href="${n.href}"${n.key === opts.active ? html` aria-current="page"` : ""}>${n.label}</a></li>`)}
  </ul></nav>
  <div class="who">
    <span>${staff.displayName ?? staff.username}（${ROLE_LABELS[staff.role] ?? staff.role}）</span>
    <a href="/console/account">我的账号</a>
    <form method="post" action="/console/logout" class="inline"><button type="submit" class="link">退出登录</button></form>
  </div>
</header>`;
  const main = html`<h1>${opts.title}</h1>
${opts.flash ? html`<div class="flash ${opts.flash.kind}" role="${opts.flash.kind === "error" ? "alert" : "status"}">${opts.flash.text}</div>` : ""}
${opts.body}`;
  return shell(opts.title, header, main, opts.scripts);
}

/** A page without navigation (login). */
export function barePage(title: string, body: HtmlValue): SafeHtml {
  return shell(title, html`<header class="top"><div class="brand">政府信息公开工作台</div></header>`, body);
}

export function errorPage(ctx: Context, status: number, message: string): SafeHtml {
  const body = html`<p class="error-text">${message}</p><p><a href="/console">返回工作台</a></p>`;
  const title = status === 404 ? "未找到" : status === 403 ? "无权访问" : status >= 500 ? "出错了" : "请求有误";
  return ctx.state.staff && ctx.state.consoleApp ? page(ctx, { title, body }) : barePage(title, html`<h1>${title}</h1>${body}`);
}

// The public portal's page shell (政府信息公开 of one agency): header with the agency's name, the navigation,
// the main content and a footer; built with the one HTML templating (http/html.ts), so every value is
// escaped the same way. No script unless a page asks for one (only /chat does); one same-origin stylesheet.
// The agency is a parameter of every page: links carry ?agency=<code> when it is not the default agency. On a
// platform of several agencies a page without ?agency= is the platform's (no agency chosen yet: the home lists
// the agencies, /apply asks which one, /catalogue searches them all), and a chosen agency, the default one
// included, keeps ?agency= in every link, so the choice survives navigation.
import type { Context } from "koa";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { agencyByCode } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import { html, type HtmlValue, type SafeHtml } from "../../http/html";

/** The agency a page is about, and whether it is the default one (then links stay short). */
export interface PortalAgency {
  id: string;
  code: string;
  name: string;
  profile: Agency["profile"];
  /** Links stay short (no ?agency=): the default agency of a one-agency platform, or the platform's own pages. */
  isDefault: boolean;
  /** Several agencies on the platform (then the citizen chooses one; with one, every page is as it always was). */
  multi?: boolean;
  /** A page of the platform with no agency chosen (several agencies, no ?agency=): the agency fields are the default's. */
  platform?: boolean;
}

const AGENCY_CODE = /^[a-z0-9-]{1,40}$/;

/**
 * The agency of this request: ?agency=<code> (or the form's hidden field), else the default agency. With several
 * agencies and none given, the answer is the platform's (`platform: true`) unless the page needs one agency
 * (`needsOne`: guide, reports, an entry), which then is the default agency, named in its links.
 */
export async function agencyFor(app: AppContext, ctx: Context, fromForm?: unknown, opts: { needsOne?: boolean } = {}): Promise<PortalAgency> {
  const raw = typeof fromForm === "string" ? fromForm : ctx.query.agency;
  const code = typeof raw === "string" && AGENCY_CODE.test(raw) ? raw : undefined;
  const a = await agencyByCode(app, code).catch((e: unknown) => {
    if (e instanceof DomainError && code) throw new DomainError("AGENCY.NOT_FOUND", "没有找到该机关，请从首页进入");
    throw e;
  });
  // One COUNT(*) on a table of dozens of rows: an agency added by the CLI or the console shows at once.
  const multi = (await app.db.getRepository(Agency).count()) > 1;
  const chosen = code !== undefined || !!opts.needsOne;
  const isDefault = a.code === app.config.DEFAULT_AGENCY_CODE && !(multi && chosen);
  return { id: a.id, code: a.code, name: a.name, profile: a.profile, isDefault, multi, platform: multi && !chosen };
}

/** The platform's name in the header of its own pages: the default agency's region ("张店区政府信息公开平台"). */
export function platformName(agency: Pick<PortalAgency, "profile">): string {
  const region = (agency.profile?.region ?? "").replace(/^.*[省市](?=.)/, "");
  return `${region}政府信息公开平台`;
}

/** A portal path for this agency, with optional query parameters (empty values left out). */
export function link(agency: Pick<PortalAgency, "code" | "isDefault">, path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const [base, hash] = path.split("#");
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  if (!agency.isDefault) q.set("agency", agency.code);
  const s = q.toString();
  return `${base}${s ? `${base.includes("?") ? "&" : "?"}${s}` : ""}${hash !== undefined ? `#${hash}` : ""}`;
}

interface NavItem {
  key: string;
  path: string;
  label: string;
}

export const NAV: NavItem[] = [
  { key: "home", path: "/", label: "首页" },
  { key: "guide", path: "/guide", label: "公开指南" },
  { key: "catalogue", path: "/catalogue", label: "公开目录" },
  { key: "reports", path: "/reports", label: "年度报告" },
  { key: "apply", path: "/apply", label: "申请公开" },
  { key: "status", path: "/status", label: "查询进度" },
  { key: "chat", path: "/chat", label: "在线咨询" },
];

export interface PortalPageOptions {
  title: string;
  active?: string;
  body: HtmlValue;
  /** Same-origin scripts (CSP script-src 'self'); none by default. */
  scripts?: string[];
  /** Extra class on <body> (the chat page fills the screen). */
  bodyClass?: string;
}

export function portalPage(agency: PortalAgency, opts: PortalPageOptions): string {
  // The platform's pages have no guide or report of their own: each agency's are reached from the home's list.
  const items = agency.platform ? NAV.filter((n) => n.key !== "guide" && n.key !== "reports") : NAV;
  const siteName = agency.platform ? platformName(agency) : agency.name;
  const nav = html`<nav aria-label="主导航" class="site-nav"><ul>
${items.map((n) => html`<li><a href="${link(agency, n.path)}"${n.key === opts.active ? html` aria-current="page"` : ""}>${n.label}</a></li>`)}
</ul></nav>`;
  const page: SafeHtml = html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} - ${siteName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/portal.css">
</head>
<body${opts.bodyClass ? html` class="${opts.bodyClass}"` : ""}>
<a class="skip" href="#main">跳到正文</a>
<header class="site">
<div class="site-inner">
<p class="site-name"><a href="${link(agency, "/")}">${siteName}</a>${agency.platform ? "" : html`<span class="site-sub">政府信息公开</span>`}</p>
${agency.multi && !agency.platform ? html`<p class="site-switch"><a href="/">全部机关</a></p>` : ""}${nav}
</div>
</header>
<main id="main" tabindex="-1">
${opts.body}
</main>
<footer class="site"><p class="meta">依据《中华人民共和国政府信息公开条例》编制。${agency.platform ? html`<a href="/">各机关的政府信息公开指南</a>` : html`<a href="${link(agency, "/guide")}">政府信息公开指南</a>`}</p></footer>
${(opts.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</body>
</html>`;
  return page.value;
}

/** A page that says what went wrong in Chinese (404, 429, 503…), with the way back. */
export function portalErrorPage(agency: PortalAgency | null, title: string, message: string): string {
  const body = html`<h1>${title}</h1><p role="alert">${message}</p><p><a href="${agency ? link(agency, "/") : "/"}">返回首页</a></p>`;
  return portalPage(agency ?? { id: "", code: "", name: "政府信息公开", profile: null, isDefault: true }, { title, body });
}

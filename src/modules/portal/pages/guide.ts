// The published disclosure guide (/guide) and the catalogue's search, result list and entry pages (/catalogue,
// /catalogue/item), moved here from the catalogue module so that every public page shares the portal's shell
// and the one HTML templating (http/html.ts). Semantic HTML, no JavaScript, one column on a phone.
import type { EntryView } from "../../catalogue/catalogue-service";
import { CONTACT_LABELS, contactLines, TO_BE_FILLED, type PublishedGuide } from "../../catalogue/guide-service";
import { isSafeLink } from "../../catalogue/entry-schema";
import type { SearchResult } from "../../catalogue/search-service";
import { html, options, raw, type SafeHtml } from "../../../http/html";
import { link, portalPage, type PortalAgency } from "../layout";

/** Paragraphs separated by blank lines; lines starting with "- " become a list. */
export function renderBody(body: string): SafeHtml {
  return html`${body.split(/\n\s*\n/).map((block) => {
    const lines = block
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const out: SafeHtml[] = [];
    let list: string[] = [];
    let para: string[] = [];
    const flushPara = () => {
      if (para.length) out.push(html`<p>${para.map((p, i) => html`${i ? raw("<br>") : ""}${p}`)}</p>`);
      para = [];
    };
    const flushList = () => {
      if (list.length) out.push(html`<ul>${list.map((l) => html`<li>${l}</li>`)}</ul>`);
      list = [];
    };
    for (const l of lines) {
      if (l.startsWith("- ")) {
        flushPara();
        list.push(l.slice(2));
      } else {
        flushList();
        para.push(l);
      }
    }
    flushPara();
    flushList();
    return html`${out}\n`;
  })}`;
}

export function contactList(contact: PublishedGuide["contact"]): SafeHtml {
  return html`<dl>${CONTACT_LABELS.map(([k, label]) => {
    const v = contact[k];
    return html`<dt>${label}</dt><dd>${v ? v : html`<em class="todo">${TO_BE_FILLED}</em>`}</dd>`;
  })}</dl>`;
}

export function guidePage(agency: PortalAgency, g: PublishedGuide): string {
  const contact = contactList(g.contact);
  const block = contactLines(g.contact);
  const sections = g.sections.map((s) => {
    const at = s.body.indexOf(block);
    const body = at >= 0 ? html`${renderBody(s.body.slice(0, at))}${contact}${renderBody(s.body.slice(at + block.length))}` : renderBody(s.body);
    return html`<section id="${s.key}" aria-labelledby="h-${s.key}"><h2 id="h-${s.key}">${s.title}</h2>${body}</section>\n`;
  });
  const body = html`<h1>${g.title}</h1>
<p class="meta">更新日期：<time datetime="${g.lastUpdated}">${g.lastUpdated}</time>（第${g.version}版）</p>
<nav aria-label="指南目录"><h2>目录</h2><ol>${g.sections.map((s) => html`<li><a href="#${s.key}">${s.title}</a></li>`)}</ol></nav>
${sections}`;
  return portalPage(agency, { title: g.title, active: "guide", body });
}

export function noGuidePage(agency: PortalAgency): string {
  return portalPage(agency, { title: "政府信息公开指南", active: "guide", body: html`<h1>政府信息公开指南</h1><p>本机关尚未发布政府信息公开指南。</p>` });
}

export interface CataloguePageInput {
  q: string;
  category: string;
  year: string;
  categories: string[];
  years: number[];
  result: SearchResult;
  /** Searching every agency (a platform of several, none chosen): each hit's agency by id, named on the hit. */
  owners?: Map<string, { code: string; name: string }>;
  error?: string;
}

/** The search form (also on the home page). */
export function searchForm(
  agency: PortalAgency,
  p: { q: string; category?: string; year?: string; categories?: string[]; years?: number[] },
  idPrefix = "",
): SafeHtml {
  return html`<form method="get" action="/catalogue" role="search">
${agency.isDefault ? "" : html`<input type="hidden" name="agency" value="${agency.code}">`}<label for="${idPrefix}q">关键词或文号<input type="search" id="${idPrefix}q" name="q" value="${p.q}" maxlength="200" placeholder="例如：年度报告、张政办发〔2019〕12号"></label>
${p.categories ? html`<label for="${idPrefix}category">分类<select id="${idPrefix}category" name="category">${options([["", "全部分类"], ...p.categories.map((c): [string, string] => [c, c])], p.category ?? "")}</select></label>\n` : ""}${
    p.years
      ? html`<label for="${idPrefix}year">年份<select id="${idPrefix}year" name="year">${options([["", "全部年份"], ...p.years.map((y): [string, string] => [String(y), `${y}年`])], p.year ?? "")}</select></label>\n`
      : ""
  }<button type="submit">搜索</button>
</form>`;
}

export function cataloguePage(agency: PortalAgency, p: CataloguePageInput): string {
  const r = p.result;
  const guide = r.guideSections.length
    ? html`<section aria-labelledby="h-guide"><h2 id="h-guide">公开指南中的相关内容</h2><ul>${r.guideSections.map(
        (s) => html`<li><a href="${link(agency, `/guide#${s.key}`)}">${s.title}</a><br><span class="meta">${s.snippet}</span></li>`,
      )}</ul></section>`
    : "";
  // The highlight is built by the search service from escaped text with <mark> around the matched words.
  const items = r.items.map((i) => {
    const owner = p.owners?.get(i.agencyId ?? "");
    // A hit of another agency opens in that agency's pages; an entry's own external link stays as it is.
    const href = owner && i.url.startsWith("/") ? link({ code: owner.code, isDefault: false }, i.url) : link(agency, i.url);
    return html`<li><a href="${href}">${raw(i.highlight)}</a>
<div class="meta">${owner ? html`<span class="owner">${owner.name}</span><br>` : ""}索引号：${i.indexNo}${i.docNo ? html`　文号：${i.docNo}` : ""}<br>发布机构：${i.publisher}　生成日期：${i.writtenDate ?? "—"}<br>分类：${i.category}${i.validity !== "有效" ? html`　有效性：${i.validity}` : ""}</div>
${i.summary ? html`<p>${i.summary}</p>` : ""}</li>\n`;
  });
  // An estimated total is larger than what is served (the ranked candidates): no links past those.
  const pages = Math.max(1, Math.ceil(Math.min(r.total, r.browsable) / r.pageSize));
  const pageLink = (n: number) => link(agency, "/catalogue", { q: p.q, category: p.category, year: p.year, page: n });
  const pager =
    pages > 1
      ? html`<nav aria-label="分页" class="pager">${r.page > 1 ? html`<a href="${pageLink(r.page - 1)}" rel="prev">上一页</a>` : ""}<span>第${r.page}页，共${pages}页</span>${
          r.page < pages ? html`<a href="${pageLink(r.page + 1)}" rel="next">下一页</a>` : ""
        }</nav>`
      : "";
  const count = r.totalEstimated ? `约${r.total}条` : `共${r.total}条`;
  const heading = p.q ? `“${p.q}”的搜索结果：${count}` : `全部目录：${count}`;
  const body = html`<h1>政府信息公开目录</h1>
${p.owners ? html`<p class="meta">搜索本平台全部机关的公开目录；每条信息注明所属机关。只看一个机关：请从<a href="/">首页</a>选择机关。</p>` : ""}
${searchForm(agency, p)}
${p.error ? html`<p role="alert">${p.error}</p>` : ""}
${guide}
<section aria-labelledby="h-results"><h2 id="h-results" aria-live="polite">${heading}</h2>
${r.items.length ? html`<ol class="results" start="${(r.page - 1) * r.pageSize + 1}">${items}</ol>` : html`<p>没有找到相关信息。可以换个关键词，或查看<a href="${link(agency, "/guide#application")}">如何申请政府信息公开</a>，也可以<a href="${link(agency, "/apply")}">在线申请公开</a>。</p>`}
${pager}</section>`;
  return portalPage(agency, { title: "政府信息公开目录", active: "catalogue", body });
}

const DETAIL: Array<[keyof EntryView, string]> = [
  ["indexNo", "索引号"],
  ["title", "信息名称"],
  ["publisher", "发布机构"],
  ["writtenDate", "生成日期"],
  ["publishedDate", "发布日期"],
  ["docNo", "文号"],
  ["subjectCategory", "主题分类"],
  ["agencyCategory", "组配分类"],
  ["disclosureMode", "公开方式"],
  ["disclosureTimeLimit", "公开时限"],
  ["disclosureScope", "公开范围"],
  ["validity", "有效性"],
  ["keywords", "关键词"],
  ["summary", "内容概述"],
];

export function entryPage(agency: PortalAgency, v: EntryView): string {
  const rows = DETAIL.filter(([k]) => v[k]).map(([k, label]) => html`<dt>${label}</dt><dd>${String(v[k])}</dd>`);
  const body = html`<h1>${v.title}</h1><dl>${rows}</dl>${v.url && isSafeLink(v.url) ? html`<p><a href="${v.url}">查看原文</a></p>` : ""}${
    v.body ? html`<h2>正文</h2>${renderBody(v.body)}` : ""
  }<p><a href="${link(agency, "/catalogue")}">返回目录</a></p>`;
  return portalPage(agency, { title: v.title, active: "catalogue", body });
}

/** Too many searches, or a search the database gave up on: what happened and when to try again. */
export function busyPage(agency: PortalAgency, text: string): string {
  return portalPage(agency, {
    title: "请稍后再试",
    active: "catalogue",
    body: html`<h1>请稍后再试</h1><p role="alert">${text}</p><p><a href="${link(agency, "/catalogue")}">返回目录</a>　<a href="${link(agency, "/guide")}">政府信息公开指南</a></p>`,
  });
}

export function entryNotFoundPage(agency: PortalAgency): string {
  return portalPage(agency, {
    title: "未找到",
    active: "catalogue",
    body: html`<h1>未找到该条目</h1><p>该条目不存在或已撤回。<a href="${link(agency, "/catalogue")}">返回目录</a></p>`,
  });
}

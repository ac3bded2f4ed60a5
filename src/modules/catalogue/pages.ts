// Public HTML pages (/guide, /catalogue, /catalogue/item): semantic, lang="zh-CN", no JavaScript, sized in
// rem so browser font settings and zoom apply, one column on a phone.
import type { PublishedGuide } from "./guide-service";
import { CONTACT_LABELS, contactLines, TO_BE_FILLED } from "./guide-service";
import type { EntryView } from "./catalogue-service";
import type { SearchResult } from "./search-service";
import { isSafeLink } from "./entry-schema";
import { escapeHtml as e } from "../../http/html";

const STYLE = `
*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:1.125rem;line-height:1.75;color:#1a1a1a;background:#fff}
a{color:#0b4f9c}a:focus,button:focus,input:focus,select:focus{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-999rem}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}
header{border-bottom:2px solid #b3261e}
header p{margin:.25rem 0}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem}
h1{font-size:1.6rem;line-height:1.35;margin:.5rem 0}h2{font-size:1.3rem;margin-top:2rem;border-left:.3rem solid #b3261e;padding-left:.5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.todo{color:#8a4b00;font-style:normal;background:#fff4e0;padding:0 .25rem}
form{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;margin:1rem 0}
label{display:flex;flex-direction:column;font-weight:600}
input,select,button{font:inherit;padding:.45rem .6rem;min-height:2.75rem;border:1px solid #666;border-radius:.25rem}
input[type=search]{min-width:min(20rem,80vw)}
button{background:#b3261e;color:#fff;border-color:#b3261e;cursor:pointer}
ol.results{padding-left:1.5rem}ol.results li{margin-bottom:1.25rem}
.meta{color:#444;font-size:1rem}
mark{background:#ffe38a;color:inherit}
.pager{display:flex;gap:1rem;flex-wrap:wrap}
@media (max-width:30rem){dl{grid-template-columns:1fr}dt{margin-top:.5rem}}
`;

function page(title: string, main: string, agencyName: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} - ${e(agencyName)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
<header>
<p>${e(agencyName)}</p>
<nav aria-label="主导航"><ul><li><a href="/guide">政府信息公开指南</a></li><li><a href="/catalogue">政府信息公开目录</a></li></ul></nav>
</header>
<main id="main">
${main}
</main>
<footer><p class="meta">依据《中华人民共和国政府信息公开条例》编制。</p></footer>
</body>
</html>`;
}

/** Paragraphs separated by blank lines; lines starting with "- " become a list. */
function renderBody(body: string): string {
  return body
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split("\n").map((l) => l.trim()).filter(Boolean);
      let out = "";
      let list: string[] = [];
      let para: string[] = [];
      const flushPara = () => {
        if (para.length) out += `<p>${para.map(e).join("<br>")}</p>`;
        para = [];
      };
      const flushList = () => {
        if (list.length) out += `<ul>${list.map((l) => `<li>${e(l)}</li>`).join("")}</ul>`;
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
      return out;
    })
    .join("\n");
}

export function guidePage(g: PublishedGuide, agencyName: string): string {
  const toc = g.sections.map((s) => `<li><a href="#${e(s.key)}">${e(s.title)}</a></li>`).join("");
  const contact = `<dl>${CONTACT_LABELS.map(([k, label]) => {
    const v = g.contact[k];
    return `<dt>${e(label)}</dt><dd>${v ? e(v) : `<em class="todo">${TO_BE_FILLED}</em>`}</dd>`;
  }).join("")}</dl>`;
  const block = contactLines(g.contact);
  const sections = g.sections
    .map((s) => {
      const at = s.body.indexOf(block);
      const body = at >= 0 ? renderBody(s.body.slice(0, at)) + contact + renderBody(s.body.slice(at + block.length)) : renderBody(s.body);
      return `<section id="${e(s.key)}" aria-labelledby="h-${e(s.key)}"><h2 id="h-${e(s.key)}">${e(s.title)}</h2>${body}</section>`;
    })
    .join("\n");
  return page(
    g.title,
    `<h1>${e(g.title)}</h1>
<p class="meta">更新日期：<time datetime="${e(g.lastUpdated)}">${e(g.lastUpdated)}</time>（第${g.version}版）</p>
<nav aria-label="指南目录"><h2>目录</h2><ol>${toc}</ol></nav>
${sections}`,
    agencyName,
  );
}

export function noGuidePage(agencyName: string): string {
  return page("政府信息公开指南", `<h1>政府信息公开指南</h1><p>本机关尚未发布政府信息公开指南。</p>`, agencyName);
}

export interface CataloguePageInput {
  q: string;
  category: string;
  year: string;
  categories: string[];
  years: number[];
  result: SearchResult;
  error?: string;
}

export function cataloguePage(p: CataloguePageInput, agencyName: string): string {
  const r = p.result;
  const opt = (v: string, label: string, sel: string) => `<option value="${e(v)}"${v === sel ? " selected" : ""}>${e(label)}</option>`;
  const form = `<form method="get" action="/catalogue" role="search">
<label for="q">关键词或文号<input type="search" id="q" name="q" value="${e(p.q)}" placeholder="例如：年度报告、张政办发〔2019〕12号"></label>
<label for="category">分类<select id="category" name="category">${opt("", "全部分类", p.category)}${p.categories.map((c) => opt(c, c, p.category)).join("")}</select></label>
<label for="year">年份<select id="year" name="year">${opt("", "全部年份", p.year)}${p.years.map((y) => opt(String(y), `${y}年`, p.year)).join("")}</select></label>
<button type="submit">搜索</button>
</form>`;
  const guide = r.guideSections.length
    ? `<section aria-labelledby="h-guide"><h2 id="h-guide">公开指南中的相关内容</h2><ul>${r.guideSections
        .map((s) => `<li><a href="/guide#${e(s.key)}">${e(s.title)}</a><br><span class="meta">${e(s.snippet)}</span></li>`)
        .join("")}</ul></section>`
    : "";
  const items = r.items
    .map(
      (i) => `<li><a href="${e(i.url)}">${i.highlight}</a>
<div class="meta">索引号：${e(i.indexNo)}${i.docNo ? `　文号：${e(i.docNo)}` : ""}<br>发布机构：${e(i.publisher)}　生成日期：${e(i.writtenDate ?? "—")}<br>分类：${e(i.category)}${i.validity !== "有效" ? `　有效性：${e(i.validity)}` : ""}</div>
${i.summary ? `<p>${e(i.summary)}</p>` : ""}</li>`,
    )
    .join("\n");
  // An estimated total is larger than what is served (the ranked candidates): no links past those.
  const pages = Math.max(1, Math.ceil(Math.min(r.total, r.browsable) / r.pageSize));
  const link = (n: number) => {
    const qs = new URLSearchParams();
    if (p.q) qs.set("q", p.q);
    if (p.category) qs.set("category", p.category);
    if (p.year) qs.set("year", p.year);
    qs.set("page", String(n));
    return `/catalogue?${qs.toString()}`;
  };
  const pager =
    pages > 1
      ? `<nav aria-label="分页" class="pager">${r.page > 1 ? `<a href="${e(link(r.page - 1))}" rel="prev">上一页</a>` : ""}<span>第${r.page}页，共${pages}页</span>${r.page < pages ? `<a href="${e(link(r.page + 1))}" rel="next">下一页</a>` : ""}</nav>`
      : "";
  const count = r.totalEstimated ? `约${r.total}条` : `共${r.total}条`;
  const heading = p.q ? `“${e(p.q)}”的搜索结果：${count}` : `全部目录：${count}`;
  return page(
    "政府信息公开目录",
    `<h1>政府信息公开目录</h1>
${form}
${p.error ? `<p role="alert">${e(p.error)}</p>` : ""}
${guide}
<section aria-labelledby="h-results"><h2 id="h-results" aria-live="polite">${heading}</h2>
${r.items.length ? `<ol class="results" start="${(r.page - 1) * r.pageSize + 1}">${items}</ol>` : `<p>没有找到相关信息。可以换个关键词，或查看<a href="/guide#application">如何申请政府信息公开</a>。</p>`}
${pager}</section>`,
    agencyName,
  );
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

export function entryPage(v: EntryView, agencyName: string): string {
  const rows = DETAIL.filter(([k]) => v[k]).map(([k, label]) => `<dt>${label}</dt><dd>${e(String(v[k]))}</dd>`).join("");
  const link = v.url && isSafeLink(v.url) ? `<p><a href="${e(v.url)}">查看原文</a></p>` : "";
  const body = v.body ? `<h2>正文</h2>${renderBody(v.body)}` : "";
  return page(v.title, `<h1>${e(v.title)}</h1><dl>${rows}</dl>${link}${body}<p><a href="/catalogue">返回目录</a></p>`, agencyName);
}

/** Too many searches, or a search the database gave up on: what happened and when to try again. */
export function busyPage(agencyName: string, text: string): string {
  return page("请稍后再试", `<h1>请稍后再试</h1><p role="alert">${e(text)}</p><p><a href="/catalogue">返回目录</a>　<a href="/guide">政府信息公开指南</a></p>`, agencyName);
}

export function notFoundPage(agencyName: string): string {
  return page("未找到", `<h1>未找到该条目</h1><p>该条目不存在或已撤回。<a href="/catalogue">返回目录</a></p>`, agencyName);
}

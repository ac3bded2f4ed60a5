// Choosing the agency on a platform of several (issue 17): the platform's home (/) with its agencies and the
// "找哪个机关？" box, the first step of /apply when no agency is chosen yet, and the 受理机关 line of the form.
// The search is the directory's (by name, typo, homophone or by what an agency handles); its one suggestion is
// shown first for the citizen to confirm, the full list below it. Only shown when more than one agency exists.
import { html, type SafeHtml } from "../../../http/html";
import type { DirectoryEntry } from "../../directory/agency-directory";
import { link, platformName, portalPage, type PortalAgency } from "../layout";
import { searchForm } from "./guide";

/** What the directory answered for the citizen's words (or nothing yet). */
export interface AgencyFinder {
  q: string;
  suggested: DirectoryEntry | null;
  hits: Array<{ agency: DirectoryEntry; by: "name" | "duties" }>;
  all: DirectoryEntry[];
  /** A refused query (too long): said next to the box, nothing searched. */
  error?: string;
}

/** Where choosing an agency leads: its home (/?agency=) or its application form (/apply?agency=). */
export interface ChoiceTarget {
  href: (code: string) => string;
  verb: (name: string) => string;
}

const HOME_TARGET: ChoiceTarget = { href: (code) => link({ code, isDefault: false }, "/"), verb: (name) => `进入${name}` };
const APPLY_TARGET: ChoiceTarget = { href: (code) => link({ code, isDefault: false }, "/apply"), verb: (name) => `向${name}申请` };

function agencyItem(a: DirectoryEntry, t: ChoiceTarget, note?: string, sub: SafeHtml | "" = ""): SafeHtml {
  return html`<li><a href="${t.href(a.code)}">${a.name}</a>${note ? html` <span class="tag">${note}</span>` : ""}${
    a.duties?.summary ? html`<br><span class="meta">${a.duties.summary}</span>` : ""
  }${sub}</li>`;
}

function finderBlock(f: AgencyFinder, action: string, t: ChoiceTarget, label: string, hint: string): SafeHtml {
  const s = f.suggested;
  const suggestion = s
    ? html`<section class="card suggestion" role="status" aria-labelledby="h-suggested" id="agency-suggestion"><h2 id="h-suggested">您要找的是：${s.name}吗？</h2>
${s.duties?.summary ? html`<p>${s.duties.summary}</p>` : ""}<p class="meta">联系方式：${s.contact}</p>
<p><a class="button" id="confirm-agency" href="${t.href(s.code)}">是，${t.verb(s.name)}</a></p></section>`
    : "";
  const others = f.hits.filter((h) => h.agency.code !== s?.code);
  const results =
    f.q && !f.error
      ? s
        ? others.length
          ? html`<h2>其他可能的机关</h2><ul class="agency-list">${others.map((h) => agencyItem(h.agency, t, h.by === "name" ? "名称相近" : "职责相关"))}</ul>`
          : ""
        : f.hits.length
          ? html`<p role="status">不能确定是哪个机关，请从下面选择：</p><ul class="agency-list">${f.hits.map((h) => agencyItem(h.agency, t, h.by === "name" ? "名称相近" : "职责相关"))}</ul>`
          : html`<p role="status">没有找到与“${f.q}”相关的机关。请换个说法（如机关名称，或“某某的事找谁”），或从下面的列表中选择。</p>`
      : "";
  return html`<form method="get" action="${action}" role="search" class="card agency-search">
<label for="agency-q">${label}</label><span class="hint" id="agency-q-hint">${hint}</span>
${f.error ? html`<span class="field-error" id="agency-q-error">${f.error}</span>` : ""}<input type="search" id="agency-q" name="q" value="${f.q}" maxlength="100" aria-describedby="agency-q-hint${f.error ? " agency-q-error" : ""}"${f.error ? html` aria-invalid="true"` : ""}>
<button type="submit">查找</button>
</form>
${suggestion}${results}`;
}

/** The agencies as a tree when they have parents (district government → its departments), else one flat list. */
export function agencyTree(all: DirectoryEntry[], t: ChoiceTarget): SafeHtml {
  const ids = new Set(all.map((a) => a.id));
  const children = new Map<string, DirectoryEntry[]>();
  for (const a of all) if (a.parentId && ids.has(a.parentId) && a.parentId !== a.id) children.set(a.parentId, [...(children.get(a.parentId) ?? []), a]);
  const roots = all.filter((a) => !a.parentId || !ids.has(a.parentId) || a.parentId === a.id);
  // Depth bounded and each agency drawn once, whatever a broken parent chain says.
  const drawn = new Set<string>();
  const item = (a: DirectoryEntry, depth: number): SafeHtml => {
    drawn.add(a.id);
    const kids = depth < 5 ? (children.get(a.id) ?? []).filter((k) => !drawn.has(k.id)) : [];
    const sub = kids.length ? html`<ul class="agency-list">${kids.map((k) => item(k, depth + 1))}</ul>` : "";
    return html`${agencyItem(a, t, undefined, sub)}`;
  };
  const top = roots.map((r) => item(r, 0));
  const rest = all.filter((a) => !drawn.has(a.id)).map((a) => agencyItem(a, t));
  return html`<ul class="agency-list" id="agency-list">${top}${rest}</ul>`;
}

function fullList(f: AgencyFinder, t: ChoiceTarget): SafeHtml {
  return html`<section aria-labelledby="h-all-agencies"><h2 id="h-all-agencies">本平台的机关（${f.all.length}个）</h2>
${agencyTree(f.all, t)}</section>`;
}

/** The platform's home: find the agency, then the ways in that need no agency (status, catalogue, chat). */
export function platformHomePage(agency: PortalAgency, f: AgencyFinder): string {
  const body = html`<h1>${platformName(agency)}</h1>
<p>本平台汇集各机关的政府信息公开：每个机关有自己的公开指南、公开目录和年度报告，依申请公开由负责该信息的机关受理。</p>
${finderBlock(f, "/", HOME_TARGET, "找哪个机关？", "输入机关名称，或说说要办的事，如“学校的事找谁”")}
${fullList(f, HOME_TARGET)}
<div class="cards">
<section class="card" aria-labelledby="h-apply"><h2 id="h-apply"><a href="/apply">申请政府信息公开</a></h2><p>先说明要申请的信息，我们帮您找到受理机关。</p></section>
<section class="card" aria-labelledby="h-status"><h2 id="h-status"><a href="/status">查询办理进度</a></h2><p>任何机关的申请编号都可以在这里查询。</p></section>
<section class="card" aria-labelledby="h-catalogue"><h2 id="h-catalogue"><a href="/catalogue">政府信息公开目录</a></h2><p class="meta">搜索全部机关的公开目录。</p>
${searchForm(agency, { q: "" }, "home-")}</section>
</div>`;
  return portalPage(agency, { title: "首页", active: "home", body });
}

/** /apply with no agency chosen: describe the matter, confirm the suggestion or pick from the list. */
export function applyChoicePage(agency: PortalAgency, f: AgencyFinder): string {
  const body = html`<h1>申请政府信息公开</h1>
<p>本平台有多个机关，申请由负责该信息的机关受理。请先简要说明您要申请的信息（或直接输入机关名称），再确认受理机关。</p>
${finderBlock(f, "/apply", APPLY_TARGET, "您要申请哪方面的信息？", "例如：“小学招生的划片范围”“学校的事找谁”“区融媒体中心”")}
${fullList(f, APPLY_TARGET)}`;
  return portalPage(agency, { title: "申请政府信息公开：选择受理机关", active: "apply", body });
}

/** The form's 受理机关 line on a platform of several agencies, with the way back to the choice. */
export function receivingAgencyLine(agency: PortalAgency): SafeHtml | "" {
  return agency.multi ? html`<p class="chosen-agency" id="receiving-agency">受理机关：<strong>${agency.name}</strong>　<a href="/apply">更换</a></p>` : "";
}

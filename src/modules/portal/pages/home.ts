// The portal's front page (/): who the agency is (its profile), and the ways in — guide, catalogue search,
// annual reports, the online application, the status lookup and the chat.
import { html } from "../../../http/html";
import type { PublishedGuide } from "../../catalogue/guide-service";
import { link, portalPage, type PortalAgency } from "../layout";
import { contactList, searchForm } from "./guide";
import type { PublishedYear } from "./reports";

/** How the profile's channel kinds read (two channels may share a name: 今日张店 on WeChat and on Weibo). */
const CHANNEL_KINDS: Record<string, string> = {
  website: "网站",
  wechat: "微信公众号",
  weibo: "微博",
  app: "手机客户端",
  tv: "电视",
  print: "内部刊物",
  mobile: "手机报",
};

export function homePage(agency: PortalAgency, p: { guide: PublishedGuide | null; years: PublishedYear[] }): string {
  const profile = agency.profile;
  const facts: Array<[string, string | undefined]> = [
    ["全称", profile?.fullName],
    ["所在地区", profile?.region],
    ["成立时间", profile?.established],
  ];
  const channels = profile?.channels ?? [];
  const body = html`<h1>${agency.name}政府信息公开</h1>
<section class="card" aria-labelledby="h-profile"><h2 id="h-profile">机关概况</h2>
<dl>${facts.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
${typeof profile?.note === "string" ? html`<p>${profile.note}</p>` : ""}
${channels.length ? html`<p>主动公开渠道：${channels.map((c, i) => html`${i ? "、" : ""}${c.name}${CHANNEL_KINDS[c.kind] ? `（${CHANNEL_KINDS[c.kind]}）` : ""}`)}</p>` : ""}
</section>
<div class="cards">
<section class="card" aria-labelledby="h-guide"><h2 id="h-guide"><a href="${link(agency, "/guide")}">政府信息公开指南</a></h2>
<p>公开的范围、方式和程序，依申请公开怎么提、多久答复、是否收费、如何救济。</p>
${p.guide ? html`<p class="meta">第${p.guide.version}版，更新于${p.guide.lastUpdated}</p>` : html`<p class="meta">尚未发布。</p>`}</section>
<section class="card" aria-labelledby="h-apply"><h2 id="h-apply"><a href="${link(agency, "/apply")}">申请政府信息公开</a></h2>
<p>在线填写申请，提交后得到申请编号和查询码。</p>
<p><a class="button" href="${link(agency, "/apply")}">在线申请</a></p></section>
<section class="card" aria-labelledby="h-status"><h2 id="h-status"><a href="${link(agency, "/status")}">查询办理进度</a></h2>
<p>凭申请编号和查询码查看办理状态和答复期限。</p></section>
<section class="card" aria-labelledby="h-chat"><h2 id="h-chat"><a href="${link(agency, "/chat")}">在线咨询</a></h2>
<p>像在微信里一样提问：怎么申请、多久答复、年度报告里的数字，也可以在对话中一步一步提交申请。</p></section>
<section class="card" aria-labelledby="h-reports"><h2 id="h-reports"><a href="${link(agency, "/reports")}">年度报告</a></h2>
${p.years.length ? html`<ul class="years">${p.years.map((y) => html`<li><a href="${link(agency, `/reports/${y.year}`)}">${y.year}年</a></li>`)}</ul>` : html`<p>尚未发布年度报告。</p>`}</section>
<section class="card" aria-labelledby="h-catalogue"><h2 id="h-catalogue"><a href="${link(agency, "/catalogue")}">政府信息公开目录</a></h2>
${searchForm(agency, { q: "" }, "home-")}</section>
</div>
${p.guide ? html`<section aria-labelledby="h-contact"><h2 id="h-contact">联系方式</h2>${contactList(p.guide.contact)}</section>` : ""}`;
  return portalPage(agency, { title: "首页", active: "home", body });
}

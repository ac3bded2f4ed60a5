// The WeChat-style web chat (/chat): the page is server-rendered (the official account's custom menu from
// config/wechat-menu.json as buttons, the message log, the input); /assets/chat.js talks to POST /api/chat, the
// same conversation engine as every channel, with the server-issued session (HttpOnly cookie on /api/chat).
import fs from "node:fs";
import path from "node:path";
import { MENU_KEYS } from "../../../channels/wechat-webhook";
import { html } from "../../console/html";
import { link, portalPage, type PortalAgency } from "../layout";

const MENU_FILE = path.resolve(__dirname, "../../../../config/wechat-menu.json");

export interface MenuButton {
  name: string;
  /** What a click sends: the message the official account maps the key to (MENU_KEYS). */
  text: string;
}

let menuCache: MenuButton[] | null = null;
/** The custom menu's click buttons (the same file `npm run cli -- wechat-menu` pushes to WeChat). */
export function chatMenu(): MenuButton[] {
  if (!menuCache) {
    const menu = JSON.parse(fs.readFileSync(MENU_FILE, "utf8")) as { button: Array<{ type: string; name: string; key?: string }> };
    menuCache = menu.button.filter((b) => b.type === "click" && b.key && MENU_KEYS[b.key]).map((b) => ({ name: b.name, text: MENU_KEYS[b.key!] }));
  }
  return menuCache;
}

export function chatPage(agency: PortalAgency): string {
  const body = html`<h1 class="chat-title">在线咨询 · ${agency.name}</h1>
<noscript><p class="error-summary">在线咨询需要启用浏览器的 JavaScript。也可以直接查看<a href="${link(agency, "/guide")}">公开指南</a>、<a href="${link(agency, "/apply")}">在线申请</a>或<a href="${link(agency, "/status")}">查询进度</a>。</p></noscript>
<ol class="chat-log" id="chat-log" role="log" aria-live="polite" aria-relevant="additions" aria-label="对话记录" tabindex="0">
<li class="msg bot"><span class="avatar" aria-hidden="true">客服</span><div class="bubble"><span class="sr-only">客服：</span>您好，这里是${agency.name}政府信息公开咨询服务。可以直接提问，或点下方菜单。</div></li>
</ol>
<div class="chat-menu" role="group" aria-label="公众号菜单">
${chatMenu().map((b) => html`<button type="button" data-say="${b.text}">${b.name}</button>`)}
</div>
<form class="chat-form" id="chat-form" action="${link(agency, "/chat")}" method="get">
<label for="chat-input">输入消息</label>
<input id="chat-input" name="text" maxlength="500" autocomplete="off" enterkeyhint="send" placeholder="输入您的问题，按回车发送">
<button type="submit">发送</button>
</form>`;
  return portalPage(agency, { title: "在线咨询", active: "chat", body, scripts: ["/assets/chat.js"], bodyClass: "chat-page" });
}

// The WeChat-style web chat (/chat): the page is server-rendered (the official account's custom menu from
// config/wechat-menu.json as buttons, the message log, the input); /assets/chat.js talks to POST /api/chat, the
// same conversation engine as every channel, with the server-issued session (HttpOnly cookie). Without
// JavaScript the same form POSTs to /chat and the page shows the latest exchange, with the same buttons.
import fs from "node:fs";
import path from "node:path";
import { MENU_KEYS } from "../../../channels/wechat-webhook";
import { html, type SafeHtml } from "../../../http/html";
import { link, platformName, portalPage, type PortalAgency } from "../layout";

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

/** Quick replies of a bot message: its numbered lines ("1. 个人（自然人）"), else the replies it names (回复“确认”). Mirrors chat.js. */
export function quickReplies(text: string): Array<{ send: string; label: string }> {
  const numbered = text
    .split("\n")
    .map((line) => /^\s*(\d{1,2})\s*[.．、]\s*(.{1,40})$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ send: m[1], label: `${m[1]}. ${m[2].trim()}` }));
  if (numbered.length >= 2) return numbered;
  const out: Array<{ send: string; label: string }> = [];
  for (const m of text.matchAll(/回复[“"]([^”"]{1,8})[”"]/g)) {
    const word = m[1];
    if (/字段名|序号|\s/.test(word) || out.some((q) => q.send === word)) continue;
    out.push({ send: word, label: word });
    if (out.length >= 6) break;
  }
  return out;
}

/** One exchange of the page without JavaScript: what the citizen sent and the answers (or why it failed). */
export interface ChatExchange {
  text: string;
  replies: string[];
  error?: string;
}

const bubble = (from: "me" | "bot" | "error", text: string): SafeHtml =>
  html`<li class="msg ${from}">${from === "me" ? html`<span class="avatar" aria-hidden="true">我</span>` : html`<span class="avatar" aria-hidden="true">客服</span>`}<div class="bubble"><span class="sr-only">${
    from === "me" ? "我：" : "客服："
  }</span>${text}</div></li>`;

function quickButtons(text: string): SafeHtml | string {
  const q = quickReplies(text);
  return q.length
    ? html`<div class="quick" role="group" aria-label="快捷回复">${q.map((r) => html`<button type="submit" form="chat-form" name="say" value="${r.send}" data-say="${r.send}">${r.label}</button>`)}</div>`
    : "";
}

export function chatPage(agency: PortalAgency, exchange?: ChatExchange): string {
  const replies = exchange?.replies ?? [];
  // On the platform's page the bot serves every agency (it asks which one when it matters).
  const who = agency.platform ? platformName(agency) : agency.name;
  const body = html`<h1 class="chat-title">在线咨询 · ${who}</h1>
<ol class="chat-log" id="chat-log" role="log" aria-live="polite" aria-relevant="additions" aria-label="对话记录" tabindex="0">
<li class="msg bot"><span class="avatar" aria-hidden="true">客服</span><div class="bubble"><span class="sr-only">客服：</span>您好，这里是${who}政府信息公开咨询服务。可以直接提问，或点下方菜单。</div></li>
${exchange ? html`${bubble("me", exchange.text)}${replies.map((r) => bubble("bot", r))}${exchange.error ? bubble("error", exchange.error) : ""}` : ""}
</ol>
${exchange ? html`<noscript><p class="meta">未启用 JavaScript：页面只显示最近一轮对话，对话本身会继续。</p></noscript>` : ""}
<form class="chat-form" id="chat-form" action="${link(agency, "/chat")}" method="post">
<label for="chat-input">输入消息</label>
<input id="chat-input" name="text" maxlength="500" autocomplete="off" enterkeyhint="send" placeholder="输入您的问题，按回车发送">
<button type="submit">发送</button>
</form>
<!-- Quick replies and the menu come after the form: Enter in the input submits with the form's first submit button
in document order, which must be 发送. -->
${replies.length ? quickButtons(replies[replies.length - 1]) : ""}
<div class="chat-menu" role="group" aria-label="公众号菜单">
${chatMenu().map((b) => html`<button type="submit" form="chat-form" name="say" value="${b.text}" data-say="${b.text}">${b.name}</button>`)}
</div>`;
  return portalPage(agency, { title: "在线咨询", active: "chat", body, scripts: ["/assets/chat.js"], bodyClass: "chat-page" });
}

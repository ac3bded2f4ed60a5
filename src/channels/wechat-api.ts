// Client of the WeChat server API (official account and mini-program): access token cached in the
// key-value store (Redis) until shortly before it expires, customer-service and template messages,
// the custom menu, the mini-program code-to-session exchange, subscription messages (mini-program send and
// official-account bizsend) and temporary media (an image the user sent). The base URL is configurable so tests
// run it against a local stand-in server.
import type { KeyValueStore } from "../infra/kv";

export interface WechatApiOptions {
  baseUrl: string;
  appId?: string;
  appSecret?: string;
  miniprogramAppId?: string;
  miniprogramSecret?: string;
  kv: KeyValueStore;
  timeoutMs?: number;
}

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number | null,
    message: string,
  ) {
    super(message);
    this.name = "WechatApiError";
  }
}

/** errcodes that mean the cached access token is no longer valid. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

/** Template and subscription messages carry each field as { value }. */
function templateData(data: Record<string, string>): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { value: v }]));
}

export class WechatApiClient {
  constructor(private readonly o: WechatApiOptions) {}

  get configured(): boolean {
    return Boolean(this.o.appId && this.o.appSecret);
  }

  private async call(path: string, init: { method?: string; body?: unknown } = {}): Promise<Record<string, unknown>> {
    const url = new URL(path, this.o.baseUrl.endsWith("/") ? this.o.baseUrl : `${this.o.baseUrl}/`);
    const res = await fetch(url, {
      method: init.method ?? (init.body ? "POST" : "GET"),
      headers: init.body ? { "content-type": "application/json" } : undefined,
      body: init.body ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
    });
    if (!res.ok) throw new WechatApiError(null, `WeChat API ${url.pathname} answered HTTP ${res.status}`);
    const json = (await res.json()) as Record<string, unknown>;
    const code = typeof json.errcode === "number" ? json.errcode : 0;
    if (code !== 0) throw new WechatApiError(code, `WeChat API ${url.pathname}: ${code} ${String(json.errmsg ?? "")}`);
    return json;
  }

  /** Access token of the official account ("oa") or of the mini-program ("mp"), cached in the key-value store. */
  async accessToken(force = false, app: "oa" | "mp" = "oa"): Promise<string> {
    const [appId, secret] = app === "oa" ? [this.o.appId, this.o.appSecret] : [this.o.miniprogramAppId, this.o.miniprogramSecret];
    if (!appId || !secret)
      throw new WechatApiError(
        null,
        app === "oa" ? "WECHAT_APPID / WECHAT_APPSECRET are not configured" : "MINIPROGRAM_APPID / MINIPROGRAM_SECRET are not configured",
      );
    const key = `wechat:access_token:${appId}`;
    if (!force) {
      const cached = await this.o.kv.get(key);
      if (cached) return cached;
    }
    const q = new URLSearchParams({ grant_type: "client_credential", appid: appId, secret });
    const json = await this.call(`cgi-bin/token?${q}`);
    const token = String(json.access_token ?? "");
    if (!token) throw new WechatApiError(null, "WeChat API returned no access_token");
    const ttl = Math.max(60, Number(json.expires_in ?? 7200) - 300);
    await this.o.kv.set(key, token, ttl);
    return token;
  }

  /** Calls an access-token API once more with a fresh token when WeChat says the token expired. */
  private async withToken(path: string, body: unknown, app: "oa" | "mp" = "oa"): Promise<Record<string, unknown>> {
    const token = await this.accessToken(false, app);
    try {
      return await this.call(`${path}?access_token=${encodeURIComponent(token)}`, { body });
    } catch (e) {
      if (e instanceof WechatApiError && e.errcode !== null && TOKEN_ERRORS.has(e.errcode)) {
        const fresh = await this.accessToken(true, app);
        return this.call(`${path}?access_token=${encodeURIComponent(fresh)}`, { body });
      }
      throw e;
    }
  }

  /** Mini-program subscription message (needs the user's prior consent via wx.requestSubscribeMessage). */
  async sendSubscribe(openId: string, templateId: string, data: Record<string, string>, page?: string): Promise<void> {
    await this.withToken("cgi-bin/message/subscribe/send", { touser: openId, template_id: templateId, page, data: templateData(data) }, "mp");
  }

  /** Official-account 订阅通知 (one-time subscription notification), for users outside the 48-hour window. */
  async sendBizSubscribe(openId: string, templateId: string, data: Record<string, string>, page?: string): Promise<void> {
    await this.withToken("cgi-bin/message/subscribe/bizsend", { touser: openId, template_id: templateId, page, data: templateData(data) });
  }

  /**
   * A temporary media file the user sent (an image message's MediaId), at most maxBytes. WeChat answers the
   * bytes, or JSON with an errcode when the id is unknown or expired (3 days).
   */
  async getMedia(mediaId: string, maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }> {
    const fetchOnce = async (token: string) => {
      const url = new URL(
        `cgi-bin/media/get?access_token=${encodeURIComponent(token)}&media_id=${encodeURIComponent(mediaId)}`,
        this.o.baseUrl.endsWith("/") ? this.o.baseUrl : `${this.o.baseUrl}/`,
      );
      const res = await fetch(url, { signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000) });
      if (!res.ok) throw new WechatApiError(null, `WeChat API /cgi-bin/media/get answered HTTP ${res.status}`);
      const type = res.headers.get("content-type") ?? "";
      if (/json|text\/plain/i.test(type)) {
        const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
        const code = typeof json.errcode === "number" ? json.errcode : null;
        throw new WechatApiError(code, `WeChat API /cgi-bin/media/get: ${code ?? "?"} ${String(json.errmsg ?? "")}`);
      }
      // Read at most maxBytes + 1: a larger file is refused without being held in memory whole.
      const chunks: Buffer[] = [];
      let size = 0;
      const reader = res.body?.getReader();
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > maxBytes) {
          await reader.cancel();
          return { bytes: Buffer.concat(chunks), truncated: true };
        }
        chunks.push(Buffer.from(value));
      }
      return { bytes: Buffer.concat(chunks), truncated: false };
    };
    const token = await this.accessToken();
    try {
      return await fetchOnce(token);
    } catch (e) {
      if (e instanceof WechatApiError && e.errcode !== null && TOKEN_ERRORS.has(e.errcode)) return fetchOnce(await this.accessToken(true));
      throw e;
    }
  }

  /** Customer-service text message: reaches the user only within 48 hours of their last message. */
  async sendText(openId: string, content: string): Promise<void> {
    await this.withToken("cgi-bin/message/custom/send", { touser: openId, msgtype: "text", text: { content } });
  }

  /** Template message (for notifications outside the 48-hour window). */
  async sendTemplate(openId: string, templateId: string, data: Record<string, string>): Promise<void> {
    await this.withToken("cgi-bin/message/template/send", { touser: openId, template_id: templateId, data: templateData(data) });
  }

  async createMenu(menu: unknown): Promise<void> {
    await this.withToken("cgi-bin/menu/create", menu);
  }

  /** Mini-program login: exchanges wx.login()'s code for the user's openid. */
  async code2Session(code: string): Promise<{ openId: string; unionId?: string }> {
    if (!this.o.miniprogramAppId || !this.o.miniprogramSecret) throw new WechatApiError(null, "MINIPROGRAM_APPID / MINIPROGRAM_SECRET are not configured");
    const q = new URLSearchParams({ appid: this.o.miniprogramAppId, secret: this.o.miniprogramSecret, js_code: code, grant_type: "authorization_code" });
    const json = await this.call(`sns/jscode2session?${q}`);
    const openId = String(json.openid ?? "");
    if (!openId) throw new WechatApiError(null, "code2session returned no openid");
    return { openId, unionId: json.unionid ? String(json.unionid) : undefined };
  }
}

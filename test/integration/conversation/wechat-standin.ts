// A local stand-in for the WeChat server API (access token, customer-service, template and subscription
// messages (send, bizsend), menu, temporary media, mini-program code2session), recording every call, so no test reaches the internet.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StandinCall {
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
}

export interface WechatStandin {
  url: string;
  calls: StandinCall[];
  tokenRequests(): number;
  messages(): Array<{ touser: string; content: string }>;
  /** A temporary media file served by /cgi-bin/media/get (an image the user sent). */
  putMedia(mediaId: string, bytes: Buffer, contentType?: string): void;
  /** Makes the next N customer-service sends fail with errcode 45015 (user outside the window). */
  failNextSends(n: number): void;
  close(): Promise<void>;
}

export async function startWechatStandin(): Promise<WechatStandin> {
  const calls: StandinCall[] = [];
  const media = new Map<string, { bytes: Buffer; type: string }>();
  let failures = 0;
  let tokens = 0;
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://localhost");
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      let body: Record<string, unknown> | null = null;
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      calls.push({ path: u.pathname, query: Object.fromEntries(u.searchParams), body });
      const send = (o: unknown) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(o));
      };
      const tokenOk = u.searchParams.get("access_token")?.startsWith("standin-token-");
      switch (u.pathname) {
        case "/cgi-bin/token":
          tokens++;
          return send({ access_token: `standin-token-${tokens}`, expires_in: 7200 });
        case "/cgi-bin/message/custom/send":
          if (!tokenOk) return send({ errcode: 40001, errmsg: "invalid credential" });
          if (failures > 0) {
            failures--;
            return send({ errcode: 45015, errmsg: "response out of time limit" });
          }
          return send({ errcode: 0, errmsg: "ok" });
        case "/cgi-bin/media/get": {
          if (!tokenOk) return send({ errcode: 40001, errmsg: "invalid credential" });
          const m = media.get(u.searchParams.get("media_id") ?? "");
          if (!m) return send({ errcode: 40007, errmsg: "invalid media_id" });
          res.setHeader("content-type", m.type);
          return res.end(m.bytes);
        }
        case "/cgi-bin/message/subscribe/bizsend":
        case "/cgi-bin/message/subscribe/send":
          if (!tokenOk) return send({ errcode: 40001, errmsg: "invalid credential" });
          if (String(body?.touser).includes("refused")) return send({ errcode: 43101, errmsg: "user refuse to accept the msg" });
          return send({ errcode: 0, errmsg: "ok" });
        case "/cgi-bin/message/template/send":
        case "/cgi-bin/menu/create":
          return send(tokenOk ? { errcode: 0, errmsg: "ok", msgid: 1 } : { errcode: 40001, errmsg: "invalid credential" });
        case "/sns/jscode2session": {
          const code = u.searchParams.get("js_code") ?? "";
          if (code.startsWith("bad")) return send({ errcode: 40029, errmsg: "invalid code" });
          return send({ openid: `mp-openid-${code}`, session_key: "sk" });
        }
        default:
          res.statusCode = 404;
          return res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    tokenRequests: () => tokens,
    messages: () =>
      calls
        .filter((c) => c.path === "/cgi-bin/message/custom/send")
        .map((c) => ({ touser: String(c.body?.touser), content: String((c.body?.text as { content?: string })?.content ?? "") })),
    failNextSends: (n) => (failures = n),
    putMedia: (id, bytes, type = "image/jpeg") => void media.set(id, { bytes, type }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

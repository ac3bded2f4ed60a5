// The webhook benchmarks' baseline: a bare Koa app that does only what any official-account endpoint must —
// read the body, parse the WeChat XML with the service's own parser (fast-xml-parser, same options), in safe
// mode decrypt the message and encrypt the reply (the service's own AES code) — and answers a fixed text
// reply. No signature check, no Redis, no engine, no logging. Run as its own process, like the real server:
// `node --import tsx bench/lib/bare-webhook.ts` with PORT, WECHAT_APPID and WECHAT_ENCODING_AES_KEY.
import { spawn, type ChildProcess } from "node:child_process";
import cluster from "node:cluster";
import path from "node:path";
import Koa from "koa";
import { encryptMessage, decryptMessage } from "../../src/channels/wechat-crypto";
import { parseWechatXml, textReplyXml, encryptedReplyXml } from "../../src/channels/wechat-xml";
import { freePort } from "../../test/helpers/server-process";

/** The bare handler's fixed answer; the load generator checks every reply for it. */
export const BARE_REPLY = "您好，这是固定回复。";

export function bareWebhookApp(opts: { appId: string; aesKey: string }): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx) => {
    if (ctx.method !== "POST" || ctx.path !== "/wechat") {
      ctx.status = ctx.path === "/healthz" ? 200 : 404;
      ctx.body = ctx.status === 200 ? "ok" : "not found";
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    let msg = parseWechatXml(Buffer.concat(chunks).toString("utf8"));
    const safe = ctx.query.encrypt_type === "aes";
    if (safe) msg = parseWechatXml(decryptMessage(opts.aesKey, msg.Encrypt ?? "").xml);
    const now = Math.floor(Date.now() / 1000);
    const xml = textReplyXml(msg.FromUserName ?? "", msg.ToUserName ?? "", now, BARE_REPLY);
    ctx.type = "application/xml";
    ctx.body = safe ? encryptedReplyXml(encryptMessage(opts.aesKey, opts.appId, xml), "unsigned", String(now), "bare") : xml;
  });
  return app;
}

export interface BareProcess {
  url: string;
  pid: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the bare handler as a child process (same runtime as the server: node --import tsx). */
export async function startBareWebhook(opts: { appId: string; aesKey: string; workers?: number }): Promise<BareProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "bare-webhook.ts")], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      PORT: String(port),
      WECHAT_APPID: opts.appId,
      WECHAT_ENCODING_AES_KEY: opts.aesKey,
      BARE_WORKERS: String(opts.workers ?? 1),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      /* not listening yet */
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error("bare webhook did not start");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: proc.pid!,
    proc,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}

if (require.main === module && Number(process.env.BARE_WORKERS ?? 1) > 1 && cluster.isPrimary) {
  // The same node:cluster arrangement as the server with WEB_CONCURRENCY (round robin from the primary).
  for (let i = 0; i < Number(process.env.BARE_WORKERS); i++) cluster.fork();
  process.once("SIGTERM", () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    cluster.on("exit", () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
  });
} else if (require.main === module) {
  const port = Number(process.env.PORT ?? 0);
  const server = bareWebhookApp({ appId: process.env.WECHAT_APPID ?? "", aesKey: process.env.WECHAT_ENCODING_AES_KEY ?? "" }).listen(port, "127.0.0.1");
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
}

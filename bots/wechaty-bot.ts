// `npm run bot`: a Wechaty process that logs in with the puppet named by WECHATY_PUPPET and relays
// private messages to the service's chat API (BOT_SERVICE_TOKEN); it never touches the database.
import { z } from "zod";
import { WechatyBuilder } from "wechaty";
import { attachBot } from "./bot-logic";
import { ChatClient } from "./chat-client";

const schema = z.object({
  CHAT_API_URL: z.url({ error: "CHAT_API_URL must be the service's base URL, e.g. http://localhost:3000" }).default("http://localhost:3000"),
  BOT_SERVICE_TOKEN: z.string({ error: "BOT_SERVICE_TOKEN is required (the same value as the server's)" }).min(16, { error: "use at least 16 characters" }),
  WECHATY_PUPPET: z.string().min(1).default("wechaty-puppet-wechat4u"),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  WECHATY_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default("ogi-bot"),
  BOT_POLL_INTERVAL_MS: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(500).max(600000)).default(5000),
});

function readEnv() {
  const input: Record<string, string> = {};
  for (const k of Object.keys(schema.shape)) if (process.env[k]) input[k] = process.env[k]!;
  const r = schema.safeParse(input);
  if (!r.success) {
    console.error(`Invalid bot configuration:\n${r.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n")}`);
    process.exit(78);
  }
  return r.data;
}

async function main() {
  const env = readEnv();
  const log = {
    info: (msg: string, data?: unknown) => console.log(JSON.stringify({ level: "info", msg, ...(data as object) })),
    warn: (msg: string, data?: unknown) => console.warn(JSON.stringify({ level: "warn", msg, ...(data as object) })),
  };
  const bot = WechatyBuilder.build({
    name: env.WECHATY_NAME,
    // The puppet is a module name resolved by Wechaty (wechaty-puppet-wechat4u, wechaty-puppet-service…).
    puppet: env.WECHATY_PUPPET as never,
    puppetOptions: env.WECHATY_PUPPET_SERVICE_TOKEN ? { token: env.WECHATY_PUPPET_SERVICE_TOKEN } : undefined,
  });
  bot.on("scan", (qrcode, status) => log.info("scan the QR code to log in", { status, url: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` }));
  bot.on("login", (user) => log.info("logged in", { user: user.name() }));
  bot.on("logout", (user) => log.info("logged out", { user: user.name() }));
  bot.on("error", (e) => log.warn("wechaty error", { error: String(e) }));
  const handle = attachBot(bot, { client: new ChatClient(env.CHAT_API_URL, env.BOT_SERVICE_TOKEN), pollIntervalMs: env.BOT_POLL_INTERVAL_MS, logger: log });
  const shutdown = async () => {
    handle.stop();
    await bot.stop().catch(() => undefined);
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
  await bot.start();
  log.info("bot started", { puppet: env.WECHATY_PUPPET, chatApi: env.CHAT_API_URL });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// What the Wechaty bot does, separate from process start-up so tests drive it with wechaty-puppet-mock:
// every private text message goes to the chat API and the replies are said back; a polling loop delivers
// notifications (staff answers, application status changes) to the right contact and acknowledges them.
import { types, type Message, type Wechaty as WechatyInterface } from "wechaty";
import { ChatApiError, type ChatClient } from "./chat-client";

export interface BotLogger {
  info(msg: string, data?: unknown): void;
  warn(msg: string, data?: unknown): void;
}

export interface BotOptions {
  client: ChatClient;
  pollIntervalMs: number;
  logger?: BotLogger;
}

export interface BotHandle {
  /** Delivers waiting notifications once; returns how many were said. */
  pollOnce(): Promise<number>;
  stop(): void;
}

const MAX_AGE_SECONDS = 120;
const NOT_TEXT = "目前只能处理文字消息，请用文字描述您的问题。回复“帮助”查看我能做什么。";
const BUSY = "系统繁忙，请稍后再试。";
const quiet: BotLogger = { info: () => undefined, warn: () => undefined };

export function attachBot(bot: WechatyInterface, opts: BotOptions): BotHandle {
  const log = opts.logger ?? quiet;

  async function onMessage(msg: Message): Promise<void> {
    if (msg.self() || msg.room()) return;
    const talker = msg.talker();
    // Official-account pushes are not citizens; messages replayed at login (older than MAX_AGE) were answered before.
    if (talker.type() === types.Contact.Official || msg.age() > MAX_AGE_SECONDS) return;
    if (msg.type() !== types.Message.Text) {
      await talker.say(NOT_TEXT);
      return;
    }
    const text = msg.text().trim();
    if (!text) return;
    let replies: string[];
    try {
      replies = await opts.client.chat(talker.id, text, msg.id);
    } catch (e) {
      log.warn("chat API call failed", { status: e instanceof ChatApiError ? e.status : undefined, error: String(e) });
      replies = [e instanceof ChatApiError && e.status === 429 ? "发送过于频繁，请稍后再试。" : BUSY];
    }
    for (const r of replies) await talker.say(r);
  }

  bot.on("message", (msg) => {
    onMessage(msg).catch((e) => log.warn("message handling failed", { error: String(e) }));
  });

  async function pollOnce(): Promise<number> {
    if (!bot.isLoggedIn) return 0;
    const list = await opts.client.notifications();
    let said = 0;
    for (const n of list) {
      try {
        const contact = await bot.Contact.find({ id: n.contactId });
        if (!contact) throw new Error("contact not found");
        await contact.say(n.text);
        await opts.client.ack(n.id, true);
        said++;
      } catch (e) {
        log.warn("notification not delivered", { id: n.id, error: String(e) });
        await opts.client.ack(n.id, false, String(e)).catch(() => undefined);
      }
    }
    return said;
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    if (stopped) return;
    pollOnce()
      .catch((e) => log.warn("notification poll failed", { error: String(e) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, opts.pollIntervalMs);
      });
  };
  timer = setTimeout(loop, opts.pollIntervalMs);

  return {
    pollOnce,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

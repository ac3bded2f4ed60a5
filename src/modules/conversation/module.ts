// Feature module: conversation — one engine behind the official account, the Wechaty bot and the chat API;
// consultations handed to staff; notification delivery on the citizen's channel.
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../../context";
import { getService } from "../../context";
import { wechatWebhookRoutes, MENU_KEYS } from "../../channels/wechat-webhook";
import type { FeatureModule } from "../module";
import { ConversationService } from "./conversation-service";
import { Consultation, NotificationDelivery } from "./entities";
import { SubscriptionConsent } from "./subscriptions";
import { BotCustomAnswer, BotMiss } from "./knowledge/learned-entities";
import { LEARNED_SERVICE, LearnedStore } from "./knowledge/learned-store";
import { learnedRoutes } from "./knowledge/learned-routes";
import type { AnswerUnit } from "./knowledge/answer-unit";
import { invalidateKnowledge, realPorts } from "./ports";
import { conversationRoutes } from "./routes";
import { sharedUnderstanding } from "./understanding";

const MENU_FILE = path.resolve(__dirname, "../../../config/wechat-menu.json");
const DELIVERY_INTERVAL_MS = 5000;

export const conversationModule: FeatureModule = {
  name: "conversation",
  entities: [Consultation, NotificationDelivery, SubscriptionConsent, BotMiss, BotCustomAnswer],
  init(ctx: AppContext) {
    ctx.services.set("conversation", new ConversationService(ctx));
    ctx.services.set(LEARNED_SERVICE, new LearnedStore(ctx, () => invalidateKnowledge(ctx)));
    // The index's units, as candidates a missed question can be attached to (console misses page).
    ctx.services.set("knowledge", {
      listUnits: async (): Promise<AnswerUnit[]> => {
        const index = await realPorts(ctx).knowledge?.();
        return index ? index.allUnits() : [];
      },
    });
  },
  routes: (ctx) => [conversationRoutes(ctx), wechatWebhookRoutes(ctx), learnedRoutes(ctx)],
  commands: [
    {
      name: "wechat-menu",
      summary: "push the official account's custom menu (config/wechat-menu.json) to WeChat",
      usage: "wechat-menu [--file config/wechat-menu.json] [--dry-run]",
      async run(ctx, argv, out) {
        const i = argv.indexOf("--file");
        const file = i >= 0 && argv[i + 1] ? path.resolve(argv[i + 1]) : MENU_FILE;
        const menu = JSON.parse(fs.readFileSync(file, "utf8")) as { button: Array<{ type: string; name: string; key?: string }> };
        const unknown = menu.button.filter((b) => b.type === "click" && !(b.key && MENU_KEYS[b.key]));
        if (unknown.length) {
          out.error(`menu keys without an answer: ${unknown.map((b) => b.key).join(", ")} (known: ${Object.keys(MENU_KEYS).join(", ")})`);
          return 1;
        }
        if (argv.includes("--dry-run")) {
          out.info(JSON.stringify(menu, null, 2));
          return 0;
        }
        await getService<ConversationService>(ctx, "conversation").wechat.createMenu(menu);
        out.info(`menu pushed: ${menu.button.map((b) => b.name).join(" | ")}`);
        return 0;
      },
    },
  ],
  async start() {
    // Build jieba with the domain dictionary and the pinyin table now, not inside the first WeChat reply budget
    // (in every worker: each process has its own).
    sharedUnderstanding().understand("预热");
  },
  async startSingletons(ctx) {
    const svc = getService<ConversationService>(ctx, "conversation");
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      svc
        .deliverPending()
        .catch((err) => ctx.logger.warn({ err: String(err) }, "notification delivery failed"))
        .finally(() => (running = false));
    }, DELIVERY_INTERVAL_MS);
    return async () => clearInterval(timer);
  },
};

// Feature module: conversation — one engine behind the official account, the Wechaty bot and the chat API;
// consultations handed to staff; notification delivery on the citizen's channel.
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../../context";
import { wechatWebhookRoutes, MENU_KEYS } from "../../channels/wechat-webhook";
import { defaultAgency } from "../../infra/agencies";
import type { CliCommand, FeatureModule } from "../module";
import type { Services } from "../services";
import type { AttachmentService } from "../attachments/attachment-service";
import { ConversationService } from "./conversation-service";
import { Consultation, NotificationDelivery } from "./entities";
import { SubscriptionConsent } from "./subscriptions";
import { BotCustomAnswer, BotMiss } from "./knowledge/learned-entities";
import { LearnedStore } from "./knowledge/learned-store";
import { learnedRoutes } from "./knowledge/learned-routes";
import type { ConversationPorts } from "./runner";
import { invalidateKnowledge, realPorts, type ConversationDeps, type KnowledgeUnits } from "./ports";
import { conversationRoutes } from "./routes";
import { sharedUnderstanding } from "./understanding";

const MENU_FILE = path.resolve(__dirname, "../../../config/wechat-menu.json");
const DELIVERY_INTERVAL_MS = 5000;

export const conversationEntities = [Consultation, NotificationDelivery, SubscriptionConsent, BotMiss, BotCustomAnswer];

/** What the conversation module needs of the others: the narrow parts the bot's effects call (see ports.ts). */
export type ConversationModuleDeps = Omit<ConversationDeps, "defaultAgency" | "consultations" | "learned" | "attachments"> &
  Pick<Services, "staff"> & {
    /** Dialogue images: kept while the citizen fills in the form, claimed by the filing. */
    attachments?: Pick<AttachmentService, "claimPending" | "pendingCount" | "addPending">;
    /** Replaces the engine's effects, given the real ones (a test slows or fails one of them). */
    ports?(real: ConversationPorts): ConversationPorts;
  };

/**
 * The conversation module: the service behind every channel, the staff-written answers (learned), the index's
 * units for the misses page (knowledge), the chat, webhook and misses routes, and the notification delivery.
 */
export function createConversation(
  ctx: AppContext,
  deps: ConversationModuleDeps,
): { conversation: ConversationService; learned: LearnedStore; knowledge: KnowledgeUnits; module: FeatureModule } {
  const learned = new LearnedStore(ctx, () => invalidateKnowledge(ctx));
  // The ports open consultations on the service they serve: bound once the service exists (before any message).
  const consultations: ConversationDeps["consultations"] = { openConsultation: (a) => svc.openConsultation(a) };
  const real = realPorts(ctx, { ...deps, defaultAgency: () => defaultAgency(ctx), consultations, learned });
  const ports = deps.ports ? deps.ports(real) : real;
  const svc = new ConversationService(ctx, () => ports, deps.attachments);
  // The index's units, as candidates a missed question can be attached to (console misses page).
  const knowledge: KnowledgeUnits = {
    listUnits: async () => {
      const index = await real.knowledge?.();
      return index ? index.allUnits() : [];
    },
  };
  const module: FeatureModule = {
    name: "conversation",
    routes: () => [
      conversationRoutes(ctx, { conversation: svc, staff: deps.staff }),
      wechatWebhookRoutes(ctx, { conversation: svc }),
      learnedRoutes(ctx, { learned, knowledge, staff: deps.staff }),
    ],
    async start() {
      // Build jieba with the domain dictionary and the pinyin table now, not inside the first WeChat reply budget
      // (in every worker: each process has its own).
      sharedUnderstanding().understand("预热");
    },
    async startSingletons() {
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
  return { conversation: svc, learned, knowledge, module };
}

export const conversationCommands: CliCommand[] = [
  {
    name: "wechat-menu",
    summary: "push the official account's custom menu (config/wechat-menu.json) to WeChat",
    usage: "wechat-menu [--file config/wechat-menu.json] [--dry-run]",
    async run(_ctx, argv, out, { conversation }: Pick<Services, "conversation">) {
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
      await conversation.wechat.createMenu(menu);
      out.info(`menu pushed: ${menu.button.map((b) => b.name).join(" | ")}`);
      return 0;
    },
  },
];

// Plain-object ports for engine tests: guide answers from config/conversation/answers.json, a small
// catalogue, published figures for 2019/2024/2025, an in-memory application register keyed by idempotency key.
import fs from "node:fs";
import path from "node:path";
import { MemoryKeyValueStore } from "../../../src/infra/kv";
import type { IntakeInput } from "../../../src/modules/applications/intake-schema";
import type { FiguresResult } from "../../../src/modules/conversation/engine";
import { figureName } from "../../../src/modules/conversation/engine";
import type { FigureTopic } from "../../../src/modules/conversation/intents";
import { ConversationRunner, type ConversationPorts, type Speaker } from "../../../src/modules/conversation/runner";
import { SessionStore } from "../../../src/modules/conversation/session-store";
import { sharedUnderstanding } from "../../../src/modules/conversation/understanding";

const answers = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../config/conversation/answers.json"), "utf8")).topics as Record<
  string,
  { title: string; text: string; source: string }
>;

const CATALOGUE = [
  { indexNo: "ZDRMT/2020-00001", title: "张店区融媒体中心2019年政府信息公开工作年度报告", date: "2020-01-20" },
  { indexNo: "ZDRMT/2021-00003", title: "张店区融媒体中心2021年部门预算公开", date: "2021-02-10" },
  { indexNo: "ZDRMT/2019-00007", title: "关于印发《新闻采编管理办法》的通知", date: "2019-06-01" },
];

const FIGURES: Record<number, Partial<Record<FigureTopic, number>>> = {
  2019: { received: 3, granted: 2, partial: 0, withheld: 1, review: 0, litigation: 0, carried_forward: 0 },
  2024: { received: 7, granted: 4, withheld: 2, review: 1, litigation: 2 },
  2025: { received: 9, granted: 5, withheld: 3, review: 2, litigation: 1 },
};

export interface FakeWorld {
  ports: ConversationPorts;
  filed: Map<string, { applicationNo: string; queryCode: string; input: IntakeInput; citizenKey: string | null }>;
  submitCalls: number;
  handoffs: Array<{ speaker: Speaker; reason: string; question: string; transcript: unknown }>;
}

export function fakeWorld(): FakeWorld {
  const world: FakeWorld = { filed: new Map(), submitCalls: 0, handoffs: [], ports: null as unknown as ConversationPorts };
  world.ports = {
    async guide(topic) {
      const a = answers[topic];
      return { title: a.title, text: a.text.replace(/\{agency\}/g, "张店区融媒体中心"), source: a.source.replace(/\{agency\}/g, "张店区融媒体中心") };
    },
    async catalogue(query) {
      const words = query.split(/\s+/).filter(Boolean);
      const items = CATALOGUE.filter((c) => words.every((w) => c.title.includes(w)));
      return { total: items.length, items, guideSections: [] };
    },
    async figures(year, topic, currentYear): Promise<FiguresResult> {
      const y = year ?? currentYear - 1;
      const v = FIGURES[y]?.[topic];
      if (v === undefined) return { found: false, year: y, latestYear: 2025 };
      return {
        found: true,
        year: y,
        value: v,
        name: figureName(topic),
        label: figureName(topic),
        source: `《张店区融媒体中心${y}年政府信息公开工作年度报告》·${figureName(topic)}`,
      };
    },
    async submit(input, key, speaker) {
      world.submitCalls++;
      const existing = world.filed.get(key);
      if (existing) return { ok: true, applicationNo: existing.applicationNo, queryCode: existing.queryCode, status: "awaiting_confirmation", dueDate: null };
      const applicationNo = `ZDRMT-2026-${String(world.filed.size + 1).padStart(5, "0")}`;
      world.filed.set(key, { applicationNo, queryCode: "Q7K2M9", input, citizenKey: speaker.citizenKey });
      return { ok: true, applicationNo, queryCode: "Q7K2M9", status: "awaiting_confirmation", dueDate: null };
    },
    async status(no, code) {
      if (no === "ZDRMT-2026-00001" && code === "AB12CD")
        return { ok: true, applicationNo: no, statusLabel: "办理中", dueDate: "2026-03-30", disposition: null };
      return { ok: false, message: "未找到该申请，请核对申请编号和查询码" };
    },
    async listMine(citizenKey) {
      return {
        items: [...world.filed.values()]
          .filter((f) => f.citizenKey === citizenKey)
          .map((f) => ({ applicationNo: f.applicationNo, statusLabel: "待确认收到", dueDate: null })),
      };
    },
    async handoff({ speaker, reason, question, transcript }) {
      world.handoffs.push({ speaker, reason, question, transcript });
      return { consultationId: `c0ffee00-0000-4000-8000-00000000000${world.handoffs.length}` };
    },
  };
  return world;
}

export function makeRunner(kv = new MemoryKeyValueStore(), world = fakeWorld()) {
  const store = new SessionStore(kv);
  const runner = new ConversationRunner(sharedUnderstanding(), store, () => world.ports);
  let n = 0;
  const say = async (speaker: Speaker, text: string, now = new Date("2026-03-02T02:00:00Z")) =>
    runner.turn({ speaker, text, messageId: `m${++n}-${Math.random().toString(36).slice(2, 8)}`, now, currentYear: 2026 });
  return { kv, store, runner, world, say };
}

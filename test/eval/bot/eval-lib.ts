// The bot evaluation (issue 14): cases from test/eval/bot/*.jsonl run through the real conversation service
// on a fresh embedded database; every expectation is checked on the reply text only (the engine's internal
// unit ids are not part of the contract). Shared by `npm run eval:bot` (run-eval.ts) and eval-floor.test.ts.
import fs from "node:fs";
import path from "node:path";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";

export type SetName = "dev" | "held-out";
export const SET_FILES: Record<SetName, string> = {
  dev: path.join(__dirname, "dev.jsonl"),
  "held-out": path.join(__dirname, "held-out.jsonl"),
};
export const FLOORS_FILE = path.join(__dirname, "floors.json");

/** A string, or a list of strings of which any one will do. */
export type Needle = string | string[];

export type Kind = "answer" | "clarify" | "redirect" | "refuse" | "form_started" | "status" | "handoff" | "smalltalk";

export interface Expect {
  kind: Kind;
  /** Every item must occur in the reply (an inner list: any one of them). */
  mustContain?: Needle[];
  /** None of these may occur in the reply. */
  mustNotContain?: string[];
  /** Regular expressions (JS source, flag u) that must match. */
  mustMatch?: string[];
  /** Regular expressions that must not match. */
  mustNotMatch?: string[];
  /** Leads with the fact: one of these must occur within the first `leadChars` characters (default 60). */
  lead?: string[];
  leadChars?: number;
  /** Maximum length of the whole reply in characters (default by kind, see DEFAULT_MAX). */
  maxLength?: number;
}

export interface EvalCase {
  id: string;
  category: string;
  /** One message, or `turns` for a multi-turn case (the expectation is checked on the last turn's reply). */
  text?: string;
  turns?: string[];
  expect: Expect;
  note?: string;
}

export interface CaseResult {
  id: string;
  set: SetName;
  category: string;
  text: string;
  reply: string;
  ok: boolean;
  failures: string[];
}

/** Brevity: a correct, brief answer fits; a pasted guide section does not. */
export const DEFAULT_MAX: Record<Kind, number> = {
  answer: 350,
  clarify: 350,
  redirect: 300,
  refuse: 250,
  form_started: 350,
  status: 350,
  handoff: 200,
  smalltalk: 200,
};

const CLARIFY_MARK = "您是想问";
const NOT_UNDERSTOOD = /没有理解|没理解|没听懂|不太明白|无法理解/;
/** A pasted guide section: the long paragraphs no brief reply needs. */
const PASTED_GUIDE = [
  "申请人应当采用书面形式（包括数据电文形式）",
  "一、收到申请的时间",
  "一、公开范围",
  "区融媒体中心政府信息公开工作的受理机构及联系方式如下",
];

/** Checks implied by the kind, then the case's own. */
export function check(e: Expect, reply: string): string[] {
  const f: string[] = [];
  const has = (s: string) => reply.includes(s);
  const numbered = /(^|\n|\s)1[.、．)）]/.test(reply) && /(^|\n|\s)2[.、．)）]/.test(reply);
  switch (e.kind) {
    case "answer":
      if (has(CLARIFY_MARK)) f.push(`kind answer: asked back (“${CLARIFY_MARK}”) instead of answering`);
      if (NOT_UNDERSTOOD.test(reply)) f.push("kind answer: said it did not understand");
      break;
    case "clarify":
      if (!has(CLARIFY_MARK) || !numbered) f.push(`kind clarify: no “${CLARIFY_MARK}” with numbered choices 1. 2.`);
      if (/来源[:：]|（来源/.test(reply)) f.push("kind clarify: gave a sourced answer while unsure");
      break;
    case "redirect":
      // where to go is the case's own mustContain (12345, 12348, 信访, or the competent agency)
      if (has(CLARIFY_MARK)) f.push(`kind redirect: asked back (“${CLARIFY_MARK}”) instead of redirecting`);
      if (NOT_UNDERSTOOD.test(reply)) f.push("kind redirect: said it did not understand");
      break;
    case "refuse":
      if (/\d{17}[\dXx]/.test(reply)) f.push("kind refuse: the reply contains an ID number");
      break;
    case "form_started":
      if (!/身份|申请人类型|自然人|姓名|名称/.test(reply)) f.push("kind form_started: no first question of the application form (身份/申请人类型/姓名)");
      if (has(CLARIFY_MARK)) f.push("kind form_started: asked back instead of starting the form");
      break;
    case "status":
      if (!/申请编号|编号|查询码|状态/.test(reply)) f.push("kind status: says nothing of 申请编号/查询码/状态");
      break;
    case "handoff":
      if (!/人工|工作人员/.test(reply)) f.push("kind handoff: no 人工/工作人员 in the reply");
      break;
    case "smalltalk":
      if (/来源[:：]|（来源/.test(reply)) f.push("kind smalltalk: a sourced answer to small talk");
      break;
  }
  if (e.kind !== "answer" && e.kind !== "status" && e.kind !== "form_started") {
    for (const p of PASTED_GUIDE) if (has(p)) f.push(`kind ${e.kind}: pasted a guide section (“${p.slice(0, 16)}…”)`);
  }
  for (const n of e.mustContain ?? []) {
    const any = Array.isArray(n) ? n : [n];
    if (!any.some(has)) f.push(`mustContain ${any.length > 1 ? `any of [${any.join(" | ")}]` : `“${any[0]}”`}`);
  }
  for (const s of e.mustNotContain ?? []) if (has(s)) f.push(`mustNotContain “${s}”`);
  if (e.lead?.length) {
    const n = e.leadChars ?? 60;
    const head = [...reply].slice(0, n).join("");
    if (!e.lead.some((l) => head.includes(l))) f.push(`lead: none of [${e.lead.join(" | ")}] in the first ${n} characters`);
  }
  for (const r of e.mustMatch ?? []) if (!new RegExp(r, "u").test(reply)) f.push(`mustMatch /${r}/`);
  for (const r of e.mustNotMatch ?? []) if (new RegExp(r, "u").test(reply)) f.push(`mustNotMatch /${r}/`);
  const max = e.maxLength ?? DEFAULT_MAX[e.kind];
  if ([...reply].length > max) f.push(`maxLength ${max}: reply has ${[...reply].length} characters`);
  return f;
}

export function loadCases(set: SetName): EvalCase[] {
  if (!fs.existsSync(SET_FILES[set])) return [];
  const lines = fs.readFileSync(SET_FILES[set], "utf8").split("\n");
  const out: EvalCase[] = [];
  lines.forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith("//")) return;
    let c: EvalCase;
    try {
      c = JSON.parse(t) as EvalCase;
    } catch (err) {
      throw new Error(`${path.basename(SET_FILES[set])}:${i + 1}: not JSON: ${String(err)}`);
    }
    if (!c.id || !c.category || !c.expect?.kind || (!c.text && !c.turns?.length))
      throw new Error(`${path.basename(SET_FILES[set])}:${i + 1}: needs id, category, text or turns, expect.kind`);
    if (!(c.expect.kind in DEFAULT_MAX)) throw new Error(`${c.id}: unknown kind ${c.expect.kind}`);
    out.push(c);
  });
  return out;
}

export interface Fixture {
  appNo: string;
  queryCode: string;
}

export interface Evaluation {
  env: TestEnv;
  fixture: Fixture;
  run(c: EvalCase, set: SetName): Promise<CaseResult>;
  close(): Promise<void>;
}

/** One embedded database for all cases; each case talks in a fresh conversation of its own. */
export async function openEvaluation(): Promise<Evaluation> {
  // 2026-03-02 10:00 China time, a Monday: "去年" is 2025 (no published report), 2019 is the seed's report.
  const env = await createTestEnv({ db: "sqlite", redis: false, now: "2026-03-02T02:00:00Z", env: { STATUS_QUERY_MAX_FAILURES: "100" } });
  const apps = env.services.applications;
  const filed = await apps.submit(
    {
      applicant: {
        category: "natural_person",
        name: "王小明",
        idType: "resident_id",
        idNumber: "11010519491231002X",
        phone: "13800138000",
        email: "wxm@example.com",
      },
      description: "2019年张店区融媒体中心政府信息公开工作年度报告的纸质版",
      deliveryForm: "electronic",
      deliveryMethod: "email",
      channel: "online",
    } as never,
    { idempotencyKey: "eval-fixture" },
  );
  const fixture: Fixture = { appNo: filed.applicationNo, queryCode: filed.queryCode };
  const svc = env.services.conversation;
  const fill = (t: string) =>
    t
      .replaceAll("{{appNo}}", fixture.appNo)
      .replaceAll("{{queryCode}}", fixture.queryCode)
      .replaceAll("{{wrongCode}}", fixture.queryCode === "12345678" ? "87654321" : "12345678");
  let n = 0;
  return {
    env,
    fixture,
    async run(c, set) {
      const turns = (c.turns ?? [c.text!]).map(fill);
      const speaker = { channel: "chat" as const, userId: `eval-${set}-${c.id}-${++n}`, citizenKey: null };
      let reply = "";
      try {
        for (const t of turns) {
          env.clock.set(new Date(env.clock.now().getTime() + 1000).toISOString());
          reply = (await svc.handle(speaker, t)).replies.join("\n");
        }
      } catch (err) {
        const failures = [`threw: ${String(err).slice(0, 200)}`];
        return { id: c.id, set, category: c.category, text: turns.join(" ⏎ "), reply, ok: false, failures };
      }
      const failures = check(JSON.parse(fill(JSON.stringify(c.expect))) as Expect, reply);
      return { id: c.id, set, category: c.category, text: turns.join(" ⏎ "), reply, ok: failures.length === 0, failures };
    },
    close: () => env.close(),
  };
}

export interface Score {
  total: number;
  passed: number;
  accuracy: number;
  byCategory: Record<string, { total: number; passed: number; accuracy: number }>;
}

export function score(results: CaseResult[]): Score {
  const byCategory: Score["byCategory"] = {};
  for (const r of results) {
    const b = (byCategory[r.category] ??= { total: 0, passed: 0, accuracy: 0 });
    b.total++;
    if (r.ok) b.passed++;
  }
  for (const b of Object.values(byCategory)) b.accuracy = b.passed / b.total;
  const passed = results.filter((r) => r.ok).length;
  return { total: results.length, passed, accuracy: results.length ? passed / results.length : 0, byCategory };
}

export interface Floors {
  dev: number;
  heldOut: number;
  /** Both sets together (the issue: never below 0.90); checked when both sets are run. */
  overall?: number;
}

/** Accuracy over both sets together, or null unless both were run. */
export function overallAccuracy(scores: Partial<Record<SetName, Score>>): number | null {
  const d = scores.dev;
  const h = scores["held-out"];
  return d && h ? (d.passed + h.passed) / (d.total + h.total) : null;
}
export function loadFloors(): Floors {
  return JSON.parse(fs.readFileSync(FLOORS_FILE, "utf8")) as Floors;
}

export async function evaluate(sets: SetName[]): Promise<{ results: Record<SetName, CaseResult[]>; scores: Partial<Record<SetName, Score>> }> {
  const ev = await openEvaluation();
  const results: Record<SetName, CaseResult[]> = { dev: [], "held-out": [] };
  const scores: Partial<Record<SetName, Score>> = {};
  try {
    for (const set of sets) {
      const cases = loadCases(set);
      if (!cases.length) continue;
      const ids = new Set<string>();
      for (const c of cases) {
        if (ids.has(c.id)) throw new Error(`${set}: duplicate id ${c.id}`);
        ids.add(c.id);
        results[set].push(await ev.run(c, set));
      }
      scores[set] = score(results[set]);
    }
  } finally {
    await ev.close();
  }
  return { results, scores };
}

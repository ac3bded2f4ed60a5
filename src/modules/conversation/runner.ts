// Runs one citizen message through the engine: load the session, step, execute the effects through the
// ports (services), feed their results back into the engine, save the session. Every channel calls this.
import type { IntakeInput } from "../applications/intake-schema";
import {
  step,
  type CatalogueResult,
  type ChannelKind,
  type Effect,
  type EffectResult,
  type FiguresResult,
  type GuideResult,
  type MineResult,
  type RefileResult,
  type Session,
  type StatusResult,
  type SubmitResult,
} from "./engine";
import type { BatchResult, KvStep } from "../../infra/kv";
import type { DirectoryAgency } from "../directory/agency-match";
import type { AgencyInfoResult } from "./agency-choice";
import type { FigureTopic, GuideTopic } from "./intents";
import type { KnowledgeIndex } from "./knowledge/knowledge-index";
import { SessionStore } from "./session-store";
import type { Understanding } from "./understanding";

/** Who is talking: the conversation key and, when verified, the citizen key used for 我的申请 and notifications. */
export interface Speaker {
  channel: ChannelKind;
  /** Conversation key within the channel (openid, contact id, chat userId). */
  userId: string;
  /** "oa:<openid>", "mp:<openid>", "wx:<contact id>" when verified; null for anonymous chat users. */
  citizenKey: string | null;
  /** The client's network address (anonymous chat): per-client limits are keyed on it, never on a chosen name. */
  clientAddress?: string;
}

/** What the engine's effects need from the rest of the system; plain objects in unit tests. */
export interface ConversationPorts {
  guide(topic: GuideTopic): Promise<GuideResult>;
  catalogue(query: string, year: number | null): Promise<CatalogueResult>;
  figures(year: number | null, topic: FigureTopic, currentYear: number): Promise<FiguresResult>;
  /** `agencyCode`: the agency chosen in the conversation (several agencies); the default agency without it. */
  submit(input: IntakeInput, idempotencyKey: string, speaker: Speaker, agencyCode?: string): Promise<SubmitResult>;
  status(applicationNo: string, queryCode: string, speaker: Speaker): Promise<StatusResult>;
  listMine(citizenKey: string): Promise<MineResult>;
  handoff(args: { speaker: Speaker; reason: string; question: string; transcript: Session["history"] }): Promise<{ consultationId: string }>;
  /** The agency's answer index (cached; rebuilt when its sources change): the one matcher of questions, staff-written
   * answers included. Absent or failed: questions use the effects above, and what they do not place is a miss. */
  knowledge?(): Promise<KnowledgeIndex | null>;
  /** The platform's agencies (the directory); optional: without it, or with one agency, the bot never asks which. */
  agencies?(): Promise<DirectoryAgency[]>;
  /** An agency's contacts and published guide (asked on a platform of several agencies). */
  agencyInfo?(code: string): Promise<AgencyInfoResult | null>;
  /** Re-files a 不属于本机关 application at the competent agency: by the grant of a status query in this conversation, or a verified citizen's own. */
  refile?(args: { applicationNo?: string; grant?: string; speaker: Speaker }): Promise<RefileResult>;
  /** Records a miss for the staff misses list; optional, and its failure never reaches the citizen. */
  recordMiss?(miss: { text: string; reply: string; score: number | null; channel: string }): Promise<void>;
}

export interface TurnInput {
  speaker: Speaker;
  text: string;
  messageId: string;
  now: Date;
  currentYear: number;
}

export interface TurnOutput {
  replies: string[];
  intent?: string;
  effects: Effect["kind"][];
  /** Set when a `before` step of the gate stopped the turn: nothing was locked, read or changed. */
  stopped?: BatchResult;
}

/**
 * What a channel adds to the turn's two round trips (issue 18): `before` steps run in the opening batch ahead
 * of the lock and the session read (replay guard, dedupe claim, last-seen, a sliding chat token), `after`
 * steps in the closing batch after the session write and the unlock (dedupe "done"). `passed` is told when the
 * `before` steps let the turn go on; `admit` runs with the lock held, before the engine (per-conversation rate
 * limit, the pull inbox): when it throws, the lock is released and nothing is saved.
 */
export interface TurnGate {
  before?: KvStep[];
  after?: KvStep[];
  passed?: () => void;
  admit?: () => Promise<void>;
}

export function recipientOf(speaker: Speaker): string {
  return speaker.citizenKey ?? `${speaker.channel}:${speaker.userId}`;
}

async function execute(
  ports: ConversationPorts,
  e: Effect,
  speaker: Speaker,
  currentYear: number,
  onError: (err: unknown, effect: Effect["kind"]) => void,
): Promise<EffectResult> {
  // The miss record is best effort: when it fails the citizen still gets the reply, never "系统繁忙".
  if (e.kind === "record_miss") {
    try {
      await ports.recordMiss?.({ text: e.text, reply: e.reply, score: e.score, channel: speaker.channel });
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err), e.kind);
    }
    return { kind: "record_miss" };
  }
  try {
    switch (e.kind) {
      case "guide":
        return { kind: "guide", result: await ports.guide(e.topic) };
      case "catalogue":
        return { kind: "catalogue", result: await ports.catalogue(e.query, e.year) };
      case "figures":
        return { kind: "figures", result: await ports.figures(e.year, e.topic, currentYear) };
      case "submit":
        return { kind: "submit", result: await ports.submit(e.input, e.idempotencyKey, speaker, e.agencyCode) };
      case "agency_info":
        return { kind: "agency_info", result: ports.agencyInfo ? await ports.agencyInfo(e.code) : null };
      case "refile":
        if (!ports.refile) return { kind: "refile", result: { ok: false, message: "暂不支持转交申请，请直接向负责机关提出申请。" } };
        return { kind: "refile", result: await ports.refile({ applicationNo: e.applicationNo, grant: e.grant, speaker }) };
      case "status":
        return { kind: "status", result: await ports.status(e.applicationNo, e.queryCode, speaker) };
      case "list_mine":
        // The engine asks only for verified speakers; the check is repeated here because it protects data.
        if (!speaker.citizenKey) return { kind: "list_mine", result: { items: [] } };
        return { kind: "list_mine", result: await ports.listMine(speaker.citizenKey) };
      case "handoff":
        return { kind: "handoff", result: await ports.handoff({ speaker, reason: e.reason, question: e.question, transcript: e.transcript }) };
    }
  } catch (err) {
    return { kind: "error", effect: e.kind, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Effects that change records without an idempotency key the stored session could already hold: saved before they run. */
const UNKEYED_WRITES = new Set<Effect["kind"]>(["handoff", "refile"]);

export class ConversationRunner {
  constructor(
    private readonly nlu: Understanding,
    private readonly store: SessionStore,
    private readonly ports: () => ConversationPorts,
    private readonly onError: (err: unknown, effect: Effect["kind"] | "knowledge") => void = () => undefined,
  ) {}

  async turn(input: TurnInput, gate: TurnGate = {}): Promise<TurnOutput> {
    const key = SessionStore.key(input.speaker.channel, input.speaker.userId);
    const nowIso = input.now.toISOString();
    const opened = await this.store.open(key, nowIso, gate.before, gate.passed);
    if ("stopped" in opened) return { replies: [], effects: [], stopped: opened.stopped };
    let out: { output: TurnOutput; session: Session };
    try {
      await gate.admit?.();
      out = await this.run(input, opened.session, key, nowIso);
    } catch (err) {
      // Nothing to save: release the lock (best effort; it lapses by itself) and report the first failure.
      await this.store.close(key, opened.lockToken, null).catch(() => undefined);
      throw err;
    }
    await this.store.close(key, opened.lockToken, out.session, gate.after);
    return out.output;
  }

  private async run(input: TurnInput, loaded: Session, key: string, nowIso: string): Promise<{ output: TurnOutput; session: Session }> {
    let session = loaded;
    const ports = this.ports();
    // Without the index (none built, or its sources failed to load) the engine answers through the effects.
    const knowledge = ports.knowledge
      ? await ports.knowledge().catch((err: unknown) => {
          this.onError(err, "knowledge");
          return null;
        })
      : null;
    // The directory is read only when the port has one; a failure leaves the bot as on a one-agency platform.
    const agencies = ports.agencies
      ? await ports.agencies().catch((err: unknown) => {
          this.onError(err, "knowledge");
          return undefined;
        })
      : undefined;
    const first = step(
      this.nlu,
      session,
      {
        type: "text",
        text: input.text,
        now: nowIso,
        messageId: input.messageId,
        channel: input.speaker.channel,
        verified: input.speaker.citizenKey !== null,
        currentYear: input.currentYear,
        ...(agencies ? { agencies } : {}),
      },
      knowledge,
    );
    session = first.session;
    const replies = [...first.replies];
    const done: Effect["kind"][] = [];
    const queue = [...first.effects];
    // Saved before effects that write run, so a crash during the write finds the form (and its idempotency
    // key) in the store. A submission whose key the stored session already holds (the usual 确认 of a form
    // filled over earlier messages) needs no extra round trip: a retry after a crash loads that session and
    // submits with the same key, which the intake answers with the first application.
    const storedKey = loaded.form?.idempotencyKey;
    if (queue.some((e) => UNKEYED_WRITES.has(e.kind) || (e.kind === "submit" && e.idempotencyKey !== storedKey))) await this.store.save(key, session);
    while (queue.length) {
      const effect = queue.shift()!;
      const result = await execute(ports, effect, input.speaker, input.currentYear, this.onError);
      if (result.kind === "error") this.onError(result.message, effect.kind);
      done.push(effect.kind);
      const next = step(this.nlu, session, { type: "result", now: nowIso, channel: input.speaker.channel, result }, knowledge);
      session = next.session;
      replies.push(...next.replies);
      queue.push(...next.effects);
    }
    return { output: { replies: replies.filter(Boolean), intent: first.intent, effects: done }, session };
  }
}

// Conversation sessions in the key-value store (Redis in production) under channel + user, with a TTL,
// so a restart or another instance continues the same conversation. A short lock serialises two messages
// of the same citizen arriving together; nothing is held in process memory between messages.
// A message costs two round trips here (issue 18): open = the caller's guard steps + lock + session read in
// one batch, close = session write + unlock + the caller's closing steps in another.
import type { BatchResult, KeyValueStore, KvStep } from "../../infra/kv";
import { newSession, type Session } from "./engine";

/** A half-filled form must survive a long pause; idle sessions expire after a day. */
export const SESSION_TTL_SECONDS = 24 * 3600;
const LOCK_TTL_SECONDS = 20;
const LOCK_WAIT_MS = 10_000;
const LOCK_POLL_MS = 40;

/** The conversation opened: the lock held (or given up on after LOCK_WAIT_MS, as before) and the session read. */
export interface OpenConversation {
  session: Session;
  /** Results of the caller's `before` steps. */
  before: Array<string | null>;
  lockToken: string;
}

export class SessionStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlSeconds = SESSION_TTL_SECONDS,
  ) {}

  static key(channel: string, userId: string): string {
    return `conv:session:${channel}:${userId}`;
  }

  private parse(raw: string | null, now: string): Session {
    if (!raw) return newSession(now);
    try {
      const s = JSON.parse(raw) as Session;
      return s.v === 1 ? s : newSession(now);
    } catch {
      return newSession(now);
    }
  }

  async load(key: string, now: string): Promise<Session> {
    return this.parse(await this.kv.get(key), now);
  }

  async save(key: string, session: Session): Promise<void> {
    await this.kv.set(key, JSON.stringify(session), this.ttlSeconds);
  }

  /** The step that writes the session, for a closing batch. */
  saveStep(key: string, session: Session): KvStep {
    return { op: "set", key, value: JSON.stringify(session), ttl: this.ttlSeconds };
  }

  async clear(key: string): Promise<void> {
    await this.kv.del(key);
  }

  /**
   * One round trip: the caller's `before` steps (a replay guard, a dedupe claim, a sliding token…), then the
   * lock and the session read. When a `before` step stops the batch nothing is locked and its result is
   * returned as `stopped`. When only the lock is taken, `passed` is called and the lock is polled (lock +
   * read again) until it is free or LOCK_WAIT_MS have passed — then the turn goes ahead unlocked, as before.
   */
  async open(key: string, now: string, before: readonly KvStep[] = [], passed?: () => void): Promise<{ stopped: BatchResult } | OpenConversation> {
    const lockKey = `${key}:lock`;
    const lockToken = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const lock: KvStep = { op: "claim", key: lockKey, value: lockToken, ttl: LOCK_TTL_SECONDS, stop: "taken" };
    const read: KvStep = { op: "get", key };
    let r = await this.kv.batch([...before, lock, read]);
    if (r.stoppedAt !== null && r.stoppedAt < before.length) return { stopped: r };
    passed?.();
    const beforeResults = r.results.slice(0, before.length);
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (r.stoppedAt !== null) {
      if (Date.now() > deadline) {
        r = await this.kv.batch([read]);
        return { session: this.parse(r.results[0], now), before: beforeResults, lockToken };
      }
      await new Promise((res) => setTimeout(res, LOCK_POLL_MS));
      r = await this.kv.batch([lock, read]);
    }
    return { session: this.parse(r.results[r.results.length - 1], now), before: beforeResults, lockToken };
  }

  /** One round trip: the session written (when given), the lock released if still ours, then the caller's `after` steps. */
  async close(key: string, lockToken: string, session: Session | null, after: readonly KvStep[] = []): Promise<void> {
    const steps: KvStep[] = session ? [this.saveStep(key, session)] : [];
    steps.push({ op: "delIfValue", key: `${key}:lock`, value: lockToken }, ...after);
    await this.kv.batch(steps);
  }
}

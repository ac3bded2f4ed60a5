// Conversation sessions in the key-value store (Redis in production) under channel + user, with a TTL,
// so a restart or another instance continues the same conversation. A short lock serialises two messages
// of the same citizen arriving together; nothing is held in process memory between messages.
import type { KeyValueStore } from "../../infra/kv";
import { newSession, type Session } from "./engine";

/** A half-filled form must survive a long pause; idle sessions expire after a day. */
export const SESSION_TTL_SECONDS = 24 * 3600;
const LOCK_TTL_SECONDS = 20;

export class SessionStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlSeconds = SESSION_TTL_SECONDS,
  ) {}

  static key(channel: string, userId: string): string {
    return `conv:session:${channel}:${userId}`;
  }

  async load(key: string, now: string): Promise<Session> {
    const raw = await this.kv.get(key);
    if (!raw) return newSession(now);
    try {
      const s = JSON.parse(raw) as Session;
      return s.v === 1 ? s : newSession(now);
    } catch {
      return newSession(now);
    }
  }

  async save(key: string, session: Session): Promise<void> {
    await this.kv.set(key, JSON.stringify(session), this.ttlSeconds);
  }

  async clear(key: string): Promise<void> {
    await this.kv.del(key);
  }

  /** Runs `fn` while holding the conversation's lock (polls the store; gives up waiting after ~10 s). */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = `${key}:lock`;
    const token = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const deadline = Date.now() + 10_000;
    while (!(await this.kv.setIfAbsent(lockKey, token, LOCK_TTL_SECONDS))) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 40));
    }
    try {
      return await fn();
    } finally {
      // Only our own lock (it may have expired and been taken by another message meanwhile), in one round trip.
      await this.kv.delIfValue(lockKey, token);
    }
  }
}

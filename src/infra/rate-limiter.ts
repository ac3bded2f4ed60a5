// Per-client limits on anonymous work (searches, filings, consultations, new chat sessions, logins): one
// implementation for every module, rate-limiter-flexible on the shared Redis in production (atomic, several
// instances count together) and its in-process limiter on the embedded default.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { DomainError } from "../domain/errors";
import { RedisKeyValueStore, type KeyValueStore } from "./kv";

export interface LimitRule {
  /** Names the counter family in Redis keys and logs, e.g. "search", "filing". */
  name: string;
  /** Requests allowed per window. */
  points: number;
  durationSeconds: number;
  /** Chinese message for the citizen, saying when to try again. */
  message: string;
  /** Once over the limit, refuse for this long (default: until the window ends). */
  blockSeconds?: number;
}

export interface Limiter {
  readonly rule: LimitRule;
  /** Counts one request of `key` (a client address, an account…); throws RATE_LIMITED with retryAfterSeconds when over. */
  consume(key: string, points?: number): Promise<void>;
  /** Remaining points in the current window (for tests and diagnostics). */
  remaining(key: string): Promise<number>;
  /** Forgets the key's count (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

export function createLimiter(kv: KeyValueStore, rule: LimitRule, keyPrefix = ""): Limiter {
  const base = { keyPrefix: `${keyPrefix}rl:${rule.name}`, points: rule.points, duration: rule.durationSeconds, blockDuration: rule.blockSeconds ?? 0 };
  const impl: RateLimiterAbstract =
    kv instanceof RedisKeyValueStore
      ? new RateLimiterRedis({ ...base, storeClient: kv.client, keyPrefix: `${kv.prefix}rl:${rule.name}`, useRedisPackage: false })
      : new RateLimiterMemory(base);
  return {
    rule,
    async consume(key, points = 1) {
      try {
        await impl.consume(key, points);
      } catch (e) {
        if (e instanceof RateLimiterRes) {
          throw new DomainError("RATE_LIMITED", rule.message, { retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) });
        }
        throw e; // Redis down: the caller's error mapping answers 503
      }
    },
    async remaining(key) {
      const res = await impl.get(key);
      return res ? Math.max(0, res.remainingPoints) : rule.points;
    },
    async reset(key) {
      await impl.delete(key);
    },
  };
}

const shared = new WeakMap<KeyValueStore, Map<string, Limiter>>();
/**
 * The one limiter of a store for a rule's name: routes that count the same thing (the JSON API and the portal page,
 * the chat API and the chat page) share a counter by asking for it by name, made on first use.
 */
export function sharedLimiter(kv: KeyValueStore, rule: LimitRule): Limiter {
  let byName = shared.get(kv);
  if (!byName) shared.set(kv, (byName = new Map()));
  let l = byName.get(rule.name);
  if (!l) byName.set(rule.name, (l = createLimiter(kv, rule)));
  return l;
}

// Small key-value interface for sessions, dedupe, rate limits and caches: Redis in production,
// an in-process map only when REDIS_URL is unset (the embedded default).
import Redis from "ioredis";

export interface KeyValueStore {
  readonly mode: "redis" | "memory";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Sets only when the key is absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Increments a counter; the TTL is applied when the counter is created. */
  incr(key: string, ttlSeconds?: number): Promise<number>;
  del(key: string): Promise<void>;
  /** Deletes the key only while it still holds `value` (an owner releasing its lock); true when deleted. One round trip. */
  delIfValue(key: string, value: string): Promise<boolean>;
  ttl(key: string): Promise<number | null>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** Compare-and-delete in one step on the server: nobody can take the key between the comparison and the delete. */
const DEL_IF_VALUE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export class RedisKeyValueStore implements KeyValueStore {
  readonly mode = "redis" as const;
  constructor(
    readonly client: Redis,
    readonly prefix: string,
  ) {}

  private k(key: string) {
    return this.prefix + key;
  }
  async get(key: string) {
    return this.client.get(this.k(key));
  }
  async set(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds) await this.client.set(this.k(key), value, "EX", ttlSeconds);
    else await this.client.set(this.k(key), value);
  }
  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return (await this.client.set(this.k(key), value, "EX", ttlSeconds, "NX")) === "OK";
  }
  async incr(key: string, ttlSeconds?: number) {
    const multi = this.client.multi().incr(this.k(key));
    if (ttlSeconds) multi.expire(this.k(key), ttlSeconds, "NX");
    const res = await multi.exec();
    if (!res || res[0][0]) throw res?.[0][0] ?? new Error("redis incr failed");
    return Number(res[0][1]);
  }
  async del(key: string) {
    await this.client.del(this.k(key));
  }
  async delIfValue(key: string, value: string) {
    return (await this.client.eval(DEL_IF_VALUE, 1, this.k(key), value)) === 1;
  }
  async ttl(key: string) {
    const t = await this.client.ttl(this.k(key));
    return t < 0 ? null : t;
  }
  async ping() {
    try {
      return (await withTimeout(this.client.ping(), 1000)) === "PONG";
    } catch {
      return false;
    }
  }
  async close() {
    this.client.disconnect();
  }
}

export class MemoryKeyValueStore implements KeyValueStore {
  readonly mode = "memory" as const;
  private data = new Map<string, { value: string; expiresAt: number | null }>();
  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string) {
    const e = this.data.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== null && e.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }
  async get(key: string) {
    return this.live(key)?.value ?? null;
  }
  async set(key: string, value: string, ttlSeconds?: number) {
    this.data.set(key, { value, expiresAt: ttlSeconds ? this.now() + ttlSeconds * 1000 : null });
  }
  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    if (this.live(key)) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }
  async incr(key: string, ttlSeconds?: number) {
    const e = this.live(key);
    const next = (e ? Number(e.value) : 0) + 1;
    this.data.set(key, {
      value: String(next),
      expiresAt: e ? e.expiresAt : ttlSeconds ? this.now() + ttlSeconds * 1000 : null,
    });
    return next;
  }
  async del(key: string) {
    this.data.delete(key);
  }
  async delIfValue(key: string, value: string) {
    if (this.live(key)?.value !== value) return false;
    this.data.delete(key);
    return true;
  }
  async ttl(key: string) {
    const e = this.live(key);
    if (!e || e.expiresAt === null) return null;
    return Math.ceil((e.expiresAt - this.now()) / 1000);
  }
  async ping() {
    return true;
  }
  async close() {
    this.data.clear();
  }
}

/** Where a Redis client reports that it lost or regained its server (the logger in production). */
export interface RedisConnectionLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Redis while its server is down: a command waits at most one reconnect attempt (≤ 1 s) and then fails with
 * MaxRetriesPerRequestError, which the HTTP layer answers with 503 系统繁忙 — never a request hanging until
 * Redis returns. Reconnects every second at most, so the service recovers by itself within about a second.
 * commandTimeout bounds a server that accepts the connection but does not answer.
 */
export const REDIS_CLIENT_OPTIONS = {
  maxRetriesPerRequest: 0,
  enableOfflineQueue: true,
  connectTimeout: 2000,
  commandTimeout: 2000,
  retryStrategy: (times: number) => Math.min(times * 100, 1000),
} as const;

/**
 * Logs a lost connection once per outage (ioredis emits an error at every reconnect attempt, and prints
 * "Unhandled error event" when nobody listens) and the recovery once.
 */
export function watchRedisConnection(client: Redis, log: RedisConnectionLog | undefined, name: string): void {
  let down = false;
  client.on("error", (err: Error) => {
    if (down) return;
    down = true;
    log?.warn({ redis: name, err: err.message }, "redis connection lost; commands fail fast until it returns");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    log?.info({ redis: name }, "redis connection restored");
  });
}

export function createRedisClient(url: string, log?: RedisConnectionLog): Redis {
  const client = new Redis(url, { lazyConnect: false, ...REDIS_CLIENT_OPTIONS });
  watchRedisConnection(client, log, "kv");
  return client;
}

export function createKeyValueStore(redisUrl: string | undefined, prefix: string, log?: RedisConnectionLog): KeyValueStore {
  if (!redisUrl) return new MemoryKeyValueStore();
  return new RedisKeyValueStore(createRedisClient(redisUrl, log), prefix);
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}

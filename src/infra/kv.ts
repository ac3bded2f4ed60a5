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
  /**
   * Runs the steps in order as one atomic unit and one round trip (a Lua script on Redis, a synchronous loop
   * in process): the hot paths (webhook, chat) put their guard, claim, lock and reads in one call and their
   * writes and releases in another instead of a round trip each. A step with `stop` ends the batch when its
   * condition holds; the steps after it do not run.
   */
  batch(steps: readonly KvStep[]): Promise<BatchResult>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * One step of KeyValueStore.batch. Results, one per step that ran: get → the value; claim (set if absent) →
 * null when this step set it, else the value held; refresh (sliding TTL of an existing key) → "1" when the key
 * existed; delIfValue → "1" when deleted; set and del → null.
 */
export type KvStep =
  | { op: "get"; key: string }
  | { op: "set"; key: string; value: string; ttl?: number }
  /** stop "taken": end the batch when the key was already there; "differs": only when it holds another value. */
  | { op: "claim"; key: string; value: string; ttl: number; stop?: "taken" | "differs" }
  | { op: "refresh"; key: string; ttl: number; stop?: "missing" }
  | { op: "delIfValue"; key: string; value: string }
  | { op: "del"; key: string };

export interface BatchResult {
  results: Array<string | null>;
  /** Index of the step whose condition ended the batch, or null when every step ran. */
  stoppedAt: number | null;
}

/**
 * The batch interpreter on the Redis server: KEYS[i] is step i's key, ARGV holds four fields per step (op,
 * value, ttl, stop). A reply array cannot carry nil in the middle, so each result is "v<value>" or "n".
 */
const BATCH_SCRIPT = `
local out = {0}
for i = 1, #KEYS do
  local b = (i - 1) * 4
  local op, val, ttl, stop = ARGV[b + 1], ARGV[b + 2], tonumber(ARGV[b + 3]), ARGV[b + 4]
  local k = KEYS[i]
  local r = false
  local halt = false
  if op == "get" then
    r = redis.call("GET", k)
  elseif op == "set" then
    if ttl > 0 then redis.call("SET", k, val, "EX", ttl) else redis.call("SET", k, val) end
  elseif op == "claim" then
    if not redis.call("SET", k, val, "EX", ttl, "NX") then
      r = redis.call("GET", k)
      if stop == "taken" or (stop == "differs" and r ~= val) then halt = true end
    end
  elseif op == "refresh" then
    if redis.call("EXPIRE", k, ttl) == 1 then r = "1" elseif stop == "missing" then halt = true end
  elseif op == "delIfValue" then
    if redis.call("GET", k) == val then redis.call("DEL", k) r = "1" end
  elseif op == "del" then
    redis.call("DEL", k)
  end
  out[i + 1] = r and ("v" .. r) or "n"
  if halt then
    out[1] = i
    return out
  end
end
return out`;

type BatchClient = Redis & { ogiBatch(numKeys: number, ...args: string[]): Promise<Array<string | number>> };

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
  async batch(steps: readonly KvStep[]): Promise<BatchResult> {
    const client = this.client as BatchClient;
    // EVALSHA with the script's digest (ioredis loads it on the first NOSCRIPT): the script text is not resent.
    if (typeof client.ogiBatch !== "function") client.defineCommand("ogiBatch", { lua: BATCH_SCRIPT });
    const keys = steps.map((s) => this.k(s.key));
    const args: string[] = [];
    for (const s of steps) {
      args.push(s.op, "value" in s ? s.value : "", String("ttl" in s ? (s.ttl ?? 0) : 0), "stop" in s ? (s.stop ?? "") : "");
    }
    const reply = await client.ogiBatch(steps.length, ...keys, ...args);
    const stopped = Number(reply[0]);
    return {
      results: reply.slice(1).map((r) => (String(r).startsWith("v") ? String(r).slice(1) : null)),
      stoppedAt: stopped > 0 ? stopped - 1 : null,
    };
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
    disconnectRedis(this.client);
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
  /** The same steps as the Redis script, in one synchronous loop: nothing else runs in between, as on Redis. */
  async batch(steps: readonly KvStep[]): Promise<BatchResult> {
    const results: Array<string | null> = [];
    const expiry = (ttl: number | undefined) => (ttl ? this.now() + ttl * 1000 : null);
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      let r: string | null = null;
      let halt = false;
      switch (s.op) {
        case "get":
          r = this.live(s.key)?.value ?? null;
          break;
        case "set":
          this.data.set(s.key, { value: s.value, expiresAt: expiry(s.ttl) });
          break;
        case "claim": {
          const held = this.live(s.key);
          if (!held) this.data.set(s.key, { value: s.value, expiresAt: expiry(s.ttl) });
          else {
            r = held.value;
            halt = s.stop === "taken" || (s.stop === "differs" && r !== s.value);
          }
          break;
        }
        case "refresh": {
          const held = this.live(s.key);
          if (held) {
            held.expiresAt = expiry(s.ttl);
            r = "1";
          } else halt = s.stop === "missing";
          break;
        }
        case "delIfValue":
          if (this.live(s.key)?.value === s.value) {
            this.data.delete(s.key);
            r = "1";
          }
          break;
        case "del":
          this.data.delete(s.key);
          break;
      }
      results.push(r);
      if (halt) return { results, stoppedAt: i };
    }
    return { results, stoppedAt: null };
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

/**
 * Closes an ioredis client at once, leaving no timer behind. ioredis 5 ends the socket and arms a timer
 * (disconnectTimeout, 2 s) to destroy it should it not close; while it waits to reconnect (Redis unreachable)
 * that socket has already closed, so nothing clears the timer and the process lives 2 s longer than its work
 * (redis/ioredis#1247; a jest worker "failed to exit gracefully"). The socket's own "close" listener, the
 * only one left on it, is what clears that timer: it is given the close that already happened.
 */
export function disconnectRedis(client: Redis): void {
  const stream = client.status === "reconnecting" ? client.stream : undefined;
  client.disconnect();
  if (stream?.destroyed) stream.emit("close", false);
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

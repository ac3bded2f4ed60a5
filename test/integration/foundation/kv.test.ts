// The key-value contract (TTL, set-if-absent, counters) holds the same for Redis and the in-process stand-in.
import { randomBytes } from "node:crypto";
import { MemoryKeyValueStore, RedisKeyValueStore, createRedisClient, disconnectRedis, type KeyValueStore } from "../../../src/infra/kv";
import { REDIS_URL, deleteRedisPrefix } from "../../helpers/test-context";
import { waitUntil } from "../../helpers/wait";

const prefix = `kvtest-${randomBytes(4).toString("hex")}:`;
let fakeNow = 1_000_000;
const stores: Array<[string, () => KeyValueStore]> = [
  ["redis", () => new RedisKeyValueStore(createRedisClient(REDIS_URL), prefix)],
  ["memory", () => new MemoryKeyValueStore(() => fakeNow)],
];

afterAll(() => deleteRedisPrefix(prefix));

describe.each(stores)("%s key-value store", (mode, make) => {
  let kv: KeyValueStore;
  beforeAll(() => {
    kv = make();
  });
  afterAll(() => kv.close());

  it("reports its mode and answers ping", async () => {
    expect(kv.mode).toBe(mode);
    expect(await kv.ping()).toBe(true);
  });

  it("sets, reads and deletes values with a TTL", async () => {
    await kv.set(`${mode}:a`, "一", 60);
    expect(await kv.get(`${mode}:a`)).toBe("一");
    const ttl = await kv.ttl(`${mode}:a`);
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    await kv.del(`${mode}:a`);
    expect(await kv.get(`${mode}:a`)).toBeNull();
  });

  it("sets only when absent, once among concurrent callers", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => kv.setIfAbsent(`${mode}:msg`, String(i), 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await kv.setIfAbsent(`${mode}:msg`, "again", 60)).toBe(false);
  });

  it("deletes a key only while it holds the given value (a lock released by its owner only)", async () => {
    await kv.set(`${mode}:lock`, "owner-a", 60);
    expect(await kv.delIfValue(`${mode}:lock`, "owner-b")).toBe(false);
    expect(await kv.get(`${mode}:lock`)).toBe("owner-a");
    expect(await kv.delIfValue(`${mode}:lock`, "owner-a")).toBe(true);
    expect(await kv.get(`${mode}:lock`)).toBeNull();
    expect(await kv.delIfValue(`${mode}:lock`, "owner-a")).toBe(false);
  });

  it("runs a batch in order and stops at the first step whose condition holds", async () => {
    const k = (n: string) => `${mode}:batch:${n}`;
    await kv.set(k("session"), "state-1", 60);
    // First message: the guard is new, the claim and the lock are taken, the session is read.
    const first = await kv.batch([
      { op: "claim", key: k("guard"), value: "digest-a", ttl: 60, stop: "differs" },
      { op: "claim", key: k("dedupe"), value: "processing", ttl: 60, stop: "taken" },
      { op: "set", key: k("seen"), value: "now", ttl: 60 },
      { op: "claim", key: k("lock"), value: "owner-1", ttl: 60, stop: "taken" },
      { op: "get", key: k("session") },
    ]);
    expect(first).toEqual({ results: [null, null, null, null, "state-1"], stoppedAt: null });
    // The same guard with the same digest passes; the dedupe mark is held: the batch stops there, nothing after it runs.
    await kv.del(k("seen"));
    const again = await kv.batch([
      { op: "claim", key: k("guard"), value: "digest-a", ttl: 60, stop: "differs" },
      { op: "claim", key: k("dedupe"), value: "processing", ttl: 60, stop: "taken" },
      { op: "set", key: k("seen"), value: "now", ttl: 60 },
    ]);
    expect(again).toEqual({ results: ["digest-a", "processing"], stoppedAt: 1 });
    expect(await kv.get(k("seen"))).toBeNull();
    // Another digest under the same guard stops at once.
    expect(
      await kv.batch([
        { op: "claim", key: k("guard"), value: "digest-b", ttl: 60, stop: "differs" },
        { op: "get", key: k("session") },
      ]),
    ).toEqual({
      results: ["digest-a"],
      stoppedAt: 0,
    });
    // The closing batch: session written, lock released only by its owner, dedupe marked done.
    const close = await kv.batch([
      { op: "set", key: k("session"), value: "state-2", ttl: 60 },
      { op: "delIfValue", key: k("lock"), value: "someone-else" },
      { op: "delIfValue", key: k("lock"), value: "owner-1" },
      { op: "set", key: k("dedupe"), value: "done", ttl: 60 },
    ]);
    expect(close).toEqual({ results: [null, null, "1", null], stoppedAt: null });
    expect(await kv.get(k("session"))).toBe("state-2");
    expect(await kv.get(k("lock"))).toBeNull();
    expect(await kv.get(k("dedupe"))).toBe("done");
    // refresh: a sliding TTL on a key that exists; "missing" stops the batch when it does not.
    await kv.set(k("token"), "1", 5);
    expect(
      await kv.batch([
        { op: "refresh", key: k("token"), ttl: 600, stop: "missing" },
        { op: "get", key: k("session") },
      ]),
    ).toEqual({ results: ["1", "state-2"], stoppedAt: null });
    expect(await kv.ttl(k("token"))).toBeGreaterThan(500);
    expect(
      await kv.batch([
        { op: "refresh", key: k("nope"), ttl: 600, stop: "missing" },
        { op: "del", key: k("session") },
      ]),
    ).toEqual({ results: [null], stoppedAt: 0 });
    expect(await kv.get(k("session"))).toBe("state-2");
    await kv.batch([{ op: "del", key: k("session") }]);
    expect(await kv.get(k("session"))).toBeNull();
  });

  it("claims in a batch once among concurrent callers", async () => {
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        kv.batch([
          { op: "claim", key: `${mode}:batch:race`, value: `c${i}`, ttl: 60, stop: "taken" },
          { op: "set", key: `${mode}:batch:winner`, value: `c${i}` },
        ]),
      ),
    );
    expect(runs.filter((r) => r.stoppedAt === null)).toHaveLength(1);
    const winner = runs.findIndex((r) => r.stoppedAt === null);
    expect(await kv.get(`${mode}:batch:winner`)).toBe(`c${winner}`);
  });

  it("counts concurrently and keeps the TTL set at creation", async () => {
    const counts = await Promise.all(Array.from({ length: 10 }, () => kv.incr(`${mode}:n`, 120)));
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await kv.ttl(`${mode}:n`)).toBeGreaterThan(100);
  });
});

it("the in-process store forgets values when their TTL has passed", async () => {
  const kv = new MemoryKeyValueStore(() => fakeNow);
  await kv.set("x", "1", 10);
  await kv.incr("c", 10);
  fakeNow += 10_001;
  expect(await kv.get("x")).toBeNull();
  expect(await kv.incr("c", 10)).toBe(1);
  expect(await kv.setIfAbsent("x", "2", 10)).toBe(true);
});

it("closes a client waiting to reconnect to an unreachable Redis without leaving a timer behind (no open handle)", async () => {
  const client = createRedisClient("redis://127.0.0.1:1");
  await waitUntil("the client to wait for its next attempt", async () => client.status === "reconnecting", 10_000, 10);
  // ioredis holds a reconnect timer now; a close clears it and must arm none (its 2 s socket-destroy timer did).
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const before = timers();
  disconnectRedis(client);
  expect(timers()).toBe(before - 1);
});

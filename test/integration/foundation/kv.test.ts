// The key-value contract (TTL, set-if-absent, counters) holds the same for Redis and the in-process stand-in.
import { randomBytes } from "node:crypto";
import { MemoryKeyValueStore, RedisKeyValueStore, createRedisClient, type KeyValueStore } from "../../../src/infra/kv";
import { REDIS_URL, deleteRedisPrefix } from "../../helpers/test-context";

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

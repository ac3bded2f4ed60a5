// The shared per-client limiter: the same rule on Redis (two stores on one prefix count together) and in-process.
import { createLimiter } from "../../../src/infra/rate-limiter";
import { MemoryKeyValueStore, createKeyValueStore } from "../../../src/infra/kv";
import { REDIS_URL, deleteRedisPrefix } from "../../helpers/test-context";
import { DomainError } from "../../../src/domain/errors";

const rule = { name: "t", points: 3, durationSeconds: 60, message: "操作过于频繁，请1分钟后再试" };

test("Redis: the fourth request in the window is refused with RATE_LIMITED and a retry time, across two instances", async () => {
  const prefix = `rltest:${Date.now()}:`;
  const a = createKeyValueStore(REDIS_URL, prefix);
  const b = createKeyValueStore(REDIS_URL, prefix);
  try {
    const la = createLimiter(a, rule);
    const lb = createLimiter(b, rule);
    await la.consume("1.2.3.4");
    await lb.consume("1.2.3.4");
    await la.consume("1.2.3.4");
    const err = await lb.consume("1.2.3.4").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("RATE_LIMITED");
    expect((err as DomainError).message).toBe(rule.message);
    expect((err as DomainError & { details: { retryAfterSeconds: number } }).details.retryAfterSeconds).toBeGreaterThan(0);
    await la.consume("5.6.7.8"); // another client is not affected
    expect(await la.remaining("5.6.7.8")).toBe(2);
    await la.reset("1.2.3.4");
    await la.consume("1.2.3.4");
  } finally {
    await a.close();
    await b.close();
    await deleteRedisPrefix(prefix);
  }
});

test("in-process: the same rule without Redis", async () => {
  const l = createLimiter(new MemoryKeyValueStore(), rule);
  for (let i = 0; i < 3; i++) await l.consume("c");
  await expect(l.consume("c")).rejects.toMatchObject({ code: "RATE_LIMITED" });
  expect(await l.remaining("c")).toBe(0);
});

// Subscription consents counted in the database on both PostgreSQL and SQLite: each accept banks one, each
// message takes one (never below zero), a failed send gives it back, a ban leaves none, and every change
// stamps the row.
import { createTestEnv, type DbKind, type TestEnv } from "../../helpers/test-context";
import { SubscriptionConsent, SubscriptionStore } from "../../../src/modules/conversation/subscriptions";

describe.each<DbKind>(["postgres", "sqlite"])("subscription consents on %s", (db) => {
  let env: TestEnv;
  let now = "2026-03-02T02:00:00.000Z";
  let store: SubscriptionStore;
  beforeAll(async () => {
    env = await createTestEnv({ db, redis: false });
    store = new SubscriptionStore(env.ctx.db, () => now);
  });
  afterAll(() => env.close());

  const stamp = async (recipient: string) => (await env.ctx.db.getRepository(SubscriptionConsent).findOneByOrFail({ recipient, templateId: "tpl" })).updatedAt;

  it("banks each accept, takes one per message down to none, gives one back and zeroes on a ban", async () => {
    const who = `mp:${db}-a`;
    expect(await store.record(who, { tpl: "accept" })).toEqual([{ templateId: "tpl", remaining: 1 }]);
    now = "2026-03-02T02:01:00.000Z";
    expect(await store.record(who, { tpl: "accept", other: "reject" })).toEqual([{ templateId: "tpl", remaining: 2 }]);
    expect(await stamp(who)).toBe("2026-03-02T02:01:00.000Z");

    now = "2026-03-02T02:02:00.000Z";
    expect(await store.take(who, "tpl")).toBe(true);
    expect(await stamp(who)).toBe("2026-03-02T02:02:00.000Z");
    expect(await store.take(who, "tpl")).toBe(true);
    expect(await store.take(who, "tpl")).toBe(false);
    expect(await store.list(who)).toEqual([{ templateId: "tpl", remaining: 0 }]);

    now = "2026-03-02T02:03:00.000Z";
    await store.giveBack(who, "tpl");
    expect(await store.list(who)).toEqual([{ templateId: "tpl", remaining: 1 }]);
    expect(await stamp(who)).toBe("2026-03-02T02:03:00.000Z");

    await store.record(who, { tpl: "ban" });
    expect(await store.list(who)).toEqual([{ templateId: "tpl", remaining: 0 }]);
    expect(await store.take(who, "tpl")).toBe(false);
  });

  it("takes nothing for a recipient or template without consent", async () => {
    expect(await store.take(`mp:${db}-nobody`, "tpl")).toBe(false);
    await store.record(`mp:${db}-b`, { tpl: "accept" });
    expect(await store.take(`mp:${db}-b`, "another")).toBe(false);
    expect(await store.list(`mp:${db}-b`)).toEqual([{ templateId: "tpl", remaining: 1 }]);
  });
});

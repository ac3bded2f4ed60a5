// The bot reads the agency directory on every message through `recent()`: the table is asked at most once per
// period on the service clock (not a database round trip per message), and an agency added meanwhile is seen
// once the period has passed, without a restart.
import { addAgency } from "../../helpers/second-agency";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", redis: false, now: "2026-03-02T02:00:00Z" });
});
afterAll(async () => env?.close());

test("recent() serves the cached list within its period and sees a new agency after it", async () => {
  const dir = env.services.directory;
  const before = (await dir.recent(5000)).map((a) => a.code);
  expect(before).toEqual(["zdrmt"]);

  await addAgency(env);
  // all() always checks the table's stamp: the REST directory and the portal see the new agency at once.
  expect((await dir.all()).map((a) => a.code).sort()).toEqual(["zdjy", "zdrmt"]);
});

test("within the period recent() does not ask the table; after it, it does", async () => {
  const dir = env.services.directory;
  const seen = (await dir.recent(5000)).length;
  const db = env.ctx.db;
  const spy = jest.spyOn(db, "getRepository");
  try {
    for (let i = 0; i < 5; i++) expect((await dir.recent(5000)).length).toBe(seen);
    expect(spy).not.toHaveBeenCalled();
    env.clock.set("2026-03-02T02:00:06Z");
    await dir.recent(5000);
    expect(spy).toHaveBeenCalled();
  } finally {
    spy.mockRestore();
  }
});

test("an agency added after a cached read reaches the bot's list once the period has passed", async () => {
  const dir = env.services.directory;
  env.clock.set("2026-03-02T03:00:00Z");
  const n = (await dir.recent(5000)).length;
  await addAgency(env, { code: "zdws", name: "张店区卫生健康局", profile: { channels: [], contact: {}, duties: { keywords: ["医院"], summary: "卫生健康" } } });
  expect((await dir.recent(5000)).length).toBe(n);
  env.clock.set("2026-03-02T03:00:06Z");
  expect((await dir.recent(5000)).map((a) => a.code)).toContain("zdws");
});

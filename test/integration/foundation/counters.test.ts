// Counters: bumps never hand out the same number (concurrent transactions on PostgreSQL; SQLite too).
import { createTestEnv, type DbKind, type TestEnv } from "../../helpers/test-context";
import { defaultAgency } from "../../../src/infra/agencies";
import { bumpCounter } from "../../../src/infra/counters";

describe.each<DbKind>(["postgres", "sqlite"])("counters on %s", (db) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ db });
  });
  afterAll(() => env.close());

  it("gives each concurrent transaction its own number and counts blocks of several", async () => {
    const agency = await defaultAgency(env.ctx);
    const bump = () => env.ctx.db.transaction((m) => bumpCounter(m, agency.id, "test-seq"));
    // SQLite has one connection, which cannot hold two transactions at once: there the bumps run in turn.
    const values: number[] = [];
    if (db === "postgres") values.push(...(await Promise.all(Array.from({ length: 8 }, bump))));
    else for (let i = 0; i < 8; i++) values.push(await bump());
    expect([...values].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await bumpCounter(env.ctx.db.manager, agency.id, "test-seq", 5)).toBe(13);
    expect(await bumpCounter(env.ctx.db.manager, agency.id, "other-seq", 3)).toBe(3);
  });
});

// The district views on the embedded default (SQLite): the same statements with positional placeholders, the
// recursive tree query and the reminders work without PostgreSQL.
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { orgBody } from "../applications/fixtures";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", redis: false });
});
afterAll(() => env.close());

it("adds an agency under the seed one, counts its applications in the district views and reminds its staff", async () => {
  const agencies = env.services.agencies;
  const { agency, admin } = await agencies.add(
    { code: "zdjyj", name: "张店区教育和体育局", parent: "zdrmt", admin: { username: "edu-admin", password: "correct-horse-battery" } },
    null,
  );
  expect(agency.parentCode).toBe("zdrmt");
  const principal = await env.services.staff.login("edu-admin", "correct-horse-battery", "test", undefined, { agencyCode: "zdjyj" });
  await env.services.applications.register(orgBody({ channel: "in_person", receivedAt: "2026-01-05" }), principal.user);
  const root = (await agencies.list()).find((a) => a.code === "zdrmt")!;
  const ids = await agencies.subtreeIds(root.id);
  expect(ids).toHaveLength(2);
  const district = env.services.district;
  const d = await district.deadlines(ids, env.ctx.today());
  expect(d.rows.find((r) => r.code === "zdjyj")).toMatchObject({ open: 1, overdue: 1 });
  const t = await district.districtTable(ids, 2026, env.ctx.today());
  expect(t.total.rows["received.new"].at(-1)).toBe(1);
  expect(t.agencies.every((a) => a.checks.length > 0)).toBe(true);
  const r = await district.sendReportReminders(2025, env.ctx.today(), ids);
  expect(r.agencies).toContain("zdjyj");
  expect(r.messages).toBeGreaterThanOrEqual(1);
  expect(admin?.username).toBe("edu-admin");
});

// The same statistics on the embedded default (SQLite), and this feature's migration reverting and
// re-applying cleanly on PostgreSQL.
import request from "supertest";
import { Reports1764000200000 } from "../../../migrations/1764000200000-reports";
import { importApplications } from "../../../src/modules/reports/import";
import { defaultAgency } from "../../../src/infra/agencies";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { expectEveryCell, longSession } from "./helpers";

describe("reports on SQLite", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ db: "sqlite", redis: false, now: "2026-03-02T02:00:00Z" });
  });
  afterAll(async () => {
    await env.close();
  });

  it("imports, computes every cell of a 2021-format year and publishes", async () => {
    const l = (id: string, r: string, cat: string, d?: string, at?: string) =>
      JSON.stringify({
        externalId: id,
        receivedAt: r,
        channel: "online",
        applicantCategory: cat,
        applicantName: "x",
        description: "x",
        ...(d ? { disposition: d, disposedAt: at } : {}),
      });
    const agency = await defaultAgency(env.ctx);
    const res = await importApplications(
      env.ctx,
      agency,
      [
        l("s1", "2024-12-30", "natural_person", "granted.provided", "2025-01-03"),
        l("s2", "2025-02-01", "org.research", "other.no_correction", "2025-04-01"),
        l("s3", "2025-03-01", "org.other", "other.withdrawn", "2025-03-02"),
        l("s4", "2025-12-31", "natural_person"),
      ].join("\n"),
    );
    expect(res).toEqual({ ok: true, imported: 4, unchanged: 0, problems: [] });
    const statuses = await env.ctx.db.query(`SELECT external_id, status FROM applications ORDER BY external_id`);
    expect(statuses).toEqual([
      { external_id: "s1", status: "answered" },
      { external_id: "s2", status: "closed" },
      { external_id: "s3", status: "closed" },
      { external_id: "s4", status: "received" },
    ]);
    const token = await longSession(env, "approver", "sq-approver");
    const view = (await request(env.server).get("/api/staff/reports/2025").set("Authorization", `Bearer ${token}`).expect(200)).body;
    expectEveryCell(view.report.applications, "2021", {
      "received.new": { natural_person: 1, "org.research": 1, "org.other": 1 },
      "received.carried_over": { natural_person: 1 },
      "result.granted": { natural_person: 1 },
      "result.other.no_correction": { "org.research": 1 },
      "result.other.other": { "org.other": 1 },
      "result.total": { natural_person: 1, "org.research": 1, "org.other": 1 },
      carried_forward: { natural_person: 1 },
    });
    expect(view.report.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const pub = await request(env.server).post("/api/staff/reports/2025/publish").set("Authorization", `Bearer ${token}`).expect(201);
    expect(pub.body.version).toBe(1);
    expect((await request(env.server).get("/api/reports/2025/figures").expect(200)).body.summary).toContain(
      "新收政府信息公开申请3件，上年结转1件，本年度办结3件",
    );
  });
});

describe("reports migration on PostgreSQL", () => {
  it("down() removes its tables and index, up() restores them", async () => {
    const env = await createTestEnv({ db: "postgres" });
    const qr = env.ctx.db.createQueryRunner();
    try {
      const m = new Reports1764000200000();
      await m.down(qr);
      for (const t of ["report_drafts", "report_cases", "report_publications"]) expect(await qr.hasTable(t)).toBe(false);
      const idx = async () =>
        (await qr.query(`SELECT COUNT(*)::int AS n FROM pg_indexes WHERE indexname = 'ix_applications_report' AND schemaname = current_schema()`))[0].n;
      expect(await idx()).toBe(0);
      expect(await qr.hasTable("applications")).toBe(true);
      await m.up(qr);
      for (const t of ["report_drafts", "report_cases", "report_publications"]) expect(await qr.hasTable(t)).toBe(true);
      expect(await idx()).toBe(1);
    } finally {
      await qr.release();
      await env.close();
    }
  });
});

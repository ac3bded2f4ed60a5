// Two staff saving the same version of a catalogue entry at the same moment (PostgreSQL): exactly one edit is
// written, the other is refused with CATALOGUE.CONFLICT naming the version the entry is at now — never lost.
import request from "supertest";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { waitingBehind } from "../../helpers/pg-locks";
import { waitUntil } from "../../helpers/wait";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { CatalogueEntry } from "../../../src/modules/catalogue/entities";

describe("concurrent edits of one catalogue entry on postgres", () => {
  let env: TestEnv;
  let clerk: string;
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres" });
    clerk = await staffToken(env, "clerk");
  });
  afterAll(() => env.close());

  const auth = () => ({ Authorization: `Bearer ${clerk}` });

  it("writes exactly one of two edits of the same version; the other gets CATALOGUE.CONFLICT", async () => {
    const created = await request(env.server)
      .post("/api/staff/catalogue")
      .set(auth())
      .send({
        title: "关于并发编辑测试的通知",
        publisher: "张店区人民政府办公室",
        writtenDate: "2024-05-06",
        subjectCategory: "综合政务\\政务公开",
        disclosureMode: "主动公开",
      })
      .expect(201);
    const entry = created.body.entry as { id: string; version: number };
    expect(entry.version).toBe(1);

    // Both edits read version 1 while a third transaction holds the row: neither can write until it lets go, so
    // both have passed every check before either writes (the race a check-then-save loses).
    const holder = env.ctx.db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    let released = false;
    try {
      await holder.query("SELECT id FROM catalogue_entries WHERE id = $1 FOR UPDATE", [entry.id]);
      const [{ pid }] = (await holder.query("SELECT pg_backend_pid() AS pid")) as Array<{ pid: number }>;
      const edit = (title: string) =>
        request(env.server)
          .patch(`/api/staff/catalogue/${entry.id}`)
          .set(auth())
          .send({ title, version: 1 })
          .then((r) => r);
      const first = edit("关于并发编辑测试的通知（甲）");
      const second = edit("关于并发编辑测试的通知（乙）");
      await waitUntil("both edits waiting on the row", async () => (await waitingBehind(env, pid)) >= 2, 20_000, 25);
      await holder.rollbackTransaction();
      released = true;
      const results = await Promise.all([first, second]);

      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const won = results.find((r) => r.status === 200)!;
      const lost = results.find((r) => r.status === 409)!;
      expect(lost.body.error.code).toBe("CATALOGUE.CONFLICT");
      expect(lost.body.error.details).toEqual({ currentVersion: 2 });
      expect(won.body.entry.version).toBe(2);

      const stored = await env.ctx.db.getRepository(CatalogueEntry).findOneByOrFail({ id: entry.id });
      expect(stored.version).toBe(2);
      expect(stored.title).toBe(won.body.entry.title);
      const audits = await env.ctx.db.getRepository(AuditEvent).findBy({ entityId: entry.id, action: "catalogue.update" });
      expect(audits).toHaveLength(1);
      expect(audits[0].data).toEqual({ indexNo: stored.indexNo, changed: ["title"] });
    } finally {
      if (!released) await holder.rollbackTransaction();
      await holder.release();
    }
  });
});

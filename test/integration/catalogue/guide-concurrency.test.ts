// Two staff saving sections of the same guide draft at the same moment (PostgreSQL): exactly one edit is written,
// the other is refused with GUIDE.CONFLICT naming the draft's revision now — never silently overwritten; an edit
// made on a revision the draft has moved past is refused too (PostgreSQL and SQLite).
import request from "supertest";
import { createTestEnv, staffToken, type DbKind, type TestEnv } from "../../helpers/test-context";
import { raceBehindLock } from "../../helpers/pg-locks";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { defaultAgency } from "../../../src/infra/agencies";
import { GuideVersion } from "../../../src/modules/catalogue/entities";

describe("concurrent edits of one guide draft on postgres", () => {
  let env: TestEnv;
  let clerk: string;
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z" });
    clerk = await staffToken(env, "clerk");
  });
  afterAll(() => env.close());

  const auth = () => ({ Authorization: `Bearer ${clerk}` });
  const patchSection = (key: string, body: Record<string, unknown>) =>
    request(env.server).patch(`/api/staff/guide/draft/sections/${key}`).set(auth()).send(body);

  it("writes exactly one of two section edits made from the same read; the other gets GUIDE.CONFLICT", async () => {
    const opened = await patchSection("fees", { body: "不收取费用。" }).expect(200);
    expect(opened.body.draft.revision).toBe(1);
    const agencyId = (await defaultAgency(env.ctx)).id;
    const draft = await env.ctx.db.getRepository(GuideVersion).findOneByOrFail({ agencyId, status: "draft" });

    // Both edits (different sections, no revision sent: the server's own read is the check) read revision 1 while a
    // third transaction holds the draft row: both have built their new content before either writes.
    const results = await raceBehindLock(
      env,
      "SELECT id FROM guide_versions WHERE id = $1 FOR UPDATE",
      [draft.id],
      [() => patchSection("office", { body: "受理机构：甲" }).then((r) => r), () => patchSection("remedies", { body: "救济途径：乙" }).then((r) => r)],
    );

    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const won = results.find((r) => r.status === 200)!;
    const lost = results.find((r) => r.status === 409)!;
    expect(lost.body.error.code).toBe("GUIDE.CONFLICT");
    expect(lost.body.error.message).toBe("指南草稿已被他人修改，请刷新后再编辑");
    expect(lost.body.error.details).toEqual({ currentRevision: 2 });
    expect(won.body.draft.revision).toBe(2);

    // The stored draft is the winner's: its section changed, the earlier edit kept, the loser's section untouched.
    const stored = await env.ctx.db.getRepository(GuideVersion).findOneByOrFail({ id: draft.id });
    expect(stored.revision).toBe(2);
    expect(stored.content).toEqual(won.body.draft.content);
    const body = (key: string) => stored.content.sections.find((s) => s.key === key)!.body;
    expect(body("fees")).toBe("不收取费用。");
    const wonOffice = body("office") === "受理机构：甲";
    expect(body("remedies") === "救济途径：乙").toBe(!wonOffice);
    // One audit event per written edit (the clock is fixed: compared in the order of the section edited).
    const edits = await env.ctx.db.getRepository(AuditEvent).findBy({ entityId: draft.id, action: "guide.edit" });
    expect(edits.map((e) => e.data).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { version: draft.version, changed: ["sections.fees"] },
      { version: draft.version, changed: [wonOffice ? "sections.office" : "sections.remedies"] },
    ]);
  });
});

describe.each<DbKind>(["postgres", "sqlite"])("stale guide draft edits on %s", (db) => {
  let env: TestEnv;
  let clerk: string;
  beforeAll(async () => {
    env = await createTestEnv({ db, now: "2026-03-02T02:00:00Z" });
    clerk = await staffToken(env, "clerk");
  });
  afterAll(() => env.close());

  const auth = () => ({ Authorization: `Bearer ${clerk}` });
  const patchSection = (key: string, body: Record<string, unknown>) =>
    request(env.server).patch(`/api/staff/guide/draft/sections/${key}`).set(auth()).send(body);

  it("refuses an edit made on a revision the draft has moved past, and takes one made on the current revision", async () => {
    // No draft yet: an edit made on the published guide is revision 0; the draft it opens is at revision 1.
    const opened = await patchSection("fees", { body: "不收取费用。", revision: 0 }).expect(200);
    const revision = opened.body.draft.revision as number;
    expect(revision).toBe(1);
    expect((await request(env.server).get("/api/staff/guide").set(auth()).expect(200)).body.draft.revision).toBe(1);
    const stale = await patchSection("fees", { body: "过时的修改。", revision: 0 }).expect(409);
    expect(stale.body.error).toMatchObject({ code: "GUIDE.CONFLICT", message: "指南草稿已被他人修改，请刷新后再编辑", details: { currentRevision: revision } });
    const put = await request(env.server)
      .put("/api/staff/guide/draft")
      .set(auth())
      .send({ contact: { phone: "0533-1234567" }, revision })
      .expect(200);
    expect(put.body.draft.revision).toBe(revision + 1);
    const stalePut = await request(env.server)
      .put("/api/staff/guide/draft")
      .set(auth())
      .send({ contact: { phone: "0533-7654321" }, revision })
      .expect(409);
    expect(stalePut.body.error.code).toBe("GUIDE.CONFLICT");
    const after = await request(env.server).get("/api/staff/guide").set(auth()).expect(200);
    expect(after.body.draft.content.contact.phone).toBe("0533-1234567");
    expect(after.body.draft.content.sections.find((s: { key: string }) => s.key === "fees").body).toBe("不收取费用。");
  });
});

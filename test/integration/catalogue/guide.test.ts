// The disclosure guide: seeded from config/guide, served as JSON and accessible HTML, edited by staff as a
// draft (audited), published by an approver as a new version; older versions stay readable.
import request from "supertest";
import { createTestEnv, staffToken, type DbKind, type TestEnv } from "../../helpers/test-context";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { defaultAgency } from "../../../src/infra/agencies";

describe.each<DbKind>(["postgres", "sqlite"])("guide on %s", (db) => {
  let env: TestEnv;
  let clerk: string;
  let approver: string;
  beforeAll(async () => {
    env = await createTestEnv({ db, now: "2026-03-02T02:00:00Z" });
    clerk = await staffToken(env, "clerk");
    approver = await staffToken(env, "approver");
  });
  afterAll(() => env.close());

  it("serves the seeded guide with every required section and no invented contact details", async () => {
    const res = await request(env.server).get("/api/guide").expect(200);
    expect(res.body.version).toBe(1);
    expect(res.body.lastUpdated).toBe("2026-03-02");
    const keys = res.body.sections.map((s: { key: string }) => s.key);
    expect(keys).toEqual(expect.arrayContaining(["proactive", "application", "application-content", "office", "process", "fees", "remedies"]));
    const office = res.body.sections.find((s: { key: string }) => s.key === "office");
    expect(office.body).toContain("受理机构：区融媒体中心办公室");
    expect(office.body).toContain("联系电话：待机关补充");
    expect(office.body).toContain("电子邮箱：待机关补充");
    expect(res.body.contact.phone).toBeNull();
    const proactive = res.body.sections.find((s: { key: string }) => s.key === "proactive");
    for (const channel of ["张店新闻网", "今日张店", "爱张店", "张店电视台", "张店通讯", "张店手机报"]) expect(proactive.body).toContain(channel);
    expect(proactive.body).toContain("20个工作日");
  });

  it("serves an accessible HTML page without scripts", async () => {
    const res = await request(env.server).get("/guide").expect(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.text).toMatch(/<html lang="zh-CN">/);
    expect(res.text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).toContain('<section id="application"');
    expect(res.text).toContain('<em class="todo">待机关补充</em>');
    expect(res.text).toContain('更新日期：<time datetime="2026-03-02">2026-03-02</time>');
  });

  it("lets a clerk edit a draft without changing the published guide, and an approver publish it", async () => {
    env.clock.set("2026-03-10T03:00:00Z");
    // Sessions expire after 8 hours: sign in again at the new time.
    clerk = await staffToken(env, "clerk");
    approver = await staffToken(env, "approver");
    const patch = await request(env.server)
      .patch("/api/staff/guide/draft/sections/fees")
      .set("Authorization", `Bearer ${clerk}`)
      .send({ body: "依申请提供政府信息，不收取费用。数量、频次明显超过合理范围的，依法收取信息处理费。" })
      .expect(200);
    expect(patch.body.draft.version).toBe(2);

    const contact = await request(env.server)
      .put("/api/staff/guide/draft")
      .set("Authorization", `Bearer ${clerk}`)
      .send({ contact: { phone: "0533-1234567", email: "gk@example.gov.cn" }, note: "补充联系电话和邮箱" })
      .expect(200);
    expect(contact.body.draft.version).toBe(2);
    expect(contact.body.draft.content.contact.phone).toBe("0533-1234567");
    expect(contact.body.draft.content.contact.address).toBeNull();

    // The public still sees version 1.
    const before = await request(env.server).get("/api/guide").expect(200);
    expect(before.body.version).toBe(1);
    expect(before.body.contact.phone).toBeNull();

    // A clerk may not publish.
    await request(env.server).post("/api/staff/guide/publish").set("Authorization", `Bearer ${clerk}`).send({}).expect(403);
    const pub = await request(env.server).post("/api/staff/guide/publish").set("Authorization", `Bearer ${approver}`).send({}).expect(200);
    expect(pub.body.published.version).toBe(2);

    const after = await request(env.server).get("/api/guide").expect(200);
    expect(after.body.version).toBe(2);
    expect(after.body.lastUpdated).toBe("2026-03-10");
    expect(after.body.sections.find((s: { key: string }) => s.key === "fees").body).toContain("依法收取信息处理费");
    const office = after.body.sections.find((s: { key: string }) => s.key === "office").body;
    expect(office).toContain("联系电话：0533-1234567");
    expect(office).toContain("办公地址：待机关补充");

    const versions = await request(env.server).get("/api/staff/guide/versions").set("Authorization", `Bearer ${clerk}`).expect(200);
    expect(versions.body.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, "published"],
      [1, "superseded"],
    ]);
    const v1 = await request(env.server).get("/api/staff/guide/versions/1").set("Authorization", `Bearer ${clerk}`).expect(200);
    expect(v1.body.content.contact.phone).toBeNull();

    const agency = await defaultAgency(env.ctx);
    const events = await env.ctx.db.getRepository(AuditEvent).find({ where: { agencyId: agency.id, entityType: "guide" }, order: { createdAt: "ASC" } });
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(["guide.seed", "guide.edit", "guide.edit", "guide.publish"]);
    expect(events[1].actorType).toBe("staff");
    expect(events[1].data).toMatchObject({ version: 2, changed: ["sections.fees"] });
    expect(events[2].data).toMatchObject({ changed: expect.arrayContaining(["contact.phone", "contact.email"]) });

    // The bot's view comes from the same service.
    const g = await env.services.catalogue.guide(agency.id);
    expect(g.version).toBe(2);
    expect(g.sections.find((s) => s.key === "application")?.title).toBe("依申请公开：申请方式");
  });

  it("refuses a draft that drops a required section or carries a malformed contact", async () => {
    const current = await request(env.server).get("/api/guide").expect(200);
    const withoutRemedies = current.body.sections.filter((s: { key: string }) => s.key !== "remedies");
    const res = await request(env.server).put("/api/staff/guide/draft").set("Authorization", `Bearer ${clerk}`).send({ sections: withoutRemedies }).expect(400);
    expect(JSON.stringify(res.body.error.details)).toContain("remedies");

    const bad = await request(env.server)
      .put("/api/staff/guide/draft")
      .set("Authorization", `Bearer ${clerk}`)
      .send({ contact: { email: "not-an-email", postcode: "25500" } })
      .expect(400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["contact.email", "contact.postcode"]));
    expect(JSON.stringify(bad.body)).toContain("邮政编码格式不正确");

    await request(env.server).post("/api/staff/guide/publish").set("Authorization", `Bearer ${approver}`).send({}).expect(409);
    await request(env.server).put("/api/staff/guide/draft").send({ note: "x" }).expect(401);
  });
});

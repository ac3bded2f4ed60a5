// Catalogue entries through the staff API: create (索引号 generated), edit (文号 normalised, optimistic
// version), withdraw and restore — never a hard delete — each with its audit event.
import request from "supertest";
import { createTestEnv, staffToken, type DbKind, type TestEnv } from "../../helpers/test-context";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { CatalogueEntry } from "../../../src/modules/catalogue/entities";

describe.each<DbKind>(["postgres", "sqlite"])("catalogue entries on %s", (db) => {
  let env: TestEnv;
  let clerk: string;
  beforeAll(async () => {
    env = await createTestEnv({ db });
    clerk = await staffToken(env, "clerk");
  });
  afterAll(() => env.close());

  const auth = () => ({ Authorization: `Bearer ${clerk}` });

  it("starts with the demonstration set named in the seed", async () => {
    const res = await request(env.server).get("/api/staff/catalogue").set(auth()).expect(200);
    const titles = res.body.items.map((i: { title: string }) => i.title);
    expect(res.body.total).toBe(6);
    expect(titles).toEqual(
      expect.arrayContaining([
        "张店区融媒体中心2019年政府信息公开工作年度报告",
        "区融媒体中心政府信息公开指南",
        "区融媒体中心政府信息公开目录",
        "张店区融媒体中心机构概况",
      ]),
    );
    const channels = res.body.items.find((i: { title: string }) => i.title === "张店区融媒体中心政府信息公开渠道");
    for (const c of ["张店新闻网", "今日张店", "爱张店", "张店电视台", "张店通讯", "张店手机报"]) expect(channels.summary).toContain(c);
  });

  it("creates, edits, withdraws and restores an entry, auditing each change", async () => {
    const created = await request(env.server)
      .post("/api/staff/catalogue")
      .set(auth())
      .send({
        title: "关于印发《张店区2019年政务公开工作要点》的通知",
        publisher: "张店区人民政府办公室",
        docNo: "张政办发[2019]12号",
        writtenDate: "2019/3/12",
        subjectCategory: "综合政务\\政务公开",
        agencyCategory: "工作要点",
        disclosureMode: "主动公开",
        disclosureTimeLimit: "长期公开",
        disclosureScope: "面向社会",
        summary: "部署2019年政务公开重点工作。",
      })
      .expect(201);
    const e = created.body.entry;
    // The demonstration set holds ZDRMT/2019-00001…00006, so the generated number skips past them.
    expect(e.indexNo).toBe("ZDRMT/2019-00007");
    expect(e.docNo).toBe("张政办发〔2019〕12号");
    expect(e.writtenDate).toBe("2019-03-12");
    expect(e.validity).toBe("有效");
    expect(e.version).toBe(1);

    const found = await request(env.server).get("/api/catalogue").query({ q: "张政办发(2019)12号" }).expect(200);
    expect(found.body.items[0].indexNo).toBe("ZDRMT/2019-00007");

    const edited = await request(env.server).patch(`/api/staff/catalogue/${e.id}`).set(auth()).send({ validity: "失效", version: 1 }).expect(200);
    expect(edited.body.entry.validity).toBe("失效");
    expect(edited.body.entry.title).toBe(e.title);
    expect(edited.body.entry.version).toBe(2);
    // A stale edit is refused.
    const stale = await request(env.server).patch(`/api/staff/catalogue/${e.id}`).set(auth()).send({ summary: "x", version: 1 }).expect(409);
    expect(stale.body.error.code).toBe("CATALOGUE.CONFLICT");

    const withdrawn = await request(env.server).post(`/api/staff/catalogue/${e.id}/withdraw`).set(auth()).send({ reason: "内容已被新文件替代" }).expect(200);
    expect(withdrawn.body.entry.status).toBe("withdrawn");
    const gone = await request(env.server).get("/api/catalogue").query({ q: "张政办发〔2019〕12号" }).expect(200);
    expect(gone.body.items).toHaveLength(0);
    await request(env.server).get("/api/catalogue/item").query({ indexNo: "ZDRMT/2019-00007" }).expect(404);
    await request(env.server).get("/catalogue/item").query({ indexNo: "ZDRMT/2019-00007" }).expect(404);
    await request(env.server).post(`/api/staff/catalogue/${e.id}/withdraw`).set(auth()).send({ reason: "again" }).expect(409);

    // No hard delete: the row stays.
    const del = await request(env.server).delete(`/api/staff/catalogue/${e.id}`).set(auth()).expect(409);
    expect(del.body.error.code).toBe("CATALOGUE.INVALID_TRANSITION");
    expect(await env.ctx.db.getRepository(CatalogueEntry).countBy({ id: e.id })).toBe(1);
    const staffList = await request(env.server).get("/api/staff/catalogue").query({ status: "withdrawn" }).set(auth()).expect(200);
    expect(staffList.body.items.map((i: { id: string }) => i.id)).toEqual([e.id]);

    await request(env.server).post(`/api/staff/catalogue/${e.id}/restore`).set(auth()).expect(200);
    const back = await request(env.server).get("/api/catalogue/item").query({ indexNo: "ZDRMT/2019-00007" }).expect(200);
    expect(back.body.entry.docNo).toBe("张政办发〔2019〕12号");
    expect(back.body.entry).not.toHaveProperty("status");

    const events = await env.ctx.db.getRepository(AuditEvent).find({ where: { entityId: e.id }, order: { createdAt: "ASC" } });
    expect(events.map((x) => x.action).sort()).toEqual(["catalogue.create", "catalogue.restore", "catalogue.update", "catalogue.withdraw"].sort());
    expect(events.find((x) => x.action === "catalogue.withdraw")!.reason).toBe("内容已被新文件替代");
    expect(events.find((x) => x.action === "catalogue.update")!.data).toMatchObject({ changed: ["validity"] });
  });

  it("rejects invalid entries with Chinese messages per field, and unauthenticated requests", async () => {
    const res = await request(env.server)
      .post("/api/staff/catalogue")
      .set(auth())
      .send({
        title: "",
        publisher: "x",
        docNo: "第12号",
        writtenDate: "2019-02-30",
        subjectCategory: "综合政务",
        disclosureMode: "公开",
        url: "javascript:alert(1)",
      })
      .expect(400);
    const byField = Object.fromEntries(res.body.error.details.map((d: { field: string; message: string }) => [d.field, d.message]));
    expect(byField.title).toBe("请填写信息名称");
    expect(byField.docNo).toContain("文号格式不正确");
    expect(byField.writtenDate).toContain("生成日期格式不正确");
    expect(byField.disclosureMode).toContain("公开方式应为");
    expect(byField.url).toContain("链接格式不正确");

    const dup = await request(env.server)
      .post("/api/staff/catalogue")
      .set(auth())
      .send({ indexNo: "ZDRMT/2019-00001", title: "重复", publisher: "x", subjectCategory: "综合政务", disclosureMode: "主动公开" })
      .expect(409);
    expect(dup.body.error.code).toBe("CATALOGUE.ALREADY_EXISTS");

    await request(env.server).post("/api/staff/catalogue").send({}).expect(401);
    await request(env.server).get("/api/staff/catalogue/00000000-0000-0000-0000-000000000000").set(auth()).expect(404);
  });
});

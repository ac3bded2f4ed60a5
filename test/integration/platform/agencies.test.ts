// One platform, many agencies (issue 17, platform half): agencies added from the CLI and the platform API and
// used at once without a restart (login, filing, guide, catalogue), kept apart from each other; the supervisor's
// district views over the agencies under theirs (deadlines, reports with checks, the district total table) and the
// report reminders to agencies' staff.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { Agency } from "../../../src/infra/entities/agency.entity";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { OutboxMessage } from "../../../src/infra/entities/outbox-message.entity";
import { StaffUser } from "../../../src/infra/entities/staff-user.entity";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { orgBody, personBody } from "../applications/fixtures";
import { cli } from "../reports/helpers";

const PASSWORD = "correct-horse-battery";
let env: TestEnv;
let dir: string;

const login = async (agency: string, username: string) => {
  const res = await request(env.server).post("/api/staff/login").send({ agency, username, password: PASSWORD });
  expect(res.status).toBe(200);
  return res.body.token as string;
};
const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00.000Z" });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-agency-"));
  // The shipped guide as a template, retitled: a guide needs every required section.
  const template = JSON.parse(fs.readFileSync(path.resolve("config/guide/zdrmt.json"), "utf8"));
  fs.writeFileSync(path.join(dir, "guide.json"), JSON.stringify({ ...template, title: "张店区教育和体育局政府信息公开指南" }));
  fs.writeFileSync(
    path.join(dir, "bad-guide.json"),
    JSON.stringify({ title: "不完整的指南", sections: [{ key: "preamble", title: "前言", body: "只有前言。" }] }),
  );
  fs.writeFileSync(
    path.join(dir, "catalogue.csv"),
    "索引号,信息名称,发布机构,生成日期,主题分类,公开方式,公开时限,公开范围,有效性,发布日期\nZDJYJ/2026-00001,2026年义务教育招生入学工作方案,张店区教育和体育局,2026-02-20,教育,主动公开,长期公开,面向社会,有效,2026-02-21\n",
  );
  fs.writeFileSync(path.join(dir, "bad-catalogue.csv"), "索引号,信息名称\nX-1,缺列的目录\n");
});
afterAll(async () => {
  await env.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("agencies as data", () => {
  it("the first platform admin comes from the CLI; `agency add` makes a district tree with guide, catalogue, duties and first admin", async () => {
    expect((await cli(env, ["create-user", "--username", "root", "--password", PASSWORD, "--role", "platform_admin"])).code).toBe(0);
    const gov = await cli(env, ["agency", "add", "--code", "zdqzf", "--name", "张店区人民政府", "--phone", "0533-2180000"]);
    expect(gov).toMatchObject({ code: 0 });
    // The seed agency moves under the district government.
    expect((await cli(env, ["agency", "update", "zdrmt", "--parent", "zdqzf"])).code).toBe(0);
    const edu = await cli(env, [
      "agency",
      "add",
      "--code",
      "zdjyj",
      "--name",
      "张店区教育和体育局",
      "--parent",
      "zdqzf",
      "--duties",
      "学校,入学,招生,教师",
      "--duties-summary",
      "负责全区教育和体育工作。",
      "--guide",
      path.join(dir, "guide.json"),
      "--catalogue",
      path.join(dir, "catalogue.csv"),
      "--admin",
      "edu-admin",
      "--admin-password",
      PASSWORD,
      "--phone",
      "0533-2181234",
    ]);
    expect(edu.err).toEqual([]);
    expect(edu.code).toBe(0);
    expect(edu.out.join("\n")).toContain("first admin: edu-admin");
    const list = await cli(env, ["agency", "list"]);
    expect(list.out).toEqual([
      "zdqzf  张店区人民政府",
      "  zdjyj  张店区教育和体育局  [学校、入学、招生、教师]",
      "  zdrmt  张店区融媒体中心  [广播电视、广播、电视、电视台、张店电视台、新闻…共17个]",
    ]);
    const a = await env.ctx.db.getRepository(Agency).findOneByOrFail({ code: "zdjyj" });
    expect(a.profile?.duties).toEqual({ keywords: ["学校", "入学", "招生", "教师"], summary: "负责全区教育和体育工作。" });
    expect(a.profile?.contact.phone).toBe("0533-2181234");
  });

  it("refuses bad input with a message and writes nothing: bad code, unknown parent, weak first password, a loop in the tree", async () => {
    const before = await env.ctx.db.getRepository(Agency).count();
    const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
    const badCode = await cli(env, ["agency", "add", "--code", "Bad Code", "--name", "某机关"]);
    expect(badCode.code).toBe(1);
    expect(badCode.err.join("")).toContain("机关代码须为2–40位小写字母、数字或 -");
    const noParent = await cli(env, ["agency", "add", "--code", "zdx", "--name", "某机关", "--parent", "nowhere"]);
    expect(noParent.err.join("")).toContain("AGENCY.NOT_FOUND");
    const weak = await cli(env, ["agency", "add", "--code", "zdwjj", "--name", "张店区卫生健康局", "--admin", "w-admin", "--admin-password", "123"]);
    expect(weak.code).toBe(1);
    const badGuide = await cli(env, [
      "agency",
      "add",
      "--code",
      "zdwjj",
      "--name",
      "张店区卫生健康局",
      "--guide",
      path.join(dir, "bad-guide.json"),
      "--admin",
      "w-admin",
      "--admin-password",
      PASSWORD,
    ]);
    expect(badGuide.code).toBe(1);
    expect(badGuide.err.join("\n")).toContain("指南栏目不完整");
    const badCatalogue = await cli(env, ["agency", "add", "--code", "zdwjj", "--name", "张店区卫生健康局", "--catalogue", path.join(dir, "bad-catalogue.csv")]);
    expect(badCatalogue.code).toBe(1);
    expect(badCatalogue.err.join("\n")).toContain("公开方式");
    const loop = await cli(env, ["agency", "update", "zdqzf", "--parent", "zdjyj"]);
    expect(loop.err.join("")).toContain("上级机关不能是本机关或其下级机关");
    expect(await env.ctx.db.getRepository(Agency).count()).toBe(before);
    expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
  });

  it("the new agency works at once on the running server: its admin logs in, its guide and catalogue are public, it files; the other agency never sees it", async () => {
    const eduAdmin = await login("zdjyj", "edu-admin");
    const guide = await request(env.server).get("/api/guide").query({ agency: "zdjyj" });
    expect(guide.status).toBe(200);
    expect(JSON.stringify(guide.body)).toContain("张店区教育和体育局政府信息公开指南");
    const cat = await request(env.server).get("/api/catalogue").query({ agency: "zdjyj" });
    expect(JSON.stringify(cat.body)).toContain("2026年义务教育招生入学工作方案");
    const filed = await request(env.server)
      .post("/api/staff/applications")
      .set(auth(eduAdmin))
      .send(personBody({ description: "2026年张店区义务教育学校招生计划", channel: "in_person", receivedAt: "2026-02-02" }));
    expect(filed.status).toBe(201);
    const no = filed.body.applicationNo as string;

    const rmtAdmin = await getStaff("zdrmt", "rmt-admin", "admin");
    const theirs = await request(env.server).get("/api/staff/applications").set(auth(rmtAdmin));
    expect(JSON.stringify(theirs.body)).not.toContain(no);
    expect((await request(env.server).get(`/api/staff/applications/${no}`).set(auth(rmtAdmin))).status).toBe(404);
    // …and its own admin cannot manage another agency's users or see them.
    const eduUser = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username: "edu-admin" });
    expect((await request(env.server).post(`/api/staff/users/${eduUser.id}/disable`).set(auth(rmtAdmin))).status).toBe(404);
    expect(JSON.stringify((await request(env.server).get("/api/staff/users").set(auth(rmtAdmin))).body)).not.toContain("edu-admin");
  });

  it("the platform API adds and updates agencies with their first admin; agency staff and supervisors get 403", async () => {
    const root = await login("zdrmt", "root");
    const added = await request(env.server)
      .post("/api/staff/platform/agencies")
      .set(auth(root))
      .send({
        code: "zdmzj",
        name: "张店区民政局",
        parent: "zdqzf",
        duties: { keywords: ["低保", "养老"], summary: "负责社会救助和养老服务。" },
        admin: { username: "mz-admin", password: PASSWORD },
      });
    expect(added.status).toBe(201);
    expect(added.body.agency).toMatchObject({ code: "zdmzj", parentCode: "zdqzf", profile: { duties: { keywords: ["低保", "养老"] } } });
    expect(added.body.admin).toMatchObject({ username: "mz-admin", role: "admin" });
    expect(JSON.stringify(added.body)).not.toMatch(/password/i);
    const patched = await request(env.server)
      .patch("/api/staff/platform/agencies/zdmzj")
      .set(auth(root))
      .send({ contact: { phone: "0533-2182222" }, replyTemplates: { "granted.provided": "经审查，现将本局掌握的信息提供如下。" } });
    expect(patched.status).toBe(200);
    expect(patched.body.agency.profile.contact.phone).toBe("0533-2182222");
    const bad = await request(env.server)
      .patch("/api/staff/platform/agencies/zdmzj")
      .set(auth(root))
      .send({ replyTemplates: { "no.such": "x" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBeTruthy();
    const dup = await request(env.server).post("/api/staff/platform/agencies").set(auth(root)).send({ code: "zdmzj", name: "重复" });
    expect(dup.status).toBe(409);

    const mzAdmin = await login("zdmzj", "mz-admin");
    for (const t of [mzAdmin]) {
      expect((await request(env.server).get("/api/staff/platform/agencies").set(auth(t))).status).toBe(403);
      expect((await request(env.server).post("/api/staff/platform/agencies").set(auth(t)).send({ code: "zdx2", name: "越权机关" })).status).toBe(403);
      expect((await request(env.server).get("/api/staff/district/overview").set(auth(t))).status).toBe(403);
    }
    expect(await env.ctx.db.getRepository(Agency).existsBy({ code: "zdx2" })).toBe(false);
  });

  it("an agency admin cannot create a supervisor or platform admin; the platform admin can, in the agency it names", async () => {
    const mzAdmin = await login("zdmzj", "mz-admin");
    const up = await request(env.server).post("/api/staff/users").set(auth(mzAdmin)).send({ username: "sneaky", password: PASSWORD, role: "platform_admin" });
    expect(up.status).toBe(400);
    const root = await login("zdrmt", "root");
    const sup = await request(env.server)
      .post("/api/staff/platform/agencies/zdqzf/users")
      .set(auth(root))
      .send({ username: "gkb", password: PASSWORD, role: "supervisor", displayName: "区政务公开办" });
    expect(sup.status).toBe(201);
    const created = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username: "gkb" });
    expect(created.agencyId).toBe((await env.ctx.db.getRepository(Agency).findOneByOrFail({ code: "zdqzf" })).id);
  });
});

async function getStaff(agency: string, username: string, role: "clerk" | "approver" | "admin" | "supervisor") {
  if (!(await env.ctx.db.getRepository(StaffUser).existsBy({ username }))) {
    expect((await cli(env, ["create-user", "--username", username, "--password", PASSWORD, "--role", role, "--agency", agency])).code).toBe(0);
  }
  return login(agency, username);
}

describe("the supervisor's district", () => {
  let rmtNo: string;
  let eduNo: string;

  beforeAll(async () => {
    const rmt = await getStaff("zdrmt", "rmt-admin", "admin");
    const edu = await login("zdjyj", "edu-admin");
    rmtNo = (
      await request(env.server)
        .post("/api/staff/applications")
        .set(auth(rmt))
        .send(orgBody({ channel: "in_person", receivedAt: "2026-01-05" }))
        .expect(201)
    ).body.applicationNo;
    eduNo = (
      await request(env.server)
        .post("/api/staff/applications")
        .set(auth(edu))
        .send(orgBody({ channel: "in_person", receivedAt: "2026-02-26", description: "学校食堂承包合同" }))
        .expect(201)
    ).body.applicationNo;
  });

  it("overview: open, overdue and at-risk applications by agency (no applicant data), and last year's reports missing after 31 January", async () => {
    const sup = await login("zdqzf", "gkb");
    const res = await request(env.server).get("/api/staff/district/overview").set(auth(sup));
    expect(res.status).toBe(200);
    const byCode = Object.fromEntries(res.body.deadlines.rows.map((r: { code: string }) => [r.code, r]));
    expect(Object.keys(byCode).sort()).toEqual(["zdjyj", "zdmzj", "zdqzf", "zdrmt"]);
    // Received 5 January: 20 working days ran out in February (today 2 March) → overdue.
    expect(byCode.zdrmt).toMatchObject({ open: 1, overdue: 1, atRisk: 0 });
    // Received 2 and 26 February (the Spring Festival holidays between): neither is due yet; the first within 5 working days.
    expect(byCode.zdjyj).toMatchObject({ open: 2, overdue: 0, atRisk: 1 });
    expect(res.body.deadlines.totals).toMatchObject({ open: 3, overdue: 1, atRisk: 1 });
    expect(res.body.overdue.map((o: { applicationNo: string }) => o.applicationNo)).toEqual(expect.arrayContaining([rmtNo]));
    expect(res.body.overdue.map((o: { applicationNo: string }) => o.applicationNo)).not.toContain(eduNo);
    expect(JSON.stringify(res.body)).not.toMatch(/13800138000|11010519491231002X|张三/);
    // 2025's reports: none of the new agencies published by 31 January 2026.
    const states = Object.fromEntries(res.body.reports.agencies.map((r: { code: string; state: string }) => [r.code, r.state]));
    expect(states).toMatchObject({ zdjyj: "missing", zdmzj: "missing", zdqzf: "missing" });
  });

  it("a supervisor lower in the tree sees only their part of it", async () => {
    await getStaff("zdjyj", "edu-sup", "supervisor");
    const t = await login("zdjyj", "edu-sup");
    const res = await request(env.server).get("/api/staff/district/overview").set(auth(t));
    expect(res.body.deadlines.rows.map((r: { code: string }) => r.code)).toEqual(["zdjyj"]);
  });

  it("the district table is the sum of the agencies' tables, each with its checks; past years too", async () => {
    const sup = await login("zdqzf", "gkb");
    const res = await request(env.server).get("/api/staff/district/table/2026").set(auth(sup));
    expect(res.status).toBe(200);
    const ti = res.body.total.columns.length - 1;
    const sum = (row: string) => res.body.agencies.reduce((s: number, a: { table: { rows: Record<string, number[]> } }) => s + a.table.rows[row][ti], 0);
    expect(res.body.total.rows["received.new"][ti]).toBe(3);
    expect(sum("received.new")).toBe(3);
    expect(res.body.total.rows.carried_forward[ti]).toBe(sum("carried_forward"));
    for (const a of res.body.agencies)
      expect(a.checks.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(["stated.balance", "derived.cross_year"]));
    const past = await request(env.server).get("/api/staff/district/reports/2025").set(auth(sup));
    expect(past.status).toBe(200);
    const rmt = past.body.agencies.find((a: { code: string }) => a.code === "zdrmt");
    expect(rmt.publication).toMatchObject({ year: 2025, deadline: "2026-01-31" });
    expect((await request(env.server).get("/api/staff/district/table/20x5").set(auth(sup))).status).toBe(400);
  });

  it("year-end reminders go to the staff of agencies whose report is unpublished, once a day, never to the supervisor", async () => {
    const district = env.services.district;
    const first = await district.sendReportReminders(2025, env.ctx.today());
    expect(first.agencies).toEqual(expect.arrayContaining(["zdjyj", "zdmzj", "zdqzf"]));
    const rows = await env.ctx.db.getRepository(OutboxMessage).findBy({ kind: "report.reminder" });
    const users = await env.ctx.db.getRepository(StaffUser).find();
    const roleOf = new Map(users.map((u) => [`staff:${u.id}`, u.role]));
    expect(rows.length).toBe(first.messages);
    expect(rows.every((r) => ["clerk", "approver", "admin"].includes(roleOf.get(r.recipient!)!))).toBe(true);
    const edu = rows.find((r) => r.recipient === `staff:${users.find((u) => u.username === "edu-admin")!.id}`)!;
    expect(String(edu.payload.message)).toContain("2025年政府信息公开工作年度报告已超过2026-01-31的发布期限仍未发布");
    const again = await district.sendReportReminders(2025, env.ctx.today());
    expect(again.messages).toBe(0);
    // The agency's staff read it on their reports page.
    const eduToken = await login("zdjyj", "edu-admin");
    const page = await request(env.server).get("/console/reports").set("Cookie", `ogi_staff=${eduToken}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("2025年政府信息公开工作年度报告已超过2026-01-31的发布期限仍未发布");
  });

  it("supervisor's console: the district page lists every agency; agency pages refuse them", async () => {
    const sup = await login("zdqzf", "gkb");
    const cookie = `ogi_staff=${sup}`;
    const home = await request(env.server).get("/console").set("Cookie", cookie);
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe("/console/district");
    const page = await request(env.server).get("/console/district").set("Cookie", cookie);
    expect(page.status).toBe(200);
    for (const name of ["张店区教育和体育局", "张店区融媒体中心", "张店区民政局"]) expect(page.text).toContain(name);
    const table = await request(env.server).get("/console/district/table/2026").set("Cookie", cookie);
    expect(table.status).toBe(200);
    expect(table.text).toContain("全区合计");
    expect((await request(env.server).get("/console/reports").set("Cookie", cookie)).status).toBe(403);
  });
});

describe("the district table's statement", () => {
  it("gives every agency exactly the table its own report computes (PostgreSQL's three index ranges = the one scope)", async () => {
    const { computeAgencyTables, computeApplicationTable } = await import("../../../src/modules/reports/statistics");
    const { formatForYear } = await import("../../../src/modules/reports/formats");
    const agencies = await env.ctx.db.getRepository(Agency).find();
    // Applications over three years in two agencies: carried over, concluded in and after the year, still open.
    const rmt = await login("zdrmt", "rmt-admin");
    await request(env.server)
      .post("/api/staff/applications")
      .set(auth(rmt))
      .send(orgBody({ channel: "in_person", receivedAt: "2025-12-20", description: "去年年底的申请" }))
      .expect(201);
    const answered = (
      await request(env.server)
        .post("/api/staff/applications")
        .set(auth(rmt))
        .send(personBody({ channel: "in_person", receivedAt: "2025-12-22", description: "去年年底收到、今年答复的申请" }))
        .expect(201)
    ).body.applicationNo;
    // Concluded in January (written directly: this test is about the statement, not the answer's procedure).
    await env.ctx.db.query(
      `UPDATE applications SET status = 'answered', disposition = 'granted.provided', disposition_date = '2026-01-10' WHERE application_no = $1`,
      [answered],
    );
    for (const year of [2025, 2026]) {
      const fmt = formatForYear(year);
      const all = await computeAgencyTables(
        env.ctx.db,
        fmt,
        agencies.map((a) => a.id),
        year,
      );
      for (const a of agencies) expect([a.code, all.get(a.id)]).toEqual([a.code, await computeApplicationTable(env.ctx.db, fmt, a.id, year)]);
    }
    const t2026 = await computeAgencyTables(
      env.ctx.db,
      formatForYear(2026),
      agencies.map((a) => a.id),
      2026,
    );
    const rmtId = agencies.find((a) => a.code === "zdrmt")!.id;
    // Both December applications are carried over into 2026; one was answered (granted) in it.
    expect(t2026.get(rmtId)!.rows["received.carried_over"].at(-1)).toBe(2);
    expect(t2026.get(rmtId)!.rows["result.granted"].at(-1)).toBe(1);
  });
});

// Four years of historical applications imported through `import-applications` (2019–2020 in the 2019
// format, 2021–2022 in the 2021 format), including December-received/January-answered applications and
// corrections that lapse, against real PostgreSQL: every cell of every table, every check, publication of
// a corrected 2019 version over the seed report, and the citizen figures.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { cli, expectEveryCell, longSession } from "./helpers";

let env: TestEnv;
let clerk: string;
let approver: string;
let dir: string;

const line = (externalId: string, receivedAt: string, applicantCategory: string, disposition?: string, disposedAt?: string) =>
  JSON.stringify({
    externalId,
    receivedAt,
    channel: "in_person",
    applicantCategory,
    applicantName: `申请人${externalId}`,
    description: `历史申请${externalId}`,
    ...(disposition ? { disposition, disposedAt } : {}),
  });

const RECORDS = [
  // 2019
  line("i1", "2019-03-01", "natural_person", "granted.provided", "2019-03-20"),
  line("i2", "2019-05-10", "org.commercial", "withheld.third_party", "2019-06-01"),
  line("i3", "2019-12-30", "org.public_welfare", "partial", "2020-01-06"), // December received, January answered
  line("i4", "2019-08-01", "org.research", "other.no_correction", "2019-09-15"), // lapsed correction, 2019 format
  // 2020
  line("i5", "2020-02-01", "natural_person", "unable.not_exist", "2020-02-20"),
  line("i6", "2020-04-01", "natural_person", "unable.not_responsible", "2020-04-10"),
  line("i7", "2020-06-01", "org.legal_service", "other.fee_unpaid", "2020-07-01"),
  line("i8", "2020-11-20", "org.commercial", "other.no_correction", "2021-01-05"), // correction lapses across the year end
  line("i9", "2020-12-20", "natural_person", "granted.already_public", "2021-01-10"),
  line("i10", "2020-09-09", "org.other", "not_processed.repeat", "2020-09-30"),
  // 2021
  line("i11", "2021-03-03", "natural_person", "other.withdrawn", "2021-03-05"),
  line("i12", "2021-05-05", "org.other", "other.misc", "2021-05-20"),
  line("i13", "2021-12-28", "org.legal_service", "granted.provided", "2022-01-20"),
  line("i14", "2021-07-07", "natural_person", "withheld.process_info", "2021-08-01"),
  line("i15", "2021-10-10", "org.research", "not_processed.petition_complaint", "2021-10-20"),
  // 2022
  line("i16", "2022-01-15", "natural_person", "other.fee_unpaid", "2022-02-01"),
  line("i17", "2022-02-02", "natural_person", "unable.needs_creation", "2022-03-01"),
];

const staffGet = (url: string, token = clerk) => request(env.server).get(url).set("Authorization", `Bearer ${token}`);

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z" });
  clerk = await longSession(env, "clerk", "rep-clerk");
  approver = await longSession(env, "approver", "rep-approver");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-report-"));
});
afterAll(async () => {
  await env.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("historical import and the tables of 2019–2022", () => {
  it("refuses a file with bad lines, importing nothing and listing each line", async () => {
    const file = path.join(dir, "bad.jsonl");
    fs.writeFileSync(file, [RECORDS[0], "{oops", line("b2", "2020-13-01", "natural_person"), line("b3", "2020-01-01", "martian")].join("\n"));
    const r = await cli(env, ["import-applications", file]);
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe("nothing imported: 3 bad line(s)");
    expect(r.err[1]).toBe("  line 2: 不是有效的JSON");
    expect(r.err[2]).toMatch(/^ {2}line 3: receivedAt: receivedAt（收到申请日期）格式不正确/);
    expect(r.err[3]).toMatch(/^ {2}line 4: applicantCategory: /);
    const n = await env.ctx.db.query(`SELECT COUNT(*)::int AS n FROM applications`);
    expect(n[0].n).toBe(0);
  });

  it("imports all lines once; a second import changes nothing", async () => {
    const file = path.join(dir, "history.jsonl");
    fs.writeFileSync(file, `${RECORDS.join("\n")}\n`);
    const first = await cli(env, ["import-applications", file, "--agency", "zdrmt"]);
    expect(first).toMatchObject({ code: 0, out: ["imported 17 application(s) into zdrmt; 0 already present (unchanged)"] });
    const before = await env.ctx.db.query(
      `SELECT external_id, application_no, status, received_at, disposition, disposition_date, updated_at, query_code_hash FROM applications ORDER BY external_id`,
    );
    const second = await cli(env, ["import-applications", file]);
    expect(second).toMatchObject({ code: 0, out: ["imported 0 application(s) into zdrmt; 17 already present (unchanged)"] });
    expect(
      await env.ctx.db.query(
        `SELECT external_id, application_no, status, received_at, disposition, disposition_date, updated_at, query_code_hash FROM applications ORDER BY external_id`,
      ),
    ).toEqual(before);
    const byId = Object.fromEntries(before.map((r: { external_id: string }) => [r.external_id, r]));
    expect(byId.i1).toMatchObject({ application_no: "ZDRMT-2019-H000001", status: "answered" });
    expect(byId.i4.status).toBe("closed");
    expect(byId.i17.application_no).toBe("ZDRMT-2022-H000002");
    expect(new Set(before.map((r: { query_code_hash: string }) => r.query_code_hash)).size).toBe(17);
    const audits = await env.ctx.db.query(`SELECT COUNT(*)::int AS n FROM audit_events WHERE action = 'application.imported'`);
    expect(audits[0].n).toBe(17);
  });

  it("2019 (2019 format): every cell; 2.其他… row, lapsed correction under （六）其他处理, Dec→Jan carried forward", async () => {
    const live = (await staffGet("/api/staff/reports/2019/live").expect(200)).body;
    expect(live.format).toBe("2019");
    expectEveryCell(live, "2019", {
      "received.new": { natural_person: 1, "org.commercial": 1, "org.public_welfare": 1, "org.research": 1 },
      "result.granted": { natural_person: 1 },
      "result.withheld.third_party": { "org.commercial": 1 },
      "result.other": { "org.research": 1 },
      "result.total": { natural_person: 1, "org.commercial": 1, "org.research": 1 },
      carried_forward: { "org.public_welfare": 1 },
    });
  });

  it("2020 (2019 format): carried over from 2019, other.* all in （六）, Dec→Jan applications in row 四", async () => {
    const view = (await staffGet("/api/staff/reports/2020").expect(200)).body;
    expect(view.format).toBe("2019");
    expectEveryCell(view.report.applications, "2019", {
      "received.new": { natural_person: 3, "org.commercial": 1, "org.legal_service": 1, "org.other": 1 },
      "received.carried_over": { "org.public_welfare": 1 },
      "result.partial": { "org.public_welfare": 1 },
      "result.unable.not_held": { natural_person: 2 },
      "result.not_processed.repeat": { "org.other": 1 },
      "result.other": { "org.legal_service": 1 },
      "result.total": { natural_person: 2, "org.public_welfare": 1, "org.legal_service": 1, "org.other": 1 },
      carried_forward: { natural_person: 1, "org.commercial": 1 },
    });
    // The seed published 2019 with zero carried forward: the cross-year check names the application.
    const checks = Object.fromEntries(view.report.checks.map((c: { id: string }) => [c.id, c]));
    expect(checks["stated.balance"].ok).toBe(true);
    expect(checks["derived.result_total"].ok).toBe(true);
    expect(checks["derived.column_total"].ok).toBe(true);
    expect(checks["derived.group_totals"].ok).toBe(true);
    expect(checks.nonnegative.ok).toBe(true);
    expect(checks["derived.cross_year"].ok).toBe(false);
    expect(checks["derived.cross_year"].detail).toContain(
      "列“社会公益组织”：本年“二、上年结转政府信息公开申请数量”为1，2019年已发布报告（第1版）“四、结转下年度继续办理”为0",
    );
    expect(checks["derived.cross_year"].detail).toContain("本年结转而上年报告未结转的申请：ZDRMT-2019-H000003");
    expect(view.publishable).toBe(false);
    const blocked = await request(env.server).post("/api/staff/reports/2020/publish").set("Authorization", `Bearer ${approver}`).expect(400);
    expect(blocked.body.error.code).toBe("REPORT.CHECKS_FAILED");
    expect(blocked.body.error.details.map((d: { id: string }) => d.id)).toEqual(["derived.cross_year"]);
  });

  it("publishing a corrected 2019 makes version 2 with the differences; version 1 stays as published", async () => {
    const clerkTry = await request(env.server).post("/api/staff/reports/2019/publish").set("Authorization", `Bearer ${clerk}`).expect(403);
    expect(clerkTry.body.error.code).toBe("AUTH.FORBIDDEN");
    env.clock.set("2026-03-02T03:00:00Z");
    const pub = await request(env.server).post("/api/staff/reports/2019/publish").set("Authorization", `Bearer ${approver}`).expect(201);
    expect(pub.body.version).toBe(2);
    const diffs = pub.body.differences as Array<{ path: string; label: string; before: number; after: number }>;
    expect(diffs.every((d) => d.path.startsWith("applications."))).toBe(true);
    expect(diffs).toContainEqual({
      part: "applications",
      path: "applications.carried_forward.org.public_welfare",
      label: "四、结转下年度继续办理 / 社会公益组织",
      before: 0,
      after: 1,
    });
    expect(diffs).toContainEqual({
      part: "applications",
      path: "applications.result.other.org.research",
      label: "（六）其他处理 / 科研机构",
      before: 0,
      after: 1,
    });
    expect(diffs).toHaveLength(17);
    const again = await request(env.server).post("/api/staff/reports/2019/publish").set("Authorization", `Bearer ${approver}`).expect(400);
    expect(again.body.error.code).toBe("REPORT.UNCHANGED");

    const v1 = (await request(env.server).get("/api/reports/2019?version=1").expect(200)).body;
    expect(v1.applications.rows["received.new"]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    const latest = await request(env.server).get("/api/reports/2019").expect(200);
    expect(latest.headers["x-report-version"]).toBe("2");
    expect(latest.body.applications.rows["received.new"]).toEqual([1, 1, 1, 1, 0, 0, 4]);
    expect(latest.body.sections.s5).toContain("三是公开的及时性、便民性还需要进一步提高");
    const versions = (await staffGet("/api/staff/reports/2019/versions").expect(200)).body.versions;
    expect(versions.map((v: { version: number; source: string }) => [v.version, v.source])).toEqual([
      [1, "seed"],
      [2, "staff"],
    ]);
    const audit = await env.ctx.db.query(`SELECT action, actor_type FROM audit_events WHERE entity_type = 'report_publication' ORDER BY created_at`);
    expect(audit).toEqual([
      { action: "report.seeded", actor_type: "system" },
      { action: "report.published", actor_type: "staff" },
    ]);

    // Now 2020 agrees with the published 2019 and can be published.
    const view = (await staffGet("/api/staff/reports/2020").expect(200)).body;
    expect(view.report.checks.find((c: { id: string }) => c.id === "derived.cross_year")).toEqual({
      id: "derived.cross_year",
      ok: true,
      detail: "本年“二、上年结转”与2019年已发布报告（第2版）“四、结转下年度继续办理”一致",
    });
    await request(env.server).post("/api/staff/reports/2020/publish").set("Authorization", `Bearer ${approver}`).expect(201);
  });

  it("2021 (2021 format): lapsed correction in （六）1, withdrawn/misc in （六）3, every check passes", async () => {
    const report = (await staffGet("/api/staff/reports/2021/preview?format=json").expect(200)).body;
    expect(report.format).toBe("2021");
    expectEveryCell(report.applications, "2021", {
      "received.new": { natural_person: 2, "org.other": 1, "org.legal_service": 1, "org.research": 1 },
      "received.carried_over": { natural_person: 1, "org.commercial": 1 },
      "result.granted": { natural_person: 1 },
      "result.withheld.process_info": { natural_person: 1 },
      "result.not_processed.petition_complaint": { "org.research": 1 },
      "result.other.no_correction": { "org.commercial": 1 },
      "result.other.other": { natural_person: 1, "org.other": 1 },
      "result.total": { natural_person: 3, "org.commercial": 1, "org.other": 1, "org.research": 1 },
      carried_forward: { "org.legal_service": 1 },
    });
    expect(report.checks.map((c: { id: string; ok: boolean }) => [c.id, c.ok])).toEqual([
      ["stated.balance", true],
      ["derived.result_total", true],
      ["derived.column_total", true],
      ["derived.cross_year", true],
      ["derived.group_totals", true],
      ["derived.in_force", true],
      ["nonnegative", true],
    ]);
    expect(report.checks[3].detail).toBe("本年“二、上年结转”与2020年已发布报告（第1版）“四、结转下年度继续办理”一致");
    expect(Object.keys(report).sort()).toEqual(["activeDisclosure", "agency", "applications", "checks", "format", "reviewLitigation", "sections", "year"]);
    expect(Object.keys(report.reviewLitigation)).toHaveLength(15);
    expect(Object.keys(report.activeDisclosure).sort()).toEqual(["art20_1", "art20_5", "art20_6", "art20_8"]);
  });

  it("2022 (2021 format): fee_unpaid row, carried-over application answered", async () => {
    const live = (await staffGet("/api/staff/reports/2022/live").expect(200)).body;
    expectEveryCell(live, "2021", {
      "received.new": { natural_person: 2 },
      "received.carried_over": { "org.legal_service": 1 },
      "result.granted": { "org.legal_service": 1 },
      "result.unable.needs_creation": { natural_person: 1 },
      "result.other.fee_unpaid": { natural_person: 1 },
      "result.total": { natural_person: 2, "org.legal_service": 1 },
    });
  });

  it("broken records fail the checks, naming the applications involved", async () => {
    const agency = (await env.ctx.db.query(`SELECT id FROM agencies WHERE code = 'zdrmt'`))[0].id;
    const insert = (no: string, received: string, category: string, disposition: string | null, date: string | null) =>
      env.ctx.db.query(
        `INSERT INTO applications (id, agency_id, application_no, query_code_hash, status, channel, applicant_category, applicant_name, applicant, description, delivery_form, delivery_method, submitted_at, received_at, disposition, disposition_date, created_at, updated_at)
         VALUES (gen_random_uuid()::text, $1, $2, 'x', 'answered', 'in_person', $3, 'x', '{}', 'x', 'paper', 'pickup', '2023-01-01T00:00:00Z', $4, $5, $6, '2023-01-01T00:00:00Z', '2023-01-01T00:00:00Z')`,
        [agency, no, category, received, disposition, date],
      );
    await insert("BAD-1", "2023-05-01", "natural_person", "granted.provided", "2022-12-01"); // answered before received
    await insert("BAD-2", "2023-06-01", "natural_person", "granted.someday", "2023-06-05"); // unknown disposition code
    await insert("BAD-3", "2023-07-01", "alien", "granted.provided", "2023-07-05"); // unknown applicant category
    const checks = Object.fromEntries((await staffGet("/api/staff/reports/2023").expect(200)).body.report.checks.map((c: { id: string }) => [c.id, c]));
    expect(checks["stated.balance"].ok).toBe(false);
    expect(checks["stated.balance"].detail).toContain("列“自然人”");
    expect(checks["stated.balance"].detail).toContain("BAD-1");
    expect(checks["derived.result_total"].ok).toBe(false);
    expect(checks["derived.result_total"].detail).toContain("BAD-2");
    expect(checks["derived.column_total"].ok).toBe(false);
    expect(checks["derived.column_total"].detail).toContain("行“一、本年新收政府信息公开申请数量”：总计为3，六类申请人之和为2");
    expect(checks["derived.column_total"].detail).toContain("BAD-3");
    await env.ctx.db.query(`DELETE FROM applications WHERE application_no LIKE 'BAD-%'`);
    const fixed = (await staffGet("/api/staff/reports/2023").expect(200)).body.report.checks;
    expect(fixed.every((c: { ok: boolean }) => c.ok)).toBe(true);
  });

  it("citizens' figures quote the latest published version with labels", async () => {
    const f = (await request(env.server).get("/api/reports/2019/figures").expect(200)).body;
    expect(f.version).toBe(2);
    expect(f.summary).toBe(
      "2019年，张店区融媒体中心新收政府信息公开申请4件，上年结转0件，本年度办结3件（其中予以公开1件、部分公开0件），结转下年度继续办理1件；行政复议0件，行政诉讼0件。",
    );
    expect(f.applications[0]).toEqual({
      code: "received.new",
      label: "一、本年新收政府信息公开申请数量",
      total: 4,
      byColumn: { natural_person: 1, "org.commercial": 1, "org.research": 1, "org.public_welfare": 1, "org.legal_service": 0, "org.other": 0, total: 4 },
    });
    expect(f.applications.find((r: { code: string }) => r.code === "result.withheld.law_prohibited").label).toBe(
      "三、本年度办理结果（三）不予公开2.其他法律行政法规禁止公开",
    );
    const none = await request(env.server).get("/api/reports/2018/figures").expect(404);
    expect(none.body.error.code).toBe("REPORT.NOT_FOUND");
    expect((await request(env.server).get("/api/reports/20x9").expect(400)).body.error.code).toBe("REPORT.INVALID_YEAR");
    expect((await request(env.server).get("/api/reports/2019?format=pdf").expect(400)).body.error.code).toBe("VALIDATION.INVALID_INPUT");
  });
});

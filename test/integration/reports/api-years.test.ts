// 2024–2025 (2021 format) built through the application API and the staff actions — an online application
// received in December and answered in January, a correction that lapses across the year end, an ordinary
// letter posted on 31 December but confirmed on 2 January — plus the section 四 case register with a case
// pending across the year end, section 二 with the 现行有效件数 check, fees in section 六, the year-end draft
// (run twice), narratives and publication.
import request from "supertest";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { orgBody, personBody } from "../applications/fixtures";
import { cli, expectEveryCell, longSession } from "./helpers";

let env: TestEnv;
let clerk: string;
let approver: string;
const at = (d: string) => env.clock.set(`${d}T02:00:00Z`); // 10:00 China time
const auth = (t = clerk) => ({ Authorization: `Bearer ${t}` });
const act = (no: string, action: string, body: object, token = clerk) =>
  request(env.server).post(`/api/staff/applications/${no}/${action}`).set(auth(token)).send(body);
const nos: Record<string, string> = {};

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2024-11-20T02:00:00Z" });
  clerk = await longSession(env, "clerk", "api-clerk");
  approver = await longSession(env, "approver", "api-approver");
});
afterAll(async () => {
  await env.close();
});

describe("applications through the API, 2024–2025", () => {
  it("files and answers applications across the year end", async () => {
    at("2024-11-20");
    const a2 = await request(env.server)
      .post("/api/staff/applications")
      .set(auth())
      .send(orgBody({ channel: "in_person", receivedAt: "2024-11-20" }))
      .expect(201);
    nos.a2 = a2.body.applicationNo;
    at("2024-11-28");
    await act(nos.a2, "request-correction", { items: "请写明所需文件的名称或文号", periodWorkingDays: 10 }).expect(200);
    at("2024-12-20");
    const a1 = await request(env.server).post("/api/applications").send(personBody()).expect(201);
    nos.a1 = a1.body.applicationNo;
    at("2024-12-31");
    const a3 = await request(env.server)
      .post("/api/staff/applications")
      .set(auth())
      .send(personBody({ channel: "mail", description: "2024年度新闻发布会记录" }))
      .expect(201);
    nos.a3 = a3.body.applicationNo;
    at("2025-01-02");
    await act(nos.a3, "confirm-receipt", { receivedAt: "2025-01-02", evidence: "电话与申请人确认" }).expect(200);
    at("2025-01-06");
    await act(nos.a2, "close", { reason: "no_correction" }).expect(200);
    at("2025-01-10");
    await act(nos.a1, "answer", { disposition: "granted.provided" }).expect(200);
    at("2025-01-20");
    await act(nos.a3, "answer", { disposition: "withheld.state_secret", note: "属于国家秘密" }, approver).expect(200);
    at("2025-03-03");
    const a4 = await request(env.server)
      .post("/api/applications")
      .send(personBody({ description: "2025年度采购项目清单" }))
      .expect(201);
    nos.a4 = a4.body.applicationNo;
  });

  it("2024: December online application and the lapsing correction carried forward; the unconfirmed letter absent", async () => {
    at("2025-03-10");
    const live = (await request(env.server).get("/api/staff/reports/2024/live").set(auth()).expect(200)).body;
    expect(live.format).toBe("2021");
    expectEveryCell(live, "2021", {
      "received.new": { natural_person: 1, "org.commercial": 1 },
      carried_forward: { natural_person: 1, "org.commercial": 1 },
    });
  });

  it("2025: carried over, answered in January, lapsed correction in （六）1, letter confirmed in January counted as new", async () => {
    const live = (await request(env.server).get("/api/staff/reports/2025/live").set(auth()).expect(200)).body;
    expectEveryCell(live, "2021", {
      "received.new": { natural_person: 2 },
      "received.carried_over": { natural_person: 1, "org.commercial": 1 },
      "result.granted": { natural_person: 1 },
      "result.withheld.state_secret": { natural_person: 1 },
      "result.other.no_correction": { "org.commercial": 1 },
      "result.total": { natural_person: 2, "org.commercial": 1 },
      carried_forward: { natural_person: 1 },
    });
  });

  it("section 四 counts cases by outcome and carries pending cases into the next year", async () => {
    at("2025-03-10");
    const post = (body: object) => request(env.server).post("/api/staff/reports/cases").set(auth()).send(body);
    const c1 = (await post({ kind: "review", outcome: "pending", filedAt: "2024-05-01", applicationNo: nos.a2, reference: "张复〔2024〕1号" }).expect(201)).body
      .case;
    expect(c1.applicationNo).toBe(nos.a2);
    await post({ kind: "litigation_direct", outcome: "upheld", filedAt: "2024-06-01", concludedAt: "2024-10-01", reference: "（2024）鲁0303行初1号" }).expect(
      201,
    );
    const c3 = (await post({ kind: "litigation_after_review", outcome: "pending", filedAt: "2024-12-01", reference: "（2024）鲁0303行初9号" }).expect(201)).body
      .case;
    await post({ kind: "review", outcome: "upheld", filedAt: "2023-02-01", concludedAt: "2023-05-01", reference: "张复〔2023〕1号" }).expect(201);
    const bad = await post({ kind: "review", outcome: "pending", filedAt: "2024-05-01", concludedAt: "2024-06-01" }).expect(400);
    expect(bad.body.error.code).toBe("REPORT.INVALID_CASE");
    // Dates before the Regulation or after today would count the case as pending in every year.
    expect((await post({ kind: "review", outcome: "pending", filedAt: "1900-05-01" }).expect(400)).body.error.code).toBe("REPORT.INVALID_CASE");
    expect((await post({ kind: "review", outcome: "pending", filedAt: "2099-05-01" }).expect(400)).body.error.message).toBe("立案日期不能晚于今天");
    expect((await post({ kind: "review", outcome: "upheld", filedAt: "2025-01-05", concludedAt: "2025-03-11" }).expect(400)).body.error.message).toBe(
      "审结日期不能晚于今天",
    );
    const badKind = await post({ kind: "appeal", outcome: "pending", filedAt: "2024-05-01" }).expect(400);
    expect(badKind.body.error.details[0].field).toBe("kind");
    const patched = await request(env.server)
      .patch(`/api/staff/reports/cases/${c1.id}`)
      .set(auth())
      .send({ outcome: "other", concludedAt: "2025-03-01" })
      .expect(200);
    expect(patched.body.case).toMatchObject({ outcome: "other", concludedAt: "2025-03-01", applicationNo: nos.a2, version: 2 });
    expect((await request(env.server).patch("/api/staff/reports/cases/nope").set(auth()).send({ outcome: "upheld" }).expect(404)).body.error.code).toBe(
      "REPORT_CASE.NOT_FOUND",
    );
    await request(env.server).patch(`/api/staff/reports/cases/${c3.id}`).set(auth()).send({ outcome: "corrected", concludedAt: "2025-02-01" }).expect(200);

    const zero = (over: Record<string, number>) => {
      const keys = ["review", "litigation.direct", "litigation.after_review"].flatMap((g) =>
        ["upheld", "corrected", "other", "pending", "total"].map((k) => `${g}.${k}`),
      );
      return Object.fromEntries(keys.map((k) => [k, over[k] ?? 0]));
    };
    const r24 = (await request(env.server).get("/api/staff/reports/2024/preview?format=json").set(auth()).expect(200)).body;
    expect(r24.reviewLitigation).toEqual(
      zero({
        "review.pending": 1,
        "review.total": 1,
        "litigation.direct.upheld": 1,
        "litigation.direct.total": 1,
        "litigation.after_review.pending": 1,
        "litigation.after_review.total": 1,
      }),
    );
    const r25 = (await request(env.server).get("/api/staff/reports/2025/preview?format=json").set(auth()).expect(200)).body;
    expect(r25.reviewLitigation).toEqual(
      zero({ "review.other": 1, "review.total": 1, "litigation.after_review.corrected": 1, "litigation.after_review.total": 1 }),
    );
    expect(r25.checks.find((c: { id: string }) => c.id === "derived.group_totals").ok).toBe(true);
    const listed = (await request(env.server).get("/api/staff/reports/cases?year=2024").set(auth()).expect(200)).body.cases;
    expect(listed.map((c: { reference: string }) => c.reference)).toEqual(["张复〔2024〕1号", "（2024）鲁0303行初1号", "（2024）鲁0303行初9号"]);

    // A case whose outcome contradicts its dates breaks the 总计 identity and is named.
    const agencyId = (await env.ctx.db.query(`SELECT id FROM agencies`))[0].id;
    await env.ctx.db.query(
      `INSERT INTO report_cases (id, agency_id, kind, outcome, filed_at, concluded_at, reference, version, created_at, updated_at) VALUES ('bad-case', $1, 'review', 'pending', '2025-01-01', '2025-02-01', '张复〔2025〕9号', 1, 'x', 'x')`,
      [agencyId],
    );
    const broken = (await request(env.server).get("/api/staff/reports/2025/preview?format=json").set(auth()).expect(200)).body;
    const check = broken.checks.find((c: { id: string }) => c.id === "derived.group_totals");
    expect(check.ok).toBe(false);
    expect(check.detail).toContain("“行政复议·总计”为2，四项之和为1");
    expect(check.detail).toContain("张复〔2025〕9号");
    await env.ctx.db.query(`DELETE FROM report_cases WHERE id = 'bad-case'`);
  });

  it("section 二 is entered with an audit trail and checked against last year (现行有效件数)", async () => {
    const put = (year: number, body: object) => request(env.server).put(`/api/staff/reports/${year}/active-disclosure`).set(auth()).send(body);
    await put(2024, {
      values: { art20_1: { regulations: { issued: 1, repealed: 0, in_force: 5 }, normative_docs: { issued: 2, repealed: 1, in_force: 7 } } },
    }).expect(200);
    await put(2025, {
      values: {
        art20_1: { regulations: { issued: 2, repealed: 1, in_force: 5 }, normative_docs: { issued: 0, repealed: 0, in_force: 7 } },
        art20_8: { admin_fees: { fee_amount: 1.5 } },
      },
    }).expect(200);
    const wrongCell = await put(2025, { values: { art20_9: { central_procurement: { purchase_items: 1 } }, art20_1: { regulations: { issued: -1 } } } }).expect(
      400,
    );
    expect(wrongCell.body.error.details.map((d: { field: string }) => d.field)).toEqual(["art20_9", "art20_1.regulations.issued"]);
    const absurd = await put(2025, { values: { art20_1: { regulations: { issued: 1e300 } } } }).expect(400);
    expect(absurd.body.error.details.map((d: { field: string; message: string }) => `${d.field}: ${d.message}`)).toEqual([
      "values.art20_1.regulations.issued: 数值过大",
    ]);
    let r25 = (await request(env.server).get("/api/staff/reports/2025/preview?format=json").set(auth()).expect(200)).body;
    const inForce = r25.checks.find((c: { id: string }) => c.id === "derived.in_force");
    expect(inForce).toEqual({ id: "derived.in_force", ok: false, detail: "“规章”：现行有效件数为5，应为上年现行有效件数5＋本年制发件数2－本年废止件数1＝6" });
    await put(2025, { values: { art20_1: { regulations: { in_force: 6 } } } }).expect(200);
    r25 = (await request(env.server).get("/api/staff/reports/2025/preview?format=json").set(auth()).expect(200)).body;
    expect(r25.checks.find((c: { id: string }) => c.id === "derived.in_force").ok).toBe(true);
    expect(r25.activeDisclosure).toEqual({
      art20_1: { regulations: { issued: 2, repealed: 1, in_force: 6 }, normative_docs: { issued: 0, repealed: 0, in_force: 7 } },
      art20_5: { licensing: { decisions: null } },
      art20_6: { penalty: { decisions: null }, coercion: { decisions: null } },
      art20_8: { admin_fees: { fee_amount: 1.5 } },
    });
    const audit = await env.ctx.db.query(`SELECT data FROM audit_events WHERE action = 'report.active_disclosure_updated' ORDER BY created_at`);
    expect(audit).toHaveLength(3); // the refused change wrote nothing
    const last = audit.map((a: { data: string }) => JSON.parse(a.data)).find((d: { before: unknown }) => d.before !== null);
    expect(last.before.art20_1.regulations.in_force).toBe(5);
    expect(last.after.art20_1.regulations.in_force).toBe(6);
  });

  it("the year-end draft is generated once (job run twice), from the figures compared with last year", async () => {
    at("2026-01-01");
    const first = await cli(env, ["generate-report", "--year", "2025"]);
    expect(first).toMatchObject({ code: 0, out: ["2025: generated 1 draft(s) (zdrmt); 0 already generated"] });
    const second = await cli(env, ["generate-report", "--year", "2025"]);
    expect(second.out).toEqual(["2025: generated 0 draft(s); 1 already generated"]);
    expect((await env.ctx.db.query(`SELECT COUNT(*)::int AS n FROM report_drafts WHERE year = 2025`))[0].n).toBe(1);
    expect((await env.ctx.db.query(`SELECT COUNT(*)::int AS n FROM audit_events WHERE action = 'report.draft_generated'`))[0].n).toBe(1);
    const view = (await request(env.server).get("/api/staff/reports/2025").set(auth()).expect(200)).body;
    expect(view.draft.sections.s1).toContain(
      "2025年，本机关新收政府信息公开申请2件（上年2件，与上年持平），上年结转2件；本年度办结3件，其中予以公开1件，部分公开0件，不予公开1件，无法提供0件，不予处理0件，其他处理1件（上年办结0件，比上年增加3件）；结转下年度继续办理1件。",
    );
    expect(view.draft.sections.s1).toContain("（五）监督保障");
    expect(view.draft.sections.s6).toBe("无。");
  });

  it("narratives and fees are edited (with version check) and section 六 states the fees", async () => {
    at("2026-01-05");
    const view = (await request(env.server).get("/api/staff/reports/2025").set(auth()).expect(200)).body;
    const saved = await request(env.server)
      .put("/api/staff/reports/2025/sections")
      .set(auth())
      .send({ s5: "一是信息公开平台功能有待完善。", version: view.draft.version })
      .expect(200);
    const stale = await request(env.server).put("/api/staff/reports/2025/sections").set(auth()).send({ s5: "旧版本", version: view.draft.version }).expect(409);
    expect(stale.body.error.code).toBe("REPORT.CONFLICT");
    await request(env.server).put("/api/staff/reports/2025/fees").set(auth()).send({ cases: 2, amountYuan: 300 }).expect(200);
    expect(
      (await request(env.server).put("/api/staff/reports/2025/fees").set(auth()).send({ cases: -1, amountYuan: 0 }).expect(400)).body.error.details[0].field,
    ).toBe("cases");
    // Beyond the integer / numeric(14,4) columns: a 400 naming the field, not a database error.
    const huge = await request(env.server).put("/api/staff/reports/2025/fees").set(auth()).send({ cases: 3_000_000_000, amountYuan: 1e15 }).expect(400);
    expect(huge.body.error.details.map((d: { field: string }) => d.field)).toEqual(["cases", "amountYuan"]);
    // The service refuses them too, for callers with their own form (the console).
    const reports = env.services.reports;
    const agencyId = (await env.ctx.db.query(`SELECT id FROM agencies WHERE code = 'zdrmt'`))[0].id;
    await expect(reports.setFees(agencyId, 2025, 3_000_000_000, 1, { id: "x", agencyId, role: "clerk" } as never)).rejects.toMatchObject({
      code: "VALIDATION.INVALID_INPUT",
    });
    const report = (await request(env.server).get("/api/staff/reports/2025/preview?format=json").set(auth()).expect(200)).body;
    expect(report.sections.s5).toBe("一是信息公开平台功能有待完善。");
    expect(report.sections.s6).toBe("本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费2件，共计300元。");
    expect(saved.body.version).toBe(view.draft.version + 1);
    const md = await request(env.server).get("/api/staff/reports/2025/preview?format=md").set(auth()).expect(200);
    expect(md.text).toContain("收取信息处理费2件，共计300元");
    const html = await request(env.server).get("/api/staff/reports/2025/preview?format=html").set(auth()).expect(200);
    expect(html.headers["x-report-status"]).toBe("draft");
    expect(html.text).toContain('<p class="status">草稿（实时数据，尚未发布）</p>');
    expect(html.text).toContain('<td rowspan="3" class="label">（六）其他处理</td>');
    expect(md.text).toContain("| 　　1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 1 | 0 | 0 | 0 | 0 | 1 |");
  });

  it("publishes 2024 and 2025; a later correction produces version 2 with the differences, the published one untouched", async () => {
    at("2026-01-10");
    const p24 = await request(env.server).post("/api/staff/reports/2024/publish").set(auth(approver)).expect(201);
    expect(p24.body.version).toBe(1);
    const p25 = await request(env.server).post("/api/staff/reports/2025/publish").set(auth(approver)).expect(201);
    expect(p25.body).toMatchObject({ version: 1, differences: [] });
    const current = await request(env.server).post("/api/staff/reports/2026/publish").set(auth(approver)).expect(400);
    expect(current.body.error.code).toBe("REPORT.YEAR_NOT_ENDED");

    // A record is corrected after publication: a4 is found to have been answered in December 2025.
    await env.ctx.db.query(
      `UPDATE applications SET disposition = 'granted.provided', disposition_date = '2025-12-15', status = 'answered' WHERE application_no = $1`,
      [nos.a4],
    );
    const published = (await request(env.server).get("/api/reports/2025").expect(200)).body;
    expect(published.applications.rows.carried_forward).toEqual([1, 0, 0, 0, 0, 0, 1]);
    const view = (await request(env.server).get("/api/staff/reports/2025").set(auth()).expect(200)).body;
    expect(view.pendingDifferences.map((d: { path: string; before: number; after: number }) => [d.path, d.before, d.after])).toEqual([
      ["applications.result.granted.natural_person", 1, 2],
      ["applications.result.granted.total", 1, 2],
      ["applications.result.total.natural_person", 2, 3],
      ["applications.result.total.total", 3, 4],
      ["applications.carried_forward.natural_person", 1, 0],
      ["applications.carried_forward.total", 1, 0],
    ]);
    at("2026-01-11");
    const v2 = await request(env.server).post("/api/staff/reports/2025/publish").set(auth(approver)).expect(201);
    expect(v2.body.version).toBe(2);
    expect(v2.body.differences).toHaveLength(6);
    expect((await request(env.server).get("/api/reports/2025?version=1").expect(200)).body.applications.rows.carried_forward).toEqual([1, 0, 0, 0, 0, 0, 1]);
    expect((await request(env.server).get("/api/reports/2025").expect(200)).body.applications.rows.carried_forward).toEqual([0, 0, 0, 0, 0, 0, 0]);
    const detail = (await request(env.server).get("/api/staff/reports/2025/versions/2").set(auth()).expect(200)).body;
    expect(detail.differences[0].label).toBe("（一）予以公开 / 自然人");
    // A version number beyond the integer column is a clear 400 / 404, not a database error.
    const big = await request(env.server).get("/api/reports/2025?version=3000000000").expect(400);
    expect(big.body.error.details[0].field).toBe("version");
    await request(env.server).get("/api/staff/reports/2025/versions/3000000000").set(auth()).expect(404);
  });
});

// The procedure over HTTP on PostgreSQL + Redis: every transition and illegal one, roles, the clock moving
// with corrections, consultations and extensions, audit and outbox rows written with (and only with) the
// transition, the reply letter, the staff queue's filters, ID reveal auditing and 一事一申请 splits.
import request from "supertest";
import { createTestEnv, longSession, type TestEnv } from "../../helpers/test-context";
import { personBody, orgBody } from "./fixtures";

let env: TestEnv;
let clerk: string;
let approver: string;
/** Moves the fixed clock one second on, so audit events of one test have distinct, ordered instants. */
const tick = () => env.clock.set(new Date(env.clock.now().getTime() + 1000).toISOString());
const MON = "2026-03-02T02:00:00Z";
const day = (d: string) => `${d}T02:00:00Z`; // 10:00 in China

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: MON });
  // The test clock travels over weeks, beyond any session lifetime: give each user a long-lived session.
  clerk = await longSession(env, "clerk", "clerk1");
  approver = await longSession(env, "approver", "approver1");
});
afterAll(async () => {
  await env.close();
});

async function file(body: object = personBody(), citizenKey?: string) {
  env.clock.set(MON);
  if (citizenKey) {
    return env.services.applications.submit(body as never, { citizenKey });
  }
  return (await request(env.server).post("/api/applications").send(body).expect(201)).body as { applicationNo: string; queryCode: string; dueDate: string };
}
const act = (no: string, action: string, body: object = {}, token = clerk) => {
  tick();
  return request(env.server).post(`/api/staff/applications/${no}/${action}`).set("Authorization", `Bearer ${token}`).send(body);
};
const detail = (no: string, token = clerk) => request(env.server).get(`/api/staff/applications/${no}`).set("Authorization", `Bearer ${token}`);
const auditOf = async (no: string) =>
  env.ctx.db.query(
    `SELECT e.action, e.from_status, e.to_status, e.reason, e.actor_type FROM audit_events e JOIN applications a ON a.id = e.entity_id WHERE a.application_no = $1 ORDER BY e.created_at`,
    [no],
  );
const outboxOf = async (no: string) =>
  env.ctx.db.query(
    `SELECT o.kind, o.channel, o.recipient, o.payload FROM outbox o JOIN applications a ON a.id = o.application_id WHERE a.application_no = $1 ORDER BY o.created_at`,
    [no],
  );

describe("main path: assign → consultation → extension → answer", () => {
  it("moves the due date with the consultation pause and the extension, and writes audit and outbox rows", async () => {
    const a = await file(personBody({ channel: "wechat" }), "oa:openid-main");
    expect(a.dueDate).toBe("2026-03-30");

    const assigned = await act(a.applicationNo, "assign", { assignee: "clerk1" }).expect(200);
    expect(assigned.body).toMatchObject({ status: "in_progress", assignee: { username: "clerk1" }, dueDate: "2026-03-30" });

    env.clock.set(day("2026-03-03"));
    const consult = await act(a.applicationNo, "start-consultation", { party: "第三方：某公司" }).expect(200);
    expect(consult.body).toMatchObject({ status: "consultation", clock: { pausedSince: "2026-03-03" } });

    env.clock.set(day("2026-03-06"));
    const ended = await act(a.applicationNo, "end-consultation", {}).expect(200);
    // Working days 03-04, 03-05, 03-06 are not counted: 03-30 + 3 working days.
    expect(ended.body).toMatchObject({ status: "in_progress", dueDate: "2026-04-02" });
    expect(ended.body.clock.pauses).toEqual([{ kind: "consultation", party: "第三方：某公司", from: "2026-03-03", to: "2026-03-06", workingDays: 3 }]);

    const denied = await act(a.applicationNo, "extend", { workingDays: 5, reason: "需调取档案" }).expect(403);
    expect(denied.body.error.code).toBe("AUTH.FORBIDDEN");
    const bad = await act(a.applicationNo, "extend", { workingDays: 21, reason: "x" }, approver).expect(400);
    expect(bad.body.error.details[0].field).toBe("workingDays");
    const noReason = await act(a.applicationNo, "extend", { workingDays: 5 }, approver).expect(400);
    expect(noReason.body.error.details[0].field).toBe("reason");
    const extended = await act(a.applicationNo, "extend", { workingDays: 5, reason: "需调取档案" }, approver).expect(200);
    // 04-02 + 5 working days, skipping 清明 04-04–04-06: 04-03, 04-07, 04-08, 04-09, 04-10.
    expect(extended.body).toMatchObject({ status: "in_progress", dueDate: "2026-04-10" });
    expect(extended.body.clock.extension).toMatchObject({ workingDays: 5, reason: "需调取档案", approvedBy: "approver1" });
    expect(extended.body.clock).toMatchObject({ clockStart: "2026-03-02", replyWorkingDays: 20, workingDaysUsed: 1, dueDate: "2026-04-10" });

    const withheldByClerk = await act(a.applicationNo, "answer", { disposition: "withheld.third_party", note: "涉及商业秘密" }).expect(403);
    expect(withheldByClerk.body.error.code).toBe("AUTH.FORBIDDEN");
    const unknownCode = await act(a.applicationNo, "answer", { disposition: "granted.maybe" }).expect(400);
    expect(unknownCode.body.error.details[0].field).toBe("disposition");
    const closeCode = await act(a.applicationNo, "answer", { disposition: "other.withdrawn" }).expect(400);
    expect(closeCode.body.error.details[0].field).toBe("disposition");

    env.clock.set(day("2026-03-09"));
    const answered = await act(
      a.applicationNo,
      "answer",
      { disposition: "withheld.third_party", note: "涉及第三方商业秘密，第三方不同意公开" },
      approver,
    ).expect(200);
    expect(answered.body).toMatchObject({
      status: "answered",
      disposition: "withheld.third_party",
      dispositionDate: "2026-03-09",
      allowedActions: ["set-category"],
    });

    const audit = await auditOf(a.applicationNo);
    expect(audit.map((e: { action: string; from_status: string; to_status: string }) => [e.action, e.from_status, e.to_status])).toEqual([
      ["application.submit", null, "received"],
      ["application.assign", "received", "in_progress"],
      ["application.start-consultation", "in_progress", "consultation"],
      ["application.end-consultation", "consultation", "in_progress"],
      ["application.extend", "in_progress", "in_progress"],
      ["application.answer", "in_progress", "answered"],
    ]);
    expect(audit.find((e: { action: string }) => e.action === "application.extend").reason).toBe("需调取档案");
    expect(answered.body.audit.map((e: { action: string }) => e.action)).toContain("application.answer");

    const outbox = await outboxOf(a.applicationNo);
    expect(outbox.map((o: { payload: string }) => JSON.parse(o.payload).status)).toEqual(["in_progress", "answered"]);
    expect(outbox[0]).toMatchObject({ kind: "application.status_changed", channel: "wechat", recipient: "oa:openid-main" });
    expect(JSON.parse(outbox[1].payload)).toEqual({
      applicationNo: a.applicationNo,
      status: "answered",
      statusLabel: "已答复",
      dueDate: "2026-04-10",
      dueDateProvisional: false,
      dueDateNote: null,
      disposition: "withheld.third_party",
      dispositionLabel: "不予公开（保护第三方合法权益）",
      message: expect.stringContaining("已答复"),
    });
    expect(JSON.parse(outbox[0].payload).message).toContain("2026-04-10");

    // Illegal once answered.
    for (const [action, body] of [
      ["answer", { disposition: "granted.provided" }],
      ["extend", { workingDays: 1, reason: "x" }],
      ["close", { reason: "withdrawn" }],
      ["assign", {}],
    ] as const) {
      const r = await act(a.applicationNo, action, body, approver).expect(409);
      expect(r.body.error.code).toBe("APPLICATION.INVALID_TRANSITION");
    }

    const letter = await request(env.server).get(`/api/staff/applications/${a.applicationNo}/reply-letter`).set("Authorization", `Bearer ${clerk}`).expect(200);
    expect(letter.text).toContain("张三");
    expect(letter.text).toContain("第十五条");
    expect(letter.text).toContain("涉及第三方商业秘密");
    expect(letter.text).toMatch(/六十日内依法申请行政复议/);
    expect(letter.text).toMatch(/六个月内依法向人民法院提起行政诉讼/);
    expect(letter.text).toContain("2026年3月9日");
    const docx = await request(env.server)
      .get(`/api/staff/applications/${a.applicationNo}/reply-letter.docx`)
      .set("Authorization", `Bearer ${clerk}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(docx.headers["content-type"]).toContain("wordprocessingml");
    expect((docx.body as Buffer).subarray(0, 2).toString()).toBe("PK");

    const citizen = await request(env.server).get(`/api/applications/${a.applicationNo}`).query({ queryCode: a.queryCode }).expect(200);
    expect(citizen.body).toMatchObject({ status: "answered", disposition: "withheld.third_party", dispositionDate: "2026-03-09", dueDate: "2026-04-10" });
  });
});

describe("correction (补正)", () => {
  it("pauses the clock and restarts it from the day the correction arrives", async () => {
    const a = await file();
    expect(await act(a.applicationNo, "record-correction", { receivedAt: "2026-03-02" }).then((r) => r.status)).toBe(409);
    env.clock.set(day("2026-03-03"));
    const noItems = await act(a.applicationNo, "request-correction", {}).expect(400);
    expect(noItems.body.error.details[0].field).toBe("items");
    const req = await act(a.applicationNo, "request-correction", { items: "请写明所需文件的名称或文号", periodWorkingDays: 10 }).expect(200);
    expect(req.body).toMatchObject({ status: "correction_requested", dueDate: null, correctionDueDate: "2026-03-17" });
    env.clock.set(day("2026-03-10"));
    const rec = await act(a.applicationNo, "record-correction", {
      receivedAt: "2026-03-10",
      description: "2025年张店区融媒体中心政府信息公开工作年度报告（张融发〔2026〕1号）",
    }).expect(200);
    // Fresh 20 working days from 03-10, skipping 清明 04-04–04-06.
    expect(rec.body).toMatchObject({ status: "received", dueDate: "2026-04-08", clock: { clockStart: "2026-03-10", clockStartReason: "correction_received" } });
    expect(rec.body.clock.corrections).toEqual([
      { requestedOn: "2026-03-03", correctionDueDate: "2026-03-17", items: "请写明所需文件的名称或文号", receivedOn: "2026-03-10" },
    ]);
    const out = await outboxOf(a.applicationNo);
    expect(out.map((o: { payload: string }) => JSON.parse(o.payload).status)).toEqual(["correction_requested", "received"]);
    expect(out[0].recipient).toBeNull(); // filed on the web without a verified identity
    const row = (await env.ctx.db.query(`SELECT received_at, clock_start_date FROM applications WHERE application_no = $1`, [a.applicationNo]))[0];
    expect(row).toEqual({ received_at: "2026-03-02", clock_start_date: "2026-03-10" }); // the legal receipt date stays
  });

  it("may only be requested within 7 working days of receipt", async () => {
    const a = await file();
    env.clock.set(day("2026-03-12")); // 8th working day after 03-02
    const late = await act(a.applicationNo, "request-correction", { items: "补充身份证明" }).expect(409);
    expect(late.body.error.code).toBe("APPLICATION.INVALID_TRANSITION");
    expect(late.body.error.message).toContain("7个工作日");
  });

  it("an unanswered correction lapses: closed as other.no_correction only after the period", async () => {
    const a = await file(orgBody());
    env.clock.set(day("2026-03-03"));
    await act(a.applicationNo, "request-correction", { items: "请补充授权委托书", periodWorkingDays: 5 }).expect(200);
    const early = await act(a.applicationNo, "close", { reason: "no_correction" }).expect(409);
    expect(early.body.error.message).toContain("尚未届满");
    env.clock.set(day("2026-03-11"));
    const closed = await act(a.applicationNo, "close", { reason: "no_correction", note: "逾期未补正" }).expect(200);
    expect(closed.body).toMatchObject({ status: "closed", disposition: "other.no_correction", dispositionDate: "2026-03-11" });
    const row = (
      await env.ctx.db.query(`SELECT status, disposition, disposition_date, received_at, applicant_category FROM applications WHERE application_no = $1`, [
        a.applicationNo,
      ])
    )[0];
    expect(row).toEqual({
      status: "closed",
      disposition: "other.no_correction",
      disposition_date: "2026-03-11",
      received_at: "2026-03-02",
      applicant_category: "org.commercial",
    });
  });
});

describe("other transitions and illegal ones", () => {
  it("withdrawal closes with other.withdrawn; a closed application accepts nothing", async () => {
    const a = await file();
    env.clock.set(day("2026-03-04"));
    const c = await act(a.applicationNo, "close", { reason: "withdrawn", note: "申请人电话撤回" }).expect(200);
    expect(c.body).toMatchObject({ status: "closed", disposition: "other.withdrawn", dispositionDate: "2026-03-04" });
    expect((await act(a.applicationNo, "start-consultation", { party: "x" })).status).toBe(409);
    expect((await act(a.applicationNo, "request-correction", { items: "x" })).status).toBe(409);
  });

  it.each([
    ["end-consultation", {}],
    ["record-correction", { receivedAt: "2026-03-02" }],
    ["confirm-receipt", { receivedAt: "2026-03-02", evidence: "电话" }],
  ])("%s from received is 409 APPLICATION.INVALID_TRANSITION", async (action, body) => {
    const a = await file();
    const r = await act(a.applicationNo, action, body).expect(409);
    expect(r.body.error.code).toBe("APPLICATION.INVALID_TRANSITION");
  });

  it("cannot answer during a consultation, nor extend beyond 20 working days in total", async () => {
    const a = await file();
    await act(a.applicationNo, "start-consultation", { party: "区财政局" }).expect(200);
    expect((await act(a.applicationNo, "answer", { disposition: "granted.provided" })).status).toBe(409);
    await act(a.applicationNo, "extend", { workingDays: 15, reason: "材料多" }, approver).expect(200);
    const over = await act(a.applicationNo, "extend", { workingDays: 6, reason: "再延" }, approver).expect(409);
    expect(over.body.error.message).toContain("20个工作日");
  });

  it("unknown actions are 404 and unknown applications are 404", async () => {
    const a = await file();
    expect((await act(a.applicationNo, "teleport")).status).toBe(404);
    const r = await act("ZDRMT-1999-00001", "assign").expect(404);
    expect(r.body.error.code).toBe("APPLICATION.NOT_FOUND");
  });

  it("allowedActions depends on status and role", async () => {
    const a = await file();
    const c = await detail(a.applicationNo).expect(200);
    expect(c.body.allowedActions).toEqual(["assign", "request-correction", "start-consultation", "answer", "close", "split", "set-category"]);
    const p = await detail(a.applicationNo, approver).expect(200);
    expect(p.body.allowedActions).toEqual(["assign", "request-correction", "start-consultation", "extend", "answer", "close", "split", "set-category"]);
    const only = await request(env.server)
      .get(`/api/staff/applications/${a.applicationNo}/allowed-actions`)
      .set("Authorization", `Bearer ${clerk}`)
      .expect(200);
    expect(only.body.allowedActions).toEqual(c.body.allowedActions);
  });
});

describe("edge rules", () => {
  it("no reply letter before an answer; closing an unconfirmed filing leaves no disposition for the report", async () => {
    const a = await file();
    const r = await request(env.server).get(`/api/staff/applications/${a.applicationNo}/reply-letter`).set("Authorization", `Bearer ${clerk}`).expect(409);
    expect(r.body.error.code).toBe("APPLICATION.INVALID_TRANSITION");
    const reg = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "fax" }))
      .expect(201);
    expect((await act(reg.body.applicationNo, "close", { reason: "no_correction" })).status).toBe(409);
    const closed = await act(reg.body.applicationNo, "close", { reason: "withdrawn" }).expect(200);
    expect(closed.body).toMatchObject({ status: "closed", receivedAt: null, disposition: null, dispositionDate: null });
  });

  it("staff correct the applicant category with a reason and an audit event, even after the answer", async () => {
    const a = await file(orgBody());
    await act(a.applicationNo, "answer", { disposition: "granted.provided" }).expect(200);
    const noReason = await act(a.applicationNo, "set-category", { category: "org.research" }).expect(400);
    expect(noReason.body.error.details[0].field).toBe("reason");
    const toPerson = await act(a.applicationNo, "set-category", { category: "natural_person", reason: "x" }).expect(400);
    expect(toPerson.body.error.details[0].field).toBe("category");
    const ok = await act(a.applicationNo, "set-category", { category: "org.research", reason: "申请单位为高校研究所" }).expect(200);
    expect(ok.body).toMatchObject({ status: "answered", applicant: { category: "org.research", categoryLabel: "科研机构" } });
    const row = (await env.ctx.db.query(`SELECT applicant_category FROM applications WHERE application_no = $1`, [a.applicationNo]))[0];
    expect(row.applicant_category).toBe("org.research");
    const audit = await auditOf(a.applicationNo);
    expect(audit[audit.length - 1]).toMatchObject({
      action: "application.set-category",
      from_status: "answered",
      to_status: "answered",
      reason: "申请单位为高校研究所",
    });
  });

  it("concurrent actions on one application never lose an update: each success has exactly one audit event", async () => {
    const a = await file();
    const results = await Promise.all([
      act(a.applicationNo, "assign", {}),
      act(a.applicationNo, "assign", {}, approver),
      act(a.applicationNo, "start-consultation", { party: "区档案馆" }),
    ]);
    const ok = results.filter((r) => r.status === 200).length;
    for (const r of results) expect([200, 409]).toContain(r.status);
    const conflicts = results.filter((r) => r.status === 409).map((r) => r.body.error.code);
    for (const c of conflicts) expect(["APPLICATION.CONFLICT", "APPLICATION.INVALID_TRANSITION"]).toContain(c);
    const row = (await env.ctx.db.query(`SELECT version FROM applications WHERE application_no = $1`, [a.applicationNo]))[0];
    expect(row.version).toBe(1 + ok);
    expect((await auditOf(a.applicationNo)).length).toBe(1 + ok);
  });
});

describe("audit and atomicity", () => {
  it("a failing transition leaves neither the change nor its audit event (nor an outbox row)", async () => {
    const a = await file();
    const before = (
      await env.ctx.db.query(`SELECT due_date, version, extension_working_days FROM applications WHERE application_no = $1`, [a.applicationNo])
    )[0];
    // Make the outbox refuse status messages, so the transaction fails after the update and the audit insert.
    await env.ctx.db.query(`ALTER TABLE outbox ADD CONSTRAINT test_no_status CHECK (kind <> 'application.status_changed') NOT VALID`);
    try {
      const r = await act(a.applicationNo, "extend", { workingDays: 5, reason: "测试回滚" }, approver);
      expect(r.status).toBe(500);
    } finally {
      await env.ctx.db.query(`ALTER TABLE outbox DROP CONSTRAINT test_no_status`);
    }
    const after = (
      await env.ctx.db.query(`SELECT due_date, version, extension_working_days FROM applications WHERE application_no = $1`, [a.applicationNo])
    )[0];
    expect(after).toEqual(before);
    expect((await auditOf(a.applicationNo)).map((e: { action: string }) => e.action)).toEqual(["application.submit"]);
    expect(await outboxOf(a.applicationNo)).toEqual([]);
    // The same action succeeds afterwards and then writes both.
    await act(a.applicationNo, "extend", { workingDays: 5, reason: "测试回滚" }, approver).expect(200);
    expect((await auditOf(a.applicationNo)).map((e: { action: string }) => e.action)).toEqual(["application.submit", "application.extend"]);
  });

  it("a refused transition (409, 403, 400) writes no audit event", async () => {
    const a = await file();
    await act(a.applicationNo, "end-consultation").expect(409);
    await act(a.applicationNo, "extend", { workingDays: 2, reason: "x" }).expect(403);
    await act(a.applicationNo, "answer", { disposition: "nope" }).expect(400);
    expect((await auditOf(a.applicationNo)).map((e: { action: string }) => e.action)).toEqual(["application.submit"]);
  });
});

describe("the clock in unknown years", () => {
  it("flags a deadline that reaches 2027 instead of silently using Monday–Friday", async () => {
    env.clock.set(day("2026-12-15"));
    const r = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "in_person", receivedAt: "2026-12-15", description: "2026年度融媒体中心新闻发布会记录" }))
      .expect(201);
    const d = await detail(r.body.applicationNo).expect(200);
    expect(d.body.dueDateFlag).toBe("unknown_year:2027");
    expect(d.body.clock.dueDateNote).toContain("2027年");
    const list = await request(env.server)
      .get("/api/staff/applications")
      .query({ q: r.body.applicationNo })
      .set("Authorization", `Bearer ${clerk}`)
      .expect(200);
    expect(list.body.items[0].dueDateFlag).toBe("unknown_year:2027");
  });
});

describe("staff queue, detail and ID reveal", () => {
  it("filters by status, assignee, overdue, due-within and name, with working days left", async () => {
    const a = await file(personBody({ description: "关于区融媒体中心办公用房面积的信息" }, { name: "王五" }));
    const b = await file(orgBody({ description: "关于区融媒体中心广告经营收入的信息" }));
    await act(b.applicationNo, "assign", {}).expect(200); // to me (clerk1)
    env.clock.set(day("2026-03-26"));
    const list = async (q: Record<string, string>) =>
      (await request(env.server).get("/api/staff/applications").query(q).set("Authorization", `Bearer ${clerk}`).expect(200)).body;
    const byName = await list({ q: "王五" });
    expect(byName.items.map((i: { applicationNo: string }) => i.applicationNo)).toEqual([a.applicationNo]);
    expect(byName.items[0]).toMatchObject({ workingDaysLeft: 2, overdue: false, dueDate: "2026-03-30" });
    expect(JSON.stringify(byName)).not.toMatch(/13800138000|11010519491231002X/);
    const mine = await list({ assignee: "me" });
    expect(mine.items.map((i: { applicationNo: string }) => i.applicationNo)).toContain(b.applicationNo);
    expect(mine.items.map((i: { applicationNo: string }) => i.applicationNo)).not.toContain(a.applicationNo);
    const soon = await list({ dueWithin: "2", q: a.applicationNo });
    expect(soon.total).toBe(1);
    const notSoon = await list({ dueWithin: "1", q: a.applicationNo });
    expect(notSoon.total).toBe(0);
    env.clock.set(day("2026-03-31"));
    const overdue = await list({ overdue: "true" });
    const nos = overdue.items.map((i: { applicationNo: string }) => i.applicationNo);
    expect(nos).toEqual(expect.arrayContaining([a.applicationNo, b.applicationNo]));
    expect(overdue.items.find((i: { applicationNo: string }) => i.applicationNo === a.applicationNo)).toMatchObject({ workingDaysLeft: -1, overdue: true });
    const inProgress = await list({ status: "in_progress", q: b.applicationNo });
    expect(inProgress.total).toBe(1);
    const bad = await request(env.server).get("/api/staff/applications").query({ status: "lost" }).set("Authorization", `Bearer ${clerk}`).expect(400);
    expect(bad.body.error.details[0].field).toMatch(/^status/);
  });

  it("masks the ID number unless revealed, and the reveal is audited", async () => {
    const a = await file();
    const masked = await detail(a.applicationNo).expect(200);
    expect(masked.body.applicant.idNumber).toBe("110***********002X");
    expect((await auditOf(a.applicationNo)).length).toBe(1);
    const shown = await request(env.server)
      .get(`/api/staff/applications/${a.applicationNo}`)
      .query({ reveal: "idNumber" })
      .set("Authorization", `Bearer ${clerk}`)
      .expect(200);
    expect(shown.body.applicant.idNumber).toBe("11010519491231002X");
    const audit = await auditOf(a.applicationNo);
    expect(audit.map((e: { action: string }) => e.action)).toEqual(["application.submit", "application.reveal_id_number"]);
    await request(env.server).get(`/api/staff/applications/${a.applicationNo}`).expect(401);
  });
});

describe("一事一申请: split", () => {
  it("keeps the first item on the original and files the others as linked applications with the same clock", async () => {
    const a = await file(personBody({ description: "1.2025年部门预算；2.2025年部门决算；3.2025年三公经费" }));
    const s = await act(a.applicationNo, "split", { items: ["2025年部门预算", "2025年部门决算", "2025年三公经费"] }).expect(200);
    expect(s.body.description).toBe("2025年部门预算");
    expect(s.body.splitInto).toHaveLength(2);
    for (const no of s.body.splitInto as string[]) {
      const c = await detail(no).expect(200);
      expect(c.body).toMatchObject({ parentNo: a.applicationNo, status: "received", receivedAt: "2026-03-02", dueDate: "2026-03-30" });
      // The citizen follows each part with the original query code.
      await request(env.server).get(`/api/applications/${no}`).query({ queryCode: a.queryCode }).expect(200);
    }
    const one = await act(a.applicationNo, "split", { items: ["只有一项申请内容"] }).expect(400);
    expect(one.body.error.details[0].field).toBe("items");
    const n = await env.ctx.db.query(
      `SELECT COUNT(*) AS n FROM applications WHERE received_at = '2026-03-02' AND parent_id = (SELECT id FROM applications WHERE application_no = $1)`,
      [a.applicationNo],
    );
    expect(Number(n[0].n)).toBe(2);
  });
});

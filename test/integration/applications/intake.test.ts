// Intake over HTTP on PostgreSQL + Redis: validation, idempotent retries, receipt date and due date,
// citizen status with its rate limit, repeat detection, staff registration of offline applications.
import request from "supertest";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { orgBody, personBody } from "./fixtures";

let env: TestEnv;
const count = async (table: string) => Number((await env.ctx.db.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

beforeAll(async () => {
  // 2026-03-02 10:00 China time, a Monday.
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z", env: { STATUS_QUERY_MAX_FAILURES: "3" } });
});
afterAll(async () => {
  await env.close();
});

describe("POST /api/applications", () => {
  it("files an application: legal receipt = today (China-local), due = 20th working day after", async () => {
    const res = await request(env.server).post("/api/applications").send(personBody()).expect(201);
    expect(res.body).toEqual({
      applicationNo: expect.stringMatching(/^ZDRMT-2026-\d{5}$/),
      queryCode: expect.stringMatching(/^\d{12}$/),
      status: "received",
      receivedAt: "2026-03-02",
      dueDate: "2026-03-30",
      dueDateProvisional: false,
      dueDateNote: null,
    });
    const row = (await env.ctx.db.query(`SELECT * FROM applications WHERE application_no = $1`, [res.body.applicationNo]))[0];
    expect(row.applicant_category).toBe("natural_person");
    expect(row.received_at).toBe("2026-03-02");
    expect(row.clock_start_date).toBe("2026-03-02");
    expect(row.query_code_hash).not.toContain(res.body.queryCode);
    const audit = await env.ctx.db.query(`SELECT action, to_status, actor_type FROM audit_events WHERE entity_id = $1`, [row.id]);
    expect(audit).toEqual([{ action: "application.submit", to_status: "received", actor_type: "citizen" }]);
  });

  it("a retry with the same Idempotency-Key returns the first answer and stores one record", async () => {
    const before = await count("applications");
    const body = orgBody();
    const a = await request(env.server).post("/api/applications").set("Idempotency-Key", "retry-1").send(body).expect(201);
    const b = await request(env.server).post("/api/applications").set("Idempotency-Key", "retry-1").send(body).expect(201);
    expect(b.body).toEqual(a.body);
    expect(await count("applications")).toBe(before + 1);
    // Concurrent duplicates also collapse to one record.
    const [c, d] = await Promise.all([
      request(env.server).post("/api/applications").set("Idempotency-Key", "race-1").send(body),
      request(env.server).post("/api/applications").set("Idempotency-Key", "race-1").send(body),
    ]);
    expect(c.status).toBe(201);
    expect(d.body).toEqual(c.body);
    expect(await count("applications")).toBe(before + 2);
    // The same applicant's key with a different body is a conflict, not a silent replay.
    const e = await request(env.server)
      .post("/api/applications")
      .set("Idempotency-Key", "retry-1")
      .send(orgBody({ description: "另一项申请：2024年度部门预算" }))
      .expect(409);
    expect(e.body.error.code).toBe("IDEMPOTENCY.CONFLICT");
    // Keys are namespaced by client (issue 13 item 11): another applicant's same key files their own application.
    const other = await request(env.server).post("/api/applications").set("Idempotency-Key", "retry-1").send(personBody()).expect(201);
    expect(other.body.applicationNo).not.toBe(a.body.applicationNo);
  });

  it("the bot's service path is the same and idempotent too, storing the citizen key", async () => {
    const svc = env.services.applications;
    const a = await svc.submit(personBody({ channel: "wechat" }) as never, { idempotencyKey: "bot-1", citizenKey: "oa:openid-1" });
    const b = await svc.submit(personBody({ channel: "wechat" }) as never, { idempotencyKey: "bot-1", citizenKey: "oa:openid-1" });
    expect(b).toEqual(a);
    const mine = await svc.listForCitizen("oa:openid-1");
    expect(mine.map((x) => x.applicationNo)).toEqual([a.applicationNo]);
    expect(mine[0]).toEqual({
      applicationNo: a.applicationNo,
      status: "received",
      statusLabel: "已受理",
      receivedAt: "2026-03-02",
      dueDate: "2026-03-30",
      dueDateProvisional: false,
      dueDateNote: null,
      disposition: null,
      dispositionLabel: null,
      dispositionDate: null,
    });
  });

  const invalid: Array<[string, (b: ReturnType<typeof personBody>) => unknown, string, RegExp]> = [
    ["category", (b) => ({ ...b, applicant: { ...b.applicant, category: "alien" } }), "applicant.category", /申请人类型/],
    ["name", (b) => ({ ...b, applicant: { ...b.applicant, name: "  " } }), "applicant.name", /请填写申请人姓名/],
    ["idType", (b) => ({ ...b, applicant: { ...b.applicant, idType: undefined } }), "applicant.idType", /证件类型/],
    ["idNumber missing", (b) => ({ ...b, applicant: { ...b.applicant, idNumber: undefined } }), "applicant.idNumber", /请填写证件号码/],
    ["idNumber check digit", (b) => ({ ...b, applicant: { ...b.applicant, idNumber: "110105194912310021" } }), "applicant.idNumber", /校验位/],
    ["phone", (b) => ({ ...b, applicant: { ...b.applicant, phone: "12345" } }), "applicant.phone", /联系电话格式不正确/],
    ["email", (b) => ({ ...b, applicant: { ...b.applicant, email: "not-an-email" } }), "applicant.email", /电子邮箱格式不正确/],
    ["postcode", (b) => ({ ...b, applicant: { ...b.applicant, postcode: "25500" } }), "applicant.postcode", /6位数字/],
    ["description", (b) => ({ ...b, description: "年报" }), "description", /描述过短/],
    ["deliveryForm", (b) => ({ ...b, deliveryForm: "fax" }), "deliveryForm", /信息提供形式/],
    ["deliveryMethod", (b) => ({ ...b, deliveryMethod: "pigeon" }), "deliveryMethod", /获取方式/],
    ["channel (staff-only channel)", (b) => ({ ...b, channel: "in_person" }), "channel", /提交渠道/],
    ["email needed for e-mail delivery", (b) => ({ ...b, applicant: { ...b.applicant, email: undefined } }), "applicant.email", /请填写电子邮箱/],
    [
      "address needed for mail delivery",
      (b) => ({ ...b, deliveryMethod: "mail", applicant: { ...b.applicant, address: undefined } }),
      "applicant.address",
      /请填写通信地址/,
    ],
  ];
  it.each(invalid)("rejects an invalid %s with 400, the field and a Chinese message; nothing stored", async (_n, mutate, field, message) => {
    const before = await count("applications");
    const res = await request(env.server)
      .post("/api/applications")
      .send(mutate(personBody()) as object)
      .expect(400);
    expect(res.body.error.code).toBe("VALIDATION.INVALID_INPUT");
    const problem = (res.body.error.details as Array<{ field: string; message: string }>).find((d) => d.field === field);
    expect(problem?.message).toMatch(message);
    expect(await count("applications")).toBe(before);
  });

  it("organisations need a valid credit code and a contact person", async () => {
    const bad = orgBody();
    const res = await request(env.server)
      .post("/api/applications")
      .send({ ...bad, applicant: { ...bad.applicant, creditCode: "91350100M000100Y44", contactName: undefined } })
      .expect(400);
    const fields = (res.body.error.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(["applicant.contactName", "applicant.creditCode"]);
  });
});

describe("GET /api/applications/:no (citizen status)", () => {
  it("shows status and dates, never the ID number or phone; a wrong code is 404 and repeated wrong codes 429", async () => {
    const filed = (
      await request(env.server)
        .post("/api/applications")
        .send(personBody({ description: "张店区融媒体中心2025年部门预算公开说明" }))
        .expect(201)
    ).body;
    const ok = await request(env.server).get(`/api/applications/${filed.applicationNo}`).query({ queryCode: filed.queryCode }).expect(200);
    expect(ok.body).toEqual({
      applicationNo: filed.applicationNo,
      status: "received",
      statusLabel: "已受理",
      receivedAt: "2026-03-02",
      dueDate: "2026-03-30",
      dueDateProvisional: false,
      dueDateNote: null,
      disposition: null,
      dispositionLabel: null,
      dispositionDate: null,
    });
    expect(JSON.stringify(ok.body)).not.toMatch(/11010519491231002X|13800138000/);
    const wrong = await request(env.server).get(`/api/applications/${filed.applicationNo}`).query({ queryCode: "00000000" }).expect(404);
    expect(wrong.body.error.code).toBe("APPLICATION.NOT_FOUND");
    await request(env.server).get(`/api/applications/${filed.applicationNo}`).query({ queryCode: "00000001" }).expect(404);
    await request(env.server).get(`/api/applications/${filed.applicationNo}`).query({ queryCode: "00000002" }).expect(404);
    // Limit (3) reached: even the right code is refused for now.
    const limited = await request(env.server).get(`/api/applications/${filed.applicationNo}`).query({ queryCode: filed.queryCode }).expect(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
  });
});

describe("repeat detection", () => {
  it("flags a new application of the same applicant for the same (normalised) information already answered", async () => {
    const clerk = await staffToken(env, "clerk");
    const body = personBody({ description: "融媒体中心 2024 年度 采购合同清单。" });
    const a = (await request(env.server).post("/api/applications").send(body).expect(201)).body;
    await request(env.server)
      .post(`/api/staff/applications/${a.applicationNo}/answer`)
      .set("Authorization", `Bearer ${clerk}`)
      .send({ disposition: "granted.provided" })
      .expect(200);
    const b = (
      await request(env.server)
        .post("/api/applications")
        .send(personBody({ description: "融媒体中心2024年度采购合同清单" }))
        .expect(201)
    ).body;
    const detail = await request(env.server).get(`/api/staff/applications/${b.applicationNo}`).set("Authorization", `Bearer ${clerk}`).expect(200);
    expect(detail.body.possibleRepeatOf).toEqual({ applicationNo: a.applicationNo, disposition: "granted.provided", dispositionDate: "2026-03-02" });
    expect(detail.body.status).toBe("received"); // flagged, not rejected
    const other = (
      await request(env.server)
        .post("/api/applications")
        .send(orgBody({ description: "融媒体中心2024年度采购合同清单" }))
        .expect(201)
    ).body;
    const d2 = await request(env.server).get(`/api/staff/applications/${other.applicationNo}`).set("Authorization", `Bearer ${clerk}`).expect(200);
    expect(d2.body.possibleRepeatOf).toBeNull();
  });
});

describe("POST /api/staff/applications (offline registration)", () => {
  it("registers registered mail with the signed-for date and evidence; the clock runs from that date", async () => {
    const clerk = await staffToken(env, "clerk");
    const res = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "mail_registered", receivedAt: "2026-02-27", receiptEvidence: "EMS 1234567890 签收日期 2026-02-27" }))
      .expect(201);
    // Saturday 2026-02-28 is a make-up working day (调休上班), so day 20 is Thursday 03-26, not Friday 03-27.
    expect(res.body).toMatchObject({ status: "received", receivedAt: "2026-02-27", dueDate: "2026-03-26" });
  });

  it("ordinary mail without a confirmation date waits in awaiting_confirmation with no receipt date", async () => {
    const clerk = await staffToken(env, "clerk");
    const res = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "mail" }))
      .expect(201);
    expect(res.body).toMatchObject({ status: "awaiting_confirmation", receivedAt: null, dueDate: null });
    const confirmed = await request(env.server)
      .post(`/api/staff/applications/${res.body.applicationNo}/confirm-receipt`)
      .set("Authorization", `Bearer ${clerk}`)
      .send({ receivedAt: "2026-03-02", evidence: "电话与申请人确认" })
      .expect(200);
    expect(confirmed.body).toMatchObject({ status: "received", receivedAt: "2026-03-02", dueDate: "2026-03-30" });
  });

  it("requires the receipt date for in-person and registered mail, and refuses a future date", async () => {
    const clerk = await staffToken(env, "clerk");
    const a = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "in_person" }))
      .expect(400);
    expect(a.body.error.details.map((d: { field: string }) => d.field)).toContain("receivedAt");
    const b = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "in_person", receivedAt: "2026-03-05" }))
      .expect(400);
    expect(b.body.error.details[0].field).toBe("receivedAt");
    await request(env.server)
      .post("/api/staff/applications")
      .send(personBody({ channel: "in_person", receivedAt: "2026-03-02" }))
      .expect(401);
  });
});

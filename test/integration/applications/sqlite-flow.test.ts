// The main flow on the embedded SQLite database: intake, idempotent retry, correction, extension, answer,
// reply letter, citizen status and the staff queue.
import request from "supertest";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { orgBody, personBody } from "./fixtures";

let env: TestEnv;
let clerk: string;
let approver: string;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z", env: { STAFF_SESSION_TTL_MINUTES: "10080" } });
  clerk = await staffToken(env, "clerk");
  approver = await staffToken(env, "approver");
});
afterAll(async () => {
  await env.close();
});

it("runs intake → correction → extension → answer on SQLite", async () => {
  const first = await request(env.server).post("/api/applications").set("Idempotency-Key", "k1").send(personBody()).expect(201);
  const again = await request(env.server).post("/api/applications").set("Idempotency-Key", "k1").send(personBody()).expect(201);
  expect(again.body).toEqual(first.body);
  expect(first.body).toMatchObject({ applicationNo: "ZDRMT-2026-00001", status: "received", receivedAt: "2026-03-02", dueDate: "2026-03-30" });
  const second = await request(env.server).post("/api/applications").send(orgBody()).expect(201);
  expect(second.body.applicationNo).toBe("ZDRMT-2026-00002");
  expect(Number((await env.ctx.db.query("SELECT COUNT(*) AS n FROM applications"))[0].n)).toBe(2);

  const no = first.body.applicationNo as string;
  const post = (action: string, body: object, token = clerk) =>
    request(env.server).post(`/api/staff/applications/${no}/${action}`).set("Authorization", `Bearer ${token}`).send(body);
  await post("assign", {}).expect(200);
  env.clock.set("2026-03-03T02:00:00Z");
  await post("request-correction", { items: "请写明文件名称" }).expect(200);
  env.clock.set("2026-03-05T02:00:00Z");
  const corrected = await post("record-correction", { receivedAt: "2026-03-05" }).expect(200);
  expect(corrected.body).toMatchObject({ status: "in_progress", dueDate: "2026-04-02" });
  await post("extend", { workingDays: 3, reason: "需协调" }).expect(403);
  const ext = await post("extend", { workingDays: 3, reason: "需协调" }, approver).expect(200);
  expect(ext.body.dueDate).toBe("2026-04-08"); // 04-03, (清明 04-04–06), 04-07, 04-08
  const answered = await post("answer", { disposition: "granted.provided", note: "已通过电子邮件发送" }).expect(200);
  expect(answered.body).toMatchObject({ status: "answered", disposition: "granted.provided", dispositionDate: "2026-03-05" });
  await post("answer", { disposition: "granted.provided" }).expect(409);

  const letter = await request(env.server).get(`/api/staff/applications/${no}/reply-letter`).set("Authorization", `Bearer ${clerk}`).expect(200);
  expect(letter.text).toContain("第三十六条第（二）项");
  const status = await request(env.server).get(`/api/applications/${no}`).query({ queryCode: first.body.queryCode }).expect(200);
  expect(status.body).toMatchObject({ status: "answered", dispositionLabel: "予以公开" });

  const list = await request(env.server).get("/api/staff/applications").query({ q: "某某科技" }).set("Authorization", `Bearer ${clerk}`).expect(200);
  expect(list.body.items.map((i: { applicationNo: string }) => i.applicationNo)).toEqual(["ZDRMT-2026-00002"]);
  const audit = await env.ctx.db.query("SELECT action FROM audit_events WHERE entity_type = 'application' ORDER BY created_at");
  expect(audit.map((a: { action: string }) => a.action)).toEqual(
    expect.arrayContaining([
      "application.submit",
      "application.assign",
      "application.request-correction",
      "application.record-correction",
      "application.extend",
      "application.answer",
    ]),
  );
  const outbox = await env.ctx.db.query("SELECT kind FROM outbox");
  expect(outbox.length).toBe(4); // correction requested, corrected, extended, answered
});

// The console's application page lists the application's attachments; each is opened (view or download)
// through an audited console route, for staff of that agency only.
import request from "supertest";
import { STAFF_COOKIE } from "../../src/http/auth";
import { AuditEvent } from "../../src/infra/entities/audit-event.entity";
import { Application } from "../../src/modules/applications/application.entity";
import { personBody } from "../integration/applications/fixtures";
import { jpeg } from "../integration/miniprogram/files";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres" });
});
afterAll(() => env.close());

it("lists the files on the application page and audits every view and download", async () => {
  const filed = await env.services.applications.submit({ ...personBody(), channel: "miniprogram" }, { citizenKey: "mp:console-owner" });
  const app = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: filed.applicationNo });
  const file = await env.services.attachments.add(app, { kind: "identity", bytes: jpeg(5000), source: "miniprogram", uploadedBy: "mp:console-owner" });
  const cookie = `${STAFF_COOKIE}=${await staffToken(env, "clerk")}`;
  const page = await request(env.server).get(`/console/applications/${filed.applicationNo}`).set("Cookie", cookie);
  expect(page.status).toBe(200);
  expect(page.text).toContain("附件（身份证明与其他材料）");
  expect(page.text).toContain("身份证明 1");
  expect(page.text).toContain(`/console/applications/${filed.applicationNo}/attachments/${file.id}`);
  expect(page.text).toContain("记入审计日志");
  const before = await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: app.id, action: "attachment.view" });
  const view = await request(env.server).get(`/console/applications/${filed.applicationNo}/attachments/${file.id}`).set("Cookie", cookie);
  expect(view.status).toBe(200);
  expect(view.headers["content-type"]).toBe("image/jpeg");
  expect(view.headers["content-disposition"]).toMatch(/^inline;/);
  const dl = await request(env.server).get(`/console/applications/${filed.applicationNo}/attachments/${file.id}/download`).set("Cookie", cookie);
  expect(dl.headers["content-disposition"]).toMatch(/^attachment;/);
  expect(await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: app.id, action: "attachment.view" })).toBe(before + 1);
  expect(await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: app.id, action: "attachment.download" })).toBe(1);
  // The audit trail on the page names the views.
  const again = await request(env.server).get(`/console/applications/${filed.applicationNo}`).set("Cookie", cookie);
  expect(again.text).toContain("查看附件");
  // An unknown attachment id is a page, not a file and not a 500.
  const missing = await request(env.server)
    .get(`/console/applications/${filed.applicationNo}/attachments/00000000-0000-4000-8000-000000000000`)
    .set("Cookie", cookie);
  expect(missing.status).toBe(404);
});

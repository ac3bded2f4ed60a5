// Staff of one agency reach nothing of another agency's application: every staff API route and console
// page about one application (listed from the routers, so a route added later is walked too — the
// attachments of issue 15 among them) answers "not found" to an admin of another agency, shows none of
// its data and writes no audit row on it.
import { randomUUID } from "node:crypto";
import request from "supertest";
import { STAFF_COOKIE } from "../../src/http/auth";
import { Agency } from "../../src/infra/entities/agency.entity";
import { AuditEvent } from "../../src/infra/entities/audit-event.entity";
import { Application } from "../../src/modules/applications/application.entity";
import { csrfTokenFor } from "../../src/modules/console/csrf";
import { personBody } from "../integration/applications/fixtures";
import { jpeg } from "../integration/miniprogram/files";
import { createTestEnv, type TestEnv } from "../helpers/test-context";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres" });
});
afterAll(() => env.close());

function applicationRoutes(): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  for (const m of env.app.modules) {
    for (const router of m.routes?.() ?? []) {
      for (const layer of router.stack as Array<{ methods: string[]; path: string }>) {
        if (!layer.methods.length || layer.methods.length > 10) continue;
        if (!/^\/api\/staff\/applications\/:applicationNo|^\/console\/applications\/:no/.test(layer.path)) continue;
        for (const method of layer.methods) if (method !== "HEAD") out.push({ method, path: layer.path });
      }
    }
  }
  return out;
}

it("another agency's admin gets 404 on every route about the application and leaves no audit row", async () => {
  const filed = await env.services.applications.submit({ ...personBody(), channel: "miniprogram" }, { citizenKey: "mp:isolated" });
  const app = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: filed.applicationNo });
  const file = await env.services.attachments.add(app, { kind: "identity", bytes: jpeg(), source: "miniprogram", uploadedBy: "mp:isolated" });
  const now = env.clock.now().toISOString();
  await env.ctx.db.getRepository(Agency).save({ id: randomUUID(), code: "iso-other", name: "别的机关", profile: {}, createdAt: now, updatedAt: now } as Agency);
  const staff = env.services.staff;
  await staff.createUser({ username: "iso-admin", password: "correct-horse-battery", role: "admin", agencyCode: "iso-other" });
  const token = (await staff.login("iso-admin", "correct-horse-battery", "test", undefined, { agencyCode: "iso-other" })).token;

  const routes = applicationRoutes();
  expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
    expect.arrayContaining([
      "GET /api/staff/applications/:applicationNo/attachments/:id",
      "GET /console/applications/:no/attachments/:id/download",
      "POST /api/staff/applications/:applicationNo/:action",
    ]),
  );
  const audit = await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: app.id });
  const wrong: string[] = [];
  for (const r of routes) {
    const url = r.path.replace(":applicationNo", filed.applicationNo).replace(":no", filed.applicationNo).replace(":id", file.id).replace(":action", "assign");
    const api = url.startsWith("/api/");
    let req = request(env.server)[r.method.toLowerCase() as "get"](url);
    req = api ? req.set("Authorization", `Bearer ${token}`) : req.set("Cookie", `${STAFF_COOKIE}=${token}`);
    const res =
      r.method === "GET" ? await req : await req.type(api ? "json" : "form").send(api ? {} : { _csrf: csrfTokenFor(token), disposition: "granted.provided" });
    const leaked =
      res.text.includes("张三") || (res.text.includes(filed.applicationNo) && res.status === 200) || (res.headers["content-type"] ?? "").startsWith("image/");
    // A console form that fails comes back as a redirect with the error in a flash message.
    const refused = res.status === 404 || (!api && r.method === "POST" && res.status === 302 && !String(res.headers.location).startsWith("/console/login"));
    if (!refused || leaked)
      wrong.push(`${r.method} ${r.path} -> ${res.status} ${res.headers.location ?? ""} ${String(res.headers["set-cookie"] ?? "").slice(0, 80)}`);
  }
  expect(wrong).toEqual([]);
  expect(await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: app.id })).toBe(audit);
});

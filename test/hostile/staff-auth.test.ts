// Hostile staff credentials: every staff API route and console page, listed from the routers themselves
// (a route added later is covered without editing this file), refuses missing, malformed, expired, revoked
// and wrong-role tokens, by bearer header and by cookie, and does nothing on the way.
import { randomUUID } from "node:crypto";
import argon2 from "argon2";
import request from "supertest";
import { STAFF_COOKIE } from "../../src/http/auth";
import { StaffUser } from "../../src/infra/entities/staff-user.entity";
import { AuditEvent } from "../../src/infra/entities/audit-event.entity";
import { csrfTokenFor } from "../../src/modules/console/csrf";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";

const FIXED_ID = randomUUID();

interface Route {
  method: string;
  path: string;
}

let env: TestEnv;
let routes: Route[];

/** Every route the modules mount, one entry per method (HEAD is GET's twin and is left out). */
function allRoutes(): Route[] {
  const out: Route[] = [];
  for (const m of env.app.modules) {
    for (const router of m.routes?.() ?? []) {
      for (const layer of router.stack as Array<{ methods: string[]; path: string }>) {
        // Router-level middleware (no methods) and the console's catch-all are not routes of their own.
        if (!layer.methods.length || layer.methods.length > 10) continue;
        for (const method of layer.methods) if (method !== "HEAD") out.push({ method, path: layer.path });
      }
    }
  }
  return out;
}

/** A concrete URL for a route pattern: plausible parameter values, so the refusal is not a 404 by luck. */
function concrete(path: string): string {
  return path
    .replace(":applicationNo", "ZDRMT-2026-00001")
    .replace(":no", "ZDRMT-2026-00001")
    .replace(":year", "2025")
    .replace(":version", "1")
    .replace(":action", "accept")
    .replace(":key", "overview")
    .replace(":name", "console.css")
    .replace(":code", "zdrmt")
    .replace(/:id/g, FIXED_ID);
}

const isStaffApi = (r: Route) => r.path.startsWith("/api/staff/") && r.path !== "/api/staff/login";
const isConsolePage = (r: Route) => r.path.startsWith("/console") && r.path !== "/console/login" && !r.path.startsWith("/console/assets/");

function send(r: Route, auth: { bearer?: string; cookie?: string; header?: string }) {
  let req = request(env.server)[r.method.toLowerCase() as "get"](concrete(r.path));
  if (auth.header !== undefined) req = req.set("Authorization", auth.header);
  if (auth.bearer !== undefined) req = req.set("Authorization", `Bearer ${auth.bearer}`);
  if (auth.cookie !== undefined) req = req.set("Cookie", `${STAFF_COOKIE}=${auth.cookie}`);
  return r.method === "GET" || r.method === "DELETE" ? req : req.send({});
}

/** Every staff API route answers 401 AUTH.UNAUTHENTICATED for these credentials, and nothing is written. */
async function expectApiRefusal(auth: Parameters<typeof send>[1]) {
  const staffRoutes = routes.filter(isStaffApi);
  const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
  const wrong: string[] = [];
  for (const r of staffRoutes) {
    const res = await send(r, auth);
    if (res.status !== 401 || res.body?.error?.code !== "AUTH.UNAUTHENTICATED" || typeof res.body.error.message !== "string") {
      wrong.push(`${r.method} ${r.path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
}

/** Every console page sends the browser to the login page for this cookie (GET keeps where it was going). */
async function expectConsoleRefusal(cookie: string | undefined) {
  const pages = [...routes.filter(isConsolePage), { method: "GET", path: "/console/no-such-page" }];
  const wrong: string[] = [];
  for (const r of pages) {
    const res = await send(r, cookie === undefined ? {} : { cookie });
    const location = String(res.headers.location ?? "");
    const ok =
      res.status === 302 && (r.method === "GET" ? location === `/console/login?next=${encodeURIComponent(concrete(r.path))}` : location === "/console/login");
    if (!ok) wrong.push(`${r.method} ${r.path} -> ${res.status} ${location}`);
  }
  expect(wrong).toEqual([]);
}

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", env: { STAFF_SESSION_TTL_MINUTES: "60" } });
  routes = allRoutes();
});
afterAll(() => env.close());

it("finds the staff routes and console pages in the routers (the list the other tests walk)", () => {
  const staffApi = routes.filter(isStaffApi).map((r) => `${r.method} ${r.path}`);
  // A few from each module: if the router introspection broke, the refusal tests below would walk nothing.
  expect(staffApi).toEqual(
    expect.arrayContaining([
      "GET /api/staff/me",
      "POST /api/staff/users/:id/revoke-sessions",
      "GET /api/staff/applications",
      "POST /api/staff/applications/:applicationNo/:action",
      "POST /api/staff/reports/:year/publish",
      "POST /api/staff/catalogue/import",
      "POST /api/staff/consultations/:id/reply",
      // Issue 15: the application's attachments (list and one file).
      "GET /api/staff/applications/:applicationNo/attachments",
      "GET /api/staff/applications/:applicationNo/attachments/:id",
      "GET /api/staff/platform/agencies",
      "POST /api/staff/platform/agencies",
      "PATCH /api/staff/platform/agencies/:code",
      "GET /api/staff/district/overview",
      "GET /api/staff/district/table/:year",
    ]),
  );
  expect(routes.filter(isConsolePage).map((r) => `${r.method} ${r.path}`)).toEqual(
    expect.arrayContaining([
      "GET /console/district",
      "GET /console/district/table/:year",
      "GET /console/platform/agencies",
      "POST /console/platform/agencies",
      "POST /console/platform/agencies/:code/users",
    ]),
  );
  expect(staffApi.length).toBeGreaterThanOrEqual(40);
  expect(routes.filter(isConsolePage).length).toBeGreaterThanOrEqual(30);
  expect(routes.filter(isConsolePage).map((r) => `${r.method} ${r.path}`)).toEqual(
    expect.arrayContaining(["GET /console/applications/:no/attachments/:id", "GET /console/applications/:no/attachments/:id/download"]),
  );
});

describe("missing and malformed credentials", () => {
  it("no token: every staff API route answers 401", async () => {
    await expectApiRefusal({});
  });

  it.each([
    ["an empty bearer", { header: "Bearer " }],
    ["a bearer with spaces", { header: "Bearer abc def" }],
    ["another scheme", { header: "Basic YWRtaW46YWRtaW4=" }],
    ["a made-up token", { bearer: "A".repeat(43) }],
    ["SQL in the token", { header: "Bearer '||'1'='1" }],
    ["a very long token", { bearer: "x".repeat(8000) }],
    ["a garbage cookie", { cookie: "%00%27%20OR%201%3D1" }],
  ])("%s: every staff API route answers 401", async (_name, auth) => {
    await expectApiRefusal(auth);
  });

  it("no cookie or a garbage cookie: every console page redirects to the login page", async () => {
    await expectConsoleRefusal(undefined);
    await expectConsoleRefusal("not-a-session");
  });
});

describe("expired and revoked sessions", () => {
  it("an expired token (test clock past the session lifetime) is refused by header and by cookie, console included", async () => {
    const token = await staffToken(env, "admin");
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    expect((await request(env.server).get("/console/users").set("Cookie", `${STAFF_COOKIE}=${token}`)).status).toBe(200);
    const start = env.clock.now();
    env.clock.set(new Date(start.getTime() + 61 * 60_000).toISOString());
    try {
      await expectApiRefusal({ bearer: token });
      await expectApiRefusal({ cookie: token });
      await expectConsoleRefusal(token);
    } finally {
      env.clock.set(start.toISOString());
    }
  });

  it("a token is accepted until one minute before expiry and refused from the expiry instant", async () => {
    const token = await staffToken(env, "clerk");
    const start = env.clock.now();
    try {
      env.clock.set(new Date(start.getTime() + 59 * 60_000).toISOString());
      expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`)).status).toBe(200);
      env.clock.set(new Date(start.getTime() + 60 * 60_000).toISOString());
      expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`)).status).toBe(401);
    } finally {
      env.clock.set(start.toISOString());
    }
  });

  it("after API logout the token is refused everywhere, by header and cookie", async () => {
    const token = await staffToken(env, "admin");
    expect((await request(env.server).post("/api/staff/logout").set("Authorization", `Bearer ${token}`)).status).toBe(204);
    await expectApiRefusal({ bearer: token });
    await expectApiRefusal({ cookie: token });
    await expectConsoleRefusal(token);
  });

  it("after console logout the cookie's token is refused by the API too", async () => {
    const token = await staffToken(env, "clerk");
    const out = await request(env.server)
      .post("/console/logout")
      .set("Cookie", `${STAFF_COOKIE}=${token}`)
      .type("form")
      .send({ _csrf: csrfTokenFor(token) });
    expect(out.status).toBe(302);
    expect(String(out.headers["set-cookie"])).toContain(`${STAFF_COOKIE}=;`);
    await expectApiRefusal({ bearer: token });
    await expectConsoleRefusal(token);
  });

  it("after an admin revokes a user's sessions, every session of that user is refused; the admin's own still works", async () => {
    const admin = await staffToken(env, "admin");
    const username = `victim-${randomUUID().slice(0, 6)}`;
    const first = await staffToken(env, "approver", username);
    const second = (await env.services.staff.login(username, "correct-horse-battery", "other-device")).token;
    const user = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username });
    const res = await request(env.server).post(`/api/staff/users/${user.id}/revoke-sessions`).set("Authorization", `Bearer ${admin}`);
    expect(res.status).toBe(200);
    expect(res.body.revoked).toBe(2);
    for (const t of [first, second]) {
      await expectApiRefusal({ bearer: t });
      await expectConsoleRefusal(t);
    }
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${admin}`)).status).toBe(200);
  });

  it("revocation from the console works the same way", async () => {
    const admin = await staffToken(env, "admin");
    const username = `victim2-${randomUUID().slice(0, 6)}`;
    const token = await staffToken(env, "clerk", username);
    const user = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username });
    const res = await request(env.server)
      .post(`/console/users/${user.id}/revoke-sessions`)
      .set("Cookie", `${STAFF_COOKIE}=${admin}`)
      .type("form")
      .send({ _csrf: csrfTokenFor(admin) });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/console/users");
    await expectApiRefusal({ cookie: token });
  });
});

describe("wrong role", () => {
  const adminOnly: Route[] = [
    { method: "GET", path: "/api/staff/users" },
    { method: "POST", path: "/api/staff/users" },
    { method: "POST", path: "/api/staff/users/:id/role" },
    { method: "POST", path: "/api/staff/users/:id/revoke-sessions" },
  ];
  const publishers: Route[] = [
    { method: "POST", path: "/api/staff/reports/:year/publish" },
    { method: "POST", path: "/api/staff/guide/publish" },
    { method: "POST", path: "/api/staff/catalogue/import" },
  ];

  it("these role-limited routes exist in the routers (so the test below is not about made-up paths)", () => {
    const known = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const r of [...adminOnly, ...publishers]) expect(known).toContain(`${r.method} ${r.path}`);
  });

  it.each([
    ["clerk", [...adminOnly, ...publishers]],
    ["approver", adminOnly],
  ] as const)("a %s gets 403 AUTH.FORBIDDEN on routes above their role (a POST by cookie alone is not even authenticated)", async (role, limited) => {
    const token = await staffToken(env, role);
    const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
    for (const r of limited) {
      for (const auth of [{ bearer: token }, { cookie: token }]) {
        const res = await send(r, auth);
        // The staff API takes the console cookie for reading only (issue 13 item 3).
        const expected = auth.cookie && r.method !== "GET" ? [401, "AUTH.UNAUTHENTICATED"] : [403, "AUTH.FORBIDDEN"];
        expect([r.path, res.status, res.body.error?.code]).toEqual([r.path, ...expected]);
      }
    }
    expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
  });

  it("a clerk cannot give themselves admin, and a demoted admin's open token loses admin at once", async () => {
    const clerkName = `climber-${randomUUID().slice(0, 6)}`;
    const clerk = await staffToken(env, "clerk", clerkName);
    const clerkUser = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username: clerkName });
    const self = await request(env.server).post(`/api/staff/users/${clerkUser.id}/role`).set("Authorization", `Bearer ${clerk}`).send({ role: "admin" });
    expect(self.status).toBe(403);
    expect((await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ id: clerkUser.id })).role).toBe("clerk");

    const boss = await staffToken(env, "admin");
    const formerName = `former-${randomUUID().slice(0, 6)}`;
    const former = await staffToken(env, "admin", formerName);
    expect((await request(env.server).get("/api/staff/users").set("Authorization", `Bearer ${former}`)).status).toBe(200);
    const formerUser = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username: formerName });
    await request(env.server).post(`/api/staff/users/${formerUser.id}/role`).set("Authorization", `Bearer ${boss}`).send({ role: "clerk" }).expect(200);
    const after = await request(env.server).get("/api/staff/users").set("Authorization", `Bearer ${former}`);
    expect(after.status).toBe(403);
    expect(after.body.error.code).toBe("AUTH.FORBIDDEN");
  });

  it("console: a clerk sees 403 on the users page, and the admin and publish forms change nothing", async () => {
    const clerk = await staffToken(env, "clerk");
    const cookie = `${STAFF_COOKIE}=${clerk}`;
    const page = await request(env.server).get("/console/users").set("Cookie", cookie);
    expect(page.status).toBe(403);
    expect(page.text).toContain("当前角色无权执行此操作");
    expect(page.text).not.toContain("nu-password");

    const usersBefore = await env.ctx.db.getRepository(StaffUser).count();
    const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
    const forms: Array<[string, Record<string, string>]> = [
      ["/console/users", { username: "sneaky-admin", password: "long-enough-1", role: "admin" }],
      [`/console/users/${randomUUID()}/role`, { role: "admin" }],
      ["/console/content/guide/publish", {}],
      ["/console/reports/2025/publish", {}],
    ];
    for (const [path, form] of forms) {
      const res = await request(env.server)
        .post(path)
        .set("Cookie", cookie)
        .type("form")
        .send({ ...form, _csrf: csrfTokenFor(clerk) });
      // A refused form goes back with the reason in the flash cookie.
      expect([path, res.status]).toEqual([path, 302]);
      const flash = /ogi_flash=([^;]+)/.exec(String(res.headers["set-cookie"]))?.[1];
      expect(JSON.parse(Buffer.from(flash!, "base64url").toString("utf8"))).toEqual({ kind: "error", text: "当前角色无权执行此操作" });
    }
    expect(await env.ctx.db.getRepository(StaffUser).count()).toBe(usersBefore);
    expect(await env.ctx.db.getRepository(StaffUser).existsBy({ username: "sneaky-admin" })).toBe(false);
    expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
  });
});

describe("guessing usernames at the login", () => {
  it("an unknown username and a wrong password get the same answer after the same argon2 work", async () => {
    const known = `known-${randomUUID().slice(0, 6)}`;
    await staffToken(env, "clerk", known);
    const verify = jest.spyOn(argon2, "verify");
    try {
      const answers = [];
      for (const username of [known, `nobody-${randomUUID().slice(0, 6)}`]) {
        verify.mockClear();
        const res = await request(env.server).post("/api/staff/login").send({ username, password: "wrong-password-1" });
        answers.push({ status: res.status, body: res.body, verifications: verify.mock.calls.length });
      }
      expect(answers[0]).toEqual({ status: 401, body: { error: { code: "AUTH.INVALID_CREDENTIALS", message: "用户名或密码错误" } }, verifications: 1 });
      expect(answers[1]).toEqual(answers[0]);
    } finally {
      verify.mockRestore();
    }
  });
});

describe("roles across agencies (issue 17)", () => {
  /** Routes about the account itself, open to every role (logout would end the token the loop uses). */
  const ownAccount = new Set(["GET /api/staff/me", "POST /api/staff/logout", "POST /api/staff/me/password"]);
  const key = (r: Route) => `${r.method} ${r.path}`;
  const isDistrictRead = (r: Route) => r.method === "GET" && r.path.startsWith("/api/staff/district/");

  async function oversightToken(role: "supervisor" | "platform_admin") {
    const username = `${role.replace("_", "-")}-${randomUUID().slice(0, 6)}`;
    await env.services.staff.createUser({ username, password: "correct-horse-battery", role });
    return (await env.services.staff.login(username, "correct-horse-battery", "test")).token;
  }

  it("a supervisor acts on nothing: every staff API route but its own account and the district views answers 403, and nothing is written", async () => {
    const token = await oversightToken("supervisor");
    const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
    const wrong: string[] = [];
    const checked: string[] = [];
    for (const r of routes.filter((x) => isStaffApi(x) && !ownAccount.has(key(x)))) {
      const res = await send(r, { bearer: token });
      const expected = isDistrictRead(r) ? 200 : 403;
      if (res.status !== expected || (expected === 403 && res.body?.error?.code !== "AUTH.FORBIDDEN"))
        wrong.push(`${key(r)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 100)}`);
      if (r.method !== "GET") checked.push(key(r));
    }
    expect(wrong).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(30);
    expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
  });

  it("a supervisor's console: agency pages answer 403 and their forms change nothing; the district pages open", async () => {
    const token = await oversightToken("supervisor");
    const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
    const wrong: string[] = [];
    for (const r of routes.filter(isConsolePage)) {
      const path = concrete(r.path);
      const open = /^\/console\/(district|account|logout)(\/|$)/.test(path);
      if (open || r.path === "/console/logout" || r.path.startsWith("/console/account")) continue;
      const req = request(env.server)[r.method.toLowerCase() as "get"](path).set("Cookie", `${STAFF_COOKIE}=${token}`);
      const res = r.method === "GET" ? await req : await req.type("form").send({ _csrf: csrfTokenFor(token) });
      if (r.method === "GET") {
        const ok = r.path === "/console" ? res.status === 302 && res.headers.location === "/console/district" : res.status === 403;
        if (!ok) wrong.push(`${key(r)} -> ${res.status}`);
      } else {
        const flash = /ogi_flash=([^;]+)/.exec(String(res.headers["set-cookie"]))?.[1];
        const text = flash ? JSON.parse(Buffer.from(flash, "base64url").toString("utf8")).text : null;
        if (res.status !== 302 || text !== "当前角色无权执行此操作") wrong.push(`${key(r)} -> ${res.status} ${text}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
    for (const p of ["/console/district", "/console/district/reports/2025", "/console/district/table/2025"]) {
      expect([p, (await request(env.server).get(p).set("Cookie", `${STAFF_COOKIE}=${token}`)).status]).toEqual([p, 200]);
    }
  });

  it("agency staff of every role get 403 on the platform and district routes and pages", async () => {
    const oversight = routes.filter((r) => r.path.startsWith("/api/staff/platform/") || r.path.startsWith("/api/staff/district/"));
    expect(oversight.length).toBeGreaterThanOrEqual(7);
    for (const role of ["clerk", "approver", "admin"] as const) {
      const token = await staffToken(env, role);
      for (const r of oversight) {
        const res = await send(r, { bearer: token });
        expect([role, key(r), res.status, res.body.error?.code]).toEqual([role, key(r), 403, "AUTH.FORBIDDEN"]);
      }
      for (const p of ["/console/district", "/console/platform/agencies"]) {
        expect([role, p, (await request(env.server).get(p).set("Cookie", `${STAFF_COOKIE}=${token}`)).status]).toEqual([role, p, 403]);
      }
    }
  });

  it("a platform admin manages agencies but acts on no agency's records (403 on the agency routes)", async () => {
    const token = await oversightToken("platform_admin");
    const agencyActions = routes.filter((r) => isStaffApi(r) && !ownAccount.has(key(r)) && !r.path.startsWith("/api/staff/platform/") && !isDistrictRead(r));
    const wrong: string[] = [];
    for (const r of agencyActions) {
      const res = await send(r, { bearer: token });
      if (res.status !== 403) wrong.push(`${key(r)} -> ${res.status}`);
    }
    expect(wrong).toEqual([]);
    expect((await request(env.server).get("/api/staff/platform/agencies").set("Authorization", `Bearer ${token}`)).status).toBe(200);
  });

  it("an agency admin cannot reach another agency: its applications, users and settings answer as if they did not exist", async () => {
    const root = await oversightToken("platform_admin");
    const code = `other-${randomUUID().slice(0, 6)}`;
    const added = await request(env.server)
      .post("/api/staff/platform/agencies")
      .set("Authorization", `Bearer ${root}`)
      .send({ code, name: "另一机关", admin: { username: "other-admin", password: "correct-horse-battery" } });
    expect(added.status).toBe(201);
    const otherAdmin = (await request(env.server).post("/api/staff/login").send({ agency: code, username: "other-admin", password: "correct-horse-battery" }))
      .body.token as string;
    const mine = await staffToken(env, "admin");
    const filed = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${mine}`)
      .send({
        applicant: { category: "org.commercial", name: "淄博某某科技有限公司", creditCode: "91350100M000100Y43", contactName: "李四", phone: "0533-2123456" },
        description: "关于2025年度融媒体中心采购项目的中标公告",
        deliveryForm: "paper",
        deliveryMethod: "pickup",
        channel: "in_person",
        receivedAt: "2026-03-02",
      });
    expect(filed.status).toBe(201);
    const no = filed.body.applicationNo as string;
    const as = (t: string) => ({ Authorization: `Bearer ${t}` });
    expect((await request(env.server).get(`/api/staff/applications/${no}`).set(as(otherAdmin))).status).toBe(404);
    expect((await request(env.server).post(`/api/staff/applications/${no}/accept`).set(as(otherAdmin)).send({})).status).toBe(404);
    expect(JSON.stringify((await request(env.server).get("/api/staff/applications").set(as(otherAdmin))).body)).not.toContain(no);
    const myUser = (await request(env.server).get("/api/staff/me").set(as(mine))).body.user;
    expect(
      (await request(env.server).post(`/api/staff/users/${myUser.id}/reset-password`).set(as(otherAdmin)).send({ newPassword: "another-long-password-9" }))
        .status,
    ).toBe(404);
    expect((await request(env.server).patch(`/api/staff/platform/agencies/zdrmt`).set(as(otherAdmin)).send({ name: "被改名" })).status).toBe(403);
    expect((await request(env.server).get("/api/staff/me").set(as(mine))).status).toBe(200);
  });
});

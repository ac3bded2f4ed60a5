// The console over plain HTTP (no browser): login sets the session cookie, pages escape what they show,
// admin-only pages refuse others, cross-site form posts are refused.
import request from "supertest";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { postLogin, withCsrf } from "../helpers/console-forms";

let env: TestEnv;
const PASSWORD = "correct-horse-battery";

async function user(role: "clerk" | "approver" | "admin", username: string, displayName?: string) {
  await env.services.staff.createUser({ username, password: PASSWORD, role, displayName });
}

async function login(username: string): Promise<string> {
  const res = await postLogin(env.server, { username, password: PASSWORD, next: "/console/users" });
  expect(res.status).toBe(302);
  const cookie = (res.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("ogi_staff="));
  expect(cookie).toMatch(/httponly/i);
  expect(cookie).toMatch(/samesite=strict/i);
  return cookie!.split(";")[0];
}

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite" });
  await user("admin", "boss", "<b>王</b>");
  await user("clerk", "clerk1");
});
afterAll(async () => env?.close());

test("login page renders in Chinese with labelled fields", async () => {
  const res = await request(env.server).get("/console/login");
  expect(res.status).toBe(200);
  expect(res.text).toContain('<html lang="zh-CN">');
  expect(res.text).toMatch(/<label for="username">用户名<\/label>/);
  expect(res.text).toMatch(/<label for="password">密码<\/label>/);
});

test("unauthenticated pages redirect to login; wrong password stays on login with a message", async () => {
  const res = await request(env.server).get("/console/users");
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe("/console/login?next=%2Fconsole%2Fusers");
  const bad = await postLogin(env.server, { username: "boss", password: "nope-nope" });
  expect(bad.status).toBe(401);
  expect(bad.text).toContain("用户名或密码错误");
  expect(bad.headers["set-cookie"] ?? []).toHaveLength(0);
});

test("admin sees users (escaped), creates one and changes its role; a clerk is refused", async () => {
  const cookie = await login("boss");
  const page = await request(env.server).get("/console/users").set("Cookie", cookie);
  expect(page.status).toBe(200);
  expect(page.text).toContain("&lt;b&gt;王&lt;/b&gt;");
  expect(page.text).not.toContain("<b>王</b>");

  const created = await request(env.server)
    .post("/console/users")
    .set("Cookie", cookie)
    .type("form")
    .send(withCsrf(cookie, { username: "newbie", password: "longenough1", role: "clerk", displayName: "小李" }));
  expect(created.status).toBe(302);
  const users = await env.services.staff.listUsers((await env.services.staff.authenticate(cookie.split("=")[1]))!.agencyId);
  const newbie = users.find((u) => u.username === "newbie")!;
  expect(newbie.role).toBe("clerk");
  await request(env.server)
    .post(`/console/users/${newbie.id}/role`)
    .set("Cookie", cookie)
    .type("form")
    .send(withCsrf(cookie, { role: "approver" }))
    .expect(302);
  const after = await env.services.staff.listUsers(newbie.agencyId);
  expect(after.find((u) => u.username === "newbie")!.role).toBe("approver");

  // The admin's own role is not offered, and a forged change of it is refused (no admin-less agency).
  const me = after.find((u) => u.username === "boss")!;
  expect(page.text).not.toContain(`id="role-${me.id}"`);
  const self = await request(env.server)
    .post(`/console/users/${me.id}/role`)
    .set("Cookie", cookie)
    .type("form")
    .send(withCsrf(cookie, { role: "clerk" }));
  expect(Buffer.from(/ogi_flash=([^;]+)/.exec(String(self.headers["set-cookie"]))![1], "base64url").toString("utf8")).toContain("不能修改自己的角色");
  expect((await env.services.staff.listUsers(newbie.agencyId)).find((u) => u.username === "boss")!.role).toBe("admin");

  const clerk = await login("clerk1");
  const refused = await request(env.server).get("/console/users").set("Cookie", clerk);
  expect(refused.status).toBe(403);
  expect(refused.text).toContain("当前角色无权执行此操作");
  expect(refused.text).not.toContain("newbie");
  // Forged admin forms from a clerk: refused, nothing changed.
  for (const [path, form] of [
    ["/console/users", { username: "forged1", password: "longenough1", role: "admin" }],
    [`/console/users/${newbie.id}/role`, { role: "admin" }],
    [`/console/users/${newbie.id}/revoke-sessions`, {}],
  ] as const) {
    const res = await request(env.server).post(path).set("Cookie", clerk).type("form").send(withCsrf(clerk, form));
    expect(res.status).toBe(302);
    expect(Buffer.from(/ogi_flash=([^;]+)/.exec(String(res.headers["set-cookie"]))![1], "base64url").toString("utf8")).toContain("当前角色无权执行此操作");
  }
  const unchanged = await env.services.staff.listUsers(newbie.agencyId);
  expect(unchanged.map((u) => u.username)).not.toContain("forged1");
  expect(unchanged.find((u) => u.username === "newbie")!.role).toBe("approver");
});

test("a form posted from another site is refused and does nothing", async () => {
  const cookie = await login("boss");
  const res = await request(env.server)
    .post("/console/users")
    .set("Cookie", cookie)
    .set("Origin", "https://evil.example")
    .type("form")
    .send(withCsrf(cookie, { username: "evil1", password: "longenough1", role: "admin" }));
  expect(res.status).toBe(403);
  const svc = env.services.staff;
  const me = (await svc.authenticate(cookie.split("=")[1]))!;
  expect((await svc.listUsers(me.agencyId)).some((u) => u.username === "evil1")).toBe(false);
});

test("logout revokes the session", async () => {
  const cookie = await login("clerk1");
  await request(env.server).post("/console/logout").set("Cookie", cookie).type("form").send(withCsrf(cookie)).expect(302);
  const res = await request(env.server).get("/console/users").set("Cookie", cookie);
  expect(res.status).toBe(302);
  expect(res.headers.location).toMatch(/^\/console\/login/);
});

test("assets are served from the same origin, Chart.js included", async () => {
  const css = await request(env.server).get("/console/assets/console.css");
  expect(css.status).toBe(200);
  expect(css.headers["content-type"]).toMatch(/text\/css/);
  const chart = await request(env.server).get("/console/assets/chart.umd.js");
  expect(chart.status).toBe(200);
  expect(chart.text).toContain("Chart");
  expect((await request(env.server).get("/console/assets/nope.js")).status).toBe(404);
});

test("unknown console paths need a login and then answer an HTML 404; /console/ works with a trailing slash", async () => {
  const anon = await request(env.server).get("/console/no-such-page");
  expect(anon.status).toBe(302);
  const cookie = await login("boss");
  const res = await request(env.server).get("/console/no-such-page").set("Cookie", cookie);
  expect(res.status).toBe(404);
  expect(res.headers["content-type"]).toMatch(/text\/html/);
  expect(res.text).toContain("页面不存在");
  const slash = await request(env.server).get("/console/").set("Cookie", cookie);
  expect(slash.status).toBe(200);
  expect(slash.text).toContain("申请队列");
});

test("a broken catalogue upload answers 422 with the reason, never a 500", async () => {
  const cookie = await login("boss"); // importing is for approvers and admins (clerks: test/hostile/catalogue-abuse.test.ts)
  const garbled = await request(env.server)
    .post(`/console/content/catalogue/import?_csrf=${withCsrf(cookie)._csrf}`)
    .set("Cookie", cookie)
    .set("Content-Type", "multipart/form-data; boundary=xx")
    .send("garbage");
  expect(garbled.status).toBe(422);
  expect(garbled.text).toContain("上传的内容无法读取");
  const notXlsx = await request(env.server)
    .post(`/console/content/catalogue/import?_csrf=${withCsrf(cookie)._csrf}`)
    .set("Cookie", cookie)
    .attach("file", Buffer.from("not a workbook"), "目录.xlsx");
  expect(notXlsx.status).toBe(422);
  expect(notXlsx.text).toContain("XLSX 文件无法读取");
});

test("a review case without its filing date is refused with a Chinese reason and nothing is stored", async () => {
  const cookie = await login("clerk1");
  const res = await request(env.server)
    .post("/console/reports/2025/cases")
    .set("Cookie", cookie)
    .type("form")
    .send(withCsrf(cookie, { kind: "review", outcome: "upheld" }));
  expect(res.status).toBe(302);
  expect(Buffer.from(/ogi_flash=([^;]+)/.exec(String(res.headers["set-cookie"]))![1], "base64url").toString("utf8")).toContain("请填写立案日期");
  const agencyId = (await env.services.staff.authenticate(cookie.split("=")[1]))!.agencyId;
  expect(await env.services.reports.listCases(agencyId, 2025)).toEqual([]);
});

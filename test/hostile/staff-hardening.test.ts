// Issue 13 "what an attacker tried and got", items 3, 4, 8, 13, 14 and 16: each attack of the pentest replayed
// against real PostgreSQL and Redis — cross-site forms, racing and spoofed login attempts, account lifecycle,
// prototype names as asset paths, cacheable personal data, and usernames leaking across agencies.
import { randomUUID } from "node:crypto";
import argon2 from "argon2";
import { authenticator } from "otplib";
import request from "supertest";
import { SECURE_STAFF_COOKIE, STAFF_COOKIE } from "../../src/http/auth";
import { Agency } from "../../src/infra/entities/agency.entity";
import { StaffUser } from "../../src/infra/entities/staff-user.entity";
import { csrfTokenFor } from "../../src/modules/console/csrf";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";

const PASSWORD = "correct-horse-battery";
let env: TestEnv;
const staff = () => env.services.staff;
const uname = (p: string) => `${p}-${randomUUID().slice(0, 6)}`;
/** A request from a client behind our one proxy: the proxy appended the client's address to X-Forwarded-For. */
const via = (ip: string, spoofed?: string) => ({ "X-Forwarded-For": spoofed ? `${spoofed}, ${ip}` : ip });
const cookie = (token: string) => `${STAFF_COOKIE}=${token}`;

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", env: { TRUST_PROXY: "true", TRUST_PROXY_HOPS: "1", LOGIN_MAX_FAILURES: "5", LOGIN_MAX_DELAY_SECONDS: "60" } });
});
afterAll(() => env.close());

describe("item 3: CSRF fails closed", () => {
  it("a cross-site form posted to the staff API with the console cookie creates nobody (the API takes bearer tokens for writes)", async () => {
    const admin = await staffToken(env, "admin");
    const res = await request(env.server)
      .post("/api/staff/users")
      .set("Cookie", cookie(admin))
      .set("Origin", "https://evil.example")
      .type("form")
      .send({ username: "csrf-admin", password: "Very-long-pass-2026!", role: "admin" });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("AUTH.UNAUTHENTICATED");
    expect(await env.ctx.db.getRepository(StaffUser).existsBy({ username: "csrf-admin" })).toBe(false);
    // The same cookie still reads (console download links), and the bearer header still writes.
    expect((await request(env.server).get("/api/staff/me").set("Cookie", cookie(admin))).status).toBe(200);
  });

  it.each([
    ["Origin: null", { Origin: "null" }],
    ["neither Origin nor Sec-Fetch-Site", {}],
    ["a same-origin Sec-Fetch-Site but no token", { "Sec-Fetch-Site": "same-origin" }],
    ["a cross-site Sec-Fetch-Site", { "Sec-Fetch-Site": "cross-site" }],
  ])("a console form with %s and no CSRF token is refused with 403 and changes nothing", async (_name, headers) => {
    const admin = await staffToken(env, "admin");
    const username = uname("forged");
    const res = await request(env.server)
      .post("/console/users")
      .set("Cookie", cookie(admin))
      .set(headers)
      .type("form")
      .send({ username, password: "Very-long-pass-2026!", role: "admin" });
    expect(res.status).toBe(403);
    expect(await env.ctx.db.getRepository(StaffUser).existsBy({ username })).toBe(false);
  });

  it("another session's token is refused; the page's own token (in every POST form it renders) is accepted", async () => {
    const admin = await staffToken(env, "admin");
    const other = await staffToken(env, "admin");
    const username = uname("ok");
    const form = { username, password: "Very-long-pass-2026!", role: "clerk" };
    const wrong = await request(env.server)
      .post("/console/users")
      .set("Cookie", cookie(admin))
      .type("form")
      .send({ ...form, _csrf: csrfTokenFor(other) });
    expect(wrong.status).toBe(403);
    const page = await request(env.server).get("/console/users").set("Cookie", cookie(admin));
    const forms = page.text.match(/<form\b[^>]*method="post"[^>]*>/g) ?? [];
    const tokens = page.text.match(/<input type="hidden" name="_csrf" value="([^"]+)">/g) ?? [];
    expect(forms.length).toBeGreaterThan(3);
    expect(tokens.length).toBe(forms.length);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    expect(token).toBe(csrfTokenFor(admin));
    const ok = await request(env.server)
      .post("/console/users")
      .set("Cookie", cookie(admin))
      .type("form")
      .send({ ...form, _csrf: token });
    expect(ok.status).toBe(302);
    expect(await env.ctx.db.getRepository(StaffUser).existsBy({ username })).toBe(true);
  });

  it("console pages ask browsers for a same-origin Referrer-Policy (helmet's no-referrer made Chromium send Origin: null)", async () => {
    const res = await request(env.server).get("/console/login");
    expect(res.headers["referrer-policy"]).toBe("same-origin");
  });

  it("the login form is protected too: its token must match the pre-session cookie", async () => {
    const username = uname("login");
    await staff().createUser({ username, password: PASSWORD, role: "clerk" });
    const noToken = await request(env.server).post("/console/login").type("form").send({ agency: "zdrmt", username, password: PASSWORD });
    expect(noToken.status).toBe(403);
    const page = await request(env.server).get("/console/login");
    const preSession = /ogi_csrf=([^;]+)/.exec(String(page.headers["set-cookie"]))![1];
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    expect(token).toBe(preSession);
    const ok = await request(env.server)
      .post("/console/login")
      .set("Cookie", `ogi_csrf=${preSession}`)
      .type("form")
      .send({ _csrf: token, agency: "zdrmt", username, password: PASSWORD });
    expect(ok.status).toBe(302);
    expect(String(ok.headers["set-cookie"])).toContain(`${STAFF_COOKIE}=`);
  });
});

describe("item 4: login throttling", () => {
  it("60 parallel wrong attempts from one client: at most 5 reach argon2, the rest are 429 with Retry-After", async () => {
    const username = uname("race");
    await staff().createUser({ username, password: PASSWORD, role: "clerk" });
    const verify = jest.spyOn(argon2, "verify");
    try {
      const answers = await Promise.all(
        Array.from({ length: 60 }, () =>
          request(env.server).post("/api/staff/login").set(via("203.0.113.10")).send({ username, password: "wrong-password-1" }),
        ),
      );
      expect(verify.mock.calls.length).toBeLessThanOrEqual(5);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(55);
      for (const a of limited) expect(Number(a.headers["retry-after"])).toBeGreaterThan(0);
      expect(answers.filter((a) => a.status !== 429).every((a) => a.status === 401)).toBe(true);
    } finally {
      verify.mockRestore();
    }
  });

  it("a client that writes its own X-Forwarded-For entries is still one client (the proxy's entry counts, TRUST_PROXY_HOPS=1)", async () => {
    const username = uname("spoof");
    await staff().createUser({ username, password: PASSWORD, role: "clerk" });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await request(env.server)
        .post("/api/staff/login")
        .set(via("203.0.113.20", `198.51.100.${i}`))
        .send({ username, password: "wrong-password-1" });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it("failures spread over many clients slow the account down (one attempt per growing interval) without locking the real user out", async () => {
    const username = uname("spread");
    await staff().createUser({ username, password: PASSWORD, role: "clerk" });
    const attempt = (ip: string, password = "wrong-password-1") => request(env.server).post("/api/staff/login").set(via(ip)).send({ username, password });
    for (let i = 1; i <= 5; i++) expect((await attempt(`192.0.2.${i}`)).status).toBe(401);
    expect((await attempt("192.0.2.6")).status).toBe(401); // the first attempt of the 1-second interval
    const slowed = await attempt("192.0.2.7");
    expect(slowed.status).toBe(429);
    expect(slowed.body.error.code).toBe("RATE_LIMITED");
    const wait = Number(slowed.headers["retry-after"]);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    // The real user, from their own address, after the interval: in — no 15-minute lock.
    env.clock.set(new Date(env.clock.now().getTime() + wait * 1000).toISOString());
    const real = await attempt("192.0.2.200", PASSWORD);
    expect(real.status).toBe(200);
    // The success forgets the account's count: the next mistake is answered at once.
    expect((await attempt("192.0.2.201")).status).toBe(401);
  });
});

describe("item 8: account lifecycle", () => {
  it("a disabled account's sessions end and it cannot log in again until enabled", async () => {
    const admin = await staffToken(env, "admin");
    const username = uname("leaver");
    const token = await staffToken(env, "clerk", username);
    const user = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username });
    const off = await request(env.server).post(`/api/staff/users/${user.id}/disable`).set("Authorization", `Bearer ${admin}`);
    expect(off.status).toBe(200);
    expect(off.body.user.active).toBe(false);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`)).status).toBe(401);
    const login = await request(env.server).post("/api/staff/login").send({ username, password: PASSWORD });
    expect(login.status).toBe(401);
    await request(env.server).post(`/api/staff/users/${user.id}/enable`).set("Authorization", `Bearer ${admin}`).expect(200);
    expect((await request(env.server).post("/api/staff/login").send({ username, password: PASSWORD })).status).toBe(200);
  });

  it("an admin cannot disable themselves; a clerk cannot disable anyone", async () => {
    const adminName = uname("self");
    const admin = await staffToken(env, "admin", adminName);
    const me = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username: adminName });
    const self = await request(env.server).post(`/api/staff/users/${me.id}/disable`).set("Authorization", `Bearer ${admin}`);
    expect([self.status, self.body.error.code]).toEqual([403, "STAFF.FORBIDDEN"]);
    const clerk = await staffToken(env, "clerk");
    expect((await request(env.server).post(`/api/staff/users/${me.id}/disable`).set("Authorization", `Bearer ${clerk}`)).status).toBe(403);
    expect((await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ id: me.id })).active).toBe(true);
  });

  it("changing one's password needs the current one, ends the other sessions and keeps this one", async () => {
    const username = uname("changer");
    const here = await staffToken(env, "clerk", username);
    const elsewhere = (await staff().login(username, PASSWORD, "laptop")).token;
    const wrong = await request(env.server)
      .post("/api/staff/me/password")
      .set("Authorization", `Bearer ${here}`)
      .send({ currentPassword: "not-it-at-all", newPassword: "Quite-new-secret-77" });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, "STAFF.WRONG_PASSWORD"]);
    const res = await request(env.server)
      .post("/api/staff/me/password")
      .set("Authorization", `Bearer ${here}`)
      .send({ currentPassword: PASSWORD, newPassword: "Quite-new-secret-77" });
    expect(res.status).toBe(200);
    expect(res.body.revoked).toBe(1);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${here}`)).status).toBe(200);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${elsewhere}`)).status).toBe(401);
    expect((await request(env.server).post("/api/staff/login").send({ username, password: PASSWORD })).status).toBe(401);
    expect((await request(env.server).post("/api/staff/login").send({ username, password: "Quite-new-secret-77" })).status).toBe(200);
  });

  it("an admin's reset ends every session of the user; the new password works", async () => {
    const admin = await staffToken(env, "admin");
    const username = uname("forgot");
    const token = await staffToken(env, "approver", username);
    const user = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username });
    const res = await request(env.server)
      .post(`/api/staff/users/${user.id}/reset-password`)
      .set("Authorization", `Bearer ${admin}`)
      .send({ newPassword: "Reset-by-admin-2026" });
    expect(res.status).toBe(200);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`)).status).toBe(401);
    expect((await request(env.server).post("/api/staff/login").send({ username, password: "Reset-by-admin-2026" })).status).toBe(200);
  });

  it.each(["12345678", "1234567890", "password1234", "qwertyuiop", "11111111111", "Password123!", "short1!"])(
    "refuses the password %s (API and console) with a Chinese reason",
    async (password) => {
      const admin = await staffToken(env, "admin");
      const username = uname("weak");
      const api = await request(env.server).post("/api/staff/users").set("Authorization", `Bearer ${admin}`).send({ username, password, role: "clerk" });
      expect([api.status, api.body.error.code]).toEqual([400, "STAFF.INVALID_PASSWORD"]);
      expect(api.body.error.message).toMatch(/密码/);
      const form = await request(env.server)
        .post("/console/users")
        .set("Cookie", cookie(admin))
        .type("form")
        .send({ username, password, role: "clerk", _csrf: csrfTokenFor(admin) });
      expect(form.status).toBe(302);
      const flash = /ogi_flash=([^;]+)/.exec(String(form.headers["set-cookie"]))![1];
      expect(JSON.parse(Buffer.from(flash, "base64url").toString("utf8")).kind).toBe("error");
      expect(await env.ctx.db.getRepository(StaffUser).existsBy({ username })).toBe(false);
    },
  );

  it("an admin's TOTP second factor: enrolled with a code, then required at login; a clerk cannot enrol", async () => {
    const username = uname("totp");
    const admin = await staffToken(env, "admin", username);
    const auth = { Authorization: `Bearer ${admin}` };
    const setup = await request(env.server).post("/api/staff/me/totp/setup").set(auth);
    expect(setup.status).toBe(200);
    expect(setup.body.uri).toMatch(/^otpauth:\/\/totp\//);
    const code = () => authenticator.clone({ epoch: env.clock.now().getTime() }).generate(setup.body.secret);
    expect(
      (
        await request(env.server)
          .post("/api/staff/me/totp/confirm")
          .set(auth)
          .send({ code: "000000" === code() ? "111111" : "000000" })
      ).status,
    ).toBe(400);
    expect((await request(env.server).post("/api/staff/me/totp/confirm").set(auth).send({ code: code() })).status).toBe(200);

    const without = await request(env.server).post("/api/staff/login").send({ username, password: PASSWORD });
    expect([without.status, without.body.error.code, without.body.token]).toEqual([401, "AUTH.TOTP_REQUIRED", undefined]);
    const wrongCode = await request(env.server)
      .post("/api/staff/login")
      .send({ username, password: PASSWORD, totp: code() === "123456" ? "654321" : "123456" });
    expect(wrongCode.status).toBe(401);
    const ok = await request(env.server).post("/api/staff/login").send({ username, password: PASSWORD, totp: code() });
    expect(ok.status).toBe(200);
    expect(ok.body.user.totpEnabled).toBe(true);

    const clerk = await staffToken(env, "clerk");
    expect((await request(env.server).post("/api/staff/me/totp/setup").set("Authorization", `Bearer ${clerk}`)).status).toBe(403);
  });

  it("console: 我的账号 changes the password (other sessions end) and offers TOTP to admins only", async () => {
    const username = uname("console-pw");
    const here = await staffToken(env, "clerk", username);
    const elsewhere = (await staff().login(username, PASSWORD, "tablet")).token;
    const page = await request(env.server).get("/console/account").set("Cookie", cookie(here));
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/console/account/password"');
    expect(page.text).not.toContain("/console/account/totp/setup");
    const weak = await request(env.server)
      .post("/console/account/password")
      .set("Cookie", cookie(here))
      .type("form")
      .send({ currentPassword: PASSWORD, newPassword: "12345678", _csrf: csrfTokenFor(here) });
    expect(weak.status).toBe(302);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${elsewhere}`)).status).toBe(200);
    const ok = await request(env.server)
      .post("/console/account/password")
      .set("Cookie", cookie(here))
      .type("form")
      .send({ currentPassword: PASSWORD, newPassword: "Console-new-pass-9", _csrf: csrfTokenFor(here) });
    expect([ok.status, ok.headers.location]).toEqual([302, "/console/account"]);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${elsewhere}`)).status).toBe(401);
    expect((await request(env.server).get("/console/account").set("Cookie", cookie(here))).status).toBe(200);
    const admin = await staffToken(env, "admin");
    expect((await request(env.server).get("/console/account").set("Cookie", cookie(admin))).text).toContain("/console/account/totp/setup");
  });

  it("console: disable and reset-password forms work for an admin", async () => {
    const admin = await staffToken(env, "admin");
    const username = uname("console-off");
    const token = await staffToken(env, "clerk", username);
    const user = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username });
    const off = await request(env.server)
      .post(`/console/users/${user.id}/disable`)
      .set("Cookie", cookie(admin))
      .type("form")
      .send({ _csrf: csrfTokenFor(admin) });
    expect([off.status, off.headers.location]).toEqual([302, "/console/users"]);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`)).status).toBe(401);
    const page = await request(env.server).get("/console/users").set("Cookie", cookie(admin));
    expect(page.text).toContain(`/console/users/${user.id}/enable`);
  });
});

describe("item 13: prototype names as asset paths", () => {
  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])("GET /console/assets/%s is a 404, not a 500 with a stack", async (name) => {
    const res = await request(env.server).get(`/console/assets/${name}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/at .+\.(ts|js):\d+/);
  });
});

describe("item 14: no caching of personal data; __Host- cookie over HTTPS", () => {
  it("staff API answers, the revealed ID number included, are Cache-Control: no-store", async () => {
    const admin = await staffToken(env, "admin");
    const first17 = "37030219870315461";
    const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(first17[i]) * W[i];
    const idNumber = first17 + "10X98765432"[sum % 11];
    const filed = await request(env.server)
      .post("/api/applications")
      .send({
        applicant: {
          category: "natural_person",
          name: "刘缓存",
          idType: "resident_id",
          idNumber,
          phone: "13905331287",
          address: "山东省淄博市张店区共青团西路188号",
        },
        description: "请公开2025年度部门决算",
        deliveryForm: "paper",
        deliveryMethod: "mail",
        channel: "online",
      });
    expect(filed.status).toBe(201);
    const no = filed.body.applicationNo as string;
    const auth = { Authorization: `Bearer ${admin}` };
    const revealed = await request(env.server).get(`/api/staff/applications/${no}?reveal=idNumber`).set(auth);
    expect(revealed.status).toBe(200);
    expect(JSON.stringify(revealed.body)).toContain(idNumber);
    for (const res of [revealed, await request(env.server).get("/api/staff/me").set(auth), await request(env.server).get("/api/staff/users").set(auth)]) {
      expect(res.headers["cache-control"]).toBe("no-store");
    }
  });

  it("over HTTPS (TLS proxy) the session cookie is __Host-ogi_staff: Secure, Path=/, no Domain; plain http keeps ogi_staff", async () => {
    const username = uname("https");
    await staff().createUser({ username, password: PASSWORD, role: "clerk" });
    const https = { "X-Forwarded-Proto": "https" };
    const page = await request(env.server).get("/console/login").set(https);
    const pre = /__Host-ogi_csrf=([^;]+)/.exec(String(page.headers["set-cookie"]))![1];
    const res = await request(env.server)
      .post("/console/login")
      .set(https)
      .set("Cookie", `__Host-ogi_csrf=${pre}`)
      .type("form")
      .send({ _csrf: pre, agency: "zdrmt", username, password: PASSWORD });
    expect(res.status).toBe(302);
    const set = (res.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith(`${SECURE_STAFF_COOKIE}=`))!;
    expect(set).toMatch(/; path=\//);
    expect(set).toMatch(/; secure/);
    expect(set).toMatch(/; httponly/);
    expect(set).not.toMatch(/domain=/i);
    const token = /^__Host-ogi_staff=([^;]+)/.exec(set)![1];
    expect((await request(env.server).get("/console").set(https).set("Cookie", `${SECURE_STAFF_COOKIE}=${token}`)).status).toBe(200);
    // The unprefixed name is not accepted on a secure request (a cookie planted by a plain-http page or subdomain).
    expect((await request(env.server).get("/console").set(https).set("Cookie", `${STAFF_COOKIE}=${token}`)).status).toBe(302);
  });
});

describe("item 16: usernames per agency", () => {
  it("two agencies may both have a wang; neither admin learns about the other's; login names the agency", async () => {
    const now = env.clock.now().toISOString();
    const other = { id: randomUUID(), code: "other-bureau", name: "另一机关", profile: {}, createdAt: now, updatedAt: now };
    await env.ctx.db.getRepository(Agency).save(other);
    await staff().createUser({ username: "wang", password: PASSWORD, role: "clerk" });
    const otherAdminName = uname("oadmin");
    await staff().createUser({ username: otherAdminName, password: PASSWORD, role: "admin", agencyCode: "other-bureau" });
    const otherAdmin = (await staff().login(otherAdminName, PASSWORD, "test", undefined, { agencyCode: "other-bureau" })).token;
    const created = await request(env.server)
      .post("/api/staff/users")
      .set("Authorization", `Bearer ${otherAdmin}`)
      .send({ username: "wang", password: "Other-wang-pass-26", role: "clerk" });
    expect(created.status).toBe(201);
    const again = await request(env.server)
      .post("/api/staff/users")
      .set("Authorization", `Bearer ${otherAdmin}`)
      .send({ username: "wang", password: "Other-wang-pass-26", role: "clerk" });
    expect([again.status, again.body.error.code]).toEqual([409, "STAFF.ALREADY_EXISTS"]);

    const home = await request(env.server).post("/api/staff/login").send({ username: "wang", password: PASSWORD });
    expect(home.status).toBe(200);
    const away = await request(env.server).post("/api/staff/login").send({ agency: "other-bureau", username: "wang", password: "Other-wang-pass-26" });
    expect(away.status).toBe(200);
    expect(away.body.user.agencyId).toBe(other.id);
    expect(home.body.user.agencyId).not.toBe(other.id);
    // An unknown agency answers like a wrong password.
    const nowhere = await request(env.server).post("/api/staff/login").send({ agency: "no-such", username: "wang", password: PASSWORD });
    expect([nowhere.status, nowhere.body.error.code]).toEqual([401, "AUTH.INVALID_CREDENTIALS"]);
  });
});

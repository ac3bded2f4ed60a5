// Staff login: argon2 passwords, bearer sessions that expire and can be revoked, throttled failures, roles.
import { randomUUID } from "node:crypto";
import request from "supertest";
import { Agency } from "../../../src/infra/entities/agency.entity";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";

describe("staff authentication", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres", env: { LOGIN_MAX_FAILURES: "3", STAFF_SESSION_TTL_MINUTES: "60" } });
    await env.services.staff.createUser({ username: "wang", password: "correct-horse-1", role: "clerk" });
  });
  afterAll(() => env.close());

  it("logs in with the right password and reaches /me with the token", async () => {
    const res = await request(env.server).post("/api/staff/login").send({ username: "wang", password: "correct-horse-1" });
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const me = await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username: "wang", role: "clerk" });
    expect(JSON.stringify(me.body)).not.toContain("password");
  });

  it("refuses a wrong password with 401 and locks the account after repeated failures", async () => {
    for (let i = 0; i < 3; i++) {
      const bad = await request(env.server).post("/api/staff/login").send({ username: "wang", password: "nope" });
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe("AUTH.INVALID_CREDENTIALS");
    }
    const locked = await request(env.server).post("/api/staff/login").send({ username: "wang", password: "correct-horse-1" });
    expect(locked.status).toBe(429);
  });

  it("expires sessions after their lifetime", async () => {
    const token = await staffToken(env, "clerk");
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    const start = env.clock.now();
    env.clock.set(new Date(start.getTime() + 61 * 60_000).toISOString());
    try {
      const res = await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${token}`);
      expect(res.status).toBe(401);
    } finally {
      env.clock.set(start.toISOString());
    }
  });

  it("lets an admin create users and revoke sessions, and refuses clerks", async () => {
    const admin = await staffToken(env, "admin");
    const clerk = await staffToken(env, "clerk", "clerk-revoke");
    const forbidden = await request(env.server)
      .post("/api/staff/users")
      .set("Authorization", `Bearer ${clerk}`)
      .send({ username: "x1", password: "long-enough", role: "clerk" });
    expect(forbidden.status).toBe(403);

    const created = await request(env.server)
      .post("/api/staff/users")
      .set("Authorization", `Bearer ${admin}`)
      .send({ username: "approver-li", password: "long-enough", role: "approver" });
    expect(created.status).toBe(201);
    expect(created.body.user.role).toBe("approver");

    const users = await request(env.server).get("/api/staff/users").set("Authorization", `Bearer ${admin}`);
    const clerkUser = users.body.users.find((u: { username: string }) => u.username === "clerk-revoke");
    const revoked = await request(env.server).post(`/api/staff/users/${clerkUser.id}/revoke-sessions`).set("Authorization", `Bearer ${admin}`);
    expect(revoked.body.revoked).toBe(1);
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${clerk}`)).status).toBe(401);
  });

  it("does not let an admin revoke the sessions of another agency's user", async () => {
    const admin = await staffToken(env, "admin");
    const now = env.clock.now().toISOString();
    const other = { id: randomUUID(), code: "other-agency", name: "另一机关", profile: {}, createdAt: now, updatedAt: now };
    await env.ctx.db.getRepository(Agency).save(other);
    const outsider = await env.services.staff.createUser({ username: "outsider", password: "long-enough", role: "clerk", agencyCode: "other-agency" });
    const login = await request(env.server).post("/api/staff/login").send({ agency: "other-agency", username: "outsider", password: "long-enough" });
    const res = await request(env.server).post(`/api/staff/users/${outsider.id}/revoke-sessions`).set("Authorization", `Bearer ${admin}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("STAFF.NOT_FOUND");
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${login.body.token}`)).status).toBe(200);
    expect(await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: outsider.id, action: "staff.revoke_sessions" })).toBe(0);
  });

  it("refuses an admin changing their own role", async () => {
    const admin = await staffToken(env, "admin", "admin-self");
    const me = (await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${admin}`)).body.user;
    const res = await request(env.server).post(`/api/staff/users/${me.id}/role`).set("Authorization", `Bearer ${admin}`).send({ role: "clerk" });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("STAFF.FORBIDDEN");
    expect((await request(env.server).get("/api/staff/me").set("Authorization", `Bearer ${admin}`)).body.user.role).toBe("admin");
  });

  it("answers 401 without a token", async () => {
    const res = await request(env.server).get("/api/staff/me");
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("AUTH.UNAUTHENTICATED");
  });
});

// Two staff answering the same consultation at the same moment (PostgreSQL): exactly one answer is recorded and
// sent to the citizen, the other is refused with CONSULTATION.CONFLICT — never two replies; the conditional write also
// on SQLite (a first reply written, a second refused).
import { randomUUID } from "node:crypto";
import request from "supertest";
import { createTestEnv, staffToken, type DbKind, type TestEnv } from "../../helpers/test-context";
import { raceBehindLock } from "../../helpers/pg-locks";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { OutboxMessage } from "../../../src/infra/entities/outbox-message.entity";
import { defaultAgency } from "../../../src/infra/agencies";
import { Consultation } from "../../../src/modules/conversation/entities";

describe("concurrent replies to one consultation on postgres", () => {
  let env: TestEnv;
  let clerkA: string;
  let clerkB: string;
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z" });
    clerkA = await staffToken(env, "clerk");
    clerkB = await staffToken(env, "clerk");
  });
  afterAll(() => env.close());

  it("records and sends exactly one of two replies made from the same read; the other gets CONSULTATION.CONFLICT", async () => {
    const id = await openConsultation(env);

    // Both replies read the consultation as open while a third transaction holds its row: both have passed the
    // "not yet answered" check before either writes (the race a check-then-save loses).
    const reply = (token: string, answer: string) => () =>
      request(env.server)
        .post(`/api/staff/consultations/${id}/reply`)
        .set("Authorization", `Bearer ${token}`)
        .send({ answer })
        .then((r) => r);
    const results = await raceBehindLock(
      env,
      "SELECT id FROM consultations WHERE id = $1 FOR UPDATE",
      [id],
      [reply(clerkA, "答复甲"), reply(clerkB, "答复乙")],
    );

    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const won = results.find((r) => r.status === 200)!;
    const lost = results.find((r) => r.status === 409)!;
    expect(lost.body.error.code).toBe("CONSULTATION.CONFLICT");
    expect(lost.body.error.message).toBe("该咨询刚刚已由其他工作人员答复，请刷新后查看");
    expect(won.body.consultation.status).toBe("answered");

    // The stored answer is the winner's, and the citizen gets that one answer only.
    const stored = await env.ctx.db.getRepository(Consultation).findOneByOrFail({ id });
    expect(stored.status).toBe("answered");
    expect(stored.answer).toBe(won.body.consultation.answer);
    expect(["答复甲", "答复乙"]).toContain(stored.answer);
    const sent = (await env.ctx.db.getRepository(OutboxMessage).findBy({ kind: "consultation.reply" })).filter(
      (o) => (o.payload as { consultationId?: string }).consultationId === id,
    );
    expect(sent.map((o) => (o.payload as { message: string }).message)).toEqual([stored.answer]);
    expect(await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: id, action: "consultation.reply" })).toBe(1);
  });
});

/** An open consultation of the default agency, as a citizen's handoff leaves it. */
async function openConsultation(env: TestEnv): Promise<string> {
  const agencyId = (await defaultAgency(env.ctx)).id;
  const id = randomUUID();
  await env.ctx.db.getRepository(Consultation).save(
    Object.assign(new Consultation(), {
      id,
      agencyId,
      channel: "chat",
      recipient: `chat:${randomUUID()}`,
      verified: "no",
      reason: "requested",
      question: "人工",
      transcript: null,
      status: "open" as const,
      answer: null,
      answeredBy: null,
      createdAt: env.ctx.clock.now().toISOString(),
      answeredAt: null,
    }),
  );
  return id;
}

describe.each<DbKind>(["postgres", "sqlite"])("replies to one consultation on %s", (db) => {
  let env: TestEnv;
  let clerk: string;
  beforeAll(async () => {
    env = await createTestEnv({ db, now: "2026-03-02T02:00:00Z" });
    clerk = await staffToken(env, "clerk");
  });
  afterAll(() => env.close());

  it("writes the first reply through the conditional update and refuses a second one", async () => {
    const id = await openConsultation(env);
    const send = (answer: string) => request(env.server).post(`/api/staff/consultations/${id}/reply`).set("Authorization", `Bearer ${clerk}`).send({ answer });
    expect((await send("第一次答复").expect(200)).body.consultation).toMatchObject({ status: "answered", answer: "第一次答复" });
    expect((await send("第二次答复").expect(409)).body.error.code).toBe("CONSULTATION.CONFLICT");
    expect((await env.ctx.db.getRepository(Consultation).findOneByOrFail({ id })).answer).toBe("第一次答复");
  });
});

// The bot's answers read the published guide from a per-process cache of GUIDE_CACHE_MS (the knowledge index
// is rebuilt on the same period, KNOWLEDGE_CACHE_MS): a newly published guide reaches the chat within that
// time, and until then the previous one is answered. The period runs on the service's clock, moved here.
import request from "supertest";
import { GUIDE_CACHE_MS } from "../../../src/modules/conversation/ports";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z" });
});
afterAll(() => env.close());

const ask = async (text: string) => {
  const res = await request(env.server)
    .post("/api/chat")
    .send({ userId: `cache-${Math.random().toString(36).slice(2)}`, text })
    .expect(200);
  return (res.body.replies as string[]).join("\n");
};

it("answers from the published guide, and a newly published fee section within the cache period", async () => {
  // A fact only the new guide states: the statutory FAQ answers "收费吗" itself, so the question asks this one.
  const NEW_FEES = "依申请提供政府信息，不收取费用。邮寄送达的邮寄费用由本中心承担（缓存测试第2版）。";
  const QUESTION = "邮寄送达的邮寄费用谁承担";
  const clerk = await staffToken(env, "clerk");
  const approver = await staffToken(env, "approver");
  expect(await ask(QUESTION)).not.toContain("缓存测试第2版"); // the guide is read and cached now

  await request(env.server).patch("/api/staff/guide/draft/sections/fees").set("Authorization", `Bearer ${clerk}`).send({ body: NEW_FEES }).expect(200);
  await request(env.server).post("/api/staff/guide/publish").set("Authorization", `Bearer ${approver}`).send({}).expect(200);

  // Within the cache period the bot still answers from the guide it read a moment ago…
  expect(await ask(QUESTION)).not.toContain("缓存测试第2版");
  // …also just before its end on the service's clock…
  const start = env.clock.now().getTime();
  env.clock.set(new Date(start + GUIDE_CACHE_MS - 100).toISOString());
  expect(await ask(QUESTION)).not.toContain("缓存测试第2版");
  // …and after it, from the new version.
  env.clock.set(new Date(start + GUIDE_CACHE_MS + 200).toISOString());
  expect(await ask(QUESTION)).toContain("缓存测试第2版");
});

// A published report reaches the catalogue (category 年度报告, its public URL) and the bot: the catalogue entry
// answers "有没有…年度报告" with the link, and every cell of the new year is answerable — no deploy, no restart.
import request from "supertest";
import { defaultAgency } from "../../../src/infra/agencies";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z" });
});
afterAll(() => env.close());

const chat = async (text: string) => {
  const res = await request(env.server)
    .post("/api/chat")
    .send({ userId: `kr-${Math.random().toString(36).slice(2)}`, text })
    .expect(200);
  return (res.body.replies as string[]).join("\n");
};

it("publishing the 2025 report enters it in the catalogue and the bot answers from it", async () => {
  const approver = await staffToken(env, "approver");
  await request(env.server).post("/api/staff/reports/2025/publish").set("Authorization", `Bearer ${approver}`).expect(201);

  const agency = await defaultAgency(env.ctx);
  const rows = await env.ctx.db.query(`SELECT index_no, subject_category, url FROM catalogue_entries WHERE agency_id = $1 AND title = $2`, [
    agency.id,
    "张店区融媒体中心2025年政府信息公开工作年度报告",
  ]);
  expect(rows).toHaveLength(1);
  expect(rows[0].subject_category).toBe("年度报告");
  expect(rows[0].url).toBe("/api/reports/2025?agency=zdrmt");

  const found = await chat("有没有2025年的年度报告");
  expect(found).toContain("张店区融媒体中心2025年政府信息公开工作年度报告");
  expect(found).toContain(rows[0].index_no);
  expect(found).toContain("/api/reports/2025?agency=zdrmt");

  const figure = await chat("去年收到多少申请");
  expect(figure).not.toContain("尚未公布");
  expect(figure).toMatch(/2025年新收政府信息公开申请：\d+件/);

  // Two published years compared: a short list.
  const both = await chat("2019年和2025年各收到多少申请");
  expect(both).toContain("2019年：");
  expect(both).toContain("2025年：");
});

// Links in the bot's answers: absolute under PUBLIC_BASE_URL (a site path means nothing inside a WeChat
// message), site paths without it; links that are already absolute (the Regulation on gov.cn) stay as they are.
import request from "supertest";
import type { AnswerUnit } from "../../../src/modules/conversation/knowledge/answer-unit";
import { withBaseUrl } from "../../../src/modules/conversation/ports";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";

const BASE = "https://ogi.example.gov.cn";
let withBase: TestEnv;
let without: TestEnv;
beforeAll(async () => {
  [withBase, without] = await Promise.all([
    createTestEnv({ db: "sqlite", redis: false, now: "2026-03-02T02:00:00Z", env: { PUBLIC_BASE_URL: `${BASE}/` } }),
    createTestEnv({ db: "sqlite", redis: false, now: "2026-03-02T02:00:00Z" }),
  ]);
});
afterAll(async () => {
  await Promise.all([withBase?.close(), without?.close()]);
});

const chat = async (env: TestEnv, text: string) => {
  const res = await request(env.server)
    .post("/api/chat")
    .send({ userId: `pl-${Math.random().toString(36).slice(2)}`, text })
    .expect(200);
  return (res.body.replies as string[]).join("\n");
};

it("with PUBLIC_BASE_URL the agency profile, a report figure and a catalogue entry link absolutely", async () => {
  const profile = await chat(withBase, "你们是什么单位");
  expect(profile).toContain(`${BASE}/guide?agency=zdrmt`);
  const figure = await chat(withBase, "2019年收到多少申请");
  expect(figure).toContain(`${BASE}/api/reports/2019?agency=zdrmt`);
  expect(figure).not.toContain("，/api/reports/");
  const entry = await chat(withBase, "有没有2019年的年度报告");
  expect(entry).toContain("索引号");
  expect(entry).toContain(BASE);
  // The Regulation's own address is not prefixed.
  const fees = await chat(withBase, "申请要收费吗");
  expect(fees).toContain("https://www.gov.cn/");
  expect(fees).not.toContain(`${BASE}https://`);
});

it("without it the same answers carry site paths", async () => {
  const profile = await chat(without, "你们是什么单位");
  expect(profile).toContain("，/guide?agency=zdrmt");
  expect(profile).not.toContain("https://ogi.");
});

it("withBaseUrl prefixes site paths once, trims the trailing slash and leaves absolute and missing links", () => {
  const u = (url?: string): AnswerUnit => ({ id: "x", kind: "faq", agencyCode: "zdrmt", questions: [], answer: "a", source: { label: "l", url } });
  const [rel, abs, none] = withBaseUrl([u("/guide?agency=zdrmt#apply"), u("https://www.gov.cn/x"), u(undefined)], `${BASE}//`);
  expect(rel.source.url).toBe(`${BASE}/guide?agency=zdrmt#apply`);
  expect(abs.source.url).toBe("https://www.gov.cn/x");
  expect(none.source.url).toBeUndefined();
  expect(withBaseUrl([u("/a")], undefined)[0].source.url).toBe("/a");
});

// In a real browser: a clerk edits a guide section into a draft and adds, edits and withdraws a catalogue
// entry; an approver uploads catalogue files — a bad one shows its row errors and imports nothing, a good
// one is imported (clerks get no upload form) — and publishes the draft.
import type { Browser } from "playwright-core";
import { agencyByCode } from "../../src/infra/agencies";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { createStaff, listen, loginAs, screenshot, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z" });
  await createStaff(env, "clerk", "clerk3");
  await createStaff(env, "approver", "boss3");
  ({ server, browser } = await startConsole(env));
});
afterAll(() => stopConsole(browser, server, env));

const HEADER = "索引号,信息名称,发布机构,主题分类,公开方式,生成日期";

test("guide draft and publication, catalogue add/edit/withdraw, import with row errors", async () => {
  const agency = await agencyByCode(env.ctx);
  const cat = env.services.catalogue;
  const before = (await cat.entries.list(agency.id, { status: "active", page: 1, pageSize: 1 })).total;

  const { context, page: p } = await loginAs(browser, server.baseUrl, "clerk3");
  await p.goto("/console/content");
  const first = p.locator("#guide details.action").first();
  await first.locator("summary").click();
  await first.getByLabel(/栏目内容/).fill("本机关主动公开的政府信息，通过门户网站“政府信息公开”专栏发布。（测试修改）");
  await first.getByRole("button", { name: "保存到草稿" }).click();
  await p.getByRole("status").filter({ hasText: "已保存到指南草稿" }).waitFor();
  expect(await p.locator("#guide-draft").count()).toBe(1);
  expect(await p.getByRole("button", { name: "发布草稿" }).count()).toBe(0);

  // Add an entry, then withdraw it.
  await p.locator("#new-entry summary").click();
  await p.getByLabel("信息名称").fill("张店区融媒体中心2026年部门预算");
  await p.getByLabel("发布机构").fill("张店区融媒体中心");
  await p.getByLabel("主题分类").fill("财政/预算、决算");
  await p.getByLabel("生成日期").fill("2026-02-20");
  await p.getByRole("button", { name: "新增", exact: true }).click();
  const added = p.getByRole("status").filter({ hasText: "已新增目录条目" });
  await added.waitFor();
  const indexNo = (await added.innerText()).replace(/.*已新增目录条目\s*/, "").trim();
  const row = p.locator(`#entries tr[data-index="${indexNo}"]`);
  await expect(row.innerText()).resolves.toContain("2026年部门预算");
  // Edit it: the change is saved and listed.
  await row.getByRole("link", { name: "编辑" }).click();
  await p.getByLabel("信息名称").fill("张店区融媒体中心2026年部门预算公开说明");
  await p.getByRole("button", { name: "保存", exact: true }).click();
  await p
    .getByRole("status")
    .filter({ hasText: `目录条目 ${indexNo} 已保存` })
    .waitFor();
  await p.goto("/console/content");
  await expect(row.innerText()).resolves.toContain("2026年部门预算公开说明");
  await row.getByLabel("撤回理由").fill("录入重复");
  await row.getByRole("button", { name: "撤回" }).click();
  await p
    .getByRole("status")
    .filter({ hasText: `目录条目 ${indexNo} 已撤回` })
    .waitFor();
  expect(await p.locator(`#entries tr[data-index="${indexNo}"]`).count()).toBe(0);

  // Importing is for approvers and admins, as in the API: a clerk gets no upload form.
  expect(await p.getByLabel("选择文件").count()).toBe(0);
  await context.close();

  // The approver publishes the guide draft.
  const boss = await loginAs(browser, server.baseUrl, "boss3");
  await boss.page.goto("/console/content");
  const b = boss.page;
  // A file with a bad row: every error listed, nothing imported.
  const bad = [
    HEADER,
    "ZDRMT/2026-90001,2026年第一季度财政资金直达情况,张店区融媒体中心,财政,主动公开,2026-03-01",
    "ZDRMT/2026-90002,,张店区融媒体中心,财政,随便公开,2026-03-01",
  ].join("\n");
  await b.getByLabel("选择文件").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad, "utf8") });
  await b.getByRole("button", { name: "上传并导入" }).click();
  const errors = b.locator("#import-errors");
  await errors.waitFor();
  const text = await errors.innerText();
  expect(text).toContain("信息名称");
  expect(text).toContain("公开方式");
  expect(text).toMatch(/\b3\b/);
  await screenshot(b, "content-import-errors", { docs: false });
  expect(await b.locator("#import").getByRole("alert").innerText()).toContain("未导入任何条目");
  expect((await cat.entries.list(agency.id, { status: "active", page: 1, pageSize: 1 })).total).toBe(before);

  const good = [HEADER, "ZDRMT/2026-90001,2026年第一季度财政资金直达情况,张店区融媒体中心,财政,主动公开,2026-03-01"].join("\n");
  await b.getByLabel("选择文件").setInputFiles({ name: "good.csv", mimeType: "text/csv", buffer: Buffer.from(good, "utf8") });
  await b.getByRole("button", { name: "上传并导入" }).click();
  await b.locator("#import").getByRole("status").filter({ hasText: "新增 1 条" }).waitFor();
  await screenshot(b, "content", { docs: false });
  expect((await cat.entries.list(agency.id, { status: "active", page: 1, pageSize: 1 })).total).toBe(before + 1);
  await boss.page.getByLabel("修改说明").fill("更新主动公开栏目");
  await boss.page.getByRole("button", { name: "发布草稿" }).click();
  await boss.page
    .getByRole("status")
    .filter({ hasText: /指南第 \d+ 版已发布/ })
    .waitFor();
  expect((await cat.guide(agency.id)).sections.some((s) => s.body.includes("（测试修改）"))).toBe(true);
  await boss.context.close();
});

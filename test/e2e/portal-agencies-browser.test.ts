// In a real browser, on a platform of two agencies (issue 17): the citizen finds the agency from the home's
// "找哪个机关？" box, then applies: /apply asks what the request is about, suggests the education bureau, the
// citizen confirms, the form names 受理机关 and files there; a 不属于本机关 answer is re-filed from the status
// page. Screenshots at 375×812 and 1366×768.
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { Application } from "../../src/modules/applications/application.entity";
import { addAgency, sessionUntil2099, type SecondAgency } from "../helpers/second-agency";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";
import { listen, screenshot, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let edu: SecondAgency;
const contexts: BrowserContext[] = [];

const MOBILE = { width: 375, height: 812 };
const DESKTOP = { width: 1366, height: 768 };

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z" });
  edu = await addAgency(env);
  ({ server, browser } = await startConsole(env));
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await stopConsole(browser, server, env);
});

async function open(viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport, locale: "zh-CN" });
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if ((m.type() === "error" || m.type() === "warning") && !m.text().startsWith("Failed to load resource")) problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.request().resourceType() !== "document" && r.status() >= 400) problems.push(`failed: ${r.status()} ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

const unlabelled = (page: Page) =>
  page.$$eval("input:not([type=hidden]), select, textarea", (els) =>
    els.filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute("aria-label"))).map((el) => el.outerHTML.slice(0, 100)),
  );
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("several agencies: find the agency on the home, then apply: describe, confirm the suggestion, file to it", async () => {
  for (const [viewport, suffix] of [
    [MOBILE, "-mobile"],
    [DESKTOP, ""],
  ] as const) {
    const { page, problems } = await open(viewport);
    await page.goto("/");
    expect(await page.locator("h1").innerText()).toBe("张店区政府信息公开平台");
    expect(await page.locator("#agency-list li").count()).toBe(2);
    await page.getByLabel("找哪个机关？").fill("学校的事找谁");
    await page.getByRole("button", { name: "查找" }).click();
    await expect(page.locator("#agency-suggestion h2").innerText()).resolves.toBe("您要找的是：张店区教育和体育局吗？");
    expect(await unlabelled(page)).toEqual([]);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, `portal-agencies-home${suffix}`);
    await page.locator("#confirm-agency").click();
    await page.waitForURL("**/?agency=zdjy");
    expect(await page.locator("h1").innerText()).toBe("张店区教育和体育局政府信息公开");
    expect(problems).toEqual([]);
  }

  const { page, problems } = await open(MOBILE);
  await page.goto("/");
  await page.getByRole("link", { name: "申请公开" }).click();
  await page.waitForURL("**/apply");
  expect(await page.locator("#apply-form").count()).toBe(0);
  await page.getByLabel("您要申请哪方面的信息？").fill("2026年小学招生的学区划片范围");
  await page.getByRole("button", { name: "查找" }).click();
  await screenshot(page, "portal-agencies-apply-choice-mobile");
  await page.getByRole("link", { name: "是，向张店区教育和体育局申请" }).click();
  await page.waitForURL("**/apply?agency=zdjy");
  await expect(page.locator("#receiving-agency").innerText()).resolves.toContain("受理机关：张店区教育和体育局");
  expect(await unlabelled(page)).toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);

  await page.getByLabel("申请人姓名或单位名称").fill("张三");
  await page.getByLabel("证件号码").fill("11010519491231002X");
  await page.getByLabel("联系电话").fill("13800138000");
  await page.getByLabel("电子邮箱").fill("zhangsan@example.com");
  await page.getByLabel("所需信息的内容描述").fill("2026年小学招生的学区划片范围");
  await page.setViewportSize(DESKTOP);
  await screenshot(page, "portal-agencies-apply");
  await page.getByRole("button", { name: "提交申请" }).click();
  await page.locator("#application-no").waitFor();
  const no = await page.locator("#application-no").innerText();
  expect(no).toMatch(/^ZDJY-2026-\d{5}$/);
  const row = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: no });
  expect(row.agencyId).toBe(edu.id);
  // "更换" on the form leads back to the choice.
  await page.goto("/apply?agency=zdjy");
  await page.getByRole("link", { name: "更换" }).click();
  await page.waitForURL(/\/apply$/);
  expect(await page.locator("#agency-list li").count()).toBe(2);
  expect(problems).toEqual([]);
});

test("the status page shows a 不属于本机关 answer's competent agency and re-files there in one step", async () => {
  await staffToken(env, "admin", "media-admin");
  const mediaToken = await sessionUntil2099(env, "media-admin");
  const filed = await request(env.server)
    .post("/api/applications")
    .send({
      applicant: {
        category: "natural_person",
        name: "李四",
        idType: "resident_id",
        idNumber: "11010519491231002X",
        phone: "13800138000",
        email: "lisi@example.com",
      },
      description: "2026年初中招生政策文件",
      deliveryForm: "electronic",
      deliveryMethod: "email",
      channel: "online",
    })
    .expect(201);
  await request(env.server)
    .post(`/api/staff/applications/${filed.body.applicationNo}/answer`)
    .set("Authorization", `Bearer ${mediaToken}`)
    .send({ disposition: "unable.not_responsible", competentAgency: "zdjy" })
    .expect(200);

  const { page, problems } = await open(MOBILE);
  await page.goto("/status");
  await page.getByLabel("申请编号").fill(filed.body.applicationNo);
  await page.getByLabel("查询码").fill(filed.body.queryCode);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.locator("#referral").innerText()).resolves.toContain("负责公开该信息的机关：张店区教育和体育局");
  await screenshot(page, "portal-agencies-refile-mobile");
  await page.getByRole("button", { name: "向张店区教育和体育局转交申请" }).click();
  const newNo = await page.locator("#refiled-no").innerText();
  expect(newNo).toMatch(/^ZDJY-2026-\d{5}$/);
  expect((await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: newNo })).agencyId).toBe(edu.id);
  // Back and submitted again (a reload of the POST): the same new application, nothing filed twice.
  await page.reload();
  await expect(page.locator("#refiled-no").innerText()).resolves.toBe(newNo);
  expect(await env.ctx.db.getRepository(Application).countBy({ description: "2026年初中招生政策文件" })).toBe(2);
  expect(problems).toEqual([]);
});

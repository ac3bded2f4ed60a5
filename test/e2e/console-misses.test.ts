// The misses page (未答问题) in a real browser: an approver finds the most frequent miss first, writes an
// answer with the form, and the bot answers the same question with it; a clerk sees the list without forms.
// Every control is labelled, nothing scrolls sideways at 768px, and no page logs an error (CSP, assets).
import request from "supertest";
import type { Browser, Page } from "playwright-core";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { createStaff, listen, loginAs, screenshot, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;

async function chat(userId: string, text: string): Promise<string> {
  const res = await request(env.server).post("/api/chat").send({ userId, text });
  expect(res.status).toBe(200);
  return (res.body.replies as string[]).join("\n");
}

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z" });
  await createStaff(env, "approver", "li-approver", "李科长");
  await createStaff(env, "clerk", "wang-clerk", "王经办");
  for (const u of ["a", "b", "c"]) await chat(`web-${u}`, "你们单位食堂对外开放吗");
  await chat("web-d", "我家猫丢了怎么办");
  ({ server, browser } = await startConsole(env));
});
afterAll(() => stopConsole(browser, server, env));

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

test("an approver answers the most frequent miss from the page, and the bot uses the answer at once", async () => {
  const { context, page } = await loginAs(browser, server.baseUrl, "li-approver");
  const problems = watch(page);
  await page.goto("/console/misses");
  await page.waitForSelector("main h1");
  const cards = page.locator("section.card h2");
  expect(await cards.first().textContent()).toBe("你们单位食堂对外开放吗");
  expect(await page.locator("section.card").first().locator("strong.count").textContent()).toBe("3");
  const unlabelled = await page.$$eval(
    "input:not([type=hidden]), select, textarea",
    (els) => els.filter((e) => !(e as HTMLInputElement).labels?.length).length,
  );
  expect(unlabelled).toBe(0);
  await page.getByRole("link", { name: "未答问题" }).waitFor();
  await screenshot(page, "misses", { docs: false });
  const first = page.locator("section.card").first();
  await first.getByLabel(/^答案/).fill("本单位食堂只供职工就餐，不对外开放。");
  await first.getByRole("button", { name: "保存答案" }).click();
  await page.waitForSelector(".flash.ok");
  expect(await page.locator(".flash.ok").textContent()).toContain("答案已保存");
  expect(await page.locator("section.card h2").first().textContent()).toBe("我家猫丢了怎么办");
  expect(await page.locator("table").textContent()).toContain("本单位食堂只供职工就餐");
  expect(problems).toEqual([]);
  await context.close();
  expect(await chat("web-e", "你们单位食堂对外开放吗？")).toContain("本单位食堂只供职工就餐，不对外开放。");
});

test("a clerk sees the list at tablet width without the forms", async () => {
  const { context, page } = await loginAs(browser, server.baseUrl, "wang-clerk");
  const problems = watch(page);
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto("/console/misses");
  expect(await page.locator("section.card h2").first().textContent()).toBe("我家猫丢了怎么办");
  expect(await page.locator("form[action$='/answer'], form[action$='/attach']").count()).toBe(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  expect(problems).toEqual([]);
  await context.close();
});

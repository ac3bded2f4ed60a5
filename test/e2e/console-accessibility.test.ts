// Accessibility and layout in a real browser: login by keyboard alone; every form control on every page has
// a label; at tablet width (768px) and laptop width (1366px) the pages do not scroll sideways; no page logs
// an error (CSP violation, failed asset, script error).
import type { Browser, Page } from "playwright-core";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { createStaff, listen, PASSWORD, screenshot, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let no: string;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z" });
  await createStaff(env, "admin", "admin5", "管理员");
  no = (
    await env.services.applications.submit({
      applicant: { category: "natural_person", name: "赵六", idType: "resident_id", idNumber: "11010519491231002X", phone: "13800138000" },
      description: "请公开2025年度融媒体中心新闻发布会的全部文字实录，包括提问记者的所属单位和提问内容，以及发言人的答复原文",
      deliveryForm: "electronic",
      deliveryMethod: "wechat",
      channel: "wechat",
    })
  ).applicationNo;
  ({ server, browser } = await startConsole(env));
});
afterAll(() => stopConsole(browser, server, env));

/** Visible form controls without a label (neither <label for>, a wrapping label, nor aria-label). */
async function unlabelled(page: Page): Promise<string[]> {
  return page.$$eval("input:not([type=hidden]), select, textarea", (els) =>
    els
      .filter((el) => {
        const e = el as HTMLInputElement;
        return !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby");
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("keyboard-only login, labelled controls everywhere, no sideways scrolling at 1366px and 768px", async () => {
  for (const viewport of [
    { width: 1366, height: 768 },
    { width: 768, height: 1024 },
  ]) {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport, locale: "zh-CN" });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    // CSP violations (an inline script or style attribute the policy blocks), failed asset loads and
    // script errors all surface here.
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto("/console/login");
    // The username field has focus on arrival (Chromium applies autofocus on a rendering step that can come
    // after "load" on a busy machine, so wait for it); Tab moves to the password; Enter submits.
    await page.waitForFunction(() => document.activeElement?.id === "username");
    await page.keyboard.type("admin5");
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === "/console");
    // The skip link is the first stop and leads to the main content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("跳到主要内容");

    for (const url of [
      "/console",
      `/console/applications/${no}`,
      "/console/applications/new",
      "/console/statistics",
      "/console/reports",
      "/console/content",
      "/console/users",
      "/console/consultations",
    ]) {
      await page.goto(url);
      expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
      expect(await unlabelled(page)).toEqual([]);
      expect({ url, overflow: await overflow(page) }).toEqual({ url, overflow: 0 });
    }
    expect(problems).toEqual([]);
    if (viewport.width === 768) {
      await page.goto(`/console/applications/${no}`);
      await screenshot(page, "application-tablet");
    }
    await context.close();
  }
});

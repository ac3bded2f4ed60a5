// In a real browser, as a citizen: files an application on the portal (a refused form shows each message next to
// its field and keeps the input; then success with the query code; a double submit and a re-sent form give the
// same application), looks it up by number and code, files a second one through the web chat's dialogue across a
// page reload, and opens the 2019 annual report and its DOCX/XLSX downloads. Screenshots at 375×812 and 1366×768.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Application } from "../../src/modules/applications/application.entity";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { listen, screenshot, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

const RESIDENT_ID = "11010519491231002X";
const MOBILE = { width: 375, height: 812 };
const DESKTOP = { width: 1366, height: 768 };

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z" });
  ({ server, browser } = await startConsole(env));
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await stopConsole(browser, server, env);
});

/** A fresh browser context; console errors and warnings (CSP violations, script errors) and failed assets are collected. */
async function open(viewport = DESKTOP, javaScriptEnabled = true): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport, locale: "zh-CN", acceptDownloads: true, javaScriptEnabled });
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    // A refused form or a 404 page is a 4xx document by design; failed subresources are caught below instead.
    if ((m.type() === "error" || m.type() === "warning") && !m.text().startsWith("Failed to load resource")) problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.request().resourceType() !== "document" && r.request().resourceType() !== "xhr" && r.status() >= 400)
      problems.push(`failed: ${r.status()} ${r.url()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

/** Visible form controls without a label. */
const unlabelled = (page: Page) =>
  page.$$eval("input:not([type=hidden]), select, textarea", (els) =>
    els.filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute("aria-label"))).map((el) => el.outerHTML.slice(0, 100)),
  );
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

const applications = () => env.ctx.db.getRepository(Application).find({ order: { createdAt: "ASC" } });

test("portal filing: errors by their fields, success with the query code once, a double submit files once; status lookup", async () => {
  const { page, problems } = await open(MOBILE);
  await page.goto("/");
  expect(await page.locator("h1").innerText()).toContain("张店区融媒体中心");
  await screenshot(page, "portal-home-mobile");
  await page.getByRole("link", { name: "在线申请" }).click();
  await page.waitForURL("**/apply");
  expect(await unlabelled(page)).toEqual([]);

  // A refused form: bad phone, short description; what was typed stays, each message sits next to its field.
  await page.getByLabel("申请人姓名或单位名称").fill("张三<script>");
  await page.getByLabel("证件号码").fill(RESIDENT_ID);
  await page.getByLabel("联系电话").fill("12345");
  await page.getByLabel("所需信息的内容描述").fill("合同");
  await page.getByRole("button", { name: "提交申请" }).click();
  const phoneField = page.locator(".field", { has: page.locator("#ap-applicant-phone") });
  await expect(phoneField.locator(".field-error").innerText()).resolves.toContain("联系电话格式不正确");
  await expect(
    page
      .locator(".field", { has: page.locator("#ap-description") })
      .locator(".field-error")
      .innerText(),
  ).resolves.toContain("所需信息描述过短");
  expect(await page.locator("#ap-applicant-phone").getAttribute("aria-invalid")).toBe("true");
  expect(await page.getByLabel("申请人姓名或单位名称").inputValue()).toBe("张三<script>");
  expect(await page.getByLabel("证件号码").inputValue()).toBe(RESIDENT_ID);
  // The summary at the top links to the field.
  await page.locator("#error-summary a", { hasText: "联系电话格式不正确" }).click();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("ap-applicant-phone");
  await screenshot(page, "portal-apply-errors-mobile");
  expect(await applications()).toHaveLength(0);

  // Corrected: filed. A double click sends the form twice; one application is filed.
  await page.getByLabel("申请人姓名或单位名称").fill("张三");
  await page.getByLabel("联系电话").fill("13800138000");
  await page.getByLabel("电子邮箱").fill("zhangsan@example.com");
  await page.getByLabel("所需信息的内容描述").fill("请公开2025年张店区融媒体中心采购项目的合同文本");
  const key = await page.locator("input[name=key]").inputValue();
  const form = await page.$$eval("#apply-form [name]", (els) => els.map((e) => [(e as HTMLInputElement).name, (e as HTMLInputElement).value]));
  await page.getByRole("button", { name: "提交申请" }).dblclick();
  await page.locator("#query-code").waitFor();
  const applicationNo = await page.locator("#application-no").innerText();
  const queryCode = await page.locator("#query-code").innerText();
  expect(applicationNo).toMatch(/^ZDRMT-2026-\d{5}$/);
  expect(queryCode).toMatch(/^\d{12}$/);
  await screenshot(page, "portal-apply-done-mobile", { mask: [page.locator("#query-code")] });
  // The same form sent again (a re-sent POST, a third click): the same application and code, nothing new filed.
  const again = await page.request.post("/apply", { form: Object.fromEntries(form), headers: { Origin: server.baseUrl } });
  expect(again.status()).toBe(201);
  const text = await again.text();
  expect(text).toContain(applicationNo);
  expect(text).toContain(queryCode);
  expect(Object.fromEntries(form).key).toBe(key);
  const filed = await applications();
  expect(filed).toHaveLength(1);
  expect(filed[0]).toMatchObject({ applicationNo, channel: "online", applicantName: "张三" });

  // The status lookup with that code (and a wrong code first).
  await page.getByRole("link", { name: "查询办理进度" }).click();
  await page.getByLabel("申请编号").fill(applicationNo.toLowerCase());
  await page.getByLabel("查询码").fill("000000000000");
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByRole("alert").innerText()).resolves.toContain("未找到该申请");
  expect(await page.getByLabel("查询码").inputValue()).toBe("");
  await page.getByLabel("查询码").fill(queryCode);
  await page.getByRole("button", { name: "查询" }).click();
  const result = page.locator("#status-result");
  await expect(result.innerText()).resolves.toContain("已受理");
  await expect(result.innerText()).resolves.toContain(applicationNo);
  // The code never sits in a URL.
  expect(page.url()).not.toContain(queryCode);
  await screenshot(page, "portal-status-mobile");
  expect(await overflow(page)).toBeLessThanOrEqual(0);
  expect(problems).toEqual([]);
});

test("web chat: menu button, quick replies, a filing across a page reload", async () => {
  const { page, problems } = await open(MOBILE);
  await page.goto("/chat");
  const log = page.getByRole("log");
  expect(await log.getAttribute("aria-live")).toBe("polite");
  expect(await unlabelled(page)).toEqual([]);
  // The official account's menu: "我要申请" starts the filing dialogue; its numbered choices become buttons.
  await page.getByRole("group", { name: "公众号菜单" }).getByRole("button", { name: "我要申请" }).click();
  const quick = page.getByRole("group", { name: "快捷回复" });
  await quick.getByRole("button", { name: "1. 个人（自然人）" }).click();
  await log.getByText("请输入申请人姓名").waitFor();
  // Keyboard: the input keeps focus; Enter sends.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("chat-input");
  await page.keyboard.type("李四");
  await page.keyboard.press("Enter");
  await quick.getByRole("button", { name: "1. 居民身份证" }).click();
  await log.getByText("请输入18位居民身份证号码").waitFor();
  await page.getByLabel("输入消息").fill(RESIDENT_ID);
  await page.keyboard.press("Enter");
  await log.getByText("请输入联系电话").waitFor();

  // Reload: the conversation is still there and continues where it was.
  await page.reload();
  await page.getByRole("log").getByText("请输入联系电话").waitFor();
  expect(await page.locator(".msg.me").count()).toBeGreaterThanOrEqual(4);
  await page.getByLabel("输入消息").fill("13900139000");
  await page.keyboard.press("Enter");
  await log.getByText("请描述您需要的政府信息").waitFor();
  await page.getByLabel("输入消息").fill("请公开2025年张店区融媒体中心的财政预算公开文件");
  await page.keyboard.press("Enter");
  await log.getByText("文号").last().waitFor();
  await page.getByLabel("输入消息").fill("跳过");
  await page.keyboard.press("Enter");
  await quick.getByRole("button", { name: "2. 电子" }).click();
  await quick.getByRole("button", { name: "3. 电子邮件" }).click();
  await log.getByText("请输入接收信息的电子邮箱").waitFor();
  await page.getByLabel("输入消息").fill("lisi@example.com");
  await page.keyboard.press("Enter");
  await log.getByText("请核对您的申请").waitFor();
  await screenshot(page, "portal-chat-mobile");
  await quick.getByRole("button", { name: "确认" }).click();
  const done = log.locator(".msg.bot", { hasText: "申请已提交" });
  await done.waitFor();
  const reply = await done.innerText();
  const no = /申请编号：(\S+)/.exec(reply)![1];
  const code = /查询码：(\d{12})/.exec(reply)![1];
  const filed = (await applications()).find((a) => a.applicationNo === no)!;
  expect(filed).toMatchObject({ applicantName: "李四", description: "请公开2025年张店区融媒体中心的财政预算公开文件", deliveryMethod: "email" });
  // The code from the chat works on the portal's status lookup.
  await page.goto("/status");
  await page.getByLabel("申请编号").fill(no);
  await page.getByLabel("查询码").fill(code);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.locator("#status-result").innerText()).resolves.toContain("已受理");
  expect(problems).toEqual([]);
});

test("web chat without JavaScript: the menu and the numbered choices still work, the conversation continues", async () => {
  const { page, problems } = await open(MOBILE, false);
  await page.goto("/chat");
  await page.getByRole("group", { name: "公众号菜单" }).getByRole("button", { name: "我要申请" }).click();
  await page.getByRole("log").getByText("请问您以什么身份申请").waitFor();
  await page.getByRole("group", { name: "快捷回复" }).getByRole("button", { name: "1. 个人（自然人）" }).click();
  await page.getByRole("log").getByText("请输入申请人姓名").waitFor();
  // Enter sends the typed text (the form's default button is 发送, not a menu or quick-reply button).
  await page.getByLabel("输入消息").fill("钱七");
  await page.keyboard.press("Enter");
  await page.getByRole("log").getByText("请选择证件类型").waitFor();
  expect(problems).toEqual([]);
});

test("web chat: links in answers are clickable, only http(s) and site paths, text escaped", async () => {
  const { page, problems } = await open(DESKTOP);
  await page.goto("/chat");
  // A bot answer with its statutory source link; and a message the citizen typed with markup and a javascript: URL.
  await page.getByLabel("输入消息").fill("年度报告什么时候公布");
  await page.keyboard.press("Enter");
  const link = page.getByRole("log").locator(".msg.bot a[href^='https://']").first();
  await link.waitFor();
  expect(await link.getAttribute("rel")).toContain("noopener");
  await screenshot(page, "portal-chat");
  await page.getByLabel("输入消息").fill('<img src=x onerror="window.__x=1"> javascript:alert(1) /guide#application');
  await page.keyboard.press("Enter");
  const mine = page.locator(".msg.me").last();
  await expect(mine.innerText()).resolves.toContain("<img src=x");
  expect(await mine.locator("img").count()).toBe(0);
  expect(await mine.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(["/guide#application"]);
  expect(await page.evaluate(() => (window as unknown as { __x?: number }).__x)).toBeUndefined();
  expect(problems).toEqual([]);
});

test("the 2019 annual report: its page from the published snapshot, the cell tables, DOCX and XLSX downloads", async () => {
  for (const [viewport, suffix] of [
    [DESKTOP, ""],
    [MOBILE, "-mobile"],
  ] as const) {
    const { page, problems } = await open(viewport);
    await page.goto("/");
    await page.getByRole("link", { name: "2019年", exact: true }).click();
    await page.waitForURL("**/reports/2019");
    expect(await page.locator("h1").innerText()).toBe("张店区融媒体中心2019年政府信息公开工作年度报告");
    // Table 三 in the official layout: the 总计 column of 本年新收 is the snapshot's figure.
    const snapshot = (await env.ctx.db.query("SELECT snapshot FROM report_publications WHERE year = 2019 ORDER BY version DESC LIMIT 1"))[0].snapshot;
    const r = JSON.parse(snapshot);
    const received = r.applications.rows["received.new"].at(-1);
    const row = page.locator("#report-s3 tr").filter({ has: page.locator("th", { hasText: "本年新收政府信息公开申请数量" }) });
    expect(Number(await row.locator("td").last().innerText())).toBe(received);
    expect(await page.locator("#report-s2 caption, #report-s4 caption").count()).toBe(2);
    if (!suffix) {
      const [docx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载 Word（DOCX）" }).click()]);
      expect(docx.suggestedFilename()).toBe("zdrmt-2019-annual-report.docx");
      const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载表格（XLSX）" }).click()]);
      expect(xlsx.suggestedFilename()).toBe("zdrmt-2019-annual-report.xlsx");
      for (const d of [docx, xlsx]) {
        const fs = await import("node:fs");
        const bytes = fs.readFileSync((await d.path())!);
        expect(bytes.subarray(0, 2).toString()).toBe("PK"); // an Office file is a zip
        expect(bytes.length).toBeGreaterThan(5000);
      }
    }
    await screenshot(page, `portal-report${suffix}`);
    // Wide table 三 scrolls inside its box; the page itself does not scroll sideways.
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  }
});

test("desktop: every portal page, labelled controls, no sideways scrolling, no console errors", async () => {
  const { page, problems } = await open(DESKTOP);
  for (const [path, name] of [
    ["/", "portal-home"],
    ["/guide", "portal-guide"],
    ["/catalogue?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A", "portal-catalogue"],
    ["/apply", "portal-apply"],
    ["/status", "portal-status"],
    ["/reports", null],
  ] as const) {
    await page.goto(path);
    expect(await unlabelled(page)).toEqual([]);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    if (name) await screenshot(page, name);
    // The skip link is the first stop of the keyboard.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("跳到正文");
  }
  const missing = await page.goto("/no-such-page");
  expect(missing!.status()).toBe(404);
  expect(await page.locator("h1").innerText()).toBe("页面不存在");
  expect(problems).toEqual([]);
});

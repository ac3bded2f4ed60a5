// In a real browser: an approver edits the 2025 report (narrative, a review case), publishes it, downloads
// the DOCX, then corrects a section and publishes version 2 whose differences are listed. A clerk has no
// publish button, and the server refuses a forged publish from a clerk.
import fs from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import type { Browser } from "playwright-core";
import { agencyByCode } from "../../src/infra/agencies";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { ARTIFACTS, createStaff, listen, loginAs, screenshot, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z" });
  await createStaff(env, "approver", "boss2", "科长老李");
  await createStaff(env, "clerk", "clerk2");
  ({ server, browser } = await startConsole(env));
});
afterAll(() => stopConsole(browser, server, env));

test("approver edits, publishes and downloads the 2025 report; a correction becomes version 2 with its differences", async () => {
  const { context, page: p } = await loginAs(browser, server.baseUrl, "boss2");
  await p.goto("/console/reports");
  await expect(p.locator("h1").innerText()).resolves.toBe("2025年度报告");
  expect(await p.locator("#report-status").innerText()).toContain("尚未发布");

  await p.getByLabel("一、总体情况").fill("2025年，本中心认真贯彻落实《中华人民共和国政府信息公开条例》。");
  await p.getByRole("button", { name: "保存文字部分" }).click();
  await p.getByRole("status").filter({ hasText: "文字部分已保存" }).waitFor();

  await p.getByLabel("类型", { exact: true }).selectOption("review");
  await p.getByLabel("结果", { exact: true }).selectOption("upheld");
  await p.getByLabel("立案日期").fill("2025-05-06");
  await p.getByLabel("审结日期（已审结时填写）").fill("2025-07-01");
  await p.getByRole("button", { name: "登记", exact: true }).click();
  await p.getByRole("status").filter({ hasText: "案件已登记" }).waitFor();
  expect(await p.locator("#cases").innerText()).toContain("行政复议");

  // Preview in the official layout shows the narrative and the case in table 四.
  await p.getByRole("link", { name: "预览报告（正式格式）" }).click();
  expect(await p.locator("#report-preview").innerText()).toContain("本中心认真贯彻落实");
  expect(await p.locator("#preview-s4").innerText()).toContain("结果维持");
  await p.goBack();

  p.once("dialog", (d) => d.accept());
  await p.getByRole("button", { name: "发布", exact: true }).click();
  await p.getByRole("status").filter({ hasText: "已发布2025年度报告第1版" }).waitFor();
  await screenshot(p, "report", { docs: false });
  expect(await p.locator("#published-version").innerText()).toBe("1");

  const [download] = await Promise.all([p.waitForEvent("download"), p.locator("#versions").getByRole("link", { name: "DOCX" }).click()]);
  const file = path.join(ARTIFACTS, "report-2025-v1.docx");
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await download.saveAs(file);
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  const xml = await zip.file("word/document.xml")!.async("string");
  expect(xml).toContain("2025年政府信息公开工作年度报告");
  expect(xml).toContain("本中心认真贯彻落实");
  // The version's HTML and XLSX links answer with the document itself (the console's cookie is accepted).
  for (const [name, type, head] of [
    ["HTML", "text/html", "<!DOCTYPE"],
    ["XLSX", "spreadsheetml", "PK"],
  ] as const) {
    const href = await p.locator("#versions").getByRole("link", { name, exact: true }).first().getAttribute("href");
    const res = await context.request.get(`${server.baseUrl}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain(type);
    expect((await res.body()).subarray(0, 9).toString("utf8").toUpperCase()).toContain(head.toUpperCase());
  }

  // A correction: the pending difference is listed, version 2 records it.
  await p.getByLabel("五、存在的主要问题及改进情况").fill("一是公开内容不够全面；二是答复格式需规范。");
  await p.getByRole("button", { name: "保存文字部分" }).click();
  await p.getByRole("status").filter({ hasText: "文字部分已保存" }).waitFor();
  expect(await p.locator("#pending-diff").innerText()).toContain("五、存在的主要问题及改进情况");
  p.once("dialog", (d) => d.accept());
  await p.getByRole("button", { name: "发布新版本" }).click();
  await p.getByRole("status").filter({ hasText: "已发布2025年度报告第2版" }).waitFor();
  await p.getByRole("link", { name: "1 处差异" }).click();
  expect(await p.locator("#version-diff").innerText()).toContain("一是公开内容不够全面");
  await context.close();

  // A clerk sees no publish button; a forged publish is refused and publishes nothing.
  const clerk = await loginAs(browser, server.baseUrl, "clerk2");
  await clerk.page.goto("/console/reports?year=2025");
  expect(await clerk.page.getByRole("button", { name: /发布/ }).count()).toBe(0);
  expect(await clerk.page.locator("#report-status").innerText()).toContain("发布须由审批人或管理员操作");
  // With the page's own CSRF token (the logout form carries it), so the refusal tested is the role check.
  const csrf = (await clerk.page.locator('input[name="_csrf"]').first().getAttribute("value"))!;
  const res = await clerk.context.request.post(`${server.baseUrl}/console/reports/2025/publish`, { form: { _csrf: csrf }, maxRedirects: 0 });
  expect(res.status()).toBe(302);
  await clerk.page.goto("/console/reports?year=2025");
  expect(await clerk.page.getByRole("alert").innerText()).toContain("当前角色无权执行此操作");
  await clerk.context.close();
  const agency = await agencyByCode(env.ctx);
  expect((await env.services.reports.versions(agency.id, 2025)).map((v) => v.version)).toEqual([1, 2]);
});

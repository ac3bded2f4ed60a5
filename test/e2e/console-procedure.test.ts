// In a real browser: a clerk opens a new application from the queue, requests a correction and records it;
// the clerk is not offered the extension; an approver answers with a disposition (after previewing the reply
// letter) and the answer is counted in the live statistics table. Screenshots go to test/artifacts/.
import type { Browser, Page } from "playwright-core";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { createStaff, listen, loginAs, screenshot, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let applicationNo: string;

const RESIDENT_ID = "11010519491231002X";

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z" });
  await createStaff(env, "clerk", "clerk1", "经办员小王");
  await createStaff(env, "approver", "boss1", "科长老李");
  // Other applications filed online: one overdue (received 2026-01-05), one due within 5 working days
  // (received 2026-02-03, due 2026-03-09), one new — so the queue shows every highlight.
  const apps = env.services.applications;
  const org = (description: string, channel: string) => ({
    applicant: { category: "org.commercial", name: "淄博某某科技有限公司", creditCode: "91350100M000100Y43", contactName: "李四", phone: "0533-2123456" },
    description,
    deliveryForm: "paper",
    deliveryMethod: "pickup",
    channel,
  });
  env.clock.set("2026-01-05T02:00:00Z");
  await apps.submit(org("2025年度融媒体中心办公设备采购项目的验收报告", "wechat"));
  env.clock.set("2026-02-03T02:00:00Z");
  await apps.submit(org("2026年春节期间融媒体中心值班安排的通知", "miniprogram"));
  env.clock.set("2026-03-02T02:00:00Z");
  await apps.submit(org("关于2025年度融媒体中心采购项目的中标公告", "online"));
  ({ server, browser } = await startConsole(env));
});
afterAll(() => stopConsole(browser, server, env));

/** The 总计 cell (last column) of a row of table 三, found by its official label. */
async function totalOf(page: Page, label: string): Promise<number> {
  const row = page
    .locator("#application-table tr")
    .filter({ has: page.locator("th", { hasText: label }) })
    .last();
  return Number(await row.locator("td").last().innerText());
}

test("clerk corrects, approver answers, statistics count it", async () => {
  const clerk = await loginAs(browser, server.baseUrl, "clerk1");
  const p = clerk.page;
  // The clerk registers an application handed in at the counter.
  await p.goto("/console");
  await p.getByRole("link", { name: /登记申请/ }).click();
  await p.getByLabel("收到方式").selectOption("in_person");
  await p.getByLabel("申请人姓名或单位名称").fill("张三");
  await p.getByLabel("证件号码（自然人）").fill(RESIDENT_ID);
  await p.getByLabel("联系电话").fill("13800138000");
  await p.getByLabel("电子邮箱").fill("zhangsan@example.com");
  await p.getByLabel("所需信息的内容描述").fill("请公开2025年张店区融媒体中心采购项目的合同文本");
  await p.getByLabel("提供形式").selectOption("electronic");
  await p.getByLabel("获取方式").selectOption("email");
  await p.getByRole("button", { name: "登记", exact: true }).click();
  const registered = p.getByRole("status").filter({ hasText: "已登记申请" });
  await registered.waitFor();
  applicationNo = /已登记申请 (\S+)，/.exec(await registered.innerText())![1];

  // Queue: the new application is listed with its due date and working days left.
  await p.goto("/console");
  const row = p.locator(`#queue tr[data-no="${applicationNo}"]`);
  await expect(row.innerText()).resolves.toContain("张三");
  await expect(row.innerText()).resolves.toMatch(/剩余 \d+ 个工作日/);
  expect(await p.locator("#queue tr.overdue").count()).toBe(1);
  expect(await p.locator("#queue tr.due-soon").count()).toBe(1);
  await screenshot(p, "queue");

  // Application page: ID masked; the clerk sees no extension action.
  await row.getByRole("link", { name: applicationNo }).click();
  await p.waitForURL(`**/console/applications/${applicationNo}`);
  expect(await p.locator("#id-number").innerText()).not.toContain(RESIDENT_ID);
  expect(await p.locator("#actions").innerText()).not.toContain("延长答复期限");
  expect(await p.locator("#action-extend").count()).toBe(0);

  // Request a correction.
  await p.locator("#action-request-correction summary").click();
  await p.getByLabel("需要补正的事项（一次性告知全部内容）").fill("请写明所需合同的项目名称或合同编号");
  await p.getByRole("button", { name: "发出补正告知" }).click();
  await p.getByRole("status").filter({ hasText: "当前状态：待补正" }).waitFor();
  expect(await p.locator("#clock").innerText()).toContain("尚未收到补正材料");

  // Record the correction (received today): the clock restarts.
  await p.locator("#action-record-correction summary").click();
  await p.getByLabel("补正后的申请内容（内容有变化时填写）").fill("请公开2025年融媒体中心演播室设备采购项目（编号ZD2025-07）的合同文本");
  await p.getByRole("button", { name: "登记收到补正" }).click();
  await p.getByRole("status").filter({ hasText: "已完成：登记收到补正" }).waitFor();
  expect(await p.locator("#clock").innerText()).toContain("自收到补正材料之日（2026-03-02）起重新计算");
  expect(await p.locator("#description").innerText()).toContain("ZD2025-07");
  expect(await p.locator("#action-extend").count()).toBe(0);
  await screenshot(p, "application");
  await clerk.context.close();

  // Approver: the extension is offered; answers with a disposition after previewing the letter.
  const boss = await loginAs(browser, server.baseUrl, "boss1");
  const b = boss.page;
  await b.goto(`/console/applications/${applicationNo}`);
  expect(await b.locator("#action-extend").count()).toBe(1);
  await b.getByLabel("答复类型").selectOption("partial");
  await b.getByLabel("答复说明（写入告知书）").fill("合同中涉及商业秘密的单价部分不予公开");
  const [preview] = await Promise.all([boss.context.waitForEvent("page"), b.getByRole("button", { name: "预览答复告知书（新窗口）" }).click()]);
  await preview.waitForLoadState();
  expect(await preview.locator("#letter").innerText()).toContain("张三");
  expect(await preview.locator("#letter").innerText()).toContain("合同中涉及商业秘密的单价部分不予公开");
  await preview.close();
  await b.getByRole("button", { name: "提交答复" }).click();
  await b.getByRole("status").filter({ hasText: "当前状态：已答复" }).waitFor();
  expect(await b.locator("#audit").innerText()).toContain("作出答复");
  await b.getByRole("link", { name: "查看答复告知书" }).click();
  expect(await b.locator("#letter").innerText()).toContain("合同中涉及商业秘密的单价部分不予公开");
  const docxHref = await b.getByRole("link", { name: "下载 DOCX" }).getAttribute("href");
  const docx = await boss.context.request.get(`${server.baseUrl}${docxHref}`);
  expect(docx.status()).toBe(200);
  expect((await docx.body()).subarray(0, 2).toString()).toBe("PK");

  // Statistics: four applications received this year; the answered one counted as 部分公开 (natural
  // person column), the other three still open.
  await b.goto("/console/statistics");
  expect(await totalOf(b, "一、本年新收政府信息公开申请数量")).toBe(4);
  expect(await totalOf(b, "（二）部分公开")).toBe(1);
  expect(await totalOf(b, "（七）总计")).toBe(1);
  expect(await totalOf(b, "四、结转下年度继续办理")).toBe(3);
  const partialRow = b.locator("#application-table tr").filter({ has: b.locator("th", { hasText: "（二）部分公开" }) });
  expect(await partialRow.locator("td").first().innerText()).toBe("1");
  expect(await b.locator("#checks-summary").innerText()).toMatch(/全部 \d+ 项校验通过/);
  await b.locator("#chart-intake").waitFor();
  // The answer came on the day the clock restarted: 0 working days, in the first bucket of the chart.
  const days = JSON.parse((await b.locator("#chart-days-data").textContent()) ?? "{}") as { data: { datasets: Array<{ data: number[] }> } };
  expect(days.data.datasets[0].data).toEqual([1, 0, 0, 0, 0, 0, 0]);
  // Chart.js (served from /console/assets under the CSP) drew a chart on each canvas.
  await b.waitForFunction(() => {
    const C = (window as unknown as { Chart?: { getChart(el: Element | null): unknown } }).Chart;
    return !!C && ["chart-intake", "chart-dispositions", "chart-days"].every((id) => !!C.getChart(document.getElementById(id)));
  });
  await screenshot(b, "statistics");
  await boss.context.close();
});

// In a real browser: an admin logs in with the keyboard-usable form, creates a clerk and revokes its sessions,
// then disables it (it cannot log in again) — the forms carry the CSRF token the server writes into them.
import type { Browser } from "playwright-core";
import { agencyByCode } from "../../src/infra/agencies";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { createStaff, listen, loginAs, PASSWORD, startConsole, stopConsole } from "./support/browser";

let env: TestEnv;
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite" });
  await createStaff(env, "admin", "admin1", "管理员甲");
  ({ server, browser } = await startConsole(env));
});
afterAll(() => stopConsole(browser, server, env));

test("admin creates a user, then revoking its sessions logs it out", async () => {
  const { context, page } = await loginAs(browser, server.baseUrl, "admin1");
  await page.goto("/console/users");
  await page.getByLabel("用户名").fill("clerk-new");
  await page.getByLabel("姓名").fill("新同事");
  await page.getByLabel(/^初始密码/).fill(PASSWORD);
  await page.getByLabel("角色", { exact: true }).selectOption("clerk");
  await page.getByRole("button", { name: "创建" }).click();
  await page.getByRole("status").filter({ hasText: "已创建用户 clerk-new" }).waitFor();
  const row = page.getByRole("row").filter({ hasText: "clerk-new" });
  await expect(row.getByRole("cell", { name: "经办人", exact: true }).count()).resolves.toBe(1);

  const clerk = await loginAs(browser, server.baseUrl, "clerk-new");
  expect(clerk.page.url()).toContain("/console");

  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: "注销全部会话" }).click();
  await page.getByRole("status").filter({ hasText: "已注销 1 个会话" }).waitFor();

  await clerk.page.goto("/console/users");
  expect(new URL(clerk.page.url()).pathname).toBe("/console/login");
  await clerk.context.close();
  await context.close();

  const staff = env.services.staff;
  const agency = await agencyByCode(env.ctx);
  expect((await staff.listUsers(agency.id)).find((u) => u.username === "clerk-new")?.role).toBe("clerk");
});

test("admin disables a user: its open page goes to the login, and its password no longer logs in", async () => {
  await createStaff(env, "clerk", "clerk-leaving", "离职同事");
  const { context, page } = await loginAs(browser, server.baseUrl, "admin1");
  const clerk = await loginAs(browser, server.baseUrl, "clerk-leaving");
  await page.goto("/console/users");
  const row = page.getByRole("row").filter({ hasText: "clerk-leaving" });
  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: "停用" }).click();
  await page.getByRole("status").filter({ hasText: "已停用 clerk-leaving" }).waitFor();
  await expect(row.getByRole("cell", { name: "已停用", exact: true }).count()).resolves.toBe(1);

  await clerk.page.goto("/console");
  expect(new URL(clerk.page.url()).pathname).toBe("/console/login");
  await clerk.page.getByLabel("用户名").fill("clerk-leaving");
  await clerk.page.getByLabel("密码", { exact: true }).fill(PASSWORD);
  await clerk.page.getByRole("button", { name: "登录" }).click();
  await clerk.page.getByRole("alert").filter({ hasText: "用户名或密码错误" }).waitFor();
  await clerk.context.close();
  await context.close();
});

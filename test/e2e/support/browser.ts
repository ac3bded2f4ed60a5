// Browser test support: the app on 127.0.0.1 (port 0) and Chromium (see ./chromium.ts) driven by playwright-core.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import type { TestEnv } from "../../helpers/test-context";
import { resolveChromium } from "./chromium";

export const PASSWORD = "correct-horse-battery";
export const ARTIFACTS = path.resolve(__dirname, "../../artifacts");
export const DOC_SCREENSHOTS = path.resolve(__dirname, "../../../docs/screenshots");

export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args, env } = resolveChromium();
  return chromium.launch({ executablePath, args, env });
}

export async function listen(env: TestEnv): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer(env.server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function createStaff(env: TestEnv, role: "clerk" | "approver" | "admin", username: string, displayName?: string): Promise<void> {
  await env.services.staff.createUser({ username, password: PASSWORD, role, displayName });
}

/** A fresh browser context (its own cookies) logged in through the console's login form. */
export async function loginAs(browser: Browser, baseUrl: string, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 768 }, locale: "zh-CN", acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto("/console/login");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/console/login"));
  return { context, page };
}

/** Saves a full-page screenshot under test/artifacts/ and (unless docs: false) refreshes the README copy in docs/screenshots/ when it differs. */
export async function screenshot(page: Page, name: string, opts: { docs?: boolean; mask?: Locator[] } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // Random values (query codes) are masked, so an unchanged page still gives the same image.
  await page.screenshot({ path: file, fullPage: true, mask: opts.mask });
  if (opts.docs === false) return file;
  fs.mkdirSync(DOC_SCREENSHOTS, { recursive: true });
  // Written only when the image changed, so a run over an unchanged page leaves the git tree untouched.
  const doc = path.join(DOC_SCREENSHOTS, `${name}.png`);
  const shot = fs.readFileSync(file);
  if (!fs.existsSync(doc) || !fs.readFileSync(doc).equals(shot)) fs.writeFileSync(doc, shot);
  return file;
}

/** The app on a local port and a fresh browser, for one test file. */
export async function startConsole(env: TestEnv): Promise<{ server: Awaited<ReturnType<typeof listen>>; browser: Browser }> {
  const server = await listen(env);
  const browser = await launchBrowser();
  return { server, browser };
}

/** Closes what startConsole and createTestEnv opened (each part may be missing when setup failed). */
export async function stopConsole(browser?: Browser, server?: { close(): Promise<void> }, env?: TestEnv): Promise<void> {
  await browser?.close();
  await server?.close();
  await env?.close();
}

// The browser tests need nothing beyond npm ci: the Chromium they drive is found by test/e2e/support/chromium.ts.
import fs from "node:fs";
import { launchBrowser } from "./support/browser";
import { resolveChromium } from "./support/chromium";

test("a Chromium is found without apt, launches and renders Chinese text", async () => {
  const launch = resolveChromium();
  expect(fs.existsSync(launch.executablePath)).toBe(true);
  // Without CHROMIUM_PATH and with no system browser, it is the one npm ci unpacked from @sparticuz/chromium.
  if (!process.env.CHROMIUM_PATH && launch.source !== "system") expect(launch.source).toBe("@sparticuz/chromium");
  expect(fs.readFileSync(launch.env.FONTCONFIG_FILE, "utf8")).toContain("fonts-sc");
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setContent(`<html lang="zh-CN"><body><h1 id="t">政府信息公开</h1></body></html>`);
    expect(await page.locator("#t").innerText()).toBe("政府信息公开");
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  } finally {
    await browser.close();
  }
});

// The HTML report printed to PDF by Chromium (what "print to PDF" in a browser gives): A4 pages, table 三 on
// exactly one landscape page in both formats (its header is not orphaned, no row split pushes it over), and
// the rest in portrait.
import type { Browser } from "playwright-core";
import { renderReport } from "../../src/modules/reports/render";
import { sampleReport } from "../helpers/sample-report";
import { launchBrowser } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Page sizes of a PDF in points, read from the page objects' MediaBox entries (Chromium writes them plainly). */
function pageSizes(pdf: Buffer): Array<[number, number]> {
  return [...pdf.toString("latin1").matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
}
const A4_PORTRAIT: [number, number] = [595, 842];
const A4_LANDSCAPE: [number, number] = [842, 595];

test.each(["2019", "2021"] as const)("%s format: A4 throughout, table 三 on one landscape page between portrait pages", async (format) => {
  const html = (await renderReport(sampleReport(format, { failing: true }), "html", { draft: true })).body as string;
  const page = await browser.newPage();
  try {
    await page.setContent(html);
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const sizes = pageSizes(pdf);
    // Failed checks, title, the long narrative and table 二 on three portrait pages; table 三 alone on one
    // landscape page (a split would add a second); 四, 五 and 六 together on the last portrait page.
    expect(sizes).toEqual([A4_PORTRAIT, A4_PORTRAIT, A4_PORTRAIT, A4_LANDSCAPE, A4_PORTRAIT]);
  } finally {
    await page.close();
  }
});

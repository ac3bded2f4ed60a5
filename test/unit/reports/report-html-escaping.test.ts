// The report's HTML rendering goes through the one HTML templating (http/html.ts): narrative paragraphs, the
// status line and the agency's name in the title come out escaped, empty parts leave no blank line.
import { renderHtml } from "../../../src/modules/reports/render-text";
import { sampleReport } from "../../helpers/sample-report";

const PAYLOAD = `</p><script>alert("x")</script>`;
const ESCAPED = "&lt;/p&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";

test("narrative text, the status line and the agency name are escaped, never raw markup", () => {
  const r = sampleReport("2021");
  r.agency = { ...r.agency, name: `机关${PAYLOAD}` };
  r.sections = { ...r.sections, s5: PAYLOAD };
  const out = renderHtml(r, { status: PAYLOAD });
  expect(out).not.toContain("<script>");
  expect(out).toContain(`<p>${ESCAPED}</p>`);
  expect(out).toContain(`<p class="status">${ESCAPED}</p>`);
  expect(out).toContain(`<title>机关${ESCAPED}`);
});

test("an empty preamble adds no empty paragraph or blank line", () => {
  const out = renderHtml(sampleReport("2021"));
  expect(out).not.toContain("\n\n");
  expect(out).not.toContain("<p></p>");
  expect(out.startsWith("<!DOCTYPE html>\n<html")).toBe(true);
  expect(out.endsWith("</body></html>\n")).toBe(true);
});

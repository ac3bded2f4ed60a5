// The one HTML templating (http/html.ts, console, portal and report HTML): interpolated values are escaped (text and attributes), trusted fragments pass
// through, arrays join, and query strings skip empty values.
import { escapeHtml, html, options, qs, raw } from "../../src/http/html";

test("interpolations are escaped, fragments are not", () => {
  const evil = `"><script>alert('x')</script>`;
  const out = html`<input value="${evil}"><p>${evil}</p>${html`<b>${"a&b"}</b>`}`.value;
  expect(out).toBe(
    `<input value="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"><p>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p><b>a&amp;b</b>`,
  );
  expect(html`${raw("<i>ok</i>")}`.value).toBe("<i>ok</i>");
  expect(escapeHtml("`")).toBe("&#96;");
});

test("null, undefined and false render nothing; numbers and arrays render", () => {
  expect(html`[${null}${undefined}${false}${0}${[1, "<", html`<br>`]}]`.value).toBe("[01&lt;<br>]");
});

test("options mark the current value and escape labels", () => {
  expect(
    options(
      [
        ["a", "甲"],
        ["b", "<乙>"],
      ],
      "b",
    ).value,
  ).toBe('<option value="a">甲</option><option value="b" selected>&lt;乙&gt;</option>');
});

test("qs skips empty values and encodes the rest", () => {
  expect(qs({ q: "张 三", status: "", page: 2, x: undefined })).toBe("?q=%E5%BC%A0+%E4%B8%89&page=2");
  expect(qs({})).toBe("");
});

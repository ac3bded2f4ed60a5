// The report documents as filed: each produced file opened with its library (DOCX XML through jszip, XLSX
// through exceljs and its XML) and checked for what makes it fileable — A4 page setup and margins, column
// widths that follow the content, repeated header rows, rows that never split, row heights that fit the
// wrapped labels — and for the 草稿 mark and the failed checks on anything that is not a published version.
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { columnWidths, textEm } from "../../../src/modules/reports/column-widths";
import { DRAFT_HEADER } from "../../../src/modules/reports/draft-notice";
import { getFormat } from "../../../src/modules/reports/formats";
import { applicationGrid } from "../../../src/modules/reports/layout";
import { renderReport } from "../../../src/modules/reports/render";
import { A4, LANDSCAPE_MARGINS, PORTRAIT_MARGINS } from "../../../src/modules/reports/render-docx";
import { linesIn, PAPER_A4 } from "../../../src/modules/reports/render-xlsx";
import { emptyTable } from "../../../src/modules/reports/statistics";
import { FAILED_DETAIL, sampleReport } from "../../helpers/sample-report";

const all = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => m[0]);
const attr = (xml: string, name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(xml)![1]);

async function docx(format: "2019" | "2021", opts: { draft?: boolean; failing?: boolean } = {}) {
  const out = await renderReport(sampleReport(format, { failing: opts.failing }), "docx", { draft: opts.draft });
  const zip = await JSZip.loadAsync(out.body as Buffer);
  const read = (name: string) => zip.file(name)!.async("string");
  const headers = await Promise.all(
    Object.keys(zip.files)
      .filter((n) => /^word\/header\d+\.xml$/.test(n))
      .map(read),
  );
  return { doc: await read("word/document.xml"), headers };
}

async function xlsx(format: "2019" | "2021", opts: { draft?: boolean; failing?: boolean } = {}) {
  const out = await renderReport(sampleReport(format, { failing: opts.failing }), "xlsx", { draft: opts.draft });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(out.body as unknown as ArrayBuffer);
  const zip = await JSZip.loadAsync(out.body as Buffer);
  return { wb, zip };
}

describe("column widths", () => {
  it.each(["2019", "2021"] as const)("table 三 (%s): the seven number columns equal and narrow, the label column as wide as the room allows", (f) => {
    const g = applicationGrid(getFormat(f), emptyTable(getFormat(f)));
    const w = columnWidths(g, { total: 14000, em: 210, padding: 144 });
    expect(w.reduce((a, b) => a + b, 0)).toBe(14000);
    const numbers = w.slice(3);
    expect(new Set(numbers).size).toBe(1);
    // 社会公益组织 on two lines, 商业企业 on one.
    expect(numbers[0]).toBeGreaterThanOrEqual(4 * 210 + 144);
    expect(w[2]).toBeGreaterThan(4 * numbers[0]);
    // Every 2019 label of the third column fits on one line.
    if (f === "2019") expect(w[2]).toBeGreaterThanOrEqual(textEm("5.要求行政机关确认或重新出具已获取信息") * 210 + 144);
  });
});

describe("DOCX", () => {
  it("A4 in the GB/T 9704 margins, table 三 alone in a landscape section", async () => {
    const { doc } = await docx("2019");
    const sections = all(/<w:sectPr>.*?<\/w:sectPr>/g, doc);
    expect(sections).toHaveLength(3);
    const [p1, land, p2] = sections;
    for (const s of [p1, p2]) {
      expect(s).toContain(`<w:pgSz w:w="${A4.width}" w:h="${A4.height}" w:orient="portrait"/>`);
      expect(attr(s, "w:top")).toBe(PORTRAIT_MARGINS.top);
      expect(attr(s, "w:left")).toBe(PORTRAIT_MARGINS.left);
      // 版心 156 mm wide, 225 mm high (± rounding).
      expect(Math.abs(A4.width - attr(s, "w:left") - attr(s, "w:right") - 8844)).toBeLessThanOrEqual(2);
      expect(Math.abs(A4.height - attr(s, "w:top") - attr(s, "w:bottom") - 12756)).toBeLessThanOrEqual(2);
    }
    expect(land).toContain(`<w:pgSz w:w="${A4.height}" w:h="${A4.width}" w:orient="landscape"/>`);
    expect(attr(land, "w:left")).toBe(LANDSCAPE_MARGINS.left);
    // Table 三 is the only table between the end of the first section and the end of the landscape one.
    const landscapeBody = doc.slice(doc.indexOf(p1) + p1.length, doc.indexOf(land));
    expect(all(/<w:tbl>/g, landscapeBody)).toHaveLength(1);
    expect(landscapeBody).toContain("三、收到和处理政府信息公开申请情况");
  });

  it("table 三: fixed widths that follow the content, the header rows repeated, no row split", async () => {
    for (const f of ["2019", "2021"] as const) {
      const { doc } = await docx(f);
      const tables = all(/<w:tbl>.*?<\/w:tbl>/g, doc);
      expect(tables).toHaveLength(3);
      const t3 = tables[1];
      expect(t3).toContain('<w:tblLayout w:type="fixed"/>');
      const grid = all(/<w:gridCol w:w="\d+"\/>/g, t3).map((c) => attr(c, "w:w"));
      expect(grid).toHaveLength(10);
      expect(grid.reduce((a, b) => a + b, 0)).toBe(A4.height - LANDSCAPE_MARGINS.left - LANDSCAPE_MARGINS.right);
      expect(new Set(grid.slice(3)).size).toBe(1);
      expect(grid[2]).toBeGreaterThan(4 * grid[3]);
      const rows = all(/<w:tr>.*?<\/w:tr>/g, t3);
      expect(rows).toHaveLength(f === "2019" ? 26 : 28);
      expect(rows.every((r) => r.includes("<w:cantSplit/>"))).toBe(true);
      expect(rows.map((r) => r.includes("<w:tblHeader/>"))).toEqual(rows.map((_, i) => i < 3));
      // Every table repeats its header and never splits a row.
      for (const t of tables) expect(all(/<w:tr>/g, t).length).toBe(all(/<w:cantSplit\/>/g, t).length);
    }
  });

  it("black text in named fonts: 小标宋 title at 二号, 黑体 headings, 仿宋 body at 三号 with a two-character indent", async () => {
    const { doc } = await docx("2019");
    expect(doc).not.toMatch(/w:pStyle w:val="(Heading|Title)/);
    const colors = new Set(all(/<w:color w:val="[^"]+"\/>/g, doc));
    expect([...colors]).toEqual(['<w:color w:val="000000"/>']);
    const title = /<w:p>(?:(?!<w:p>).)*?张店区融媒体中心2019年政府信息公开工作年度报告.*?<\/w:p>/.exec(doc)![0];
    expect(title).toContain('w:eastAsia="方正小标宋简体"');
    expect(title).toContain('<w:sz w:val="44"/>');
    expect(title).toContain('<w:jc w:val="center"/>');
    const heading = /<w:p>(?:(?!<w:p>).)*?一、总体情况.*?<\/w:p>/.exec(doc)![0];
    expect(heading).toContain('w:eastAsia="黑体"');
    expect(heading).toContain("<w:keepNext/>");
    const body = /<w:p>(?:(?!<w:p>).)*?持续推进政务公开标准化.*?<\/w:p>/.exec(doc)![0];
    expect(body).toContain('w:eastAsia="仿宋"');
    expect(body).toContain('<w:sz w:val="32"/>');
    expect(body).toMatch(/<w:ind [^>]*w:firstLineChars="200"/);
    // Fonts are named, not embedded.
    const zip = await JSZip.loadAsync((await renderReport(sampleReport("2019"), "docx")).body as Buffer);
    expect(Object.keys(zip.files).filter((n) => n.startsWith("word/fonts/"))).toEqual([]);
  });

  it("a draft carries 草稿 in the page header and at the top, and lists the failed checks before the title", async () => {
    const { doc, headers } = await docx("2021", { draft: true, failing: true });
    expect(headers.length).toBeGreaterThan(0);
    for (const h of headers) expect(h).toContain(DRAFT_HEADER);
    const text = all(/<w:t[^>]*>[^<]*<\/w:t>/g, doc).map((t) => t.replace(/<[^>]+>/g, ""));
    expect(text[0]).toBe("草稿");
    expect(text[1]).toBe("校验未通过（1项），本稿不能发布：");
    expect(text[2]).toBe(`1. stated.balance：${FAILED_DETAIL}`);
    expect(text[3]).toBe("张店区融媒体中心2021年政府信息公开工作年度报告");
  });

  it("a published version with passing checks has no mark at all", async () => {
    const { doc, headers } = await docx("2019");
    expect(doc).not.toContain("草稿");
    expect(doc).not.toContain("校验未通过");
    for (const h of headers) expect(h).not.toContain("草稿");
  });
});

describe("XLSX", () => {
  it("the narrative first, then one sheet per table, each on A4 fit to one page wide with the switch on", async () => {
    const { wb, zip } = await xlsx("2021");
    expect(wb.worksheets.map((w) => w.name)).toEqual(["正文", "二、主动公开", "三、申请情况", "四、复议诉讼", "校验"]);
    for (const ws of wb.worksheets) {
      expect(ws.pageSetup).toMatchObject({ paperSize: PAPER_A4, fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    }
    expect(wb.getWorksheet("三、申请情况")!.pageSetup.orientation).toBe("landscape");
    expect(wb.getWorksheet("正文")!.pageSetup.orientation).toBe("portrait");
    // The switch itself, as Excel and LibreOffice read it.
    const sheets = Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    expect(sheets).toHaveLength(5);
    for (const n of sheets) {
      const xml = await zip.file(n)!.async("string");
      expect(xml).toContain('<pageSetUpPr fitToPage="1"/>');
      expect(xml).toMatch(/<pageSetup [^>]*paperSize="9"[^>]*fitToWidth="1" fitToHeight="0"/);
    }
    expect(wb.getWorksheet("正文")!.getCell("A2").value).toBe("一、总体情况");
  });

  it("table 三: header rows repeated when printed, panes frozen at the numbers, equal number columns", async () => {
    const { wb, zip } = await xlsx("2021");
    const ws = wb.getWorksheet("三、申请情况")!;
    expect(ws.pageSetup.printTitlesRow).toBe("1:4");
    const workbookXml = await zip.file("xl/workbook.xml")!.async("string");
    expect(workbookXml).toContain('<definedName name="_xlnm.Print_Titles" localSheetId="2">&apos;三、申请情况&apos;!$1:$4</definedName>');
    expect(ws.views[0]).toMatchObject({ state: "frozen", xSplit: 3, ySplit: 4 });
    const widths = Array.from({ length: 10 }, (_, i) => ws.getColumn(i + 1).width!);
    expect(new Set(widths.slice(3)).size).toBe(1);
    expect(widths[2]).toBeGreaterThan(2 * widths[3]);
    expect(wb.getWorksheet("四、复议诉讼")!.views[0]).toMatchObject({ state: "frozen", xSplit: 0, ySplit: 4 });
  });

  it("row heights fit the wrapped labels: the three 2021 （六） rows, （二）, the header", async () => {
    const { wb } = await xlsx("2021");
    const ws = wb.getWorksheet("三、申请情况")!;
    const rowOf = (label: string) => {
      let found = 0;
      ws.eachRow((row, n) => row.eachCell((c) => void (c.value === label && !found && (found = n))));
      return found;
    };
    const one = rowOf("1.属于国家秘密");
    const lapsed = rowOf("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
    const unpaid = rowOf("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请");
    expect(one).toBeGreaterThan(0);
    expect(lapsed).toBeGreaterThan(one);
    const h = (n: number) => ws.getRow(n).height;
    // A one-line row, and rows whose label wraps: at least one more line each (15 pt a line).
    expect(h(one)).toBe(19);
    expect(h(lapsed)).toBeGreaterThanOrEqual(h(one) + 15);
    expect(h(unpaid)).toBeGreaterThanOrEqual(h(one) + 15);
    // （二）spans the two label columns; it gets the lines its label needs at their combined width.
    const partial = rowOf("（二）部分公开（区分处理的，只计这一情形，不计其他情形）");
    const spanWidth = ws.getColumn(2).width! + ws.getColumn(3).width!;
    expect(h(partial)).toBeGreaterThanOrEqual(linesIn("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", spanWidth) * 15);
    // The header row under 法人或其他组织 holds 社会公益组织 / 法律服务机构 on two lines.
    expect(h(4)).toBeGreaterThanOrEqual(34);
    // Every row has an explicit height (none left at the default that lets labels overlap).
    ws.eachRow((row) => expect(row.height).toBeGreaterThan(0));
  });

  it("a draft: 草稿 in every sheet's print header and table titles, the failed checks at the top of 正文", async () => {
    const { wb } = await xlsx("2019", { draft: true, failing: true });
    for (const ws of wb.worksheets) expect(ws.headerFooter.oddHeader).toContain(DRAFT_HEADER);
    expect(wb.getWorksheet("三、申请情况")!.getCell("A1").value).toBe("三、收到和处理政府信息公开申请情况（草稿）");
    const n = wb.getWorksheet("正文")!;
    expect([1, 2, 3, 4].map((r) => n.getCell(`A${r}`).value)).toEqual([
      "草稿",
      "校验未通过（1项），本稿不能发布：",
      `　　1. stated.balance：${FAILED_DETAIL}`,
      "张店区融媒体中心2019年政府信息公开工作年度报告",
    ]);
    const published = (await xlsx("2019")).wb;
    for (const ws of published.worksheets) expect(ws.headerFooter.oddHeader ?? "").not.toContain("草稿");
    expect(published.getWorksheet("三、申请情况")!.getCell("A1").value).toBe("三、收到和处理政府信息公开申请情况");
  });
});

describe("HTML and Markdown", () => {
  it("HTML prints on A4: @page, table 三 on a landscape page, header rows in <thead>, no row split", async () => {
    const html = (await renderReport(sampleReport("2021"), "html")).body as string;
    expect(html).toContain("@page{size:A4;");
    expect(html).toContain("@page landscape{size:A4 landscape;");
    expect(html).toMatch(/<section class="landscape">\n<h2>三、收到和处理政府信息公开申请情况<\/h2>\n<table class="applications">/);
    expect(html).toContain("tr{break-inside:avoid}thead{display:table-header-group}");
    const t3 = /<table class="applications">[\s\S]*?<\/table>/.exec(html)![0];
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(t3)![1];
    expect(all(/<tr>/g, head)).toHaveLength(3);
    expect(all(/<col style="width:[\d.]+%">/g, t3)).toHaveLength(10);
    expect(html).not.toContain("草稿");
  });

  it("a draft in HTML and Markdown: the mark and the failed checks before the title", async () => {
    const r = sampleReport("2019", { failing: true });
    const html = (await renderReport(r, "html", { draft: true })).body as string;
    expect(html).toContain("<title>（草稿）张店区融媒体中心2019年政府信息公开工作年度报告</title>");
    expect(html).toContain(`@page{@top-right{content:"${DRAFT_HEADER}"`);
    const mark = html.indexOf(`<div class="draft-mark">${DRAFT_HEADER}</div>`);
    const checks = html.indexOf(`<li>stated.balance：${FAILED_DETAIL}</li>`);
    expect(mark).toBeGreaterThan(0);
    expect(checks).toBeGreaterThan(mark);
    expect(html.indexOf("<h1>")).toBeGreaterThan(checks);
    const md = (await renderReport(r, "md", { draft: true })).body as string;
    expect(md.split("\n").slice(0, 5)).toEqual([
      `> **${DRAFT_HEADER}**`,
      "",
      "> **校验未通过（1项），本稿不能发布：**",
      ">",
      `> 1. stated.balance：${FAILED_DETAIL}`,
    ]);
    expect(md).toContain("# 张店区融媒体中心2019年政府信息公开工作年度报告（草稿）");
  });
});

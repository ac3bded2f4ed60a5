// The seed agency's 2019 report (loaded at first start as published version 1) renders in HTML, DOCX,
// Markdown and XLSX with the seed's narrative and the official tables: exact labels (the seed's corrupted
// “2.就法制行政禁止公开” printed as the official label), merged cells, zeros printed as 0.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import request from "supertest";
import { prepare } from "../../../src/bootstrap";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { cli } from "./helpers";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres" });
});
afterAll(async () => {
  await env.close();
});

const NARRATIVE = ["2019年1月，张店区融媒体中心正式成立", "爱张店APP等新媒体", "三是公开的及时性、便民性还需要进一步提高"];

describe("the seed 2019 report", () => {
  it("is published once, however often the server starts", async () => {
    await prepare(env.app);
    const rows = await env.ctx.db.query(`SELECT year, version, source, format_id FROM report_publications`);
    expect(rows).toEqual([{ year: 2019, version: 1, source: "seed", format_id: "2019" }]);
  });

  it("JSON: the contract with every data row of the 2019 format, zeros, and passing checks", async () => {
    const r = (await request(env.server).get("/api/reports/2019").expect(200)).body;
    expect(r.agency).toEqual({ code: "zdrmt", name: "张店区融媒体中心" });
    expect(r.format).toBe("2019");
    expect(Object.keys(r.applications.rows)).toHaveLength(23);
    expect(Object.values(r.applications.rows).every((v) => JSON.stringify(v) === "[0,0,0,0,0,0,0]")).toBe(true);
    expect(r.sections.s6).toBe("无。");
    expect(r.sections.s1).toContain(NARRATIVE[0]);
    expect(r.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(r.activeDisclosure.art20_9.central_procurement).toEqual({ purchase_items: null, purchase_amount: null });
  });

  it("HTML: official labels and merged cells", async () => {
    const res = await request(env.server).get("/api/reports/2019?format=html").expect(200);
    expect(res.headers["content-type"]).toContain("text/html");
    const html = res.text;
    expect(html).toContain("<h1>张店区融媒体中心2019年政府信息公开工作年度报告</h1>");
    for (const t of NARRATIVE) expect(html).toContain(t);
    for (const h of [
      "一、总体情况",
      "二、主动公开政府信息情况",
      "三、收到和处理政府信息公开申请情况",
      "四、政府信息公开行政复议、行政诉讼情况",
      "五、存在的主要问题及改进情况",
      "六、其他需要报告的事项",
    ])
      expect(html).toContain(`<h2>${h}</h2>`);
    expect(html).toContain("2.其他法律行政法规禁止公开");
    expect(html).not.toContain("就法制");
    expect(html).toContain('<th rowspan="3" colspan="3" class="header">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>');
    expect(html).toContain('<th colspan="7" class="header">申请人情况</th>');
    expect(html).toContain('<th colspan="5" class="header">法人或其他组织</th>');
    expect(html).toContain('<td rowspan="20" class="label">三、本年度办理结果</td>');
    expect(html).toContain('<td rowspan="8" class="label">（三）不予公开</td>');
    expect(html).toContain('<td colspan="2" class="label">（六）其他处理</td>');
    expect(html).toContain('<td colspan="3" class="label">四、结转下年度继续办理</td>');
    expect(html).toContain('<th colspan="10" class="header">行政诉讼</th>');
    expect(html).toContain('<th colspan="4" class="caption">第二十条第（九）项</th>');
    expect(html).toContain("3.危及“三安全一稳定”");
  });

  it("DOCX: the document with merged table cells (vMerge / gridSpan) and the narrative", async () => {
    const res = await request(env.server)
      .get("/api/reports/2019?format=docx")
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers["content-disposition"]).toContain("zdrmt-2019-annual-report.docx");
    const xml = await (await JSZip.loadAsync(res.body as Buffer)).file("word/document.xml")!.async("string");
    for (const t of NARRATIVE) expect(xml).toContain(t);
    expect(xml).toContain("2.其他法律行政法规禁止公开");
    expect(xml).not.toContain("就法制");
    expect(xml).toContain('<w:gridSpan w:val="7"/>');
    expect(xml).toContain('<w:vMerge w:val="restart"/>');
    expect(xml.match(/<w:tbl>/g)).toHaveLength(3);
  });

  it("Markdown and XLSX through the CLI", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-seed-"));
    try {
      const md = await cli(env, ["report", "--year", "2019", "--format", "md", "--out", path.join(dir, "r.md")]);
      expect(md.out).toEqual([`${path.join(dir, "r.md")}: 张店区融媒体中心 2019 published version 1, format 2019`]);
      const text = fs.readFileSync(path.join(dir, "r.md"), "utf8");
      for (const t of NARRATIVE) expect(text).toContain(t);
      expect(text).toContain("| 　　2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |");
      expect(text).toContain("| 　（六）其他处理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |");
      expect(text).toContain("## 六、其他需要报告的事项\n\n无。");

      await cli(env, ["report", "--year", "2019", "--format", "xlsx", "--out", path.join(dir, "r.xlsx")]);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path.join(dir, "r.xlsx"));
      // The narrative sheet 正文 comes first since issue 12 (one sheet per table plus the narrative).
      expect(wb.worksheets.map((w) => w.name)).toEqual(["正文", "二、主动公开", "三、申请情况", "四、复议诉讼", "校验"]);
      const s3 = wb.getWorksheet("三、申请情况")!;
      expect(s3.getCell("A2").value).toBe("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）");
      expect(s3.getCell("D2").value).toBe("申请人情况");
      expect(s3.getCell("A7").value).toBe("三、本年度办理结果");
      expect(s3.getCell("B9").value).toBe("（三）不予公开"); // merged block starts on its first data row
      expect(s3.getCell("C9").value).toBe("1.属于国家秘密");
      expect(s3.getCell("C10").value).toBe("2.其他法律行政法规禁止公开");
      expect(s3.getCell("D10").value).toBe(0);
      const merges = (s3 as unknown as { model: { merges: string[] } }).model.merges;
      expect(merges).toEqual(expect.arrayContaining(["A2:C4", "D2:J2", "E3:I3", "A7:A26", "B9:B16", "A27:C27"]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

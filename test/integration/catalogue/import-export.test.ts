// import-catalogue / export-catalogue through the real CLI entry, and the staff download: every bad row is
// named and nothing is imported; a clean file imports; re-importing updates by 索引号; exports re-import.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { runCli } from "../../../src/cli";
import { defaultAgency } from "../../../src/infra/agencies";
import { CatalogueEntry } from "../../../src/modules/catalogue/entities";
import { parseCsv, parseXlsx } from "../../../src/modules/catalogue/import-export";
import { createTestEnv, staffToken, type DbKind, type TestEnv } from "../../helpers/test-context";

const fixture = (name: string) => path.join(__dirname, "../../fixtures/catalogue", name);

describe.each<DbKind>(["postgres", "sqlite"])("catalogue import and export on %s", (db) => {
  let env: TestEnv;
  let dir: string;
  beforeAll(async () => {
    env = await createTestEnv({ db });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-cat-"));
  });
  afterAll(async () => {
    await env.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function cli(...argv: string[]) {
    const info: string[] = [];
    const error: string[] = [];
    const code = await runCli(
      argv,
      { info: (l) => info.push(l), error: (l) => error.push(l) },
      { DATABASE_URL: env.config.DATABASE_URL, LOG_LEVEL: "silent", NODE_ENV: "test", YEAR_END_JOB_ENABLED: "false" },
    );
    return { code, info: info.join("\n"), error: error.join("\n") };
  }
  const count = async () => env.ctx.db.getRepository(CatalogueEntry).count();

  it("reports every bad row with its number and reason and imports nothing", async () => {
    const before = await count();
    const r = await cli("import-catalogue", fixture("import-bad.csv"));
    expect(r.code).toBe(1);
    expect(r.error).toContain("nothing was imported");
    expect(r.error).toContain("第3行 信息名称：请填写信息名称");
    expect(r.error).toMatch(/第3行 生成日期：生成日期格式不正确/);
    expect(r.error).toMatch(/第3行 公开方式：公开方式应为/);
    expect(r.error).toMatch(/第5行 索引号：索引号 IMP\/2021-00001 与第2行重复/);
    expect(r.error).toMatch(/第5行 有效性：有效性应为/);
    // Rows 2 and 4 are fine and are not named.
    expect(r.error).not.toMatch(/^\s*第[24]行/m);
    expect(await count()).toBe(before);
  });

  it("imports a clean file, then re-imports it updating by 索引号", async () => {
    const before = await count();
    const r = await cli("import-catalogue", fixture("import-good.csv"), "--agency", "zdrmt");
    expect(r.code).toBe(0);
    expect(r.info).toContain("3 created, 0 updated, 0 unchanged");
    expect(await count()).toBe(before + 3);
    const agency = await defaultAgency(env.ctx);
    const repo = env.ctx.db.getRepository(CatalogueEntry);
    const notice = await repo.findOneByOrFail({ agencyId: agency.id, indexNo: "IMP/2021-00004" });
    expect(notice.docNo).toBe("张司发〔2021〕11号");
    expect(notice.writtenDate).toBe("2021-06-08");
    expect((await repo.findOneByOrFail({ indexNo: "IMP/2021-00003" })).url).toBe("https://example.gov.cn/a.html");

    const again = await cli("import-catalogue", fixture("import-good-v2.csv"));
    expect(again.code).toBe(0);
    expect(again.info).toContain("0 created, 1 updated, 2 unchanged");
    expect(await count()).toBe(before + 3);
    const updated = await repo.findOneByOrFail({ indexNo: "IMP/2021-00001" });
    expect(updated.title).toBe("张店区2021年政务公开工作要点（修订）");
    expect(updated.version).toBe(2);

    // The search index follows the update.
    const s = await request(env.server).get("/api/catalogue").query({ q: "政务公开工作要点 修订" }).expect(200);
    expect(s.body.items[0].indexNo).toBe("IMP/2021-00001");
  });

  it("exports CSV and XLSX with the Chinese headers, and an export re-imports unchanged", async () => {
    const active = await env.ctx.db.getRepository(CatalogueEntry).countBy({ status: "active" });
    const csvFile = path.join(dir, "out.csv");
    const xlsxFile = path.join(dir, "out.xlsx");
    expect((await cli("export-catalogue", "--format", "csv", "--out", csvFile)).code).toBe(0);
    expect((await cli("export-catalogue", "--format", "xlsx", "--out", xlsxFile)).code).toBe(0);
    const csv = fs.readFileSync(csvFile, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split(/\r?\n/)[0]).toBe(
      "\uFEFF索引号,信息名称,发布机构,生成日期,文号,主题分类,组配分类,公开方式,公开时限,公开范围,内容概述,正文或链接,有效性,发布日期,关键词",
    );
    expect(parseCsv(fs.readFileSync(csvFile))).toHaveLength(active);
    const rows = await parseXlsx(fs.readFileSync(xlsxFile));
    expect(rows).toHaveLength(active);
    expect(rows.find((r) => r.values.indexNo === "IMP/2021-00004")?.values).toMatchObject({
      docNo: "张司发〔2021〕11号",
      writtenDate: "2021-06-08",
      title: "关于公布2021年行政执法公示信息的公告",
    });

    const re = await cli("import-catalogue", xlsxFile);
    expect(re.code).toBe(0);
    expect(re.info).toContain(`0 created, 0 updated, ${active} unchanged`);
  });

  it("offers the export as a staff download", async () => {
    const token = await staffToken(env, "clerk");
    const res = await request(env.server)
      .get("/api/staff/catalogue/export")
      .query({ format: "xlsx" })
      .set("Authorization", `Bearer ${token}`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers["content-type"]).toContain("spreadsheetml");
    expect(res.headers["content-disposition"]).toMatch(/attachment; filename="catalogue-zdrmt-\d{4}-\d{2}-\d{2}\.xlsx"/);
    const rows = await parseXlsx(res.body as Buffer);
    expect(rows.length).toBeGreaterThanOrEqual(9);
    const csv = await request(env.server).get("/api/staff/catalogue/export").query({ format: "csv" }).set("Authorization", `Bearer ${token}`).expect(200);
    expect(csv.text).toContain("区融媒体中心政府信息公开指南");
    await request(env.server).get("/api/staff/catalogue/export").query({ format: "pdf" }).set("Authorization", `Bearer ${token}`).expect(400);
    await request(env.server).get("/api/staff/catalogue/export").expect(401);
  });
});

describe("catalogue upload through the staff API", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ db: "sqlite" });
  });
  afterAll(() => env.close());

  it("imports an uploaded CSV or XLSX all-or-nothing, approvers only", async () => {
    const approver = await staffToken(env, "approver");
    const clerk = await staffToken(env, "clerk");
    const before = await env.ctx.db.getRepository(CatalogueEntry).count();
    const bad = await request(env.server)
      .post("/api/staff/catalogue/import")
      .set("Authorization", `Bearer ${approver}`)
      .set("Content-Type", "text/csv")
      .send(fs.readFileSync(fixture("import-bad.csv")))
      .expect(400);
    expect(bad.body.error.code).toBe("CATALOGUE.IMPORT_INVALID");
    expect(new Set(bad.body.error.details.map((d: { row: number }) => d.row))).toEqual(new Set([3, 5]));
    expect(await env.ctx.db.getRepository(CatalogueEntry).count()).toBe(before);

    await request(env.server).post("/api/staff/catalogue/import").set("Authorization", `Bearer ${clerk}`).set("Content-Type", "text/csv").send("x").expect(403);

    const ok = await request(env.server)
      .post("/api/staff/catalogue/import")
      .set("Authorization", `Bearer ${approver}`)
      .set("Content-Type", "text/csv")
      .send(fs.readFileSync(fixture("import-good.csv")))
      .expect(200);
    expect(ok.body).toEqual({ rows: 3, created: 3, updated: 0, unchanged: 0 });

    const { toXlsx } = await import("../../../src/modules/catalogue/import-export");
    const entries = await env.ctx.db.getRepository(CatalogueEntry).find();
    const xlsx = await toXlsx(entries);
    const again = await request(env.server)
      .post("/api/staff/catalogue/import?format=xlsx")
      .set("Authorization", `Bearer ${approver}`)
      .set("Content-Type", "application/octet-stream")
      .send(xlsx)
      .expect(200);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: entries.length });
  });
});

// Search relevance on a fixed set (test/fixtures/catalogue/search-set.csv) with expected top results, every
// 文号 notation, filters, highlights, paging and guide sections — the same answers on both databases.
import request from "supertest";
import { defaultAgency } from "../../../src/infra/agencies";
import type { CatalogueFacade } from "../../../src/modules/catalogue/facade";
import { readCatalogueFile } from "../../../src/modules/catalogue/import-export";
import { analyzeQuery } from "../../../src/modules/catalogue/segmenter";
import { createTestEnv, type DbKind, type TestEnv } from "../../helpers/test-context";
import path from "node:path";

const CASES: Array<[string, string]> = [
  ["2019 政务公开 工作要点", "TEST/2019-00001"],
  ["2020年政务公开工作要点", "TEST/2020-00001"],
  ["安全生产实施方案", "TEST/2019-00002"],
  ["低保标准", "TEST/2019-00003"],
  ["最低生活保障", "TEST/2019-00003"],
  ["融媒体中心 预算", "TEST/2020-00002"],
  ["三公经费", "TEST/2020-00002"],
  ["大气污染防治", "TEST/2018-00001"],
  ["义务教育招生", "TEST/2019-00004"],
  ["小学招生范围", "TEST/2019-00004"],
  ["依申请公开 办理规范", "TEST/2019-00005"],
  ["2019年政府信息公开工作年度报告", "ZDRMT/2019-00001"],
  ["爱张店", "ZDRMT/2019-00006"],
  ["机构概况", "ZDRMT/2019-00004"],
];

const DOC_NOTATIONS = [
  "张政办发〔2019〕12号",
  "张政办发[2019]12号",
  "张政办发(2019)12号",
  "张政办发（2019）12号",
  "张政办发201912号",
  "请问张政办发[2019]12号文件在哪里看",
];

describe.each<DbKind>(["postgres", "sqlite"])("catalogue search on %s", (db) => {
  let env: TestEnv;
  let svc: CatalogueFacade;
  let agencyId: string;
  beforeAll(async () => {
    env = await createTestEnv({ db });
    svc = env.services.catalogue;
    agencyId = (await defaultAgency(env.ctx)).id;
    await svc.entries.importRows(agencyId, await readCatalogueFile(path.join(__dirname, "../../fixtures/catalogue/search-set.csv")), {
      type: "system",
      id: "test",
    });
  });
  afterAll(() => env.close());

  it("keeps its tokens in the database's own full-text index", async () => {
    if (db === "postgres") {
      const [ix] = await env.ctx.db.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_catalogue_search' AND schemaname = current_schema()`);
      expect(ix.indexdef).toMatch(/USING gin \(search_vector\)/);
      const [row] = await env.ctx.db.query(`SELECT search_vector::text AS v FROM catalogue_entries WHERE index_no = 'TEST/2019-00003'`);
      expect(row.v).toMatch(/'城乡居民':\d+A/);
      expect(row.v).toMatch(/'低保':\d+B/);
    } else {
      const [t] = await env.ctx.db.query(`SELECT sql FROM sqlite_master WHERE name = 'catalogue_fts'`);
      expect(t.sql).toMatch(/fts5/i);
      const [fts] = await env.ctx.db.query(`SELECT count(*) AS n FROM catalogue_fts`);
      const [entries] = await env.ctx.db.query(`SELECT count(*) AS n FROM catalogue_entries`);
      expect(Number(fts.n)).toBe(Number(entries.n));
    }
  });

  it.each(CASES)("ranks the expected entry first for “%s”", async (q, expected) => {
    const r = await svc.search(agencyId, { q });
    expect(r.items[0]?.indexNo).toBe(expected);
  });

  it.each(DOC_NOTATIONS)("finds 张政办发〔2019〕12号 typed as “%s”", async (q) => {
    const r = await svc.search(agencyId, { q });
    expect(r.items[0].indexNo).toBe("TEST/2019-00001");
    expect(r.items[0].docNo).toBe("张政办发〔2019〕12号");
    expect(r.items[0].highlight).toContain("政务公开工作要点");
  });

  it("answers a bare document number with that document only, and does not confuse similar numbers", async () => {
    const r = await svc.search(agencyId, { q: "张政办发[2019]12号" });
    expect(r.total).toBe(1);
    const other = await svc.search(agencyId, { q: "张政办发〔2019〕120号" });
    expect(other.items.map((i) => i.indexNo)).not.toContain("TEST/2019-00001");
    const year = await svc.search(agencyId, { q: "张政办发〔2020〕8号" });
    expect(year.items[0].indexNo).toBe("TEST/2020-00001");
  });

  it("filters by category and year", async () => {
    const all = await svc.search(agencyId, { q: "政务公开工作要点" });
    expect(
      all.items
        .map((i) => i.indexNo)
        .slice(0, 2)
        .sort(),
    ).toEqual(["TEST/2019-00001", "TEST/2020-00001"]);
    const y2020 = await svc.search(agencyId, { q: "政务公开工作要点", year: 2020 });
    expect(y2020.items.map((i) => i.indexNo)).toEqual(["TEST/2020-00001"]);
    const edu = await svc.search(agencyId, { q: "招生", category: "教育" });
    expect(edu.items.map((i) => i.indexNo)).toEqual(["TEST/2019-00004"]);
    const none = await svc.search(agencyId, { q: "招生", category: "财政、金融、审计" });
    expect(none.total).toBe(0);
    const byAgencyCategory = await svc.search(agencyId, { category: "工作要点" });
    expect(byAgencyCategory.items.map((i) => i.indexNo).sort()).toEqual(["TEST/2019-00001", "TEST/2020-00001"]);
  });

  it("highlights the matched words and escapes the rest", async () => {
    const r = await svc.search(agencyId, { q: "大气污染防治" });
    expect(r.items[0].highlight).toBe("张店区2018年<mark>大气污染防治</mark>工作方案");
    expect(r.items[0].url).toBe("/catalogue/item?indexNo=TEST%2F2018-00001");
  });

  it("finds the guide's application section for “怎么申请” and the fee section for “要收费吗”", async () => {
    const r = await svc.search(agencyId, { q: "怎么申请" });
    expect(r.guideSections[0]).toMatchObject({ key: "application", title: "依申请公开：申请方式" });
    expect(r.guideSections[0].snippet.length).toBeGreaterThan(10);
    expect((await svc.search(agencyId, { q: "要收费吗" })).guideSections[0].key).toBe("fees");
    expect((await svc.search(agencyId, { q: "申请以后多久答复" })).guideSections[0].key).toBe("process");
    expect((await svc.search(agencyId, { q: "联系电话" })).guideSections[0].key).toBe("office");
    expect((await svc.search(agencyId, { q: "不服可以复议吗" })).guideSections[0].key).toBe("remedies");
    expect((await svc.search(agencyId, { q: "三公经费" })).guideSections).toEqual([]);
  });

  it("falls back to the best partial matches when no entry holds every word", async () => {
    const r = await svc.search(agencyId, { q: "2019 安全生产 实施方案 无关词汇甲乙" });
    expect(r.matchMode).not.toBe("all");
    expect(r.items[0].indexNo).toBe("TEST/2019-00002");
  });

  it("pages through results and serves the same over HTTP, with 400 for bad parameters", async () => {
    const p1 = await request(env.server).get("/api/catalogue").query({ pageSize: 5, page: 1 }).expect(200);
    const p2 = await request(env.server).get("/api/catalogue").query({ pageSize: 5, page: 2 }).expect(200);
    expect(p1.body.total).toBe(14);
    expect(p1.body.items).toHaveLength(5);
    const ids = [...p1.body.items, ...p2.body.items].map((i: { indexNo: string }) => i.indexNo);
    expect(new Set(ids).size).toBe(10);
    // Newest first when there is no query.
    expect(p1.body.items[0].indexNo).toBe("TEST/2020-00001");
    const r = await request(env.server).get("/api/catalogue").query({ q: "义务教育招生" }).expect(200);
    expect(r.body.items[0]).toEqual({
      indexNo: "TEST/2019-00004",
      title: "关于做好2019年义务教育招生工作的通知",
      docNo: "张教体发〔2019〕30号",
      publisher: "张店区教育和体育局",
      writtenDate: "2019-06-05",
      category: "教育\\基础教育（通知）",
      summary: "公布小学和初中招生范围及报名时间。",
      url: "/catalogue/item?indexNo=TEST%2F2019-00004",
      highlight: "关于做好2019年<mark>义务教育招生</mark>工作的通知",
      validity: "有效",
    });
    const bad = await request(env.server).get("/api/catalogue").query({ pageSize: 500, year: "abc" }).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(["pageSize", "year"]);
  });

  it("serves the public catalogue page without JavaScript, escaping what was typed", async () => {
    const res = await request(env.server).get("/catalogue").query({ q: "<script>alert(1)</script>年度报告" }).expect(200);
    expect(res.text).toMatch(/<html lang="zh-CN">/);
    expect(res.text).not.toMatch(/<script>alert/);
    expect(res.text).toContain("&lt;script&gt;");
    expect(res.text).toContain('<form method="get" action="/catalogue" role="search">');
    const hit = await request(env.server).get("/catalogue").query({ q: "怎么申请" }).expect(200);
    expect(hit.text).toContain('<a href="/guide#application">依申请公开：申请方式</a>');
    const list = await request(env.server).get("/catalogue").query({ year: "2019" }).expect(200);
    expect(list.text).toContain("关于调整城乡居民最低生活保障标准的通知");
    expect(list.text).not.toContain("张店区2020年政务公开工作要点");
    const item = await request(env.server).get("/catalogue/item").query({ indexNo: "TEST/2019-00003" }).expect(200);
    expect(item.text).toContain("<dt>文号</dt><dd>张民发〔2019〕21号</dd>");
  });
});

describe("broad queries on postgres", () => {
  let env: TestEnv;
  let svc: CatalogueFacade;
  let agencyId: string;
  beforeAll(async () => {
    // Every query counts as broad: the bounded path must give the same first page as the full ranking.
    env = await createTestEnv({ db: "postgres", env: { CATALOGUE_BROAD_MATCHES: "1" } });
    svc = env.services.catalogue;
    agencyId = (await defaultAgency(env.ctx)).id;
    await svc.entries.importRows(agencyId, await readCatalogueFile(path.join(__dirname, "../../fixtures/catalogue/search-set.csv")), {
      type: "system",
      id: "test",
    });
  });
  afterAll(() => env.close());

  // Queries of two or more words are never broad (they skip the estimate).
  it.each(CASES.filter(([q]) => analyzeQuery(q).groups.length < 2))("still ranks the expected entry first for “%s”", async (q, expected) => {
    const r = await svc.search(agencyId, { q });
    expect(r.totalEstimated).toBe(true);
    expect(r.items[0]?.indexNo).toBe(expected);
  });

  it("pages past the window newest first and says the total is an estimate", async () => {
    const r = await svc.search(agencyId, { q: "政务公开", page: 4, pageSize: 20 });
    expect(r.totalEstimated).toBe(true);
    expect(r.items).toEqual([]);
    const res = await request(env.server).get("/catalogue").query({ q: "政务公开" }).expect(200);
    expect(res.text).toMatch(/“政务公开”的搜索结果：约\d+条/);
  });
});

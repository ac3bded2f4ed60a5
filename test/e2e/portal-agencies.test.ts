// The portal on a platform of several agencies (issue 17), over HTTP: with one agency every page is as before;
// with a second one the home lists the agencies and finds one by name or by what it handles, /apply asks which
// agency first and files to the chosen one (its form key bound to it), the catalogue searches every agency and
// names each hit's agency, and /status answers any agency's number and re-files a 不属于本机关 answer.
import request from "supertest";
import { Application } from "../../src/modules/applications/application.entity";
import { addAgency, sessionUntil2099, type SecondAgency } from "../helpers/second-agency";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";

let env: TestEnv;
let edu: SecondAgency;
let mediaToken: string;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite", now: "2026-03-02T02:00:00Z", env: { CATALOGUE_SEARCH_RATE_PER_MINUTE: "60" } });
  await staffToken(env, "admin", "media-admin");
  mediaToken = await sessionUntil2099(env, "media-admin");
});
afterAll(() => env.close());

const get = (path: string) => request(env.server).get(path);
const form = (path: string, body: Record<string, string>) => request(env.server).post(path).type("form").send(body);
const keyOf = (page: string) => /name="key" value="([^"]+)"/.exec(page)![1];
const count = () => env.ctx.db.getRepository(Application).count();

const person = (description: string) => ({
  "applicant.category": "natural_person",
  "applicant.name": "王五",
  "applicant.idType": "resident_id",
  "applicant.idNumber": "11010519491231002X",
  "applicant.phone": "13800138000",
  "applicant.email": "wangwu@example.com",
  description,
  deliveryForm: "electronic",
  deliveryMethod: "email",
});

describe("one agency: the pages are as they were", () => {
  it("home, apply and catalogue show the one agency, no choice, no agency in links", async () => {
    const home = await get("/").expect(200);
    expect(home.text).toContain("张店区融媒体中心政府信息公开");
    expect(home.text).not.toContain("找哪个机关");
    expect(home.text).not.toContain("全部机关");
    expect(home.text).not.toMatch(/agency=/);
    const apply = await get("/apply").expect(200);
    expect(apply.text).toContain('id="apply-form"');
    expect(apply.text).not.toContain("受理机关：");
    expect(apply.text).toContain('action="/apply"');
    const cat = await get("/catalogue").expect(200);
    expect(cat.text).not.toContain("搜索本平台全部机关");
    // A form filed on this page goes to the default agency, as always.
    const done = await form("/apply", { key: keyOf(apply.text), ...person("请公开2025年部门预算") }).expect(201);
    expect(done.text).toMatch(/ZDRMT-2026-\d{5}/);
  });
});

describe("several agencies", () => {
  beforeAll(async () => {
    edu = await addAgency(env);
  });

  it("home: the platform's agencies, a search by what an agency handles suggests it first with a confirm link", async () => {
    const home = await get("/").expect(200);
    expect(home.text).toContain("张店区政府信息公开平台");
    expect(home.text).toContain("找哪个机关？");
    const list = /<ul class="agency-list" id="agency-list">([\s\S]*?)<\/ul>/.exec(home.text)![1];
    expect(list).toContain('<a href="/?agency=zdjy">张店区教育和体育局</a>');
    expect(list).toContain('<a href="/?agency=zdrmt">张店区融媒体中心</a>');
    // Guide and reports are each agency's: not in the platform's navigation.
    expect(home.text).not.toContain('href="/guide"');
    // The platform's chat serves every agency; an agency's chat is that agency's.
    expect((await get("/chat").expect(200)).text).toContain("在线咨询 · 张店区政府信息公开平台");
    expect((await get("/chat?agency=zdjy").expect(200)).text).toContain("在线咨询 · 张店区教育和体育局");

    const school = await get("/").query({ q: "学校的事找谁" }).expect(200);
    const suggestion = /<section class="card suggestion"[\s\S]*?<\/section>/.exec(school.text)![0];
    expect(suggestion).toContain("您要找的是：张店区教育和体育局吗？");
    expect(suggestion).toContain('id="confirm-agency" href="/?agency=zdjy"');
    expect(school.text.indexOf("agency-suggestion")).toBeLessThan(school.text.indexOf('id="agency-list"'));
    // By name, with a typo.
    const media = await get("/").query({ q: "融媒体中新" }).expect(200);
    expect(/<section class="card suggestion"[\s\S]*?<\/section>/.exec(media.text)![0]).toContain("张店区融媒体中心吗？");
    const nothing = await get("/").query({ q: "火星探测" }).expect(200);
    expect(nothing.text).not.toContain("agency-suggestion");
    expect(nothing.text).toContain("没有找到与“火星探测”相关的机关");
    // Bounded: a long query is refused next to the box, nothing searched, the page still lists the agencies.
    const long = await get("/")
      .query({ q: "学".repeat(101) })
      .expect(200);
    expect(long.text).toContain("不超过100个字");
    expect(long.text).toContain('aria-invalid="true"');
    expect(long.text).not.toContain("agency-suggestion");
  });

  it("an agency's own home keeps ?agency= in every link, the default agency's too", async () => {
    const bureau = await get("/?agency=zdjy").expect(200);
    expect(bureau.text).toContain("<h1>张店区教育和体育局政府信息公开</h1>");
    expect(bureau.text).toContain('href="/guide?agency=zdjy"');
    expect(bureau.text).toContain('href="/apply?agency=zdjy"');
    expect(bureau.text).toContain('<a href="/">全部机关</a>');
    const media = await get("/?agency=zdrmt").expect(200);
    expect(media.text).toContain("<h1>张店区融媒体中心政府信息公开</h1>");
    expect(media.text).toContain('href="/apply?agency=zdrmt"');
    await get("/?agency=nosuch").expect(404);
  });

  let eduFiled: { applicationNo: string; queryCode: string };
  it("/apply asks which agency first, suggests one from the description, then files to the chosen agency only", async () => {
    const ask = await get("/apply").expect(200);
    expect(ask.text).not.toContain('name="key"');
    expect(ask.text).toContain("您要申请哪方面的信息？");
    expect(ask.text).toContain('href="/apply?agency=zdjy"');
    const suggested = await get("/apply").query({ q: "小学招生的划片范围" }).expect(200);
    expect(/<section class="card suggestion"[\s\S]*?<\/section>/.exec(suggested.text)![0]).toContain('href="/apply?agency=zdjy">是，向张店区教育和体育局申请');

    const page = await get("/apply?agency=zdjy").expect(200);
    expect(page.text).toContain("受理机关：<strong>张店区教育和体育局</strong>");
    expect(page.text).toContain('<a href="/apply">更换</a>');
    expect(page.text).toContain('action="/apply?agency=zdjy"');
    const key = keyOf(page.text);

    // The key is bound to the agency: the same form posted to another agency's address files nothing.
    const before = await count();
    const replay = await form("/apply?agency=zdrmt", { key, ...person("2026年小学招生划片范围") }).expect(400);
    expect(replay.text).toContain("表单已失效");
    expect(replay.text).toContain("2026年小学招生划片范围");
    expect(await count()).toBe(before);

    const done = await form("/apply?agency=zdjy", { key, ...person("2026年小学招生划片范围") }).expect(201);
    eduFiled = { applicationNo: /id="application-no">([^<]+)</.exec(done.text)![1], queryCode: /id="query-code">([^<]+)</.exec(done.text)![1] };
    expect(eduFiled.applicationNo).toMatch(/^ZDJY-2026-\d{5}$/);
    const row = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: eduFiled.applicationNo });
    expect(row.agencyId).toBe(edu.id);
    // The bureau's staff see it; the media center's staff do not.
    await request(env.server).get(`/api/staff/applications/${eduFiled.applicationNo}`).set("Authorization", `Bearer ${edu.token}`).expect(200);
    await request(env.server).get(`/api/staff/applications/${eduFiled.applicationNo}`).set("Authorization", `Bearer ${mediaToken}`).expect(404);
    const mediaList = await request(env.server).get("/api/staff/applications").set("Authorization", `Bearer ${mediaToken}`).expect(200);
    expect(JSON.stringify(mediaList.body)).not.toContain(eduFiled.applicationNo);
    // A double submit answers with the same application.
    const again = await form("/apply?agency=zdjy", { key, ...person("2026年小学招生划片范围") }).expect(201);
    expect(again.text).toContain(eduFiled.applicationNo);
    expect(await count()).toBe(before + 1);
  });

  it("the catalogue without an agency searches all and names each hit's agency; with ?agency= only that one", async () => {
    const all = await get("/catalogue").query({ q: "招生" }).expect(200);
    expect(all.text).toContain("搜索本平台全部机关的公开目录");
    const hit = /<li><a href="([^"]+)">[^\n]*招生[\s\S]*?<\/li>/.exec(all.text)!;
    expect(hit[0]).toContain('<span class="owner">张店区教育和体育局</span>');
    expect(hit[1]).toBe("/catalogue/item?indexNo=ZDJY%2F2026-00001&amp;agency=zdjy");
    const entry = await get("/catalogue/item?indexNo=ZDJY%2F2026-00001&agency=zdjy").expect(200);
    expect(entry.text).toContain("关于做好2026年义务教育招生入学工作的通知");
    const media = await get("/catalogue").query({ q: "招生", agency: "zdrmt" }).expect(200);
    expect(media.text).not.toContain("ZDJY/2026-00001");
    expect(media.text).not.toContain('class="owner"');
    const bureau = await get("/catalogue").query({ q: "招生", agency: "zdjy" }).expect(200);
    expect(bureau.text).toContain("ZDJY/2026-00001");
    expect(bureau.text).not.toContain('class="owner"');
  });

  it("/status answers any agency's number, and re-files a 不属于本机关 answer to the agency it names, once", async () => {
    for (const path of ["/status", "/status?agency=zdrmt"]) {
      const res = await form(path, eduFiled).expect(200);
      expect(res.text).toContain(`申请 ${eduFiled.applicationNo} 的办理情况`);
    }
    const filed = await request(env.server)
      .post("/api/applications")
      .send({ ...bodyOf(person("2026年初中招生政策文件")) })
      .expect(201);
    const original = { applicationNo: filed.body.applicationNo as string, queryCode: filed.body.queryCode as string };
    await request(env.server)
      .post(`/api/staff/applications/${original.applicationNo}/answer`)
      .set("Authorization", `Bearer ${mediaToken}`)
      .send({ disposition: "unable.not_responsible", competentAgency: "zdjy" })
      .expect(200);
    const status = await form("/status", original).expect(200);
    expect(status.text).toContain("负责公开该信息的机关：<strong>张店区教育和体育局</strong>");
    expect(status.text).toContain("0533-2181234");
    expect(status.text).toContain('action="/status/refile"');
    expect(status.text).toContain("向张店区教育和体育局转交申请");

    // A wrong code re-files nothing.
    const before = await count();
    await form("/status/refile", { ...original, queryCode: "000000000000" }).expect(404);
    expect(await count()).toBe(before);

    const refiled = await form("/status/refile", original).expect(201);
    const newNo = /id="refiled-no">([^<]+)</.exec(refiled.text)![1];
    expect(newNo).toMatch(/^ZDJY-2026-\d{5}$/);
    expect((await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: newNo })).agencyId).toBe(edu.id);
    // Idempotent: the same post answers with the same new application; the status page now says it is done.
    const again = await form("/status/refile", original).expect(200);
    expect(again.text).toContain("此申请已经转交");
    expect(again.text).toContain(newNo);
    expect(await count()).toBe(before + 1);
    const after = await form("/status", original).expect(200);
    expect(after.text).toContain(`您已转交此申请，新申请编号：<strong>${newNo}</strong>`);
    expect(after.text).not.toContain('action="/status/refile"');
    // The new number works with the same code on the platform's status page.
    expect((await form("/status", { applicationNo: newNo, queryCode: original.queryCode }).expect(200)).text).toContain("已受理");
  });

  it("hostile input to the new pages is a Chinese 4xx page, never a 500", async () => {
    await request(env.server).get("/?q=%E5%AD%A6&q=x&q[]=y").expect(200);
    await request(env.server).get("/apply?q[a]=1").expect(200);
    const arr = await request(env.server)
      .post("/status/refile")
      .send({ applicationNo: ["A"], queryCode: { $ne: 1 } })
      .expect(400);
    expect(arr.text).toContain("转交需要申请编号和查询码");
    await form("/status/refile", { applicationNo: "ZDRMT-2026-99999", queryCode: "123456789012" }).expect(404);
    // Re-filing an application that names no competent agency files nothing.
    const before = await count();
    const res = await form("/status/refile", eduFiled).expect(409);
    expect(res.text).toContain("没有写明负责公开的机关");
    expect(await count()).toBe(before);
    await form("/apply?agency=NoSuch", { key: "x" }).expect(400);
    await request(env.server).get("/catalogue").query({ agency: "zzz" }).expect(404);
  });

  it("the agency search shares the API's per-address limit: past it, a 429 page in Chinese", async () => {
    let last = 200;
    for (let i = 0; i < 70 && last === 200; i++) {
      last = (i % 2 ? await get("/").query({ q: "教育" }) : await request(env.server).get("/api/agencies").query({ q: "教育" })).status;
    }
    expect(last).toBe(429);
    const page = await get("/").query({ q: "教育" }).expect(429);
    expect(page.text).toContain("查询过于频繁");
    expect(page.headers["retry-after"]).toBeDefined();
    // The list without a query is not counted.
    await get("/").expect(200);
  });
});

/** The portal form's flat fields as the API's JSON body. */
function bodyOf(f: Record<string, string>): Record<string, unknown> {
  const applicant: Record<string, string> = {};
  const out: Record<string, unknown> = { applicant, channel: "online" };
  for (const [k, v] of Object.entries(f)) {
    if (k.startsWith("applicant.")) applicant[k.slice(10)] = v;
    else out[k] = v;
  }
  return out;
}

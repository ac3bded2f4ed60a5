// The portal's pages over HTTP (no browser): the CSP and no inline script, escaping of everything a citizen or
// the staff typed, Chinese 404 pages, no 500 on hostile input, bounded inputs, the signed form key, and the
// per-client limits of filing and status lookups shown as pages.
import request from "supertest";
import { MENU_KEYS } from "../../src/channels/wechat-webhook";
import { Application } from "../../src/modules/applications/application.entity";
import { createTestEnv, type TestEnv } from "../helpers/test-context";

let env: TestEnv;
const RESIDENT_ID = "11010519491231002X";

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite" });
});
afterAll(() => env.close());

const PAGES = ["/", "/guide", "/catalogue", "/reports", "/reports/2019", "/status", "/apply", "/chat"];
const count = () => env.ctx.db.getRepository(Application).count();

/** A fresh form key, as the page issued it. */
async function formKey(server = env.server): Promise<string> {
  const page = await request(server).get("/apply").expect(200);
  return /name="key" value="([^"]+)"/.exec(page.text)![1];
}

const person = (extra: Record<string, string> = {}) => ({
  "applicant.category": "natural_person",
  "applicant.name": "王五",
  "applicant.idType": "resident_id",
  "applicant.idNumber": RESIDENT_ID,
  "applicant.phone": "13800138000",
  "applicant.email": "wangwu@example.com",
  description: "请公开2025年张店区融媒体中心的部门预算",
  deliveryForm: "electronic",
  deliveryMethod: "email",
  ...extra,
});

describe("every page", () => {
  it.each(PAGES)("%s: HTML in Chinese, CSP script-src 'self', no inline script, not cached", async (path) => {
    const res = await request(env.server).get(path).expect(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.text).toMatch(/<html lang="zh-CN">/);
    expect(res.headers["content-security-policy"]).toMatch(/script-src 'self'(;|$)/);
    expect(res.headers["cache-control"]).toBe("no-store");
    // Only same-origin script files: no inline script and no event-handler attributes.
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc="\/assets\/)[^>]*>/i);
    expect(res.text).not.toMatch(/\son[a-z]+=/i);
  });

  it("only the chat page loads a script, and its asset and the stylesheet are served", async () => {
    for (const path of PAGES.filter((p) => p !== "/chat")) expect((await request(env.server).get(path)).text).not.toMatch(/<script/i);
    expect((await request(env.server).get("/chat")).text).toContain('<script src="/assets/chat.js" defer></script>');
    const js = await request(env.server).get("/assets/chat.js").expect(200);
    expect(js.headers["content-type"]).toMatch(/javascript/);
    expect(js.headers.etag).toBeDefined();
    await request(env.server)
      .get("/assets/portal.css")
      .expect(200)
      .expect("Content-Type", /text\/css/);
    await request(env.server).get("/assets/constructor").expect(404);
  });

  it("the chat page shows the official account's menu, each button sending the message its key stands for", async () => {
    const res = await request(env.server).get("/chat").expect(200);
    const buttons = [...res.text.matchAll(/<button type="submit" form="chat-form" name="say" value="([^"]+)" data-say="\1">([^<]+)<\/button>/g)].map((m) => [
      m[2],
      m[1],
    ]);
    expect(buttons).toEqual([
      ["申请指南", MENU_KEYS.GUIDE],
      ["公开目录", MENU_KEYS.CATALOGUE],
      ["我要申请", MENU_KEYS.APPLY],
      ["查询进度", MENU_KEYS.STATUS],
    ]);
    expect(res.text).toContain('role="log" aria-live="polite"');
    expect(res.text).toContain('<label for="chat-input">输入消息</label>');
  });
});

describe("the chat page without JavaScript", () => {
  it("posts the form to /chat: the same engine and session, numbered choices as buttons, text escaped", async () => {
    const first = await request(env.server).post("/chat").type("form").send({ text: "", say: "我要申请" }).expect(200);
    expect(first.text).toContain("请问您以什么身份申请");
    expect(first.text).toContain('<button type="submit" form="chat-form" name="say" value="1" data-say="1">1. 个人（自然人）</button>');
    const cookies = ([] as string[]).concat(first.headers["set-cookie"] ?? []);
    // The session cookie for the page and for the chat API: the same conversation whichever the browser uses next.
    expect(cookies.some((c) => /^ogi_chat=[A-Za-z0-9_-]{43};.*path=\/chat;.*httponly/i.test(c))).toBe(true);
    expect(cookies.some((c) => /^ogi_chat=[A-Za-z0-9_-]{43};.*path=\/api\/chat;.*httponly/i.test(c))).toBe(true);
    const token = /ogi_chat=([A-Za-z0-9_-]{43})/.exec(cookies[0])![1];
    const next = await request(env.server).post("/chat").set("Cookie", `ogi_chat=${token}`).type("form").send({ say: "1" }).expect(200);
    expect(next.text).toContain("请输入申请人姓名");
    const api = await request(env.server).post("/api/chat").set("Cookie", `ogi_chat=${token}`).send({ text: "<b>赵六</b>" }).expect(200);
    expect(api.body.replies.join("")).toContain("证件类型");
    const escaped = await request(env.server).post("/chat").type("form").send({ text: "<script>alert(1)</script>" }).expect(200);
    expect(escaped.text).not.toContain("<script>alert(1)");
    expect(escaped.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    // Empty or odd bodies: the page again, never an error.
    await request(env.server).post("/chat").type("form").send({}).expect(200);
    await request(env.server).post("/chat").type("form").send("text[a]=1&say=&say=x").expect(200);
  });
});

describe("404s are pages in Chinese", () => {
  it.each([
    ["an unpublished year", "/reports/1999", "1999年政府信息公开工作年度报告尚未发布"],
    ["a year that is not one", "/reports/abcd", "年度格式不正确"],
    ["a five-digit year", "/reports/20190", "年度格式不正确"],
    ["a version that does not exist", "/reports/2019?version=99", "没有第99版"],
    ["a negative version", "/reports/2019?version=-1", "版本号格式不正确"],
    ["an unknown catalogue entry", "/catalogue/item?indexNo=NO-SUCH", "该条目不存在或已撤回"],
    ["a 5,000-character index number", `/catalogue/item?indexNo=${"x".repeat(5000)}`, "该条目不存在或已撤回"],
    ["an unknown agency", "/?agency=no-such-agency", "没有找到该机关"],
  ])("%s", async (_label, path, text) => {
    const res = await request(env.server).get(path).expect(404);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.text).toContain(text);
    expect(res.text).toContain("返回");
  });

  it("an unknown path: an HTML page for a browser, the JSON error for an API client", async () => {
    const page = await request(env.server).get("/no/such/page").set("Accept", "text/html,application/xhtml+xml").expect(404);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.text).toContain("<h1>页面不存在</h1>");
    const api = await request(env.server).get("/no/such/page").expect(404);
    expect(api.body.error.code).toBe("ROUTE.NOT_FOUND");
    const apiPath = await request(env.server).get("/api/no-such").set("Accept", "text/html").expect(404);
    expect(apiPath.body.error.code).toBe("ROUTE.NOT_FOUND");
  });
});

describe("the annual report page", () => {
  it("renders the published 2019 snapshot, links its own version's downloads, and the downloads work", async () => {
    const res = await request(env.server).get("/reports/2019").expect(200);
    expect(res.headers["x-report-version"]).toBe("1");
    expect(res.text).toContain("<h1>张店区融媒体中心2019年政府信息公开工作年度报告</h1>");
    for (const id of ["report-s2", "report-s3", "report-s4"]) expect(res.text).toContain(`id="${id}"`);
    for (const format of ["docx", "xlsx", "html"]) {
      const href = `/api/reports/2019?format=${format}&amp;version=1`;
      expect(res.text).toContain(`href="${href}"`);
      const file = await request(env.server).get(href.replace("&amp;", "&")).buffer(true).expect(200);
      expect(file.headers["x-report-version"]).toBe("1");
    }
    const index = await request(env.server).get("/reports").expect(200);
    expect(index.text).toContain('<a href="/reports/2019">2019年度报告</a>');
  });
});

describe("the application form", () => {
  it("re-displays the input escaped, each message by its field; nothing is filed", async () => {
    const before = await count();
    const evil = '"><script>alert(1)</script>';
    const res = await request(env.server)
      .post("/apply")
      .type("form")
      .send(person({ key: await formKey(), "applicant.name": evil, "applicant.phone": "12345", description: `短${evil}` }))
      .expect(400);
    expect(res.text).not.toContain("<script>alert(1)");
    expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    // The phone's message sits in the phone's field, linked from the summary.
    expect(res.text).toMatch(
      /<div class="field invalid"><label for="ap-applicant-phone">联系电话<\/label>.*<span class="field-error" id="ap-applicant-phone-error">联系电话格式不正确/,
    );
    expect(res.text).toContain('<a href="#ap-applicant-phone">联系电话格式不正确');
    expect(await count()).toBe(before);
  });

  it("says what the API says for the same body (same schema, same Chinese messages)", async () => {
    const body = person({ "applicant.phone": "", description: "短" });
    const page = await request(env.server)
      .post("/apply")
      .type("form")
      .send({ ...body, key: await formKey() })
      .expect(400);
    const api = await request(env.server)
      .post("/api/applications")
      .send({
        applicant: { category: "natural_person", name: "王五", idType: "resident_id", idNumber: RESIDENT_ID, email: "wangwu@example.com" },
        description: "短",
        deliveryForm: "electronic",
        deliveryMethod: "email",
        channel: "online",
      })
      .expect(400);
    const messages = (api.body.error.details as Array<{ message: string }>).map((d) => d.message);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const m of messages) expect(page.text).toContain(m);
  });

  it("files once per key: a re-sent form answers with the same number and code; other content with that key is refused", async () => {
    const key = await formKey();
    const first = await request(env.server).post("/apply").type("form").send(person({ key })).expect(201);
    const no = /id="application-no">([^<]+)</.exec(first.text)![1];
    const code = /id="query-code">(\d{12})</.exec(first.text)![1];
    const again = await request(env.server).post("/apply").type("form").send(person({ key })).expect(201);
    expect(again.text).toContain(no);
    expect(again.text).toContain(code);
    const before = await count();
    const other = await request(env.server)
      .post("/apply")
      .type("form")
      .send(person({ key, description: "请公开2024年张店区融媒体中心的部门决算" }))
      .expect(409);
    expect(other.text).toContain("此表单已经提交过一份内容不同的申请");
    // The input stays and a fresh key comes with it.
    expect(other.text).toContain("请公开2024年张店区融媒体中心的部门决算");
    expect(/name="key" value="([^"]+)"/.exec(other.text)![1]).not.toBe(key);
    expect(await count()).toBe(before);
  });

  it("refuses a key it did not issue, keeping the input and filing nothing", async () => {
    const before = await count();
    for (const key of [undefined, "", "made-up", `${"a".repeat(22)}.${"b".repeat(22)}`, ["x", "y"]]) {
      const res = await request(env.server)
        .post("/apply")
        .type("form")
        .send(person(key === undefined ? {} : { key: key as string }))
        .expect(400);
      expect(res.text).toContain("表单已失效");
      expect(res.text).toContain("请公开2025年张店区融媒体中心的部门预算");
    }
    expect(await count()).toBe(before);
  });

  it("bounds what it re-displays and never answers 500 on hostile bodies", async () => {
    const key = await formKey();
    const huge = await request(env.server)
      .post("/apply")
      .type("form")
      .send(person({ key, description: "长".repeat(10_000) }))
      .expect(400);
    expect(huge.text).toContain("所需信息描述不能超过2000个字");
    expect(huge.text).not.toContain("长".repeat(4001));
    const bodies: Array<[string, unknown]> = [
      ["form", "applicant.name=a&applicant.name=b&description[x]=1&key=" + key],
      ["form", "applicant[name][deep]=1&deliveryForm[]=paper"],
      ["json", { applicant: { name: ["x"] }, description: { a: 1 }, key }],
      ["json", [1, 2, 3]],
      ["text", "plain text"],
    ];
    for (const [type, body] of bodies) {
      const res = await request(env.server)
        .post("/apply")
        .type(type)
        .send(body as object);
      expect(res.status).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });

  it("refuses a form posted from another site", async () => {
    const res = await request(env.server)
      .post("/apply")
      .set("Origin", "https://evil.example")
      .type("form")
      .send(person({ key: await formKey() }))
      .expect(403);
    expect(res.text).toContain("跨站提交被拒绝");
  });
});

describe("the status lookup", () => {
  it("answers the filed application; bad and overlong input get messages, not errors", async () => {
    const filed = await request(env.server)
      .post("/apply")
      .type("form")
      .send(person({ key: await formKey(), description: "请公开2025年张店区融媒体中心的三公经费" }))
      .expect(201);
    const no = /id="application-no">([^<]+)</.exec(filed.text)![1];
    const code = /id="query-code">(\d{12})</.exec(filed.text)![1];
    const ok = await request(env.server)
      .post("/status")
      .type("form")
      .send({ applicationNo: ` ${no.toLowerCase()} `, queryCode: code })
      .expect(200);
    expect(ok.text).toContain("已受理");
    expect(ok.text).not.toContain(code);
    const empty = await request(env.server).post("/status").type("form").send({}).expect(400);
    expect(empty.text).toContain("请填写申请编号");
    expect(empty.text).toContain("请填写查询码");
    const long = await request(env.server)
      .post("/status")
      .type("form")
      .send({ applicationNo: `"><b>${"Z".repeat(5000)}`, queryCode: "9".repeat(5000) })
      .expect(400);
    expect(long.text).toContain("申请编号格式不正确");
    expect(long.text).toContain("查询码格式不正确");
    expect(long.text).not.toContain("<b>");
    expect(long.text).not.toContain("Z".repeat(41));
    const wrong = await request(env.server).post("/status").type("form").send({ applicationNo: no, queryCode: "000000000000" }).expect(404);
    expect(wrong.text).toContain("未找到该申请，请核对申请编号和查询码");
    const arrays = await request(env.server).post("/status").type("form").send("applicationNo=a&applicationNo=b&queryCode[x]=1");
    expect(arrays.status).toBe(400);
  });
});

describe("the catalogue page bounds its query", () => {
  it("cuts an overlong query to the limit and says so, escaping it", async () => {
    const max = env.config.CATALOGUE_QUERY_MAX_CHARS;
    const res = await request(env.server)
      .get("/catalogue")
      .query({ q: `<i>${"报".repeat(max + 50)}`, page: "-1", year: "abc" })
      .expect(200);
    expect(res.text).toContain("部分搜索条件格式不正确，已忽略。");
    expect(res.text).not.toContain("<i>");
    expect(res.text).not.toContain("报".repeat(max));
  });
});

describe("per-client limits, as pages", () => {
  let limited: TestEnv;
  beforeAll(async () => {
    limited = await createTestEnv({ db: "sqlite", env: { FILING_LIMIT_PER_MINUTE: "1", STATUS_QUERY_MAX_FAILURES: "2" } });
  });
  afterAll(() => limited.close());

  it("a second filing within the minute is refused with Retry-After, the input kept; a re-sent first form still answers", async () => {
    const key = await formKey(limited.server);
    await request(limited.server).post("/apply").type("form").send(person({ key })).expect(201);
    const second = await request(limited.server)
      .post("/apply")
      .type("form")
      .send(person({ key: await formKey(limited.server), description: "请公开2025年张店区融媒体中心的人员编制" }))
      .expect(429);
    expect(second.text).toContain("提交申请过于频繁");
    expect(second.text).toContain("请公开2025年张店区融媒体中心的人员编制");
    expect(Number(second.headers["retry-after"])).toBeGreaterThan(0);
    await request(limited.server).post("/apply").type("form").send(person({ key })).expect(201);
  });

  it("wrong query codes beyond the limit are refused for the hour", async () => {
    for (let i = 0; i < 2; i++)
      await request(limited.server).post("/status").type("form").send({ applicationNo: "ZDRMT-2026-00001", queryCode: "1" }).expect(404);
    const res = await request(limited.server).post("/status").type("form").send({ applicationNo: "ZDRMT-2026-00001", queryCode: "1" }).expect(429);
    expect(res.text).toContain("查询码错误次数过多");
  });
});

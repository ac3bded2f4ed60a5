// Hostile text: SQL payloads in every search and text input never cause a 500, never widen a result and
// never touch the schema; script and HTML payloads in every applicant- or staff-supplied text field come out
// escaped on every console page (and the public catalogue and guide pages) that shows them, under a CSP
// that forbids inline script.
import request from "supertest";
import { escapeHtml } from "../../src/http/html";
import { AuditEvent } from "../../src/infra/entities/audit-event.entity";
import { StaffUser } from "../../src/infra/entities/staff-user.entity";
import { STAFF_COOKIE } from "../../src/http/auth";
import { Application } from "../../src/modules/applications/application.entity";
import { CatalogueEntry } from "../../src/modules/catalogue/entities";
import { Consultation } from "../../src/modules/conversation/entities";
import { anonymousChat } from "../helpers/anonymous-chat";
import { createTestEnv, staffToken, type TestEnv } from "../helpers/test-context";
import { CREDIT_CODE, personBody } from "../integration/applications/fixtures";
import { withCsrf } from "../helpers/console-forms";

const SQL = [
  "' OR 1=1 --",
  "' OR '1'='1",
  "'; DROP TABLE applications; --",
  '"; DROP TABLE catalogue_entries; --',
  "' UNION SELECT id_number, phone, address FROM applications --",
  "1) UNION ALL SELECT NULL,NULL--",
  "\\' OR \\'1\\'=\\'1",
  "\\",
  "%' OR '%'='",
  "_%_",
  "‘ OR ’1’=’1",
  "＇ OR ＇1＇=＇1",
  "$1 :name ?",
  "'; SELECT pg_sleep(3); --",
];
const NUL = "年度报告\u0000' OR 1=1 --";

const XSS = [
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(2)>',
  "javascript:alert('3')",
  "</textarea><script>alert(4)</script>",
  "' onmouseover='alert(5)' x='",
  '" autofocus onfocus="alert(6)',
  "<svg/onload=alert(7)>",
  "</title><iframe src=javascript:alert(8)>",
];

let env: TestEnv;
let admin: string;
let approver: string;

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", env: { CHAT_RATE_LIMIT_PER_MINUTE: "10000" } });
  admin = await staffToken(env, "admin", "inj-admin");
  approver = await staffToken(env, "approver", "inj-approver");
});
afterAll(() => env.close());

const api = (method: "get" | "post" | "put" | "patch", path: string, token = admin) =>
  request(env.server)[method](path).set("Authorization", `Bearer ${token}`);
const consolePage = (path: string, token = admin) => request(env.server).get(path).set("Cookie", `${STAFF_COOKIE}=${token}`);

async function snapshot() {
  const tables = (await env.ctx.db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")) as Array<{
    table_name: string;
  }>;
  return {
    tables: tables.map((t) => t.table_name),
    applications: await env.ctx.db.getRepository(Application).count(),
    catalogue: await env.ctx.db.getRepository(CatalogueEntry).count(),
    staff: await env.ctx.db.getRepository(StaffUser).count(),
  };
}

describe("SQL payloads", () => {
  it("in every search and lookup: no 500, no extra rows, schema and row counts unchanged", async () => {
    // Three ordinary applications whose names contain none of the payloads' characters.
    for (const name of ["王五", "赵六", "钱七"])
      await request(env.server)
        .post("/api/applications")
        .send(personBody({ description: `${name}申请2025年度部门预算公开` }, { name }))
        .expect(201);
    const before = await snapshot();
    expect(before.tables).toEqual(expect.arrayContaining(["applications", "catalogue_entries", "staff_users"]));
    const catalogueIds = async (q: string) => {
      const res = await request(env.server).get("/api/catalogue").query({ q, pageSize: 50 });
      expect([q, res.status]).toEqual([q, 200]);
      return (res.body.items as Array<{ indexNo: string }>).map((i) => i.indexNo).sort();
    };
    const problems: string[] = [];
    for (const p of SQL) {
      const calls: Array<[string, request.Test]> = [
        ["catalogue search", request(env.server).get("/api/catalogue").query({ q: p })],
        ["catalogue page", request(env.server).get("/catalogue").query({ q: p, category: p })],
        ["catalogue item", request(env.server).get("/api/catalogue/item").query({ indexNo: p })],
        ["guide", request(env.server).get("/api/guide").query({ q: p })],
        [
          "status",
          request(env.server)
            .get(`/api/applications/${encodeURIComponent(p)}`)
            .query({ queryCode: p.slice(0, 20) }),
        ],
        ["staff list", api("get", "/api/staff/applications").query({ q: p })],
        ["staff detail", api("get", `/api/staff/applications/${encodeURIComponent(p)}`)],
        ["staff catalogue entry", api("get", `/api/staff/catalogue/${encodeURIComponent(p)}`)],
        ["console queue", consolePage(`/console/applications?q=${encodeURIComponent(p)}`)],
        ["console entry", consolePage(`/console/content/catalogue/${encodeURIComponent(p)}`)],
        ["report year", request(env.server).get(`/api/reports/${encodeURIComponent(p)}`)],
      ];
      for (const [name, call] of calls) {
        const res = await call;
        if (res.status >= 500 || ![200, 400, 404, 429].includes(res.status)) problems.push(`${name} ${JSON.stringify(p)} -> ${res.status}`);
        if (res.status === 400 && !res.body?.error?.code && !/<html/i.test(res.text)) problems.push(`${name} ${JSON.stringify(p)} -> 400 without a code`);
      }
      // No extra rows: nobody's name contains these characters, so the staff list finds nothing...
      const list = await api("get", "/api/staff/applications").query({ q: p });
      if (list.body.total !== 0) problems.push(`staff list ${JSON.stringify(p)} found ${list.body.total}`);
      // ...and the catalogue finds exactly what the same words find without the SQL punctuation.
      const words = p
        .replace(/['"‘’＇;\\%_()$:?=-]/g, " ")
        .replace(/\s+/g, " ")
        .trim();
      if (words) {
        const [withPunct, without] = [await catalogueIds(p), await catalogueIds(words)];
        if (JSON.stringify(withPunct) !== JSON.stringify(without))
          problems.push(`catalogue ${JSON.stringify(p)}: ${withPunct.length} vs ${without.length} for ${JSON.stringify(words)}`);
      } else {
        expect(await catalogueIds(p)).toEqual([]);
      }
    }
    expect(problems).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it("in every text input: stored and shown back verbatim, one row per submission, nothing else touched", async () => {
    for (const p of SQL) {
      const before = await snapshot();
      const filed = await request(env.server)
        .post("/api/applications")
        .send(personBody({ description: `申请公开以下信息：${p}`, purpose: p, documentNo: p.slice(0, 100) }, { name: p, address: p }));
      expect([p, filed.status]).toEqual([p, 201]);
      const detail = await api("get", `/api/staff/applications/${filed.body.applicationNo}`).expect(200);
      expect(detail.body.applicant.name).toBe(p.trim());
      expect(detail.body.description).toBe(`申请公开以下信息：${p}`.trim());

      const entry = await api("post", "/api/staff/catalogue").send({
        title: `目录${p}`,
        publisher: p,
        subjectCategory: p,
        disclosureMode: "主动公开",
        summary: p,
        keywords: p,
      });
      expect([p, entry.status]).toEqual([p, 201]);
      expect(entry.body.entry.title).toBe(`目录${p}`.trim());

      const chat = await request(env.server).post("/api/chat").send({ userId: "sql-user", text: p });
      expect([p, chat.status]).toEqual([p, 200]);

      const after = await snapshot();
      expect(after).toEqual({ ...before, applications: before.applications + 1, catalogue: before.catalogue + 1 });
    }
    // The staff list finds the one application named with the payload, and only it.
    const one = await api("get", "/api/staff/applications").query({ q: "' OR 1=1 --" }).expect(200);
    expect(one.body.total).toBe(1);
  });

  it("a NUL character anywhere (body, query, path) is a 400 naming the field, and nothing is written", async () => {
    const before = await snapshot();
    const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
    const filed = await request(env.server)
      .post("/api/applications")
      .send(personBody({}, { name: NUL }));
    expect(filed.status).toBe(400);
    expect(filed.body.error.code).toBe("VALIDATION.INVALID_INPUT");
    expect(filed.body.error.details).toEqual([{ field: "applicant.name", message: expect.stringContaining("空字符") }]);
    const calls = [
      request(env.server).get("/api/catalogue").query({ q: NUL }),
      request(env.server)
        .get(`/api/applications/${encodeURIComponent(NUL)}`)
        .query({ queryCode: "12345678" }),
      request(env.server).post("/api/chat").send({ userId: "nul-user", text: NUL }),
      api("get", "/api/staff/applications").query({ q: NUL }),
      api("post", "/api/staff/catalogue").send({ title: NUL, publisher: "p", subjectCategory: "s", disclosureMode: "主动公开" }),
      api("patch", "/api/staff/guide/draft/sections/overview").send({ body: NUL }),
      api("post", "/api/staff/catalogue/import").set("Content-Type", "text/plain").send(`索引号,信息名称\nX/1,${NUL}`),
    ];
    for (const call of calls) {
      const res = await call;
      expect([res.status, res.body.error?.code]).toEqual([400, "VALIDATION.INVALID_INPUT"]);
    }
    // The console answers with its own page, or sends the form back with the reason.
    const page = await consolePage(`/console/applications?q=${encodeURIComponent(NUL)}`);
    expect(page.status).toBe(400);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.text).toContain("空字符");
    const form = await request(env.server)
      .post("/console/content/catalogue")
      .set("Cookie", `${STAFF_COOKIE}=${admin}`)
      .set("Referer", "http://127.0.0.1/console/content")
      .type("form")
      .send(withCsrf(admin, { title: NUL, publisher: "p", subjectCategory: "s", disclosureMode: "主动公开" }));
    expect(form.status).toBe(302);
    const flash = /ogi_flash=([^;]+)/.exec(String(form.headers["set-cookie"]))?.[1];
    expect(JSON.parse(Buffer.from(flash!, "base64url").toString("utf8")).text).toContain("空字符");
    expect(await snapshot()).toEqual(before);
    expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
  });

  it("a CSV import with SQL payloads in its fields imports them as text; one with a NUL is refused, not a 500", async () => {
    const before = await snapshot();
    const header = "索引号,信息名称,发布机构,生成日期,文号,主题分类,组配分类,公开方式,公开时限,公开范围,内容概述,正文或链接,有效性";
    const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const rows = SQL.slice(0, 5).map((p, i) =>
      [`SQLI/2024-0000${i + 1}`, `导入${p}`, p, "2024-03-01", "", p, p, "主动公开", "", "", p, "", "有效"].map(csvField).join(","),
    );
    const ok = await api("post", "/api/staff/catalogue/import", approver)
      .set("Content-Type", "text/csv")
      .send([header, ...rows].join("\n"));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ rows: 5, created: 5 });
    expect((await env.ctx.db.getRepository(CatalogueEntry).findOneByOrFail({ indexNo: "SQLI/2024-00001" })).title).toBe(`导入${SQL[0]}`);
    const bad = await api("post", "/api/staff/catalogue/import", approver)
      .set("Content-Type", "text/csv")
      .send(`${header}\nSQLI/2024-00099,${csvField(NUL)},p,2024-03-01,,s,,主动公开,,,,,有效`);
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(bad.body.error.code).toMatch(/INVALID/);
    expect(await snapshot()).toEqual({ ...before, catalogue: before.catalogue + 5 });
  });
});

describe("script and HTML payloads on the pages that show them", () => {
  /** The page's real tags with their attributes, read the way a browser tokenises them (quoted values kept whole). */
  function tagsOf(page: string): Array<{ name: string; attrs: Array<[string, string]> }> {
    const out: Array<{ name: string; attrs: Array<[string, string]> }> = [];
    for (const m of page.matchAll(/<([a-zA-Z][\w:-]*)((?:"[^"]*"|'[^']*'|[^>"'])*)>/g)) {
      const attrs: Array<[string, string]> = [];
      const re = /\s*([^\s=>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?|\s*\/|\s+/y;
      const rest = m[2];
      for (let a = re.exec(rest); a && a[0] !== ""; a = re.exec(rest)) if (a[1]) attrs.push([a[1].toLowerCase(), a[2] ?? a[3] ?? a[4] ?? ""]);
      out.push({ name: m[1].toLowerCase(), attrs });
    }
    return out;
  }
  const decode = (v: string) =>
    v
      .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
      .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&colon;/gi, ":");

  /** Only the console's own script files and JSON data blocks are scripts; no handler attributes, embeds or javascript: URLs. */
  function expectInert(where: string, page: string) {
    const bad: string[] = [];
    for (const t of tagsOf(page)) {
      if (["iframe", "img", "svg", "object", "embed", "frame", "base"].includes(t.name)) bad.push(`<${t.name}>`);
      if (t.name === "script") {
        const a = Object.fromEntries(t.attrs);
        if (!(/^\/console\/assets\/[\w.-]+$/.test(a.src ?? "") || a.type === "application/json")) bad.push(`script ${JSON.stringify(t.attrs)}`);
      }
      for (const [k, v] of t.attrs) {
        if (/^on/.test(k)) bad.push(`<${t.name} ${k}=...>`);
        if (["href", "src", "action", "formaction", "xlink:href"].includes(k) && /^\s*javascript:/i.test(decode(v))) bad.push(`<${t.name} ${k}="${v}">`);
      }
    }
    expect([where, bad]).toEqual([where, []]);
  }

  /** The page shows the payload, escaped, and never raw. */
  function expectEscaped(where: string, page: string, payload: string) {
    expect([where, payload, page.includes(escapeHtml(payload))]).toEqual([where, payload, true]);
    if (escapeHtml(payload) !== payload) expect([where, payload, page.includes(payload)]).toEqual([where, payload, false]);
  }

  async function fetchPage(path: string, opts: { token?: string; public?: boolean; post?: Record<string, string> } = {}) {
    let req = opts.post
      ? request(env.server)
          .post(path)
          .type("form")
          .send(withCsrf(opts.token ?? admin, opts.post))
      : request(env.server).get(path);
    if (!opts.public) req = req.set("Cookie", `${STAFF_COOKIE}=${opts.token ?? admin}`);
    const res = await req;
    expect([path, res.status]).toEqual([path, 200]);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/object-src 'none'/);
    expect(/script-src[^;]*unsafe-inline/.test(csp)).toBe(false);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expectInert(path, res.text);
    return res.text;
  }

  it("application form fields: queue, search, detail, revealed detail and reply-letter pages", async () => {
    for (const [i, p] of XSS.entries()) {
      const filed = await request(env.server)
        .post("/api/applications")
        .send(
          personBody(
            { description: `请公开${p}`, purpose: p, documentNo: p },
            { name: p, address: `淄博市${p}`, idType: "passport", idNumber: `E${i}${p}`.slice(0, 40) },
          ),
        )
        .expect(201);
      const org = await request(env.server)
        .post("/api/applications")
        .send({
          applicant: { category: "org.commercial", name: `公司${p}`, creditCode: CREDIT_CODE, contactName: p.slice(0, 50), phone: "0533-2123456" },
          description: `请公开${p}`,
          deliveryForm: "paper",
          deliveryMethod: "pickup",
          channel: "online",
        })
        .expect(201);
      const no = filed.body.applicationNo as string;
      const queue = await fetchPage("/console");
      expectEscaped("queue", queue, p.trim());
      expectEscaped("search", await fetchPage(`/console/applications?q=${encodeURIComponent(p.trim().slice(0, 100))}`), p.trim());
      const detail = await fetchPage(`/console/applications/${no}`);
      for (const v of [p.trim(), `请公开${p}`.trim(), `淄博市${p}`.trim()]) expectEscaped("detail", detail, v);
      const revealed = await fetchPage(`/console/applications/${no}/reveal`, { post: {} });
      expectEscaped("revealed", revealed, `E${i}${p}`.slice(0, 40).trim().toUpperCase());
      const orgDetail = await fetchPage(`/console/applications/${org.body.applicationNo}`);
      expectEscaped("org detail", orgDetail, p.slice(0, 50).trim());
      const preview = await fetchPage(`/console/applications/${no}/reply-letter/preview`, { post: { disposition: "granted.provided", note: p } });
      expectEscaped("letter preview", preview, p.trim());
    }
  });

  it("chat messages that reach a consultation: the consultations page shows question and transcript escaped", async () => {
    const chats = anonymousChat(env.server);
    for (const [i, p] of XSS.entries()) {
      // Two messages the bot does not understand open a consultation with the second as its question.
      expect((await chats.send(`xss-${i}`, `第一句${p}`)).status).toBe(200);
      expect((await chats.send(`xss-${i}`, p)).status).toBe(200);
    }
    const questions = (await env.ctx.db.getRepository(Consultation).find()).map((c) => c.question);
    const page = await fetchPage("/console/consultations");
    for (const p of XSS) {
      expect(questions).toContain(p.trim());
      expectEscaped("consultations", page, p.trim());
      expectEscaped("consultations transcript", page, `第一句${p}`.trim());
    }
  });

  it("catalogue fields (API and CSV import): console content pages and the public catalogue pages", async () => {
    const header = "索引号,信息名称,发布机构,生成日期,文号,主题分类,组配分类,公开方式,公开时限,公开范围,内容概述,正文或链接,有效性";
    const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const rows = XSS.map((p, i) =>
      [
        `XSS/2024-0000${i + 1}`,
        `导入目录${p}`,
        `发布${p}`,
        "2024-03-01",
        "",
        `分类${p}`,
        `组配${p}`,
        "主动公开",
        `时限${p}`,
        `范围${p}`,
        `概述${p}`,
        "",
        "有效",
      ]
        .map(csvField)
        .join(","),
    );
    await api("post", "/api/staff/catalogue/import", approver)
      .set("Content-Type", "text/csv")
      .send([header, ...rows].join("\n"))
      .expect(200);
    for (const [i, p] of XSS.entries()) {
      const created = await api("post", "/api/staff/catalogue")
        .send({
          title: `手工目录${p}`,
          publisher: `发布${p}`,
          subjectCategory: `分类${p}`,
          disclosureMode: "主动公开",
          summary: `概述${p}`,
          body: `正文${p}`,
          keywords: p,
        })
        .expect(201);
      const page = await fetchPage(`/console/content/catalogue/${created.body.entry.id}`);
      for (const v of [`手工目录${p}`, `发布${p}`, `分类${p}`, `概述${p}`, `正文${p}`]) expectEscaped("entry form", page, v.trim());
      const imported = await env.ctx.db.getRepository(CatalogueEntry).findOneByOrFail({ indexNo: `XSS/2024-0000${i + 1}` });
      const importedPage = await fetchPage(`/console/content/catalogue/${imported.id}`);
      for (const v of [`导入目录${p}`, `时限${p}`, `范围${p}`, `组配${p}`]) expectEscaped("imported entry form", importedPage, v.trim());
      const item = await fetchPage(`/catalogue/item?indexNo=${encodeURIComponent(imported.indexNo)}`, { public: true });
      expectEscaped("public item", item, `导入目录${p}`.trim());
    }
    // The console's list is paged: read every page.
    let content = "";
    for (let n = 1; n < 50; n++) {
      const pageText = await fetchPage(`/console/content?page=${n}`);
      content += pageText;
      if (!pageText.includes("下一页")) break;
    }
    const search = await fetchPage(`/catalogue?q=${encodeURIComponent("手工目录")}&pageSize=50`, { public: true });
    for (const p of XSS) {
      expectEscaped("content list", content, `手工目录${p}`.trim());
      // The public search marks the matched words: the payload part after them is escaped as it stands.
      expectEscaped("public search", search, p.trim());
    }
    // A withdrawal reason typed by staff shows in the withdrawn list.
    const victim = await env.ctx.db.getRepository(CatalogueEntry).findOneByOrFail({ indexNo: "XSS/2024-00001" });
    await api("post", `/api/staff/catalogue/${victim.id}/withdraw`).send({ reason: XSS[3] }).expect(200);
    expectEscaped("withdrawn list", await fetchPage("/console/content?status=withdrawn"), XSS[3]);
  });

  it("guide texts edited by staff: the console content page and, once published, the public guide", async () => {
    const draft = (await api("get", "/api/staff/guide").expect(200)).body;
    const key = (draft.draft ?? draft.published ?? draft.guide).sections[0].key as string;
    const p = XSS.join(" ");
    await api("patch", `/api/staff/guide/draft/sections/${key}`)
      .send({ title: `栏目${XSS[0]}`, body: `栏目内容${p}` })
      .expect(200);
    const content = await fetchPage("/console/content");
    expectEscaped("guide draft", content, `栏目${XSS[0]}`);
    for (const x of XSS) expectEscaped("guide draft body", content, x.trim());
    await api("post", "/api/staff/guide/publish", approver).send({ note: XSS[1] }).expect(200);
    const guide = await fetchPage("/guide", { public: true });
    expectEscaped("public guide", guide, `栏目${XSS[0]}`);
    for (const x of XSS) expectEscaped("public guide body", guide, x.trim());
  });

  it("report texts and cases: the console reports page", async () => {
    await api("put", "/api/staff/reports/2025/sections").send({ preamble: XSS[0], s1: XSS[1], s5: XSS[3], s6: XSS[4] }).expect(200);
    await api("post", "/api/staff/reports/cases")
      .send({ kind: "review", outcome: "pending", filedAt: "2025-05-06", reference: XSS[6], note: XSS[7] })
      .expect((r) => expect(r.status).toBeLessThan(300));
    const page = await fetchPage("/console/reports?year=2025");
    for (const x of [XSS[0], XSS[1], XSS[3], XSS[4]]) expectEscaped("report sections", page, x);
  });

  it("the login page's next parameter and a console search term come back escaped", async () => {
    for (const p of XSS) {
      const login = await request(env.server).get("/console/login").query({ next: p });
      expect(login.status).toBe(200);
      expectInert("login", login.text);
      expectEscaped("login next", login.text, p);
      expectEscaped("queue search box", await fetchPage(`/console/applications?q=${encodeURIComponent(p)}`), p.trim());
    }
  });
});

// Personal data never reaches the logs: the real server (one child process, LOG_LEVEL=debug, its own
// PostgreSQL schema and Redis prefix, a local WeChat API stand-in) is driven through a whole run — REST
// filings, a chat dialogue, an official-account dialogue, staff work, status queries right and wrong, and
// error paths that carry the personal data back in the bad request — and then every line it wrote is
// scanned for each ID number, phone and address used, in plain, digit-only, spaced and URL-encoded forms.
// Responses that do not need personal data (citizen status, staff list) are checked as well.
import { closeContext, createContext } from "../../src/bootstrap";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/infra/logger";
import { StaffService } from "../../src/modules/staff/staff-service";
import { DELIVERED_KINDS } from "../../src/modules/conversation/conversation-service";
import { Client } from "pg";
import { createPgSchema, deleteRedisPrefix, PG_URL, REDIS_URL } from "../helpers/test-context";
import { waitUntil } from "../helpers/wait";
import { startServer, type ServerProcess } from "../helpers/server-process";
import { wechatSignature } from "../helpers/wechat-official";
import { startWechatStandin, type WechatStandin } from "../integration/conversation/wechat-standin";
import { CREDIT_CODE } from "../integration/applications/fixtures";
import { csrfTokenFor } from "../../src/modules/console/csrf";

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A resident ID with a correct check character (GB 11643), written here independently of src/domain. */
function residentId(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return first17 + "10X98765432"[sum % 11];
}
/** First 17 digits whose check character is X (to cover the letter in every form). */
function idEndingInX(): string {
  for (let seq = 100; seq < 999; seq++) {
    const id = residentId(`37030319850612${seq}`);
    if (id.endsWith("X")) return id;
  }
  throw new Error("no X");
}

const PEOPLE = {
  rest: { id: residentId("37030219870315461"), mobile: "13905331287", email: "liu.rest@example.com", address: "山东省淄博市张店区共青团西路188号3单元" },
  restX: { id: idEndingInX(), mobile: "15064390218", email: "x.owner@example.net", address: "淄博市张店区华光路366号701室" },
  org: { landline: "0533-2876541", mobile: "18653309274", address: "张店区西六路联通大厦1907室" },
  chat: { id: residentId("37030419920808215"), mobile: "17853312946" },
  wechat: { id: residentId("37030519790101337"), mobile: "13561047783", address: "张店区和平街道金晶大道99号" },
  invalid: { id: "370306198102297715", mobile: "13145209876", address: "张店区马尚街道人民东路7号" }, // 1981-02-29 does not exist
  broken: { id: residentId("37030719660707123"), mobile: "13287765410", address: "张店区北京路山东理工大学西校区" },
  searched: { landline: "0533 2298413", address: "张店区柳泉路甲12号" },
};

/** Every form a number may take in a log line: as given, digits only, spaced, dashed, lower-case x. */
function forms(value: string): string[] {
  const digits = value.replace(/[^\dXx]/g, "");
  const out = new Set([value, digits, digits.toLowerCase()]);
  if (/^\d{17}[\dXx]$/.test(digits)) {
    for (const sep of [" ", "-"]) out.add([digits.slice(0, 6), digits.slice(6, 14), digits.slice(14)].join(sep));
  } else if (/^1\d{10}$/.test(digits)) {
    for (const sep of [" ", "-"]) out.add([digits.slice(0, 3), digits.slice(3, 7), digits.slice(7)].join(sep));
  } else if (/^0\d{9,11}$/.test(digits)) {
    const area = digits.startsWith("010") || digits.startsWith("02") ? 3 : 4;
    for (const sep of [" ", "-", ""]) out.add(digits.slice(0, area) + sep + digits.slice(area));
    out.add(digits.slice(area)); // the local number alone
  }
  return [...out];
}

/** The spaced form ("370302 19870315 4613", "139 0533 1287"). */
const spaced = (v: string) => forms(v).find((f) => f.includes(" "))!;

const TOKEN = "piiwebhooktoken";
const BOT = "pii-bot-service-token-0123456789";
const sha1 = wechatSignature;

let server: ServerProcess;
let wx: WechatStandin;
let dropSchema: () => Promise<void>;
let prefix: string;
let serverEnv: Record<string, string>;
let schemaName: string;
let staffToken: string;
const responses: Array<{ what: string; text: string }> = [];

async function call(
  method: string,
  path: string,
  opts: { json?: unknown; body?: string; type?: string; token?: string; cookie?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.json !== undefined) headers["content-type"] = "application/json";
  if (opts.type) headers["content-type"] = opts.type;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await fetch(server.url + path, { method, headers, body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.body, redirect: "manual" });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any route's JSON body, read field by field (like supertest's res.body)
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Anonymous citizens continue their conversation through the session the server issued. */
const chatSessions = new Map<string, string>();
async function chat(userId: string, text: string, auth?: string) {
  const session = auth ? undefined : chatSessions.get(userId);
  const r = await call("POST", "/api/chat", { json: { userId, text, ...(session ? { session } : {}) }, token: auth });
  expect([text, r.status]).toEqual([text, 200]);
  if (!auth && typeof r.json.session === "string") chatSessions.set(userId, r.json.session);
  return (r.json.replies as string[]).join("\n");
}

let msgSeq = 6100000000000000000n;
async function wechat(openId: string, content: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = `n${msgSeq}`;
  const xml = `<xml><ToUserName><![CDATA[gh_pii]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgSeq++}</MsgId></xml>`;
  const q = new URLSearchParams({ timestamp: ts, nonce, signature: sha1([TOKEN, ts, nonce]), openid: openId });
  const r = await call("POST", `/wechat?${q}`, { body: xml, type: "text/xml" });
  expect([content, r.status]).toEqual([content, 200]);
  return r.text;
}

/** Official-account notifications (the ones the server pushes itself) queued but not yet tried. */
async function pendingUntried(): Promise<number> {
  const c = new Client({ connectionString: PG_URL, options: `-c search_path=${schemaName}` });
  await c.connect();
  try {
    const q = `SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND attempts = 0 AND recipient LIKE 'oa:%' AND kind = ANY($1)`;
    return Number((await c.query(q, [DELIVERED_KINDS])).rows[0].n);
  } finally {
    await c.end();
  }
}

function person(p: { id?: string; mobile: string; email?: string; address?: string }, description: string, name = "刘测试") {
  return {
    applicant: {
      category: "natural_person",
      name,
      idType: "resident_id",
      idNumber: p.id,
      phone: p.mobile,
      ...(p.email ? { email: p.email } : {}),
      ...(p.address ? { address: p.address } : {}),
    },
    description,
    deliveryForm: "paper",
    deliveryMethod: "mail",
    channel: "online",
  };
}

beforeAll(async () => {
  const schema = await createPgSchema();
  dropSchema = schema.drop;
  schemaName = schema.schema;
  prefix = `ogipii_${Date.now().toString(36)}:`;
  wx = await startWechatStandin();
  serverEnv = {
    DATABASE_URL: schema.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: "debug",
    WECHAT_TOKEN: TOKEN,
    WECHAT_APPID: "wxpii0000000000000",
    WECHAT_APPSECRET: "pii-secret",
    WECHAT_API_BASE_URL: wx.url,
    BOT_SERVICE_TOKEN: BOT,
    MINIPROGRAM_APPID: "wxmppii",
    MINIPROGRAM_SECRET: "mp-pii-secret",
    STATUS_QUERY_MAX_FAILURES: "3",
    CHAT_RATE_LIMIT_PER_MINUTE: "1000",
  };
  server = await startServer({ env: serverEnv, readyTimeoutMs: 60_000 });
  // A staff account, made the way the CLI makes it: the service on the same database.
  const ctx = await createContext(loadConfig({ ...serverEnv, NODE_ENV: "test", LOG_LEVEL: "silent" }), { logger: createLogger("silent") });
  try {
    await new StaffService(ctx).createUser({ username: "pii-admin", password: "correct-horse-battery", role: "admin" });
  } finally {
    await closeContext(ctx);
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await wx?.close();
  await dropSchema?.();
  await deleteRedisPrefix(prefix);
});

it("a whole run leaves no ID number, phone or address in the logs, and the status and list answers carry none", async () => {
  const filed: Array<{ applicationNo: string; queryCode: string }> = [];

  // 1. REST filings: a person with an address and e-mail, one whose ID ends in X, an organisation with a landline.
  for (const [p, d] of [
    [PEOPLE.rest, "请公开2025年度张店区融媒体中心部门预算"],
    [PEOPLE.restX, "请公开2024年度张店区融媒体中心政府采购合同"],
  ] as const) {
    const r = await call("POST", "/api/applications", { json: person(p, d), headers: { "Idempotency-Key": `pii-${p.mobile}` } });
    expect(r.status).toBe(201);
    responses.push({ what: "intake answer", text: r.text });
    filed.push(r.json);
  }
  const org = await call("POST", "/api/applications", {
    json: {
      applicant: {
        category: "org.commercial",
        name: "淄博某某传媒有限公司",
        creditCode: CREDIT_CODE,
        contactName: "孙经理",
        phone: PEOPLE.org.landline,
        address: PEOPLE.org.address,
      },
      description: "请公开2025年度融媒体中心广告招标结果",
      deliveryForm: "paper",
      deliveryMethod: "mail",
      channel: "online",
    },
  });
  expect(org.status).toBe(201);
  filed.push(org.json);

  // 2. A filing dialogue through the chat API (anonymous) and through a relayed WeChat contact.
  const FORM = (id: string, mobile: string) => ["我要申请", "1", "周测试", "1", id, mobile, "请公开2023年新闻采编经费的预算执行情况", "跳过", "2", "1"];
  for (const m of FORM(PEOPLE.chat.id, PEOPLE.chat.mobile)) await chat("pii-chat", m);
  const chatDone = await chat("pii-chat", "确认");
  expect(chatDone).toMatch(/申请编号：\S+/);
  for (const m of FORM(PEOPLE.broken.id, PEOPLE.broken.mobile)) await chat("wxid_pii", m, BOT);
  expect(await chat("wxid_pii", "确认", BOT)).toMatch(/申请编号/);
  // Personal data typed where the bot does not expect it, spaced, then a handoff to staff.
  await chat("pii-free", `我的身份证是 ${spaced(PEOPLE.chat.id)}，电话 ${spaced(PEOPLE.chat.mobile)}，住在${PEOPLE.wechat.address}`);
  await chat("pii-free", `人工 我电话${PEOPLE.chat.mobile}`);

  // 3. The same dialogue through the official-account webhook, plus free text with personal data.
  for (const m of FORM(PEOPLE.wechat.id, PEOPLE.wechat.mobile)) await wechat("o-pii-user", m);
  const wxDone = await wechat("o-pii-user", "确认");
  expect(wxDone).toMatch(/申请编号/);
  await wechat("o-pii-user", `地址改成${PEOPLE.wechat.address}，手机${PEOPLE.wechat.mobile}，身份证${PEOPLE.wechat.id}`);
  await wechat("o-pii-user", "我的申请");

  // 3b. Issue 15: a mini-program filing and uploads whose file names and contents carry the ID number (one
  //     accepted photo, one refused text file).
  const mp = await call("POST", "/api/miniprogram/login", { json: { code: "pii-mp" } });
  const mpToken = mp.json.token as string;
  const { channel: _ch, ...mpBody } = person(PEOPLE.restX, "请公开2022年度张店区融媒体中心部门决算");
  const mpFiled = await call("POST", "/api/miniprogram/applications", { json: mpBody, token: mpToken });
  expect(mpFiled.status).toBe(201);
  for (const [bytes, status] of [
    [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]), Buffer.from(PEOPLE.restX.id)]), 201],
    [Buffer.from(`身份证 ${PEOPLE.restX.id} 电话 ${PEOPLE.restX.mobile}`), 400],
  ] as const) {
    const form = new FormData();
    form.set("kind", "identity");
    form.set("file", new Blob([bytes]), `身份证-${PEOPLE.restX.id}.jpg`);
    const res = await fetch(`${server.url}/api/miniprogram/applications/${mpFiled.json.applicationNo}/attachments`, {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${mpToken}` },
    });
    const text = await res.text();
    expect([res.status, text.includes(PEOPLE.restX.id)]).toEqual([status, false]);
  }
  const mine = await call("GET", "/api/miniprogram/applications", { token: mpToken });
  responses.push({ what: "mini-program list", text: mine.text });

  // 4. Error paths that bring the personal data back: bad check digit, impossible phone, malformed JSON,
  //    an oversize field, a wrong content type, NUL characters, and a staff search by phone and address.
  const bad = await call("POST", "/api/applications", { json: person({ ...PEOPLE.invalid }, "请公开2025年度部门决算") });
  expect(bad.status).toBe(400);
  expect(bad.text).not.toContain(PEOPLE.invalid.id);
  const badPhone = await call("POST", "/api/applications", {
    json: person({ ...PEOPLE.broken, mobile: `${PEOPLE.broken.mobile}9` }, "请公开2025年度部门决算"),
  });
  expect(badPhone.status).toBe(400);
  expect(badPhone.text).not.toContain(PEOPLE.broken.mobile);
  const broken = await call("POST", "/api/applications", {
    body: `{"applicant":{"idNumber":"${PEOPLE.broken.id}","phone":"${PEOPLE.broken.mobile}","address":"${PEOPLE.broken.address}"`,
    type: "application/json",
  });
  expect(broken.status).toBe(400);
  const long = await call("POST", "/api/applications", {
    json: person({ ...PEOPLE.broken, address: `${PEOPLE.broken.address}${"号".repeat(300)}` }, "请公开2025年度部门决算"),
  });
  expect(long.status).toBe(400);
  const xml = await call("POST", "/api/applications", { body: `<a>${PEOPLE.broken.id} ${PEOPLE.broken.mobile}</a>`, type: "application/xml" });
  expect(xml.status).toBeGreaterThanOrEqual(400);
  const nul = await call("POST", "/api/applications", {
    json: person({ ...PEOPLE.broken, address: `${PEOPLE.broken.address}\u0000` }, "请公开2025年度部门决算"),
  });
  expect(nul.status).toBe(400);
  await call("POST", "/api/chat", { json: { userId: "pii err", text: PEOPLE.broken.id } }); // userId with a space: 400

  // 5. Staff: login, list and search (by phone, landline, address and ID — all in the URL), detail,
  //    reveal, transitions, answer, letters, consultations and the console pages.
  const login = await call("POST", "/api/staff/login", { json: { username: "pii-admin", password: "correct-horse-battery" } });
  expect(login.status).toBe(200);
  staffToken = login.json.token;
  const list = await call("GET", "/api/staff/applications?limit=200", { token: staffToken });
  expect(list.status).toBe(200);
  expect(list.json.total).toBeGreaterThanOrEqual(6);
  responses.push({ what: "staff list", text: list.text });
  for (const q of [
    PEOPLE.rest.mobile,
    spaced(PEOPLE.rest.mobile),
    PEOPLE.searched.landline,
    PEOPLE.searched.address,
    PEOPLE.restX.id,
    spaced(PEOPLE.rest.id),
  ]) {
    const r = await call("GET", `/api/staff/applications?q=${encodeURIComponent(q)}`, { token: staffToken });
    expect(r.status).toBe(200);
    const c = await call("GET", `/console/applications?q=${encodeURIComponent(q)}`, { cookie: `ogi_staff=${staffToken}` });
    expect(c.status).toBe(200);
  }
  const catalogueSearch = await call("GET", `/api/catalogue?q=${encodeURIComponent(`${PEOPLE.searched.address} ${PEOPLE.searched.landline}`)}`);
  expect(catalogueSearch.status).toBe(200);
  for (const f of filed) {
    const d = await call("GET", `/api/staff/applications/${f.applicationNo}`, { token: staffToken });
    expect(d.status).toBe(200);
    await call("GET", `/api/staff/applications/${f.applicationNo}?reveal=idNumber`, { token: staffToken });
    await call("GET", `/console/applications/${f.applicationNo}`, { cookie: `ogi_staff=${staffToken}` });
    await call("POST", `/console/applications/${f.applicationNo}/reveal`, {
      cookie: `ogi_staff=${staffToken}`,
      body: `_csrf=${csrfTokenFor(staffToken)}`,
      type: "application/x-www-form-urlencoded",
    });
  }
  const first = filed[0].applicationNo;
  const actions: Array<[string, unknown]> = [
    ["assign", { assignee: "pii-admin", note: `申请人电话${PEOPLE.rest.mobile}` }],
    ["request-correction", { items: `请补充身份证${PEOPLE.rest.id}对应的户籍地址`, note: `联系电话${PEOPLE.rest.mobile}` }],
    ["record-correction", { receivedAt: new Date().toISOString().slice(0, 10), description: `补正：请公开2025年度部门预算，寄至${PEOPLE.rest.address}` }],
    ["answer", { disposition: "granted.provided", note: `已寄送至${PEOPLE.rest.address}，电话${PEOPLE.rest.mobile}` }],
  ];
  for (const [action, body] of actions) {
    const r = await call("POST", `/api/staff/applications/${first}/${action}`, { json: body, token: staffToken });
    expect([action, r.status < 500]).toEqual([action, true]);
  }
  await call("GET", `/api/staff/applications/${first}/reply-letter`, { token: staffToken });
  await call("GET", `/api/staff/applications/${first}/reply-letter.docx`, { token: staffToken });
  // A wrong action body that repeats personal data.
  const wrongAction = await call("POST", `/api/staff/applications/${filed[1].applicationNo}/answer`, {
    json: { disposition: PEOPLE.restX.id, note: PEOPLE.restX.mobile },
    token: staffToken,
  });
  expect(wrongAction.status).toBeGreaterThanOrEqual(400);
  expect(wrongAction.status).toBeLessThan(500);
  const consultations = await call("GET", "/api/staff/consultations", { token: staffToken });
  expect(consultations.status).toBe(200);
  for (const c of consultations.json.consultations as Array<{ id: string }>) {
    await call("POST", `/api/staff/consultations/${c.id}/reply`, { json: { answer: `请致电${PEOPLE.org.landline}` }, token: staffToken });
  }
  for (const pageUrl of ["/console", "/console/consultations?all=1", "/console/statistics"]) await call("GET", pageUrl, { cookie: `ogi_staff=${staffToken}` });

  // 6. Citizen status: right code, wrong codes until the limit, through REST and chat.
  for (const f of filed) {
    const ok = await call("GET", `/api/applications/${f.applicationNo}?queryCode=${f.queryCode}`);
    expect(ok.status).toBe(200);
    responses.push({ what: `status ${f.applicationNo}`, text: ok.text });
  }
  for (let i = 0; i < 4; i++) {
    const wrong = await call("GET", `/api/applications/${filed[2].applicationNo}?queryCode=${PEOPLE.org.mobile.slice(0, 8)}`);
    expect([200, 404, 429]).toContain(wrong.status);
    responses.push({ what: "wrong status", text: wrong.text });
  }
  await chat("pii-chat", `查询申请 ${filed[0].applicationNo} ${filed[0].queryCode}`);
  await chat("pii-chat", `查询申请 ${filed[0].applicationNo} 12345678`);
  await call("GET", "/api/staff/me", { token: staffToken });
  await call("POST", "/api/staff/logout", { token: staffToken });

  // Let the asynchronous notification delivery try every notification once and write whatever it logs.
  await waitUntil("every notification tried once", async () => (await pendingUntried()) === 0, 30_000);
  await server.stop();

  const log = server.logs();
  expect(log.split("\n").filter((l) => l.startsWith("{")).length).toBeGreaterThan(60);
  // The URL-encoded and JSON-escaped forms are read back too, so "139%201234" or "\u0020" cannot hide a number.
  const decodedLog = log
    .replace(/%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    })
    .replace(/\+/g, " ")
    .replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const secrets: Array<[string, string]> = [];
  for (const [who, p] of Object.entries(PEOPLE)) {
    for (const [kind, value] of Object.entries(p)) {
      if (kind === "email") secrets.push([`${who}.${kind}`, value]);
      else if (kind === "address") secrets.push([`${who}.${kind}`, value], [`${who}.${kind} (tail)`, value.slice(-6)]);
      else for (const f of forms(value)) secrets.push([`${who}.${kind}`, f]);
    }
  }
  const leaks = secrets
    .filter(([, s]) => log.includes(s) || decodedLog.includes(s))
    .map(([what, s]) => {
      const line = decodedLog.split("\n").find((l) => l.includes(s)) ?? log.split("\n").find((l) => l.includes(s));
      return `${what} "${s}" in: ${line?.slice(0, 300)}`;
    });
  expect(leaks).toEqual([]);

  // Answers that do not need personal data carry none.
  const responseLeaks = responses.flatMap((r) => secrets.filter(([, s]) => r.text.includes(s)).map(([what, s]) => `${r.what}: ${what} "${s}"`));
  expect(responseLeaks).toEqual([]);
}, 180_000);

it("the logger masks the shapes the run above did not happen to produce: errors with query parameters, effects, spaced numbers", async () => {
  const { Writable } = await import("node:stream");
  const lines: string[] = [];
  const log = createLogger("debug", new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  const p = PEOPLE.rest;
  const dbError = Object.assign(new Error(`duplicate key value: ${p.id}`), { query: "INSERT ...", parameters: [p.id, p.mobile, p.address] });
  log.error({ err: dbError }, "unhandled error");
  log.warn(
    { effect: { kind: "handoff", question: `住在${p.address}`, transcript: [{ from: "user", text: `电话 ${spaced(p.mobile)}` }] }, err: "x" },
    "conversation effect failed",
  );
  log.debug({ url: `/api/staff/applications?q=${encodeURIComponent(p.address)}&page=2`, staff: { applicantName: "刘测试", email: p.email } }, "request");
  log.info(`call ${PEOPLE.org.landline} or ${spaced(PEOPLE.searched.landline)} about ${spaced(p.id)} / ${p.id.toLowerCase()}`);
  const text = lines.join("");
  for (const s of [p.id, spaced(p.id), p.mobile, spaced(p.mobile), p.address, p.email, PEOPLE.org.landline, "2876541", "2298413"])
    expect([s, text.includes(s)]).toEqual([s, false]);
  // What stays is enough to follow a request: the path, the safe parameters, the masked shapes.
  expect(text).toContain("/api/staff/applications?q=[REDACTED]&page=2");
  expect(text).toContain("0533-********");
  expect(text).toContain("370302********");
});

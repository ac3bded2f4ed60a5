// Retry storm against the real server process (node --import tsx src/main.ts) on PostgreSQL and Redis:
// 2,000 distinct signed official-account messages, each delivered three times at once (WeChat retries a
// push it thinks went unanswered), from citizens who ask FAQ questions, ask for a person (a consultation
// row per request) or go through a whole filing dialogue (opened by text or by the menu's APPLY click) up
// to and past its confirmation. A citizen's next
// message goes out only when the three deliveries of the previous one are answered, as a real user waits
// for the reply.
//
// What breaks this test: without the webhook's message dedupe (src/channels/wechat-webhook.ts, dedupeKey +
// setIfAbsent before any work) every delivery gets its own passive reply, "人工" opens three consultations and
// the form swallows each answer three times, so the dialogues file wrong or no applications; without the
// filing's idempotency the confirmation files more than one application. Checked while writing the test by
// making the dedupe always answer "new" (see /work/notes/resilience-storm.md).
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import Redis from "ioredis";
import { startServer, type ServerProcess } from "../helpers/server-process";
import { createPgSchema, deleteRedisPrefix, PG_URL, REDIS_URL } from "../helpers/test-context";
import { startWechatStandin, type WechatStandin } from "../integration/conversation/wechat-standin";
import { clickXml, replyContent, signedQuery, STORM_APPID, STORM_TOKEN, textXml } from "./support/storm-wechat";

const FILERS = 80;
const FAQ_CITIZENS = 240;
/** Citizens talking at the same time (each one message after the other). */
const PARALLEL = 24;
const DELIVERIES = 3;
const ID = "11010519491231002X";

interface Step {
  text: string;
  /** Sent as a click on this menu key instead of a text message. */
  click?: string;
  /** What the (one) passive reply must say. */
  expect: RegExp;
}

const filingSteps = (i: number): Step[] => [
  i % 2 ? { text: "我要申请", click: "APPLY", expect: /以什么身份申请/ } : { text: "我要申请", expect: /以什么身份申请/ },
  { text: "1", expect: /姓名/ },
  { text: "张三", expect: /证件/ },
  { text: "1", expect: /证件号码|身份证号/ },
  { text: ID, expect: /联系电话/ },
  { text: "13800138000", expect: /需要公开的政府信息|内容描述|描述/ },
  { text: descriptionOf(i), expect: /文号|跳过/ },
  { text: "跳过", expect: /形式/ },
  { text: "2", expect: /方式|途径/ },
  { text: "1", expect: /确认/ },
  { text: "确认", expect: /申请编号：\S+/ },
  // a second, distinct confirmation message: the dialogue answers it without filing again
  { text: "确认", expect: /已经提交过了/ },
  { text: "我的申请", expect: /ZDRMT-\d{4}-\d{5}/ },
];
function descriptionOf(i: number) {
  return `请公开2019年新闻采编经费的预算执行情况（风暴测试第${i}号）`;
}

const FAQ: Step[] = [
  { text: "怎么申请政府信息公开", expect: /书面形式/ },
  { text: "申请要收费吗", expect: /信息处理费/ },
  { text: "办公时间", expect: /办公时间/ },
  { text: "有没有2019年的年度报告", expect: /ZDRMT\/2019-00001/ },
  { text: "二〇一九年收到多少申请", expect: /2019年新收政府信息公开申请：\d+件/ },
];
const HANDOFF: Step = { text: "人工", expect: /人工服务/ };

/** Every second FAQ citizen ends by asking for a person: one consultation each. */
const faqSteps = (i: number): Step[] => [FAQ[i % 5], FAQ[(i + 1) % 5], FAQ[(i + 2) % 5], i % 2 === 0 ? HANDOFF : FAQ[(i + 3) % 5]];

interface Citizen {
  openId: string;
  steps: Step[];
  filer: number | null;
}
interface Delivered {
  openId: string;
  msgId: string;
  step: Step;
  statuses: number[];
  replies: Array<string | null>;
}

let server: ServerProcess;
let wx: WechatStandin;
let schema: Awaited<ReturnType<typeof createPgSchema>>;
const prefix = `storm_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}:`;
let pg: Client;

beforeAll(async () => {
  wx = await startWechatStandin();
  schema = await createPgSchema();
  server = await startServer({
    env: {
      DATABASE_URL: schema.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: "warn",
      WECHAT_TOKEN: STORM_TOKEN,
      WECHAT_APPID: STORM_APPID,
      WECHAT_APPSECRET: "secret",
      WECHAT_API_BASE_URL: wx.url,
    },
    readyTimeoutMs: 60_000,
  });
  pg = new Client({ connectionString: PG_URL, options: `-c search_path=${schema.schema}` });
  await pg.connect();
});

afterAll(async () => {
  await server?.stop();
  await pg?.end();
  await wx?.close();
  await schema?.drop();
  await deleteRedisPrefix(prefix);
});

let msgSeq = 6_100_000_000_000_000_000n;

const freshQuery = () => signedQuery(String(Math.floor(Date.now() / 1000)), randomBytes(6).toString("hex"));

async function deliverOnce(xml: string, query: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}/wechat?${query}`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: xml,
  });
  return { status: res.status, body: await res.text() };
}

async function talk(c: Citizen, log: Delivered[]): Promise<void> {
  for (const step of c.steps) {
    const msgId = String(msgSeq++);
    const now = String(Math.floor(Date.now() / 1000));
    const xml = step.click ? clickXml(c.openId, step.click, now) : textXml(c.openId, step.text, msgId, now);
    // a retry may repeat the very same request (same signed query) or come signed anew
    const same = freshQuery();
    const answers = await Promise.all(Array.from({ length: DELIVERIES }, (_, k) => deliverOnce(xml, k === DELIVERIES - 1 ? freshQuery() : same)));
    log.push({
      openId: c.openId,
      msgId,
      step,
      statuses: answers.map((a) => a.status),
      replies: answers.map((a) => (a.status === 200 ? replyContent(a.body) : a.body)),
    });
  }
}

it("2,000 messages, each delivered 3 times at once: every delivery answered 200, exactly one effect per message", async () => {
  const citizens: Citizen[] = [];
  // filers spread among the FAQ citizens so that filing and questions run side by side
  for (let f = 0, q = 0; f < FILERS || q < FAQ_CITIZENS;) {
    if (f < FILERS) citizens.push({ openId: `o-storm-filer-${f}`, steps: filingSteps(f), filer: f++ });
    for (let k = 0; k < 3 && q < FAQ_CITIZENS; k++) {
      citizens.push({ openId: `o-storm-faq-${q}`, steps: faqSteps(q), filer: null });
      q++;
    }
  }
  const messages = citizens.reduce((n, c) => n + c.steps.length, 0);
  expect(messages).toBe(2000);

  const log: Delivered[] = [];
  const queue = [...citizens];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await talk(c, log);
    }),
  );
  const seconds = (Date.now() - started) / 1000;

  // every delivery answered 200
  expect(log).toHaveLength(2000);
  const notOk = log.filter((d) => d.statuses.some((s) => s !== 200));
  expect(notOk.map((d) => `${d.openId} ${d.step.text}: ${d.statuses.join(",")} ${d.replies.join(" | ")}`.slice(0, 300))).toEqual([]);

  // one passive reply per message at most; the other deliveries answer "success" and change nothing
  const multi = log.filter((d) => d.replies.filter((r) => r !== null).length > 1);
  expect(multi.map((d) => `${d.openId} ${d.step.text}: ${d.replies.join(" | ")}`.slice(0, 300))).toEqual([]);
  // the passive reply is the answer to this step of the dialogue (a message handled twice moves the form on)
  const wrong = log.filter((d) => d.replies.some((r) => r !== null && !d.step.expect.test(r)));
  expect(wrong.map((d) => `${d.openId} ${d.step.text}: ${d.replies.find((r) => r !== null)}`.slice(0, 300))).toEqual([]);
  // a message without a passive reply took the slow path: its answer went out as customer-service message(s)
  const slow = log.filter((d) => d.replies.every((r) => r === null));
  const deadline = Date.now() + 15_000;
  const csFor = (openId: string) => wx.messages().filter((m) => m.touser === openId).length;
  const missing = () => slow.filter((d) => csFor(d.openId) < slow.filter((s) => s.openId === d.openId).length);
  while (missing().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(missing().map((d) => `${d.openId} ${d.step.text}`)).toEqual([]);

  // the webhook recorded each message (MsgId) and each menu click (sender + CreateTime + key) once
  const redis = new Redis(REDIS_URL);
  const countKeys = async (pattern: string) => {
    let cursor = "0";
    let n = 0;
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}${pattern}`, "COUNT", 1000);
      cursor = next;
      n += keys.length;
    } while (cursor !== "0");
    return n;
  };
  try {
    const clicks = log.filter((d) => d.step.click).length;
    expect(clicks).toBe(FILERS / 2);
    expect(await countKeys("wechat:dedupe:evt:*")).toBe(clicks);
    expect(await countKeys("wechat:dedupe:msg:*")).toBe(2000 - clicks);
  } finally {
    redis.disconnect();
  }

  // each filing dialogue ends with exactly one application of that citizen, with that citizen's request
  const apps = await pg.query<{ citizen_key: string; application_no: string; description: string }>(
    "SELECT citizen_key, application_no, description FROM applications ORDER BY citizen_key",
  );
  expect(apps.rows).toHaveLength(FILERS);
  const byCitizen = new Map(apps.rows.map((r) => [r.citizen_key, r]));
  expect(byCitizen.size).toBe(FILERS);
  expect(new Set(apps.rows.map((r) => r.application_no)).size).toBe(FILERS);
  for (const c of citizens.filter((x) => x.filer !== null)) {
    const row = byCitizen.get(`oa:${c.openId}`);
    expect(row?.description).toBe(descriptionOf(c.filer!));
    // the number the citizen was told (passive reply, when the fast path answered) is the stored one
    const told = log
      .filter((d) => d.openId === c.openId && d.step.text === "确认")
      .flatMap((d) => d.replies)
      .map((r) => (r ? /申请编号：([A-Z]+-\d{4}-\d{5})/.exec(r)?.[1] : undefined))
      .filter(Boolean);
    for (const no of told) expect(no).toBe(row?.application_no);
  }
  const audit = await pg.query<{ action: string; n: string }>(
    "SELECT action, count(*) AS n FROM audit_events WHERE action IN ('application.submit', 'consultation.open') GROUP BY action ORDER BY action",
  );
  const handoffs = log.filter((d) => d.step === HANDOFF).length;
  expect(handoffs).toBe(FAQ_CITIZENS / 2);
  expect(audit.rows.map((r) => [r.action, Number(r.n)])).toEqual([
    ["application.submit", FILERS],
    ["consultation.open", handoffs],
  ]);
  expect(Number((await pg.query("SELECT count(*) AS n FROM idempotency_keys")).rows[0].n)).toBe(FILERS);

  // one consultation per "人工" message, for the citizens who asked
  const cons = await pg.query<{ recipient: string; n: string }>("SELECT recipient, count(*) AS n FROM consultations GROUP BY recipient");
  const asked = new Set(log.filter((d) => d.step === HANDOFF).map((d) => `oa:${d.openId}`));
  expect(cons.rows).toHaveLength(asked.size);
  for (const r of cons.rows) {
    expect(asked.has(r.recipient)).toBe(true);
    expect(Number(r.n)).toBe(1);
  }
  process.stdout.write(
    `retry storm: ${log.length} messages × ${DELIVERIES} deliveries in ${seconds.toFixed(1)} s (${((log.length * DELIVERIES) / seconds).toFixed(0)} deliveries/s), ` +
      `${slow.length} answered by customer-service message after the reply budget\n`,
  );
});

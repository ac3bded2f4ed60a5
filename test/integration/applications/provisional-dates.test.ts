// A guessed date is never told to a citizen as final: a deadline that reaches 2027 (holiday arrangement not
// published) carries the mark （暂估） and the plain sentence in the status API, the intake answer, every
// notification text and payload, the chat and official-account replies, and template fields; the reply
// letter prints only dates that happened. PostgreSQL + Redis, the official account through its webhook.
import request from "supertest";
import { recomputeProvisionalDueDates } from "../../../src/modules/applications/recompute-due-dates";
import { fillTemplate } from "../../../src/modules/conversation/conversation-service";
import { createTestEnv, longSession, type TestEnv } from "../../helpers/test-context";
import { wechatSignature } from "../../helpers/wechat-official";
import { startWechatStandin, type WechatStandin } from "../conversation/wechat-standin";
import { personBody } from "./fixtures";

const NOTE = "该日期按尚未公布的2027年节假日安排暂估，以正式安排为准。";
const TOKEN = "provisionaltoken";
const ACCOUNT = "gh_0123456789ab";
const day = (d: string) => `${d}T02:00:00Z`; // 10:00 in China

let env: TestEnv;
let wx: WechatStandin;
let clerk: string;
let approver: string;

beforeAll(async () => {
  wx = await startWechatStandin();
  env = await createTestEnv({
    db: "postgres",
    now: day("2026-12-01"),
    env: { WECHAT_TOKEN: TOKEN, WECHAT_APPID: "wx1234567890abcdef", WECHAT_APPSECRET: "secret", WECHAT_API_BASE_URL: wx.url, WECHAT_REPLY_BUDGET_MS: "3000" },
  });
  clerk = await longSession(env, "clerk", "clerk-prov");
  approver = await longSession(env, "approver", "approver-prov");
});
afterAll(async () => {
  await env.close();
  await wx.close();
});

const apps = () => env.services.applications;
const act = (no: string, action: string, body: object, token = clerk) =>
  request(env.server).post(`/api/staff/applications/${no}/${action}`).set("Authorization", `Bearer ${token}`).send(body).expect(200);
const status = (no: string, queryCode: string) => request(env.server).get(`/api/applications/${no}`).query({ queryCode }).expect(200);
const messagesOf = async (no: string): Promise<Array<Record<string, unknown>>> =>
  (
    await env.ctx.db.query(`SELECT o.payload FROM outbox o JOIN applications a ON a.id = o.application_id WHERE a.application_no = $1 ORDER BY o.created_at`, [
      no,
    ])
  ).map((r: { payload: string | object }) => (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload));
let nonce = 0;
function oaText(openId: string, content: string) {
  const ts = String(Math.floor(env.clock.now().getTime() / 1000));
  const n = `pr0v${nonce++}`;
  const xml = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${9100000000000000000n + BigInt(nonce)}</MsgId></xml>`;
  return request(env.server)
    .post("/wechat")
    .query({ timestamp: ts, nonce: n, signature: wechatSignature([TOKEN, ts, n]) })
    .set("Content-Type", "text/xml")
    .send(xml);
}

describe("received 2026-12-01, extended by 20 working days (the measured case)", () => {
  let no = "";
  let code = "";

  it("the status API carries the flag and the sentence once the date reaches 2027, not before", async () => {
    env.clock.set(day("2026-12-01"));
    const filed = await apps().submit(personBody({ channel: "wechat", description: "2026年度融媒体中心新闻发布会记录" }) as never, { citizenKey: "oa:o-prov" });
    ({ applicationNo: no, queryCode: code } = filed);
    expect(filed).toMatchObject({ dueDate: "2026-12-29", dueDateProvisional: false, dueDateNote: null });
    expect((await status(no, code)).body).toMatchObject({ dueDate: "2026-12-29", dueDateProvisional: false, dueDateNote: null });

    const extended = await act(no, "extend", { workingDays: 20, reason: "需调取历年档案" }, approver);
    expect(extended.body).toMatchObject({ dueDate: "2027-01-27", dueDateFlag: "unknown_year:2027" }); // Monday–Friday gave 01-26
    const s = (await status(no, code)).body;
    expect(s).toMatchObject({ dueDate: "2027-01-27", dueDateProvisional: true, dueDateNote: NOTE });
  });

  it("the extension notice marks the date and explains it; the payload carries the flag", async () => {
    const [msg] = await messagesOf(no);
    expect(msg.message).toBe(`经政府信息公开工作机构负责人同意，您的申请答复期限延长20个工作日，至2027-01-27（暂估）。${NOTE}`);
    expect(msg).toMatchObject({ dueDate: "2027-01-27", dueDateProvisional: true, dueDateNote: NOTE });
    // A template field that shows {dueDate} shows the mark too.
    expect(fillTemplate({ keyword3: "{dueDate}", keyword1: "{applicationNo}" }, msg)).toEqual({ keyword3: "2027-01-27（暂估）", keyword1: no });
    expect(fillTemplate({ keyword3: "{dueDate}" }, { dueDate: "2026-12-29", dueDateProvisional: false })).toEqual({ keyword3: "2026-12-29" });
  });

  it("the chat reply marks the date and adds the sentence", async () => {
    const res = await request(env.server)
      .post("/api/chat")
      .send({ userId: "web-prov", text: `查询申请 ${no} ${code}` })
      .expect(200);
    const text = (res.body.replies as string[]).join("\n");
    expect(text).toContain("答复期限：2027-01-27（暂估）");
    expect(text).toContain(NOTE);
  });

  it("the official account: the passive reply, 我的申请 and the delivered notification all carry the mark", async () => {
    const reply = await oaText("o-prov", `查询申请 ${no} ${code}`).expect(200);
    expect(reply.text).toContain("答复期限：2027-01-27（暂估）");
    expect(reply.text).toContain(NOTE);
    const mine = await oaText("o-prov", "我的申请").expect(200);
    expect(mine.text).toContain(`${no}：已受理，答复期限2027-01-27（暂估）`);
    expect(mine.text).toContain(NOTE);
    await env.services.conversation.deliverPending();
    const sent = wx
      .messages()
      .filter((m) => m.touser === "o-prov")
      .map((m) => m.content);
    expect(sent.some((c) => c.includes("至2027-01-27（暂估）。") && c.includes(NOTE))).toBe(true);
  });

  it("the reply letter prints only the receipt and reply dates, never the estimated deadline", async () => {
    env.clock.set(day("2026-12-10"));
    await act(no, "answer", { disposition: "granted.provided", note: "记录已通过电子邮件发送" });
    const letter = await request(env.server).get(`/api/staff/applications/${no}/reply-letter`).set("Authorization", `Bearer ${clerk}`).expect(200);
    expect(letter.text).toContain("本机关于2026年12月1日收到");
    expect(letter.text).toContain("2026年12月10日");
    expect(letter.text).not.toMatch(/2027-01-27|2027年1月27日|暂估/);
    // The answered application still shows its (estimated) deadline to the citizen with the mark.
    expect((await status(no, code)).body).toMatchObject({ status: "answered", dueDateProvisional: true, dueDateNote: NOTE });
  });
});

describe("every other notice that names a date in 2027", () => {
  it("the intake answer of a filing on 2026-12-15 (due 2027-01-13, counting 元旦 as a holiday)", async () => {
    env.clock.set(day("2026-12-15"));
    const res = await request(env.server)
      .post("/api/applications")
      .send(personBody({ description: "融媒体中心2026年度广告经营收入情况" }))
      .expect(201);
    expect(res.body).toMatchObject({ receivedAt: "2026-12-15", dueDate: "2027-01-13", dueDateProvisional: true, dueDateNote: NOTE });
  });

  it("confirm-receipt, request-correction and record-correction notices", async () => {
    env.clock.set(day("2026-12-15"));
    const reg = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "mail", description: "融媒体中心2026年度公务用车情况" }))
      .expect(201);
    const no = reg.body.applicationNo as string;
    await act(no, "confirm-receipt", { receivedAt: "2026-12-15", evidence: "电话确认" });
    await act(no, "request-correction", { items: "请写明所需信息的时间范围", periodWorkingDays: 15 });
    env.clock.set(day("2026-12-16"));
    await act(no, "record-correction", { receivedAt: "2026-12-16" });
    const msgs = (await messagesOf(no)).map((m) => m.message);
    expect(msgs).toEqual([
      `您的政府信息公开申请已确认收到（收到日期2026-12-15），答复期限至2027-01-13（暂估）。${NOTE}`,
      // 15 working days after 2026-12-15, skipping 2027-01-01 (元旦).
      `您的申请需要补正：请写明所需信息的时间范围。请于2027-01-06（暂估）前提交补正材料，逾期未补正视为放弃申请。${NOTE}`,
      `您的补正材料已收到，答复期限自2026-12-16起重新计算，至2027-01-14（暂估）。${NOTE}`,
    ]);
  });

  it("a notice with a final date says nothing about estimates", async () => {
    env.clock.set(day("2026-03-02"));
    const reg = await request(env.server)
      .post("/api/staff/applications")
      .set("Authorization", `Bearer ${clerk}`)
      .send(personBody({ channel: "mail", description: "融媒体中心2025年度会议费支出情况" }))
      .expect(201);
    await act(reg.body.applicationNo, "confirm-receipt", { receivedAt: "2026-03-02", evidence: "电话确认" });
    const [m] = await messagesOf(reg.body.applicationNo);
    expect(m.message).toBe("您的政府信息公开申请已确认收到（收到日期2026-03-02），答复期限至2026-03-30。");
    expect(m).toMatchObject({ dueDateProvisional: false, dueDateNote: null });
  });
});

describe("deadlines stored before the calendar changed (npm run cli -- recompute-due-dates)", () => {
  it("recomputes open flagged deadlines once, audited; a dry run and answered applications change nothing", async () => {
    env.clock.set(day("2026-12-15"));
    const open = await apps().submit(personBody({ description: "融媒体中心2026年度培训费支出情况" }) as never, {});
    const answered = await apps().submit(personBody({ description: "融媒体中心2026年度差旅费支出情况" }) as never, {});
    await act(answered.applicationNo, "answer", { disposition: "granted.provided", note: "已发送" });
    // What the Monday–Friday stand-in stored before this release (1 January counted as a working day).
    await env.ctx.db.query(`UPDATE applications SET due_date = '2027-01-12' WHERE application_no IN ($1, $2)`, [open.applicationNo, answered.applicationNo]);
    const run = (dryRun = false) => recomputeProvisionalDueDates(env.ctx, apps().settings, (id) => apps().calendarFor(id), { dryRun });

    const dry = await run(true);
    expect(dry.map((c) => c.applicationNo)).toEqual([open.applicationNo]);
    expect((await status(open.applicationNo, open.queryCode)).body.dueDate).toBe("2027-01-12");

    expect(await run()).toEqual([
      {
        applicationNo: open.applicationNo,
        previousDueDate: "2027-01-12",
        dueDate: "2027-01-13",
        previousFlag: "unknown_year:2027",
        dueDateFlag: "unknown_year:2027",
      },
    ]);
    expect((await status(open.applicationNo, open.queryCode)).body).toMatchObject({ dueDate: "2027-01-13", dueDateProvisional: true });
    expect((await status(answered.applicationNo, answered.queryCode)).body.dueDate).toBe("2027-01-12");
    const audit = await env.ctx.db.query(
      `SELECT e.action, e.actor_type FROM audit_events e JOIN applications a ON a.id = e.entity_id WHERE a.application_no = $1 ORDER BY e.created_at`,
      [open.applicationNo],
    );
    expect(audit.map((e: { action: string }) => e.action)).toEqual(["application.submit", "application.clock_recomputed"]);
    expect(audit[1].actor_type).toBe("system");
    expect(await run()).toEqual([]);
  });
});

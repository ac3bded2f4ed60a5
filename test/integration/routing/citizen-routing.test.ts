// Issue 17, the citizen half, on PostgreSQL and Redis with the real services and a second agency on the
// platform: the agency directory (by name, typo, duties; a new agency seen without a restart), REST filing to
// an agency, the bot asking which agency only when there are several, catalogue answers naming their agency,
// status for any agency's number, the Art. 36(5) re-filing (REST and chat, idempotent, both annual tables),
// 我的申请 across agencies, and staff isolation (API and console).
import { randomUUID } from "node:crypto";
import request from "supertest";
import { STAFF_COOKIE } from "../../../src/http/auth";
import { defaultAgency } from "../../../src/infra/agencies";
import { Agency } from "../../../src/infra/entities/agency.entity";
import { OutboxMessage } from "../../../src/infra/entities/outbox-message.entity";
import { Application } from "../../../src/modules/applications/application.entity";
import { formatForYear } from "../../../src/modules/reports/formats";
import { computeApplicationTable } from "../../../src/modules/reports/statistics";
import { personBody } from "../applications/fixtures";
import { addAgency, sessionUntil2099, type SecondAgency } from "../../helpers/second-agency";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { wechatSignature } from "../../helpers/wechat-official";
import { withCsrf } from "../../helpers/console-forms";

const BOT = "bot-service-token-0123456789";
const WX_TOKEN = "webhooktoken";
const TS = String(Date.parse("2026-03-02T02:00:00Z") / 1000);
let nonceSeq = 0;

/** A plain-mode official-account text message, signed as WeChat signs it; answers the passive reply's text. */
async function official(openId: string, content: string): Promise<string> {
  const nonce = `n${nonceSeq++}`;
  const xml = `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${TS}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${7100000000000000000n + BigInt(nonceSeq)}</MsgId></xml>`;
  const res = await request(env.server)
    .post("/wechat")
    .query({ timestamp: TS, nonce, signature: wechatSignature([WX_TOKEN, TS, nonce]) })
    .set("Content-Type", "text/xml")
    .send(xml);
  expect(res.status).toBe(200);
  return res.text;
}
const ID = "11010519491231002X";

let env: TestEnv;
let edu: SecondAgency;
let mediaToken: string;
beforeAll(async () => {
  env = await createTestEnv({
    db: "postgres",
    now: "2026-03-02T02:00:00Z",
    env: {
      BOT_SERVICE_TOKEN: BOT,
      CHAT_RATE_LIMIT_PER_MINUTE: "500",
      WECHAT_TOKEN: WX_TOKEN,
      WECHAT_APPID: "wx1234567890abcdef",
      WECHAT_APPSECRET: "secret",
      // Customer-service messages of a slow path go to a closed local port: nothing leaves the machine.
      WECHAT_API_BASE_URL: "http://127.0.0.1:9",
      WECHAT_REPLY_BUDGET_MS: "4000",
    },
  });
  await staffToken(env, "admin", "media-admin");
  mediaToken = await sessionUntil2099(env, "media-admin");
  edu = await addAgency(env);
});
afterAll(async () => {
  await env.close();
});

async function chat(contact: string, text: string): Promise<string> {
  const res = await request(env.server).post("/api/chat").set("Authorization", `Bearer ${BOT}`).send({ userId: contact, text });
  expect(res.status).toBe(200);
  return (res.body.replies as string[]).join("\n");
}
const staffGet = (token: string, path: string) => request(env.server).get(path).set("Authorization", `Bearer ${token}`);
const staffPost = (token: string, path: string, body: object) => request(env.server).post(path).set("Authorization", `Bearer ${token}`).send(body);
const total = (table: Awaited<ReturnType<typeof computeApplicationTable>>, row: string) => table.rows[row][table.columns.length - 1];

describe("the agency directory", () => {
  it("lists the platform's agencies and finds one by duties, by a typo of its name and by its short name", async () => {
    const all = await request(env.server).get("/api/agencies").expect(200);
    expect(all.body.items.map((a: { code: string }) => a.code).sort()).toEqual(["zdjy", "zdrmt"]);
    expect(JSON.stringify(all.body)).not.toMatch(/"id"/);
    const school = await request(env.server).get("/api/agencies").query({ q: "学校的事找谁" }).expect(200);
    expect(school.body.suggested).toBe("zdjy");
    expect(school.body.items[0]).toMatchObject({ code: "zdjy", name: "张店区教育和体育局", matchedBy: "duties" });
    expect((await request(env.server).get("/api/agencies").query({ q: "融媒体中新" })).body.suggested).toBe("zdrmt");
    expect((await request(env.server).get("/api/agencies").query({ q: "区教体局" })).body.items[0]).toMatchObject({ code: "zdjy", matchedBy: "name" });
    expect((await request(env.server).get("/api/agencies").query({ q: "电视台节目" })).body.suggested).toBe("zdrmt");
    const nothing = await request(env.server).get("/api/agencies").query({ q: "火星移民签证" }).expect(200);
    expect(nothing.body).toMatchObject({ total: 0, items: [], suggested: null });
  });

  it("refuses an over-long query with a Chinese message naming the field", async () => {
    const res = await request(env.server)
      .get("/api/agencies")
      .query({ q: "学".repeat(101) })
      .expect(400);
    expect(res.body.error.details[0]).toMatchObject({ field: "q" });
    expect(res.body.error.details[0].message).toMatch(/不能超过100个字/);
  });

  it("sees an agency added to the table at the next request, without a restart", async () => {
    const before = await request(env.server).get("/api/agencies").query({ q: "拆迁补偿找哪个部门" }).expect(200);
    expect(before.body.suggested).toBeNull();
    const now = env.ctx.clock.now().toISOString();
    await env.ctx.db.getRepository(Agency).insert({
      id: randomUUID(),
      code: "zdzj",
      name: "张店区住房和城乡建设局",
      profile: {
        channels: [],
        contact: { phone: "0533-2187777" },
        duties: { keywords: ["住房", "拆迁", "房屋征收", "物业"], summary: "负责住房保障、房屋征收补偿和物业管理。" },
      },
      createdAt: now,
      updatedAt: now,
    });
    const after = await request(env.server).get("/api/agencies").query({ q: "拆迁补偿找哪个部门" }).expect(200);
    expect(after.body.suggested).toBe("zdzj");
    expect(after.body.items[0].contact).toContain("0533-2187777");
  });
});

describe("filing to an agency over REST", () => {
  it("files to the agency given by code, to the default agency without one, and refuses an unknown code in Chinese", async () => {
    const toEdu = await request(env.server)
      .post("/api/applications")
      .send({ ...personBody(), agency: "zdjy", description: "2026年张店区小学学区划分方案" })
      .expect(201);
    expect(toEdu.body.applicationNo).toMatch(/^ZDJY-2026-\d{5}$/);
    const plain = await request(env.server)
      .post("/api/applications")
      .send(personBody({ description: "融媒体中心2025年部门预算" }))
      .expect(201);
    expect(plain.body.applicationNo).toMatch(/^ZDRMT-2026-/);
    const unknown = await request(env.server)
      .post("/api/applications")
      .send({ ...personBody(), agency: "nosuch" })
      .expect(400);
    expect(unknown.body.error.details).toEqual([{ field: "agency", message: expect.stringContaining("本平台没有代码为“nosuch”的机关") }]);
    const malformed = await request(env.server)
      .post("/api/applications")
      .send({ ...personBody(), agency: { $ne: 1 } })
      .expect(400);
    expect(malformed.body.error.details[0].field).toBe("agency");
    // Nothing was filed by the refused requests.
    expect(await env.ctx.db.getRepository(Application).count()).toBe(2);

    // The status query works for any agency's number.
    const status = await request(env.server).get(`/api/applications/${toEdu.body.applicationNo}`).query({ queryCode: toEdu.body.queryCode }).expect(200);
    expect(status.body).toMatchObject({ applicationNo: toEdu.body.applicationNo, statusLabel: "已受理" });
    expect(await chat("wx-status", `查询申请 ${toEdu.body.applicationNo} ${toEdu.body.queryCode}`)).toContain("办理状态：已受理");
    const byWebhook = await official("oa-status-openid", `查询申请 ${toEdu.body.applicationNo} ${toEdu.body.queryCode}`);
    expect(byWebhook).toContain(toEdu.body.applicationNo);
    expect(byWebhook).toContain("办理状态：已受理");

    // Isolation: the media center's staff never see the education bureau's application, by API or console.
    const list = await staffGet(mediaToken, "/api/staff/applications").expect(200);
    expect(list.body.items.map((i: { applicationNo: string }) => i.applicationNo)).not.toContain(toEdu.body.applicationNo);
    await staffGet(mediaToken, `/api/staff/applications/${toEdu.body.applicationNo}`).expect(404);
    await staffPost(mediaToken, `/api/staff/applications/${toEdu.body.applicationNo}/answer`, { disposition: "granted.provided" }).expect(404);
    const page = await request(env.server).get(`/console/applications/${toEdu.body.applicationNo}`).set("Cookie", `${STAFF_COOKIE}=${mediaToken}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain("小学学区划分");
    const consoleQueue = await request(env.server).get("/console").set("Cookie", `${STAFF_COOKIE}=${mediaToken}`).expect(200);
    expect(consoleQueue.text).not.toContain(toEdu.body.applicationNo);
    // …while the bureau's own staff do.
    const own = await staffGet(edu.token, "/api/staff/applications").expect(200);
    expect(own.body.items.map((i: { applicationNo: string }) => i.applicationNo)).toEqual([toEdu.body.applicationNo]);
  });
});

describe("the catalogue across agencies", () => {
  it("searches every agency without ?agency= and names the agency of each hit; ?agency= still searches one", async () => {
    const all = await request(env.server).get("/api/catalogue").query({ q: "义务教育招生入学" }).expect(200);
    expect(all.body.items[0]).toMatchObject({ indexNo: "ZDJY/2026-00001", agencyCode: "zdjy", agencyName: "张店区教育和体育局" });
    expect(all.body.items[0].agencyId).toBeUndefined();
    const media = await request(env.server).get("/api/catalogue").query({ q: "义务教育招生入学", agency: "zdrmt" }).expect(200);
    expect(media.body.items.map((i: { indexNo: string }) => i.indexNo)).not.toContain("ZDJY/2026-00001");
  });

  it("the bot's catalogue answer names whose information it is", async () => {
    const reply = await chat("wx-cat", "有没有义务教育招生入学的通知");
    expect(reply).toContain("张店区教育和体育局");
    expect(reply).toContain("义务教育招生入学");
    expect(reply).toContain("张店区教育和体育局·政府信息公开目录·索引号ZDJY/2026-00001");
  });
});

describe("the bot asks which agency only when it matters", () => {
  it("routes “学校的事找谁” to the bureau, files there after the citizen confirms the suggestion", async () => {
    const c = "wx-parent";
    const who = await chat(c, "学校的事找谁");
    expect(who).toContain("张店区教育和体育局");
    expect(who).toContain("0533-2181234");
    const ask = await chat(c, "我要申请");
    expect(ask).toContain("您要找的是“张店区教育和体育局”吗");
    expect(ask).toMatch(/1\. 张店区教育和体育局\n2\. /);
    expect(await chat(c, "是")).toContain("向张店区教育和体育局申请");
    for (const m of ["1", "王五", "1", ID, "13953380002", "请公开2026年小学学区划分方案", "跳过", "2", "1"]) await chat(c, m);
    const summary = await chat(c, "查看");
    expect(summary).toContain("受理机关：张店区教育和体育局");
    const done = await chat(c, "确认");
    expect(done).toMatch(/申请编号：ZDJY-2026-\d{5}/);
    const rows = await env.ctx.db.getRepository(Application).findBy({ citizenKey: `wx:${c}` });
    expect(rows).toHaveLength(1);
    expect(rows[0].agencyId).toBe(edu.id);
  });

  it("takes an agency named in the reply, and an agency's contacts when named in the question", async () => {
    const c = "wx-named";
    const ask = await chat(c, "我要申请");
    expect(ask).toContain("您要向哪个机关申请");
    expect(await chat(c, "融媒体中心")).toContain("向张店区融媒体中心申请");
    expect(await chat(c, "取消")).toContain("已取消");
    const contact = await chat(c, "教育局的联系电话是多少");
    expect(contact).toContain("张店区教育和体育局");
    expect(contact).toContain("0533-2181234");
    const which = await chat(c, "联系电话多少");
    expect(which).toContain("您想了解哪个机关");
    const second = /\n2\. (\S+)/.exec(which)![1];
    const info = await chat(c, "2");
    expect(info.startsWith(second)).toBe(true);
    expect(info).toContain("联系方式：");
  });
});

describe("not ours, theirs (Art. 36(5)): one-step re-filing", () => {
  let original: { applicationNo: string; queryCode: string };
  it("staff answer 不属于本机关 naming the bureau; the letter names it and its contact; wrong uses are refused", async () => {
    const res = await request(env.server)
      .post("/api/applications")
      .send(personBody({ description: "2026年小学招生入学划片范围" }))
      .expect(201);
    original = res.body;
    const no = original.applicationNo;
    const wrongKind = await staffPost(mediaToken, `/api/staff/applications/${no}/answer`, { disposition: "unable.not_exist", competentAgency: "zdjy" }).expect(
      400,
    );
    expect(wrongKind.body.error.details[0]).toMatchObject({ field: "competentAgency" });
    expect(
      (await staffPost(mediaToken, `/api/staff/applications/${no}/answer`, { disposition: "unable.not_responsible", competentAgency: "nosuch" }).expect(400))
        .body.error.details[0].message,
    ).toContain("没有代码为 nosuch");
    expect(
      (await staffPost(mediaToken, `/api/staff/applications/${no}/answer`, { disposition: "unable.not_responsible", competentAgency: "zdrmt" }).expect(400))
        .body.error.details[0].message,
    ).toContain("不能是本机关");
    const answered = await staffPost(mediaToken, `/api/staff/applications/${no}/answer`, {
      disposition: "unable.not_responsible",
      competentAgency: "zdjy",
    }).expect(200);
    expect(answered.body.referral).toEqual({
      agencyCode: "zdjy",
      agencyName: "张店区教育和体育局",
      contact: expect.stringContaining("0533-2181234"),
      refiledAs: null,
    });
    const letter = await staffGet(mediaToken, `/api/staff/applications/${no}/reply-letter`).expect(200);
    expect(letter.text).toContain("负责公开该政府信息的行政机关：张店区教育和体育局");
    expect(letter.text).toContain("0533-2181234");
    const status = await request(env.server).get(`/api/applications/${no}`).query({ queryCode: original.queryCode }).expect(200);
    expect(status.body.referral).toMatchObject({ agencyName: "张店区教育和体育局", refiledAs: null });
  });

  it("re-files over REST with number and query code: a new application at the bureau, received the day of re-filing, once", async () => {
    env.clock.set("2026-03-03T02:00:00Z");
    await request(env.server).post(`/api/applications/${original.applicationNo}/refile`).send({ queryCode: "000000000000" }).expect(404);
    const first = await request(env.server).post(`/api/applications/${original.applicationNo}/refile`).send({ queryCode: original.queryCode }).expect(201);
    expect(first.body).toMatchObject({
      refiledFrom: original.applicationNo,
      agencyCode: "zdjy",
      agencyName: "张店区教育和体育局",
      receivedAt: "2026-03-03",
      alreadyRefiled: false,
    });
    expect(first.body.applicationNo).toMatch(/^ZDJY-2026-/);
    const again = await request(env.server).post(`/api/applications/${original.applicationNo}/refile`).send({ queryCode: original.queryCode }).expect(200);
    expect(again.body).toMatchObject({ applicationNo: first.body.applicationNo, alreadyRefiled: true });
    // Same applicant data, no re-typing; linked; the original's query code opens the new one.
    const [orig, copy] = await Promise.all([
      env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: original.applicationNo }),
      env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: first.body.applicationNo }),
    ]);
    expect(copy).toMatchObject({
      agencyId: edu.id,
      refiledFromId: orig.id,
      description: orig.description,
      applicantName: orig.applicantName,
      status: "received",
      receivedAt: "2026-03-03",
      disposition: null,
    });
    expect(copy.applicant).toEqual(orig.applicant);
    expect(
      (await request(env.server).get(`/api/applications/${copy.applicationNo}`).query({ queryCode: original.queryCode }).expect(200)).body.statusLabel,
    ).toBe("已受理");
    expect((await request(env.server).get(`/api/applications/${orig.applicationNo}`).query({ queryCode: original.queryCode })).body.referral.refiledAs).toBe(
      copy.applicationNo,
    );
    // The bureau's staff see it with its origin; the media center's staff do not.
    const d = await staffGet(edu.token, `/api/staff/applications/${copy.applicationNo}`).expect(200);
    expect(d.body.refiledFrom).toEqual({ applicationNo: orig.applicationNo, agencyName: "张店区融媒体中心" });
    await staffGet(mediaToken, `/api/staff/applications/${copy.applicationNo}`).expect(404);

    // Both annual tables, through the report statistics SQL: the first counts it received and 本机关不掌握, the second received as new.
    const fmt = formatForYear(2026);
    const media = await computeApplicationTable(env.ctx.db, fmt, (await defaultAgency(env.ctx)).id, 2026);
    const bureau = await computeApplicationTable(env.ctx.db, fmt, edu.id, 2026);
    const mediaRows = await env.ctx.db.getRepository(Application).countBy({ agencyId: orig.agencyId });
    const bureauRows = await env.ctx.db.getRepository(Application).countBy({ agencyId: edu.id });
    expect(total(media, "received.new")).toBe(mediaRows);
    expect(total(media, "result.unable.not_held")).toBe(1);
    expect(total(bureau, "received.new")).toBe(bureauRows);
    expect(total(bureau, "result.unable.not_held")).toBe(0);
    expect(total(bureau, "carried_forward")).toBe(bureauRows);
  });

  it("re-files in the chat: a status reply offers it, “转交申请” files it, a second time finds the same one", async () => {
    const c = "wx-refile";
    const res = await request(env.server)
      .post("/api/applications")
      .send(personBody({ description: "2026年初中招生政策文件" }, { name: "赵六" }))
      .expect(201);
    await staffPost(mediaToken, `/api/staff/applications/${res.body.applicationNo}/answer`, {
      disposition: "unable.not_responsible",
      competentAgency: "zdjy",
    }).expect(200);
    const status = await chat(c, `查询申请 ${res.body.applicationNo} ${res.body.queryCode}`);
    expect(status).toContain("负责公开该信息的机关：张店区教育和体育局");
    expect(status).toContain("回复“转交申请”或“1”");
    const done = await chat(c, "1");
    expect(done).toMatch(/已向张店区教育和体育局转交您的申请/);
    const newNo = /新申请编号：(ZDJY-2026-\d{5})/.exec(done)![1];
    // A forged "转交申请" in another conversation (no status query, not the applicant) refiles nothing.
    expect(await chat("wx-stranger", "转交申请")).toMatch(/没有找到可以转交的申请|请先回复/);
    await chat(c, `查询申请 ${res.body.applicationNo} ${res.body.queryCode}`);
    expect(await chat(c, "查询申请 " + res.body.applicationNo + " " + res.body.queryCode)).toContain(`您已转交申请，新申请编号：${newNo}`);
    const rest = await request(env.server).post(`/api/applications/${res.body.applicationNo}/refile`).send({ queryCode: res.body.queryCode }).expect(200);
    expect(rest.body).toMatchObject({ applicationNo: newNo, alreadyRefiled: true });
    expect(await env.ctx.db.getRepository(Application).countBy({ description: "2026年初中招生政策文件" })).toBe(2);
  });
});

describe("the console's answer form names the competent agency", () => {
  it("an answer posted from the console with competentAgency records it and shows it on the page", async () => {
    const filed = (
      await request(env.server)
        .post("/api/applications")
        .send(personBody({ description: "2026年体育场馆开放时间" }))
        .expect(201)
    ).body;
    const cookie = `${STAFF_COOKIE}=${mediaToken}`;
    const page = await request(env.server).get(`/console/applications/${filed.applicationNo}`).set("Cookie", cookie).expect(200);
    expect(page.text).toContain('name="competentAgency"');
    await request(env.server)
      .post(`/console/applications/${filed.applicationNo}/actions/answer`)
      .set("Cookie", cookie)
      .type("form")
      .send(withCsrf(cookie, { disposition: "unable.not_responsible", competentAgency: "zdjy", note: "" }))
      .expect(302);
    const row = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: filed.applicationNo });
    expect(row.competentAgencyId).toBe(edu.id);
    const after = await request(env.server).get(`/console/applications/${filed.applicationNo}`).set("Cookie", cookie).expect(200);
    expect(after.text).toContain("张店区教育和体育局");
    expect(after.text).toContain("申请人尚未转交");
  });
});

describe("re-filing for a verified citizen told by notification", () => {
  it("the answer's notice names the agency and the way; “转交申请” re-files their own application, nobody else's", async () => {
    const svc = env.services.applications;
    const filed = await svc.submit(personBody({ channel: "wechat", description: "2026年幼儿园收费标准" }) as never, { citizenKey: "wx:wx-verified" });
    await svc.submit(personBody({ channel: "wechat", description: "别人的幼儿园申请" }) as never, { citizenKey: "wx:wx-other" });
    await staffPost(mediaToken, `/api/staff/applications/${filed.applicationNo}/answer`, {
      disposition: "unable.not_responsible",
      competentAgency: "zdjy",
    }).expect(200);
    const orig = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: filed.applicationNo });
    const notice = await env.ctx.db.getRepository(OutboxMessage).findOneByOrFail({ applicationId: orig.id });
    expect((notice.payload as { message: string }).message).toContain("负责公开该信息的机关：张店区教育和体育局");
    expect((notice.payload as { message: string }).message).toContain("回复“转交申请”");
    // Another verified citizen has nothing to re-file.
    expect(await chat("wx-other", "转交申请")).toContain("没有找到可以转交的申请");
    const done = await chat("wx-verified", "转交申请");
    expect(done).toContain(`已向张店区教育和体育局转交您的申请（原申请${filed.applicationNo}）`);
    const copy = await env.ctx.db.getRepository(Application).findOneByOrFail({ refiledFromId: orig.id });
    expect(copy).toMatchObject({ agencyId: edu.id, citizenKey: "wx:wx-verified" });
    expect(await chat("wx-verified", "转交申请")).toContain("该申请已经转交过，无需重复转交");
    expect(await env.ctx.db.getRepository(Application).countBy({ refiledFromId: orig.id })).toBe(1);
  });
});

describe("我的申请 across agencies", () => {
  it("lists a citizen's applications at both agencies and nobody else's", async () => {
    const svc = env.services.applications;
    const a = await svc.submit(personBody({ channel: "wechat", description: "融媒体中心2025年采购公告" }) as never, { citizenKey: "oa:me" });
    const b = await svc.submit(personBody({ channel: "wechat", description: "2026年教师招聘计划" }) as never, { citizenKey: "oa:me", agencyId: edu.id });
    await svc.submit(personBody({ channel: "wechat", description: "别人的申请" }) as never, { citizenKey: "oa:someone-else", agencyId: edu.id });
    const mine = await svc.listForCitizen("oa:me", { withAgency: true });
    expect(mine.map((x) => [x.applicationNo, x.agencyName]).sort()).toEqual(
      [
        [a.applicationNo, "张店区融媒体中心"],
        [b.applicationNo, "张店区教育和体育局"],
      ].sort(),
    );
    // The chat's 我的申请 for a verified contact: both agencies named, nothing of another citizen.
    const wx = "wx-mine";
    await svc.submit(personBody({ channel: "wechat", description: "融媒体中心2024年决算" }) as never, { citizenKey: `wx:${wx}` });
    await svc.submit(personBody({ channel: "wechat", description: "2026年学区划分" }) as never, { citizenKey: `wx:${wx}`, agencyId: edu.id });
    const reply = await chat(wx, "我的申请");
    expect(reply).toContain("（张店区融媒体中心）");
    expect(reply).toContain("（张店区教育和体育局）");
    expect(reply).not.toContain(a.applicationNo);
  });
});

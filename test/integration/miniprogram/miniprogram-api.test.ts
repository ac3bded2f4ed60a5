// The mini-program API over HTTP against PostgreSQL and Redis, with a local stand-in for WeChat: login,
// 我的申请 only for the signed-in openid (across agencies), filing with the intake rules and idempotency,
// status, guide, catalogue, reports, subscription consent counted down per message, delivery recorded
// (sent, refused with errcode, no consent), 订阅通知 bizsend, and uploads (limits, type, isolation).
import { randomUUID } from "node:crypto";
import request from "supertest";
import { Agency } from "../../../src/infra/entities/agency.entity";
import { AuditEvent } from "../../../src/infra/entities/audit-event.entity";
import { OutboxMessage } from "../../../src/infra/entities/outbox-message.entity";
import { Application } from "../../../src/modules/applications/application.entity";
import { Attachment } from "../../../src/modules/attachments/attachment.entity";
import { NotificationDelivery } from "../../../src/modules/conversation/entities";
import { personBody } from "../applications/fixtures";
import { startWechatStandin, type WechatStandin } from "../conversation/wechat-standin";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { jpeg, pdf, png, refused } from "./files";

let env: TestEnv;
let wx: WechatStandin;
const MAX_BYTES = 20_000;

beforeAll(async () => {
  wx = await startWechatStandin();
  env = await createTestEnv({
    db: "postgres",
    env: {
      WECHAT_API_BASE_URL: wx.url,
      MINIPROGRAM_APPID: "wxmp",
      MINIPROGRAM_SECRET: "mpsecret",
      MINIPROGRAM_STATUS_TEMPLATE_ID: "mp-tpl-1",
      WECHAT_APPID: "wxoa",
      WECHAT_APPSECRET: "oasecret",
      WECHAT_SUBSCRIBE_TEMPLATE_ID: "oa-sub-1",
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      ATTACHMENT_MAX_PER_APPLICATION: "3",
    },
  });
});
afterAll(async () => {
  await env.close();
  await wx.close();
});

const conv = () => env.services.conversation;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
async function login(code: string): Promise<string> {
  const res = await request(env.server).post("/api/miniprogram/login").send({ code });
  expect(res.status).toBe(200);
  return res.body.token as string;
}
async function file(token: string, overrides: Record<string, unknown> = {}, key?: string) {
  let req = request(env.server).post("/api/miniprogram/applications").set(auth(token));
  if (key) req = req.set("Idempotency-Key", key);
  const { channel: _c, ...body } = personBody(overrides);
  return req.send(body);
}
function upload(token: string, no: string, bytes: Buffer, kind = "identity", name = "id.jpg") {
  return request(env.server).post(`/api/miniprogram/applications/${no}/attachments`).set(auth(token)).field("kind", kind).attach("file", bytes, name);
}

describe("login and sessions", () => {
  it("exchanges the code for a token; a bad code or no token is 401 in Chinese", async () => {
    const token = await login("alice");
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(wx.calls.some((c) => c.path === "/sns/jscode2session" && c.query.js_code === "alice")).toBe(true);
    const bad = await request(env.server).post("/api/miniprogram/login").send({ code: "bad-code" });
    expect(bad.status).toBe(401);
    const none = await request(env.server).get("/api/miniprogram/applications");
    expect(none.status).toBe(401);
    expect(none.body.error.message).toContain("登录");
    const forged = await request(env.server)
      .get("/api/miniprogram/applications")
      .set(auth("x".repeat(43)));
    expect(forged.status).toBe(401);
  });
});

describe("my applications", () => {
  it("files as the signed-in user (channel 小程序), idempotent by key, and lists only that openid's applications across agencies", async () => {
    const alice = await login("alice-file");
    const bob = await login("bob-file");
    const first = await file(alice, {}, "mp-retry-1");
    expect(first.status).toBe(201);
    expect(first.body.queryCode).toMatch(/^\d+$/);
    const again = await file(alice, {}, "mp-retry-1");
    expect(again.status).toBe(201);
    expect(again.body.applicationNo).toBe(first.body.applicationNo);
    expect(again.body.queryCode).toBe(first.body.queryCode);
    const stored = await env.ctx.db.getRepository(Application).findBy({ citizenKey: "mp:mp-openid-alice-file" });
    expect(stored).toHaveLength(1);
    expect(stored[0].channel).toBe("miniprogram");

    // Filed for the same openid at another agency (multi-agency): still "mine".
    const now = env.clock.now().toISOString();
    const other = await env.ctx.db
      .getRepository(Agency)
      .save({ id: randomUUID(), code: "mp-other", name: "另一机关", profile: {}, createdAt: now, updatedAt: now } as Agency);
    const elsewhere = (await file(alice, { agency: "mp-other", description: "另一机关2025年度部门预算" })).body as { applicationNo: string };
    expect((await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: elsewhere.applicationNo })).agencyId).toBe(other.id);
    const unknown = await file(alice, { agency: "no-such-agency" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([expect.objectContaining({ field: "agency" })]);
    await file(bob);

    const list = await request(env.server).get("/api/miniprogram/applications").set(auth(alice));
    expect(list.status).toBe(200);
    const nos = list.body.applications.map((a: { applicationNo: string }) => a.applicationNo).sort();
    expect(nos).toEqual([first.body.applicationNo, elsewhere.applicationNo].sort());
    expect(list.body.applications.map((a: { agency: { name: string } }) => a.agency.name)).toContain("另一机关");
    // No personal data in the list.
    expect(JSON.stringify(list.body)).not.toContain("11010519491231002X");
    expect(JSON.stringify(list.body)).not.toContain("13800138000");

    const detail = await request(env.server).get(`/api/miniprogram/applications/${first.body.applicationNo}`).set(auth(alice));
    expect(detail.status).toBe(200);
    expect(detail.body.application.description).toContain("年度报告");
    expect(detail.body.limits).toEqual({ maxBytes: MAX_BYTES, maxFiles: 3, types: ["image/jpeg", "image/png", "application/pdf"] });
    // Bob sees neither the list entry nor the detail: the same 404 as a number that does not exist.
    const foreign = await request(env.server).get(`/api/miniprogram/applications/${first.body.applicationNo}`).set(auth(bob));
    expect(foreign.status).toBe(404);
    const missing = await request(env.server).get("/api/miniprogram/applications/ZDRMT-2026-99999").set(auth(bob));
    expect(foreign.body).toEqual(missing.body);
    const bobs = await request(env.server).get("/api/miniprogram/applications").set(auth(bob));
    expect(bobs.body.applications.map((a: { applicationNo: string }) => a.applicationNo)).not.toContain(first.body.applicationNo);
  });

  it("refuses a bad filing with the intake's Chinese field messages and stores nothing", async () => {
    const carol = await login("carol");
    const res = await file(carol, { description: "短" }, undefined);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: "description", message: expect.stringContaining("至少5个字") })]),
    );
    const bad = await request(env.server)
      .post("/api/miniprogram/applications")
      .set(auth(carol))
      .send({ ...personBody({}, { idNumber: "110105194912310021" }), channel: undefined });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("身份证号码格式不正确");
    expect(await env.ctx.db.getRepository(Application).countBy({ citizenKey: "mp:mp-openid-carol" })).toBe(0);
  });

  it("looks up any application by number and query code", async () => {
    const dave = await login("dave");
    const filed = await request(env.server).post("/api/applications").send(personBody());
    const ok = await request(env.server)
      .get("/api/miniprogram/status")
      .query({ applicationNo: filed.body.applicationNo, queryCode: filed.body.queryCode })
      .set(auth(dave));
    expect(ok.status).toBe(200);
    expect(ok.body.statusLabel).toBeTruthy();
    const wrong = await request(env.server)
      .get("/api/miniprogram/status")
      .query({ applicationNo: filed.body.applicationNo, queryCode: "000000000000" })
      .set(auth(dave));
    expect(wrong.status).toBe(404);
    const malformed = await request(env.server).get("/api/miniprogram/status").query({ applicationNo: "<script>" }).set(auth(dave));
    expect(malformed.status).toBe(400);
  });
});

describe("guide, catalogue and reports", () => {
  it("serves the published guide, catalogue search and the 2019 report's figures", async () => {
    const guide = await request(env.server).get("/api/miniprogram/guide");
    expect(guide.status).toBe(200);
    expect(guide.body.sections.length).toBeGreaterThan(0);
    const cat = await request(env.server).get("/api/miniprogram/catalogue").query({ q: "年度报告" });
    expect(cat.status).toBe(200);
    expect(Array.isArray(cat.body.items)).toBe(true);
    const tooLong = await request(env.server)
      .get("/api/miniprogram/catalogue")
      .query({ q: "长".repeat(150) });
    expect(tooLong.status).toBe(400);
    const reports = await request(env.server).get("/api/miniprogram/reports");
    expect(reports.status).toBe(200);
    expect(reports.body.reports.map((r: { year: number }) => r.year)).toContain(2019);
    const y2019 = await request(env.server).get("/api/miniprogram/reports/2019");
    expect(y2019.status).toBe(200);
    expect(y2019.body.year).toBe(2019);
    expect(y2019.body.summary).toContain("2019年");
    expect((await request(env.server).get("/api/miniprogram/reports/2031")).status).toBe(404);
    expect((await request(env.server).get("/api/miniprogram/reports/19x")).status).toBe(400);
  });
});

describe("subscription consent and delivery", () => {
  const outbox = async (recipient: string) => {
    const agency = await env.ctx.db.getRepository(Agency).findOneByOrFail({ code: "zdrmt" });
    return env.ctx.db.getRepository(OutboxMessage).save(
      Object.assign(new OutboxMessage(), {
        id: randomUUID(),
        agencyId: agency.id,
        applicationId: null,
        channel: "miniprogram",
        recipient,
        kind: "application.status_changed",
        payload: { applicationNo: "ZDRMT-2026-00088", statusLabel: "已答复", message: "您的申请已答复：予以公开。" },
        status: "pending",
        attempts: 0,
        lastError: null,
        createdAt: env.clock.now().toISOString(),
        deliveredAt: null,
      }),
    );
  };
  const deliveries = (outboxId: string) => env.ctx.db.getRepository(NotificationDelivery).findBy({ outboxId });
  const sends = (touser: string) => wx.calls.filter((c) => c.path === "/cgi-bin/message/subscribe/send" && c.body?.touser === touser).length;

  it("counts each accept as one message, ignores unknown templates, and records sent / no consent", async () => {
    const erin = await login("erin");
    const before = await request(env.server).get("/api/miniprogram/subscriptions").set(auth(erin));
    expect(before.body).toEqual({ templates: [{ templateId: "mp-tpl-1", purpose: expect.any(String) }], consents: [] });
    const rec = await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(erin))
      .send({ results: { "mp-tpl-1": "accept", "someone-elses-tpl": "accept" } });
    expect(rec.status).toBe(200);
    expect(rec.body.consents).toEqual([{ templateId: "mp-tpl-1", remaining: 1 }]);
    await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(erin))
      .send({ results: { "mp-tpl-1": "accept" } });

    const a = await outbox("mp:mp-openid-erin");
    const b = await outbox("mp:mp-openid-erin");
    const c = await outbox("mp:mp-openid-erin");
    await conv().deliverPending();
    expect(sends("mp-openid-erin")).toBe(2);
    const statuses = [...(await deliveries(a.id)), ...(await deliveries(b.id)), ...(await deliveries(c.id))].map((d) => d.status).sort();
    expect(statuses).toEqual(["no_consent", "sent", "sent"]);
    const left = await request(env.server).get("/api/miniprogram/subscriptions").set(auth(erin));
    expect(left.body.consents).toEqual([{ templateId: "mp-tpl-1", remaining: 0 }]);
    // The message without consent stays for the mini-program's own polling; a second run sends nothing new.
    await conv().deliverPending();
    expect(sends("mp-openid-erin")).toBe(2);
    const notes = await request(env.server).get("/api/miniprogram/notifications").set(auth(erin));
    expect(notes.body.notifications).toEqual(["【申请办理通知】您的申请已答复：予以公开。"]);
  });

  it("two deliveries at once cannot both use the last consent", async () => {
    const subs = conv().subscriptions;
    await subs.record("mp:racer-consent", { "mp-tpl-1": "accept" });
    await subs.record("mp:racer-consent", { "mp-tpl-1": "accept" });
    const taken = await Promise.all([1, 2, 3, 4, 5, 6].map(() => subs.take("mp:racer-consent", "mp-tpl-1")));
    expect(taken.filter(Boolean)).toHaveLength(2);
    expect(await subs.list("mp:racer-consent")).toEqual([{ templateId: "mp-tpl-1", remaining: 0 }]);
  });

  it("records WeChat's refusal with its errcode and leaves no consent; 'ban' clears the count; bad results are 400", async () => {
    const token = await login("refused-user");
    await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(token))
      .send({ results: { "mp-tpl-1": "accept" } });
    await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(token))
      .send({ results: { "mp-tpl-1": "accept" } });
    const o = await outbox("mp:mp-openid-refused-user");
    await conv().deliverPending();
    const [d] = await deliveries(o.id);
    expect(d.status).toBe("refused");
    expect(d.errcode).toBe(43101);
    expect((await request(env.server).get("/api/miniprogram/subscriptions").set(auth(token))).body.consents).toEqual([
      { templateId: "mp-tpl-1", remaining: 0 },
    ]);

    const frank = await login("frank");
    await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(frank))
      .send({ results: { "mp-tpl-1": "accept" } });
    const banned = await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(frank))
      .send({ results: { "mp-tpl-1": "ban" } });
    expect(banned.body.consents).toEqual([{ templateId: "mp-tpl-1", remaining: 0 }]);
    const bad = await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(frank))
      .send({ results: { "mp-tpl-1": "yes please" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].message).toContain("accept");
    const empty = await request(env.server).post("/api/miniprogram/subscriptions").set(auth(frank)).send({ results: {} });
    expect(empty.status).toBe(400);
  });

  it("a status change of a mini-program application reaches WeChat through the outbox against the consent", async () => {
    const gina = await login("gina");
    await request(env.server)
      .post("/api/miniprogram/subscriptions")
      .set(auth(gina))
      .send({ results: { "mp-tpl-1": "accept" } });
    const filed = await file(gina);
    const clerk = await staffToken(env, "clerk");
    const acted = await request(env.server).post(`/api/staff/applications/${filed.body.applicationNo}/assign`).set(auth(clerk)).send({});
    expect(acted.status).toBe(200);
    const answered = await request(env.server)
      .post(`/api/staff/applications/${filed.body.applicationNo}/answer`)
      .set(auth(clerk))
      .send({ disposition: "granted.provided" });
    expect(answered.status).toBe(200);
    await conv().deliverPending();
    const call = wx.calls.find((c) => c.path === "/cgi-bin/message/subscribe/send" && c.body?.touser === "mp-openid-gina");
    expect(JSON.stringify(call?.body?.data)).toContain(filed.body.applicationNo);
  });

  it("official account outside the 48-hour window: 订阅通知 (bizsend) against a consent from the pop-up event, recorded", async () => {
    const agency = await env.ctx.db.getRepository(Agency).findOneByOrFail({ code: "zdrmt" });
    const mk = (recipient: string) =>
      env.ctx.db.getRepository(OutboxMessage).save(
        Object.assign(new OutboxMessage(), {
          id: randomUUID(),
          agencyId: agency.id,
          applicationId: null,
          channel: "wechat",
          recipient,
          kind: "application.status_changed",
          payload: { applicationNo: "ZDRMT-2026-00099", statusLabel: "已答复", message: "您的申请已答复。" },
          status: "pending",
          attempts: 0,
          lastError: null,
          createdAt: env.clock.now().toISOString(),
          deliveredAt: null,
        }),
      );
    await conv().subscriptions.record("oa:o-biz", { "oa-sub-1": "accept" });
    const sent = await mk("oa:o-biz");
    const none = await mk("oa:o-biz");
    const refusedByWechat = await mk("oa:o-refused");
    await conv().subscriptions.record("oa:o-refused", { "oa-sub-1": "accept" });
    await conv().deliverPending();
    const biz = wx.calls.filter((c) => c.path === "/cgi-bin/message/subscribe/bizsend");
    expect(biz.filter((c) => c.body?.touser === "o-biz")).toHaveLength(1);
    expect(biz[0].body?.template_id).toBe("oa-sub-1");
    const rows = async (id: string) => (await deliveries(id)).map((d) => [d.method, d.status, d.errcode]);
    const all = [...(await rows(sent.id)), ...(await rows(none.id))].map((r) => r.join(":")).sort();
    expect(all).toEqual(["bizsend:no_consent:", "bizsend:sent:"]);
    expect(await rows(refusedByWechat.id)).toEqual([["bizsend", "refused", 43101]]);
    // Final: none of them is tried again.
    const statuses = await env.ctx.db.getRepository(OutboxMessage).findBy([{ id: sent.id }, { id: none.id }, { id: refusedByWechat.id }]);
    expect(statuses.map((s) => s.status).sort()).toEqual(["expired", "failed", "sent"]);
  });
});

describe("attachments from the mini-program", () => {
  let token: string;
  let no: string;
  beforeAll(async () => {
    token = await login("uploader");
    no = (await file(token)).body.applicationNo;
  });

  it("stores a JPEG, a PNG and a PDF with the type read from the content; the detail lists them (without content)", async () => {
    const a = await upload(token, no, jpeg(3000), "identity", "身份证.jpg");
    expect(a.status).toBe(201);
    expect(a.body.attachment).toMatchObject({ kind: "identity", mime: "image/jpeg", sizeBytes: 3000, source: "miniprogram" });
    // The name and the declared type are ignored: a PNG called .pdf is a PNG.
    const b = await upload(token, no, png(), "supporting", "scan.pdf");
    expect(b.body.attachment.mime).toBe("image/png");
    const detail = await request(env.server).get(`/api/miniprogram/applications/${no}`).set(auth(token));
    expect(detail.body.application.attachments.map((x: { mime: string }) => x.mime)).toEqual(["image/jpeg", "image/png"]);
    expect(JSON.stringify(detail.body)).not.toMatch(/content|base64/i);
    const events = await env.ctx.db.getRepository(AuditEvent).findBy({ action: "attachment.add" });
    expect(events.filter((e) => (e.data as { attachmentId?: string }).attachmentId === a.body.attachment.id)).toHaveLength(1);
  });

  it.each(refused)("refuses %s with a Chinese message naming the accepted types; nothing stored", async (_name, bytes) => {
    const before = await env.ctx.db.getRepository(Attachment).count();
    const res = await upload(token, no, bytes, "supporting", "x.jpg");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("ATTACHMENT.INVALID_TYPE");
    expect(res.body.error.message).toContain("JPG、PNG");
    expect(await env.ctx.db.getRepository(Attachment).count()).toBe(before);
  });

  it("refuses a file over ATTACHMENT_MAX_BYTES (413), a missing file or kind (400), a non-multipart body (415), and the file over the count (409)", async () => {
    const big = await upload(token, no, jpeg(MAX_BYTES + 1));
    expect(big.status).toBe(413);
    expect(big.body.error.message).toContain("文件过大");
    const noFile = await request(env.server).post(`/api/miniprogram/applications/${no}/attachments`).set(auth(token)).field("kind", "identity");
    expect(noFile.status).toBe(400);
    expect(JSON.stringify(noFile.body)).toContain("请选择要上传的文件");
    const noKind = await request(env.server).post(`/api/miniprogram/applications/${no}/attachments`).set(auth(token)).attach("file", jpeg(), "a.jpg");
    expect(noKind.status).toBe(400);
    expect(JSON.stringify(noKind.body)).toContain("identity");
    const json = await request(env.server).post(`/api/miniprogram/applications/${no}/attachments`).set(auth(token)).send({ file: "aGVsbG8=" });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toContain("multipart/form-data");
    const third = await upload(token, no, pdf(), "supporting", "c.pdf");
    expect(third.status).toBe(201);
    // The same file sent again (a retried upload) is the one already stored, not a second one.
    const retried = await upload(token, no, pdf(), "supporting", "c-again.pdf");
    expect([retried.status, retried.body.attachment.id]).toEqual([201, third.body.attachment.id]);
    const fourth = await upload(token, no, jpeg(1500), "supporting", "d.jpg");
    expect(fourth.status).toBe(409);
    expect(fourth.body.error.message).toContain("最多上传3个附件");
    expect(
      await env.ctx.db
        .getRepository(Attachment)
        .countBy({ applicationId: (await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: no })).id }),
    ).toBe(3);
    // The application itself is untouched by every refusal.
    const detail = await request(env.server).get(`/api/miniprogram/applications/${no}`).set(auth(token));
    expect(detail.body.application.status).toBe("received");
  });

  it("two uploads at once past the count: exactly the limit is stored", async () => {
    const t = await login("racer");
    const n = (await file(t)).body.applicationNo;
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => upload(t, n, jpeg(1000 + i))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
  });

  it("another openid cannot upload to the application (404), nor can an anonymous client (401)", async () => {
    const other = await login("not-the-owner");
    const res = await upload(other, no, jpeg());
    expect(res.status).toBe(404);
    const anon = await request(env.server).post(`/api/miniprogram/applications/${no}/attachments`).field("kind", "identity").attach("file", jpeg(), "a.jpg");
    expect(anon.status).toBe(401);
  });

  it("refuses uploads to a closed application", async () => {
    const t = await login("closer");
    const n = (await file(t)).body.applicationNo;
    const clerk = await staffToken(env, "clerk");
    await request(env.server).post(`/api/staff/applications/${n}/assign`).set(auth(clerk)).send({}).expect(200);
    await request(env.server).post(`/api/staff/applications/${n}/answer`).set(auth(clerk)).send({ disposition: "granted.provided" }).expect(200);
    const res = await upload(t, n, jpeg());
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("已办结");
  });
});

describe("staff access to attachments", () => {
  it("staff of the agency list and open them with an audit row each time; another agency's staff get 404; never public", async () => {
    const t = await login("staff-view");
    const n = (await file(t)).body.applicationNo;
    const up = await upload(t, n, png(), "identity", "id.png");
    const id = up.body.attachment.id as string;
    const clerk = await staffToken(env, "clerk");
    const list = await request(env.server).get(`/api/staff/applications/${n}/attachments`).set(auth(clerk));
    expect(list.status).toBe(200);
    expect(list.body.attachments.map((a: { id: string }) => a.id)).toEqual([id]);
    const file1 = await request(env.server)
      .get(`/api/staff/applications/${n}/attachments/${id}`)
      .set(auth(clerk))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => cb(null, Buffer.concat(chunks)));
      });
    expect(file1.status).toBe(200);
    expect(file1.headers["content-type"]).toBe("image/png");
    expect(file1.headers["cache-control"]).toBe("private, no-store");
    expect(file1.headers["content-security-policy"]).toContain("sandbox");
    expect(Buffer.compare(file1.body as Buffer, png())).toBe(0);
    const dl = await request(env.server).get(`/api/staff/applications/${n}/attachments/${id}?download=1`).set(auth(clerk));
    expect(dl.headers["content-disposition"]).toMatch(/^attachment;/);
    const appRow = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: n });
    const audit = await env.ctx.db.getRepository(AuditEvent).find({ where: { entityId: appRow.id }, order: { createdAt: "ASC" } });
    expect(audit.filter((e) => e.action === "attachment.view" || e.action === "attachment.download").map((e) => e.action)).toEqual([
      "attachment.view",
      "attachment.download",
    ]);
    expect(audit.find((e) => e.action === "attachment.view")!.actorType).toBe("staff");

    // Staff of another agency: 404 for the list and the file, and no audit row written.
    const now = env.clock.now().toISOString();
    await env.ctx.db
      .getRepository(Agency)
      .save({ id: randomUUID(), code: "files-other", name: "别的机关", profile: {}, createdAt: now, updatedAt: now } as Agency);
    const staff = env.services.staff;
    await staff.createUser({ username: "other-clerk", password: "correct-horse-battery", role: "clerk", agencyCode: "files-other" });
    const otherToken = (await staff.login("other-clerk", "correct-horse-battery", "test", undefined, { agencyCode: "files-other" })).token;
    const auditBefore = await env.ctx.db.getRepository(AuditEvent).count();
    expect((await request(env.server).get(`/api/staff/applications/${n}/attachments`).set(auth(otherToken))).status).toBe(404);
    expect((await request(env.server).get(`/api/staff/applications/${n}/attachments/${id}`).set(auth(otherToken))).status).toBe(404);
    expect(await env.ctx.db.getRepository(AuditEvent).count()).toBe(auditBefore);
    // No public address serves it.
    for (const path of [`/api/applications/${n}/attachments/${id}`, `/api/miniprogram/applications/${n}/attachments/${id}`, `/attachments/${id}`]) {
      const res = await request(env.server).get(path).set(auth(t));
      expect([401, 404, 405]).toContain(res.status);
      expect(res.headers["content-type"]).not.toBe("image/png");
    }
  });
});

describe("retention", () => {
  it("deletes the files (bytes too) of applications closed more than ATTACHMENT_RETENTION_DAYS ago, with an audit row; keeps open ones", async () => {
    const t = await login("retention");
    const closedNo = (await file(t)).body.applicationNo;
    const openNo = (await file(t)).body.applicationNo;
    const kept = await upload(t, openNo, jpeg());
    const gone = await upload(t, closedNo, jpeg());
    const clerk = await staffToken(env, "clerk");
    await request(env.server).post(`/api/staff/applications/${closedNo}/assign`).set(auth(clerk)).send({}).expect(200);
    await request(env.server).post(`/api/staff/applications/${closedNo}/answer`).set(auth(clerk)).send({ disposition: "granted.provided" }).expect(200);
    const svc = env.services.attachments;
    const start = env.clock.now().toISOString();
    // A day short of the retention: nothing goes.
    env.clock.set(new Date(Date.parse(start) + 364 * 86400_000).toISOString());
    expect((await svc.purge()).closed).toBe(0);
    env.clock.set(new Date(Date.parse(start) + 367 * 86400_000).toISOString());
    const r = await svc.purge();
    expect(r.closed).toBeGreaterThanOrEqual(1);
    expect(await env.ctx.db.getRepository(Attachment).findOneBy({ id: gone.body.attachment.id })).toBeNull();
    expect(await svc.storage.get(gone.body.attachment.id)).toBeNull();
    expect(await env.ctx.db.getRepository(Attachment).findOneBy({ id: kept.body.attachment.id })).not.toBeNull();
    expect(await svc.storage.get(kept.body.attachment.id)).not.toBeNull();
    const closedApp = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: closedNo });
    expect(await env.ctx.db.getRepository(AuditEvent).countBy({ entityId: closedApp.id, action: "attachment.purge" })).toBe(1);
    env.clock.set(start);
  });
});

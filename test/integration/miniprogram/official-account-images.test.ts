// The official account's side of issue 15 over the signed webhook (PostgreSQL, Redis, WeChat stand-in): an
// image sent while the filing dialogue is open is fetched through the media API and attached to the
// application the dialogue files; outside the dialogue it is not stored; refused files are told in
// Chinese and the half-filled form is kept; the 订阅通知 pop-up event records the consent bizsend counts.
import { XMLParser } from "fast-xml-parser";
import request from "supertest";
import { Application } from "../../../src/modules/applications/application.entity";
import { Attachment } from "../../../src/modules/attachments/attachment.entity";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { wechatSignature } from "../../helpers/wechat-official";
import { startWechatStandin, type WechatStandin } from "../conversation/wechat-standin";
import { RESIDENT_ID } from "../applications/fixtures";
import { jpeg, refused } from "./files";

const TOKEN = "webhooktoken";
const ACCOUNT = "gh_0123456789ab";
const NOW = "2026-03-02T02:00:00Z";
const TS = String(Date.parse(NOW) / 1000);
let env: TestEnv;
let wx: WechatStandin;
let seq = 9100000000000000000n;
let nonce = 0;

beforeAll(async () => {
  wx = await startWechatStandin();
  env = await createTestEnv({
    db: "postgres",
    now: NOW,
    env: {
      WECHAT_TOKEN: TOKEN,
      WECHAT_APPID: "wxoa",
      WECHAT_APPSECRET: "s",
      WECHAT_API_BASE_URL: wx.url,
      WECHAT_REPLY_BUDGET_MS: "4000",
      ATTACHMENT_MAX_BYTES: "50000",
      WECHAT_SUBSCRIBE_TEMPLATE_ID: "oa-sub-1",
    },
  });
});
afterAll(async () => {
  await env.close();
  await wx.close();
});

const parser = new XMLParser({ processEntities: false, parseTagValue: false });
const head = (openId: string, type: string) =>
  `<ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${TS}</CreateTime><MsgType><![CDATA[${type}]]></MsgType>`;
async function post(xml: string): Promise<string> {
  const n = `img${nonce++}`;
  const res = await request(env.server)
    .post("/wechat")
    .query({ timestamp: TS, nonce: n, signature: wechatSignature([TOKEN, TS, n]) })
    .set("Content-Type", "text/xml")
    .send(xml);
  expect(res.status).toBe(200);
  return res.text === "success" ? "" : String((parser.parse(res.text).xml as Record<string, string>).Content);
}
const text = (openId: string, content: string) => post(`<xml>${head(openId, "text")}<Content><![CDATA[${content}]]></Content><MsgId>${seq++}</MsgId></xml>`);
const image = (openId: string, mediaId: string) =>
  post(`<xml>${head(openId, "image")}<PicUrl>http://x/y.jpg</PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId><MsgId>${seq++}</MsgId></xml>`);
const attachmentsOf = (openId: string) => env.ctx.db.getRepository(Attachment).findBy({ uploadedBy: `oa:${openId}` });

it("an image during the filing dialogue is fetched, kept, and attached to the application the dialogue files", async () => {
  const who = "o-filer";
  for (const m of ["我要申请", "1", "王五", "1", RESIDENT_ID, "13953380002"]) await text(who, m);
  wx.putMedia("media-id-card", jpeg(4000));
  const got = await image(who, "media-id-card");
  expect(got).toContain("已收到第1张图片");
  expect(got).toContain("身份证明");
  expect(got).toContain("请继续");
  expect(wx.calls.some((c) => c.path === "/cgi-bin/media/get" && c.query.media_id === "media-id-card")).toBe(true);
  // Not bound yet: the application does not exist until the dialogue files.
  expect((await attachmentsOf(who)).map((a) => a.applicationId)).toEqual([null]);

  // A refused file and an expired media id are told in Chinese; the form goes on.
  wx.putMedia("media-gif", refused[3][1], "image/gif");
  expect(await image(who, "media-gif")).toContain("JPG、PNG");
  expect(await image(who, "media-expired")).toContain("图片没有收到");
  expect(await attachmentsOf(who)).toHaveLength(1);

  for (const m of ["请公开2019年新闻采编经费的预算执行情况", "跳过", "2", "1"]) await text(who, m);
  const done = await text(who, "确认");
  expect(done).toContain("申请已提交");
  expect(done).toContain("已随申请附上您发送的1张图片");
  const no = /申请编号：(\S+)/.exec(done)![1];
  const app = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: no });
  const files = await attachmentsOf(who);
  expect(files.map((f) => [f.applicationId, f.kind, f.source, f.mime, f.pendingKey])).toEqual([[app.id, "identity", "wechat", "image/jpeg", null]]);
  expect((await env.services.attachments.storage.get(files[0].id))!.length).toBe(4000);
});

it("an image outside the dialogue gets the text-only answer and nothing is stored", async () => {
  wx.putMedia("media-stray", jpeg());
  expect(await image("o-stray", "media-stray")).toContain("文字");
  expect(await attachmentsOf("o-stray")).toHaveLength(0);
  expect(wx.calls.some((c) => c.query.media_id === "media-stray")).toBe(false);
});

it("unfiled images are removed after 24 hours by the retention job", async () => {
  const who = "o-abandon";
  for (const m of ["我要申请", "1", "赵六"]) await text(who, m);
  wx.putMedia("media-abandon", jpeg());
  expect(await image(who, "media-abandon")).toContain("已收到第1张图片");
  const svc = env.services.attachments;
  expect((await svc.purge()).pending).toBe(0);
  env.clock.set(new Date(Date.parse(NOW) + 25 * 3600_000).toISOString());
  expect((await svc.purge()).pending).toBe(1);
  expect(await attachmentsOf(who)).toHaveLength(0);
  env.clock.set(NOW);
});

it("the 订阅通知 pop-up event records accepted templates (and a settings change switches one off)", async () => {
  const list = (status: string) =>
    `<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[oa-sub-1]]></TemplateId><SubscribeStatusString><![CDATA[${status}]]></SubscribeStatusString><PopupScene>0</PopupScene></List><List><TemplateId><![CDATA[other]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>0</PopupScene></List></SubscribeMsgPopupEvent>`;
  const event = (ev: string, status: string, t: string) =>
    post(
      `<xml>${head("o-consent", "event").replace(TS, t)}<Event><![CDATA[${ev}]]></Event>${list(status).replace(/SubscribeMsgPopupEvent/g, ev === "subscribe_msg_popup_event" ? "SubscribeMsgPopupEvent" : "SubscribeMsgChangeEvent")}</xml>`,
    );
  expect(await event("subscribe_msg_popup_event", "accept", TS)).toBe("");
  expect(await event("subscribe_msg_popup_event", "accept", String(Number(TS) + 1))).toBe("");
  const subs = env.services.conversation.subscriptions;
  expect(await subs.list("oa:o-consent")).toEqual([{ templateId: "oa-sub-1", remaining: 2 }]);
  await event("subscribe_msg_change_event", "reject", String(Number(TS) + 2));
  expect(await subs.list("oa:o-consent")).toEqual([{ templateId: "oa-sub-1", remaining: 0 }]);
});

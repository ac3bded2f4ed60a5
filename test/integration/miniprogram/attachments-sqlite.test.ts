// The attachment storage on SQLite (blob column, same migration): upload through the mini-program API,
// read back byte for byte by staff, count limit, and retention, exactly as on PostgreSQL.
import request from "supertest";
import { Application } from "../../../src/modules/applications/application.entity";
import { personBody } from "../applications/fixtures";
import { startWechatStandin, type WechatStandin } from "../conversation/wechat-standin";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";
import { jpeg, pdf, png } from "./files";

let env: TestEnv;
let wx: WechatStandin;
beforeAll(async () => {
  wx = await startWechatStandin();
  env = await createTestEnv({
    db: "sqlite",
    env: { WECHAT_API_BASE_URL: wx.url, MINIPROGRAM_APPID: "a", MINIPROGRAM_SECRET: "b", ATTACHMENT_MAX_PER_APPLICATION: "2" },
  });
});
afterAll(async () => {
  await env.close();
  await wx.close();
});

it("stores, serves, limits and purges attachments on SQLite", async () => {
  const token = (await request(env.server).post("/api/miniprogram/login").send({ code: "lite" })).body.token as string;
  const { channel: _c, ...body } = personBody();
  const no = (await request(env.server).post("/api/miniprogram/applications").set("Authorization", `Bearer ${token}`).send(body)).body.applicationNo as string;
  const up = (bytes: Buffer) =>
    request(env.server)
      .post(`/api/miniprogram/applications/${no}/attachments`)
      .set("Authorization", `Bearer ${token}`)
      .field("kind", "supporting")
      .attach("file", bytes, "f");
  const a = await up(pdf());
  expect(a.status).toBe(201);
  expect(a.body.attachment.mime).toBe("application/pdf");
  expect((await up(png())).status).toBe(201);
  expect((await up(jpeg())).status).toBe(409);

  const svc = env.services.attachments;
  const stored = await svc.storage.get(a.body.attachment.id);
  expect(Buffer.compare(stored!, pdf())).toBe(0);
  const clerk = await staffToken(env, "clerk");
  const res = await request(env.server).get(`/api/staff/applications/${no}/attachments/${a.body.attachment.id}`).set("Authorization", `Bearer ${clerk}`);
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toBe("application/pdf");

  await request(env.server).post(`/api/staff/applications/${no}/assign`).set("Authorization", `Bearer ${clerk}`).send({}).expect(200);
  await request(env.server).post(`/api/staff/applications/${no}/close`).set("Authorization", `Bearer ${clerk}`).send({ reason: "withdrawn" }).expect(200);
  const app = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: no });
  expect(app.status).toBe("closed");
  env.clock.set(new Date(Date.parse(env.clock.now().toISOString()) + 400 * 86400_000).toISOString());
  expect(await svc.purge()).toEqual({ closed: 2, pending: 0, orphans: 0 });
  expect(await svc.storage.get(a.body.attachment.id)).toBeNull();
  // A blob whose metadata row is gone (object storage written, row insert lost) is swept too.
  await svc.storage.put("00000000-0000-4000-8000-000000000000", png());
  expect((await svc.purge()).orphans).toBe(1);
});

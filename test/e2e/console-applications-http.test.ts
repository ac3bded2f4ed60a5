// The application pages over HTTP (PostgreSQL): the ID number is masked until a deliberate, audited reveal;
// user text is escaped; actions the role may not take are absent and refused by the server; queue filters
// and search; bot consultations of the same applicant are shown and answered from the console.
import { randomUUID } from "node:crypto";
import request from "supertest";
import { AuditEvent } from "../../src/infra/entities/audit-event.entity";
import { agencyByCode } from "../../src/infra/agencies";
import { OutboxMessage } from "../../src/infra/entities/outbox-message.entity";
import { Consultation } from "../../src/modules/conversation/entities";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { createStaff, PASSWORD } from "./support/browser";
import { postLogin, withCsrf } from "../helpers/console-forms";

let env: TestEnv;
let no: string;
let orgNo: string;
const RESIDENT_ID = "11010519491231002X";

async function login(username: string): Promise<string> {
  const res = await postLogin(env.server, { username, password: PASSWORD });
  expect(res.status).toBe(302);
  return (res.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("ogi_staff="))!.split(";")[0];
}

/** Follows one redirect, carrying the session and the flash cookie, and returns the page. */
async function follow(res: request.Response, cookie: string) {
  const flash = ((res.headers["set-cookie"] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith("ogi_flash="))?.split(";")[0];
  return request(env.server).get(res.headers.location).set("Cookie", [cookie, flash].filter(Boolean).join("; "));
}

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: "2026-03-02T02:00:00Z" });
  await createStaff(env, "clerk", "clerk4");
  await createStaff(env, "approver", "boss4");
  const apps = env.services.applications;
  no = (
    await apps.submit(
      {
        applicant: { category: "natural_person", name: "王<b>五</b>", idType: "resident_id", idNumber: RESIDENT_ID, phone: "13800138000" },
        description: "请公开<script>alert(1)</script>2025年的会议纪要",
        deliveryForm: "electronic",
        deliveryMethod: "wechat",
        channel: "wechat",
      },
      { citizenKey: "oa:openid-wang" },
    )
  ).applicationNo;
  orgNo = (
    await apps.submit({
      applicant: { category: "org.commercial", name: "淄博某某科技有限公司", creditCode: "91350100M000100Y43", contactName: "李四", phone: "0533-2123456" },
      description: "关于2025年度融媒体中心采购项目的中标公告",
      deliveryForm: "paper",
      deliveryMethod: "pickup",
      channel: "online",
    })
  ).applicationNo;
  const agency = await agencyByCode(env.ctx);
  await env.ctx.db.getRepository(Consultation).insert({
    id: randomUUID(),
    agencyId: agency.id,
    channel: "oa",
    recipient: "oa:openid-wang",
    verified: "yes",
    reason: "requested",
    question: "我的申请什么时候能答复？",
    transcript: null,
    status: "open",
    answer: null,
    answeredBy: null,
    createdAt: "2026-03-02T01:00:00.000Z",
    answeredAt: null,
  });
});
afterAll(async () => env?.close());

test("ID number masked; reveal is a POST that shows it and writes an audit event", async () => {
  const cookie = await login("clerk4");
  const page = await request(env.server).get(`/console/applications/${no}`).set("Cookie", cookie);
  expect(page.status).toBe(200);
  expect(page.text).not.toContain(RESIDENT_ID);
  expect(page.text).toContain("显示完整号码");
  const audits = () => env.ctx.db.getRepository(AuditEvent).countBy({ action: "application.reveal_id_number" });
  expect(await audits()).toBe(0);
  const revealed = await request(env.server).post(`/console/applications/${no}/reveal`).set("Cookie", cookie).type("form").send(withCsrf(cookie));
  expect(revealed.status).toBe(200);
  expect(revealed.text).toContain(RESIDENT_ID);
  expect(revealed.headers["cache-control"]).toBe("no-store");
  expect(await audits()).toBe(1);
});

test("applicant text is escaped on the queue and the application page", async () => {
  const cookie = await login("clerk4");
  for (const url of ["/console", `/console/applications/${no}`]) {
    const res = await request(env.server).get(url).set("Cookie", cookie);
    expect(res.text).not.toContain("<script>alert(1)</script>");
    expect(res.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(res.text).not.toContain("王<b>五</b>");
  }
});

test("the clerk is not offered the extension and the server refuses a forged one; the approver is offered it", async () => {
  const clerk = await login("clerk4");
  const page = await request(env.server).get(`/console/applications/${no}`).set("Cookie", clerk);
  expect(page.text).not.toContain('id="action-extend"');
  expect(page.text).toContain('id="action-request-correction"');
  const forged = await request(env.server)
    .post(`/console/applications/${no}/actions/extend`)
    .set("Cookie", clerk)
    .set("Referer", `http://127.0.0.1/console/applications/${no}`)
    .type("form")
    .send(withCsrf(clerk, { workingDays: "20", reason: "材料较多" }));
  expect(forged.status).toBe(302);
  const after = await follow(forged, clerk);
  expect(after.text).toContain("延期须经审批人");
  const d = await env.services.applications.detail({ ...(await whoIs("clerk4")) }, no);
  expect(d.clock.extension).toBeNull();
  // A refused field says why (the service's field message), not only "提交的内容有误".
  const unknownAssignee = await request(env.server)
    .post(`/console/applications/${no}/actions/assign`)
    .set("Cookie", clerk)
    .set("Referer", `http://127.0.0.1/console/applications/${no}`)
    .type("form")
    .send(withCsrf(clerk, { assignee: "nobody" }));
  expect((await follow(unknownAssignee, clerk)).text).toContain("承办人不存在或已停用");

  const boss = await login("boss4");
  const bossPage = (await request(env.server).get(`/console/applications/${no}`).set("Cookie", boss)).text;
  expect(bossPage).toContain('id="action-extend"');
  // Exactly the actions the service allows this role now: one form each, no others (a natural person's
  // category has nothing it could be corrected to, so that form is left out).
  const allowed = (await env.services.applications.detail(await whoIs("boss4"), no)).allowedActions.filter((a) => a !== "set-category");
  const shown = [...bossPage.matchAll(/<details class="action" id="action-([a-z-]+)"/g)].map((m) => m[1]);
  expect(shown.sort()).toEqual([...allowed].sort());
});

async function whoIs(username: string) {
  const { StaffUser } = await import("../../src/infra/entities/staff-user.entity");
  const u = await env.ctx.db.getRepository(StaffUser).findOneByOrFail({ username });
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, agencyId: u.agencyId };
}

test("queue filters by channel and category and searches by name or number", async () => {
  const cookie = await login("clerk4");
  const get = (q: string) => request(env.server).get(`/console${q}`).set("Cookie", cookie);
  const rows = (html: string) => [...html.matchAll(/<tr class="[^"]*" data-no="([^"]+)"/g)].map((m) => m[1]);
  expect(rows((await get("")).text).sort()).toEqual([no, orgNo].sort());
  expect(rows((await get("?channel=wechat")).text)).toEqual([no]);
  expect(rows((await get("?category=org.commercial")).text)).toEqual([orgNo]);
  expect(rows((await get(`?q=${encodeURIComponent("淄博某某")}`)).text)).toEqual([orgNo]);
  expect(rows((await get(`?q=${encodeURIComponent(no.toLowerCase())}`)).text)).toEqual([no]);
  expect(rows((await get("?status=answered")).text)).toEqual([]);
  // Hand-edited paging far beyond the end: an empty page, not a database error (PostgreSQL bigint).
  const far = await get("?offset=99999999999999999999");
  expect(far.status).toBe(200);
  expect(rows(far.text)).toEqual([]);
  expect((await request(env.server).get("/console/content?page=99999999999999999999").set("Cookie", cookie)).status).toBe(200);
});

test("consultations of the applicant show on the application page and are answered from the console", async () => {
  const cookie = await login("clerk4");
  const page = await request(env.server).get(`/console/applications/${no}`).set("Cookie", cookie);
  expect(page.text).toContain("我的申请什么时候能答复？");
  const other = await request(env.server).get(`/console/applications/${orgNo}`).set("Cookie", cookie);
  expect(other.text).not.toContain("我的申请什么时候能答复？");

  const list = await request(env.server).get("/console/consultations").set("Cookie", cookie);
  const id = /action="\/console\/consultations\/([0-9a-f-]{36})\/reply"/.exec(list.text)![1];
  const res = await request(env.server)
    .post(`/console/consultations/${id}/reply`)
    .set("Cookie", cookie)
    .type("form")
    .send(withCsrf(cookie, { text: "预计3月30日前答复。" }));
  expect(res.status).toBe(302);
  const c = await env.ctx.db.getRepository(Consultation).findOneByOrFail({ id });
  expect(c.status).toBe("answered");
  expect(c.answer).toBe("预计3月30日前答复。");
  expect(await env.ctx.db.getRepository(OutboxMessage).countBy({ kind: "consultation.reply" })).toBe(1);
});

test("overdue rows are red, rows due within 5 working days yellow, with counts and filters", async () => {
  const apps = env.services.applications;
  const body = (name: string) => ({
    applicant: { category: "natural_person", name, idType: "resident_id", idNumber: RESIDENT_ID, phone: "13800138000" },
    description: "请公开2025年度新闻发布会的文字实录",
    deliveryForm: "electronic",
    deliveryMethod: "wechat",
    channel: "online",
  });
  env.clock.set("2026-01-05T02:00:00Z"); // due 2026-02-02: 16 working days late on 2026-03-02
  const late = (await apps.submit(body("迟到"))).applicationNo;
  env.clock.set("2026-02-03T02:00:00Z"); // due 2026-03-09: 5 working days left
  const soon = (await apps.submit(body("将到"))).applicationNo;
  env.clock.set("2026-03-02T02:00:00Z");
  try {
    const cookie = await login("clerk4");
    const page = (await request(env.server).get("/console").set("Cookie", cookie)).text;
    expect(page).toMatch(new RegExp(`<tr class="overdue" data-no="${late}">`));
    expect(page).toContain("已超期 16 个工作日");
    expect(page).toMatch(new RegExp(`<tr class="due-soon" data-no="${soon}">`));
    expect(page).toContain("剩余 5 个工作日");
    expect(page).toMatch(new RegExp(`<tr class="" data-no="${no}">`));
    expect(page).toContain("已超期 1 件");
    expect(page).toContain("（含已超期）2 件");
    const rows = (html: string) => [...html.matchAll(/<tr class="[^"]*" data-no="([^"]+)"/g)].map((m) => m[1]);
    expect(rows((await request(env.server).get("/console?due=overdue").set("Cookie", cookie)).text)).toEqual([late]);
    expect(rows((await request(env.server).get("/console?due=soon").set("Cookie", cookie)).text).sort()).toEqual([late, soon].sort());
  } finally {
    env.clock.set("2026-03-02T02:00:00Z");
  }
});

test("statistics page (PostgreSQL): table 三 and chart data come from the aggregates", async () => {
  const cookie = await login("boss4");
  const res = await request(env.server).get("/console/statistics?year=2026").set("Cookie", cookie);
  expect(res.status).toBe(200);
  const data = (id: string) => JSON.parse(new RegExp(`<script type="application/json" id="${id}-data">(.*?)</script>`, "s").exec(res.text)![1]);
  const intake = data("chart-intake") as { data: { datasets: Array<{ label: string; data: number[] }> } };
  const byLabel = Object.fromEntries(intake.data.datasets.map((d) => [d.label, d.data]));
  // online: 2026-01-05, 2026-02-03 and 2026-03-02; wechat: 2026-03-02 (earlier tests of this file).
  expect(byLabel["网上申请"].slice(0, 4)).toEqual([1, 1, 1, 0]);
  expect(byLabel["微信"].slice(0, 4)).toEqual([0, 0, 1, 0]);
  expect(res.text).toMatch(/<th scope="row"[^>]*>一、本年新收政府信息公开申请数量<\/th>(<td class="num">\d+<\/td>){6}<td class="num">4<\/td>/);
  expect(res.text).not.toContain("<script>alert");
});

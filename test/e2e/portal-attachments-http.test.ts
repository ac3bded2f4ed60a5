// The portal's application form with files (issue 15): multipart with the identity proof and other files,
// checked from the content before anything is filed (a refused file brings the page back with everything typed
// and files nothing), attached after filing, the same limits as the mini-program, and no duplicate on a resubmit.
import request from "supertest";
import { Application } from "../../src/modules/applications/application.entity";
import { Attachment } from "../../src/modules/attachments/attachment.entity";
import { RESIDENT_ID } from "../integration/applications/fixtures";
import { jpeg, pdf, png, refused } from "../integration/miniprogram/files";
import { createTestEnv, type TestEnv } from "../helpers/test-context";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", env: { ATTACHMENT_MAX_BYTES: "30000", ATTACHMENT_MAX_PER_APPLICATION: "3" } });
});
afterAll(() => env.close());

async function formKey(): Promise<string> {
  const page = await request(env.server).get("/apply").expect(200);
  return /name="key" value="([^"]+)"/.exec(page.text)![1];
}
const person = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({
  "applicant.category": "natural_person",
  "applicant.name": name,
  "applicant.idType": "resident_id",
  "applicant.idNumber": RESIDENT_ID,
  "applicant.phone": "13800138000",
  "applicant.email": "wangwu@example.com",
  description: `请公开2025年张店区融媒体中心的部门预算（${name}）`,
  deliveryForm: "electronic",
  deliveryMethod: "email",
  ...extra,
});
function post(fields: Record<string, string>, files: Array<[string, Buffer, string]>) {
  let req = request(env.server).post("/apply");
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  for (const [field, bytes, name] of files) req = req.attach(field, bytes, name);
  return req;
}
const filedBy = (name: string) => env.ctx.db.getRepository(Application).findBy({ applicantName: name });
const filesOf = async (no: string) => {
  const app = await env.ctx.db.getRepository(Application).findOneByOrFail({ applicationNo: no });
  return env.ctx.db.getRepository(Attachment).find({ where: { applicationId: app.id }, order: { createdAt: "ASC" } });
};

it("the form is multipart with labelled file inputs for the identity proof and other files, limits stated", async () => {
  const page = await request(env.server).get("/apply").expect(200);
  expect(page.text).toContain('enctype="multipart/form-data"');
  expect(page.text).toMatch(/<label for="ap-identity">身份证明[^<]*<\/label>/);
  expect(page.text).toContain('<input id="ap-identity" name="identity" type="file"');
  expect(page.text).toContain('name="supporting" type="file" multiple');
  expect(page.text).toContain("每个不超过29KB");
  expect(page.text).toContain("合计不超过3个");
});

it("files the application with the identity proof and other files attached (type read from the content)", async () => {
  const key = await formKey();
  const res = await post({ ...person("孙一"), key }, [
    ["identity", jpeg(5000), "id.jpg"],
    ["supporting", pdf(), "a.pdf"],
    ["supporting", png(), "b.png"],
  ]).expect(201);
  expect(res.text).toContain("申请已提交");
  expect(res.text).toContain("已随申请提交3个附件");
  const no = /id="application-no">([^<]+)</.exec(res.text)![1];
  const files = await filesOf(no);
  expect(files.map((f) => [f.kind, f.mime, f.source])).toEqual([
    ["identity", "image/jpeg", "online"],
    ["supporting", "application/pdf", "online"],
    ["supporting", "image/png", "online"],
  ]);
  // The same page submitted again (double click, back and resubmit): the same application, no second copies.
  const again = await post({ ...person("孙一"), key }, [
    ["identity", jpeg(5000), "id.jpg"],
    ["supporting", pdf(), "a.pdf"],
    ["supporting", png(), "b.png"],
  ]).expect(201);
  expect(again.text).toContain(no);
  expect(await filesOf(no)).toHaveLength(3);
  expect(await filedBy("孙一")).toHaveLength(1);
});

it.each([
  ["a refused type", [["identity", refused[0][1], "id.jpg"]] as Array<[string, Buffer, string]>, "JPG、PNG"],
  ["a file over ATTACHMENT_MAX_BYTES", [["identity", jpeg(40_000), "big.jpg"]] as Array<[string, Buffer, string]>, "文件过大"],
  [
    "too many files",
    [
      ["identity", jpeg(1001), "1.jpg"],
      ["supporting", jpeg(1002), "2.jpg"],
      ["supporting", jpeg(1003), "3.jpg"],
      ["supporting", jpeg(1004), "4.jpg"],
    ] as Array<[string, Buffer, string]>,
    "最多上传3个附件",
  ],
])("%s: the page comes back (400) with the message and everything typed; nothing is filed", async (_what, files, message) => {
  const name = `周${files.length}${message.length}`;
  const res = await post({ ...person(name, { "applicant.address": "张店区人民西路1号" }), key: await formKey() }, files).expect(400);
  expect(res.text).toContain(message);
  expect(res.text).toContain("您填写的内容已保留");
  expect(res.text).toContain(`value="${name}"`);
  expect(res.text).toContain("张店区人民西路1号");
  expect(res.text).toContain(`请公开2025年张店区融媒体中心的部门预算（${name}）`);
  expect(await filedBy(name)).toHaveLength(0);
});

it("a form with an invalid field and a good file: the field's message, nothing filed, nothing stored", async () => {
  const before = await env.ctx.db.getRepository(Attachment).count();
  const res = await post({ ...person("吴二", { "applicant.phone": "123" }), key: await formKey() }, [["identity", jpeg(), "id.jpg"]]).expect(400);
  expect(res.text).toContain("联系电话格式不正确");
  expect(await filedBy("吴二")).toHaveLength(0);
  expect(await env.ctx.db.getRepository(Attachment).count()).toBe(before);
});

it("without files the multipart form files as before", async () => {
  const res = await post({ ...person("郑三"), key: await formKey() }, []).expect(201);
  expect(res.text).not.toContain("附件");
  expect(await filedBy("郑三")).toHaveLength(1);
});

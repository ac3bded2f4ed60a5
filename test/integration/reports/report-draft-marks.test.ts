// A draft whose checks fail cannot pass for a filed report: `npm run cli -- report` exits 1 (unless
// --allow-failed-checks) and still writes the file, marked 草稿 with the failed checks at the top; the
// published 2019 seed report exports unmarked with exit 0; the staff preview download is marked 草稿.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import JSZip from "jszip";
import request from "supertest";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { cli, longSession } from "./helpers";

let env: TestEnv;
let dir: string;

beforeAll(async () => {
  env = await createTestEnv({ db: "sqlite" });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-marks-"));
  // Received in December 2019, answered in January 2020: 2020 carries it over, but the published seed
  // report for 2019 carried nothing forward, so 2020's cross-year check fails.
  const file = path.join(dir, "h.jsonl");
  fs.writeFileSync(
    file,
    `${JSON.stringify({ externalId: "m1", receivedAt: "2019-12-30", channel: "in_person", applicantCategory: "org.public_welfare", applicantName: "某协会", description: "历史申请", disposition: "partial", disposedAt: "2020-01-06" })}\n`,
  );
  expect((await cli(env, ["import-applications", file])).code).toBe(0);
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await env.close();
});

const docxText = async (file: string) => {
  const zip = await JSZip.loadAsync(fs.readFileSync(file));
  const doc = await zip.file("word/document.xml")!.async("string");
  const headers = await Promise.all(
    Object.keys(zip.files)
      .filter((n) => /^word\/header\d+\.xml$/.test(n))
      .map((n) => zip.file(n)!.async("string")),
  );
  return { doc, headers: headers.join("") };
};

describe("report CLI and failed checks", () => {
  it("exits 1 when a check fails, names the check, and writes the draft marked 草稿 with the failed check on top", async () => {
    const out = path.join(dir, "2020.docx");
    const r = await cli(env, ["report", "--year", "2020", "--format", "docx", "--out", out]);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^check failed: derived\.cross_year: /);
    expect(r.err[r.err.length - 1]).toBe("1 check(s) failed: exit 1 (pass --allow-failed-checks to accept)");
    const { doc, headers } = await docxText(out);
    expect(headers).toContain("草稿（未发布，不得作为正式报告报送或公开）");
    expect(doc.indexOf("校验未通过（1项），本稿不能发布：")).toBeGreaterThan(0);
    expect(doc.indexOf("derived.cross_year：")).toBeLessThan(doc.indexOf("张店区融媒体中心2020年政府信息公开工作年度报告"));
  });

  it("--allow-failed-checks: exit 0, the same marked document", async () => {
    const out = path.join(dir, "2020.html");
    const r = await cli(env, ["report", "--year", "2020", "--format", "html", "--out", out, "--allow-failed-checks"]);
    expect(r.code).toBe(0);
    expect(r.err).toHaveLength(1);
    const html = fs.readFileSync(out, "utf8");
    expect(html).toContain('<div class="draft-mark">草稿（未发布，不得作为正式报告报送或公开）</div>');
    expect(html).toContain("<li>derived.cross_year：");
  });

  it("the published 2019 version: exit 0 and no mark; --draft of the same year is marked", async () => {
    const pub = path.join(dir, "2019.docx");
    expect((await cli(env, ["report", "--year", "2019", "--format", "docx", "--out", pub])).code).toBe(0);
    const published = await docxText(pub);
    expect(published.doc + published.headers).not.toContain("草稿");
    const draft = path.join(dir, "2019-draft.docx");
    const r = await cli(env, ["report", "--year", "2019", "--format", "docx", "--out", draft, "--draft"]);
    expect(r.out[0]).toContain("draft (live figures, not published)");
    expect((await docxText(draft)).headers).toContain("草稿");
  });

  it("the staff preview download is marked 草稿; the public published download is not", async () => {
    const token = await longSession(env, "clerk", "marks-clerk");
    const binary = (res: request.Response, cb: (e: Error | null, b: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => cb(null, Buffer.concat(chunks)));
    };
    const preview = await request(env.server)
      .get("/api/staff/reports/2020/preview?format=xlsx")
      .set("Authorization", `Bearer ${token}`)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const sheet = await (await JSZip.loadAsync(preview.body as Buffer)).file("xl/worksheets/sheet1.xml")!.async("string");
    expect(sheet).toContain("草稿（未发布，不得作为正式报告报送或公开）");
    const pub = await request(env.server).get("/api/reports/2019?format=xlsx").buffer(true).parse(binary).expect(200);
    const pubSheet = await (await JSZip.loadAsync(pub.body as Buffer)).file("xl/worksheets/sheet1.xml")!.async("string");
    expect(pubSheet).not.toContain("草稿");
  });
});

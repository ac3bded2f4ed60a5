// Console page cost against the JSON API it renders (same data, same process): npm run bench -- console-pages  (or npx tsx bench/console-pages.bench.ts [sqlite|postgres] [N])
// --quick: 200 applications and 10 timed requests per page instead of 2,000 and 30.
import "reflect-metadata";
import { z } from "zod";
z.config(z.locales.zhCN());
import request from "supertest";
import { postLogin } from "../test/helpers/console-forms";
import { createTestEnv } from "../test/helpers/test-context";
import { PASSWORD, createStaff } from "../test/e2e/support/browser";
import { QUICK, ratioOf, writeResult } from "./lib/results";

async function main() {
  const db = (process.argv[2] ?? "sqlite") as "sqlite" | "postgres";
  const env = await createTestEnv({ db, now: "2026-03-02T02:00:00Z" });
  const apps = env.services.applications;
  const N = Number(process.argv[3] ?? (QUICK ? 200 : 2000));
  for (let i = 0; i < N; i++) {
    await apps.submit({
      applicant: {
        category: i % 3 ? "natural_person" : "org.commercial",
        name: `申请人${i}`,
        ...(i % 3 ? { idType: "resident_id", idNumber: "11010519491231002X" } : { creditCode: "91350100M000100Y43", contactName: "李四" }),
        phone: "13800138000",
      },
      description: `请公开第${i}号文件的全文以及相关的附件材料`,
      deliveryForm: "electronic",
      deliveryMethod: "wechat",
      channel: i % 2 ? "wechat" : "online",
    });
  }
  await createStaff(env, "approver", "bench");
  const login = await postLogin(env.server, { username: "bench", password: PASSWORD });
  const cookie = (login.headers["set-cookie"] as unknown as string[]).find((c) => c.startsWith("ogi_staff="))!.split(";")[0];
  const token = cookie.split("=")[1];
  const time = async (_label: string, fn: () => Promise<unknown>, runs = QUICK ? 10 : 30) => {
    for (let i = 0; i < 3; i++) await fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
    return ms;
  };
  const jsonList = await time("json list", () =>
    request(env.server).get("/api/staff/applications?limit=50").set("Authorization", `Bearer ${token}`).expect(200),
  );
  const htmlQueue = await time("html queue", () => request(env.server).get("/console").set("Cookie", cookie).expect(200));
  const jsonLive = await time("json live", () => request(env.server).get("/api/staff/reports/2026/live").set("Authorization", `Bearer ${token}`).expect(200));
  const jsonReport = await time("json report", () => request(env.server).get("/api/staff/reports/2026").set("Authorization", `Bearer ${token}`).expect(200));
  const htmlStats = await time("html stats", () => request(env.server).get("/console/statistics").set("Cookie", cookie).expect(200));
  const jsonDetail = await time("json detail", () =>
    request(env.server).get("/api/staff/applications/ZDRMT-2026-00001").set("Authorization", `Bearer ${token}`).expect(200),
  );
  const htmlApp = await time("html app", () => request(env.server).get("/console/applications/ZDRMT-2026-00001").set("Cookie", cookie).expect(200));
  const result = {
    db,
    N,
    jsonList,
    htmlQueue,
    ratioQueue: htmlQueue / jsonList,
    jsonDetail,
    htmlApp,
    ratioApp: htmlApp / jsonDetail,
    jsonLive,
    htmlStats,
    ratioStats: htmlStats / jsonLive,
    jsonReport,
    ratioStatsVsReport: htmlStats / jsonReport,
  };
  console.log(JSON.stringify(result, null, 1));
  const ms = (x: number) => Number(x.toFixed(2));
  const on = `${N} applications, ${db === "sqlite" ? "SQLite" : "PostgreSQL"}`;
  writeResult("console-pages", result, [
    {
      figure: `console queue page (${on})`,
      value: ms(htmlQueue),
      unit: "ms",
      baseline: "GET /api/staff/applications?limit=50",
      baselineValue: ms(jsonList),
      ratio: ratioOf(htmlQueue, jsonList),
    },
    {
      figure: "console application page",
      value: ms(htmlApp),
      unit: "ms",
      baseline: "GET /api/staff/applications/:no",
      baselineValue: ms(jsonDetail),
      ratio: ratioOf(htmlApp, jsonDetail),
    },
    {
      figure: "console statistics page",
      value: ms(htmlStats),
      unit: "ms",
      baseline: "GET /api/staff/reports/:year/live",
      baselineValue: ms(jsonLive),
      ratio: ratioOf(htmlStats, jsonLive),
    },
  ]);
  await env.close();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

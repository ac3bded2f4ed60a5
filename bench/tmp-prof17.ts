import { performance } from "node:perf_hooks";
import { createContext } from "../src/bootstrap";
import { loadConfig } from "../src/config";
import { getService } from "../src/context";
import { fixedClock } from "../src/domain/china-time";
import { createLogger } from "../src/infra/logger";
import { modules } from "../src/modules";
import type { DistrictService } from "../src/modules/platform/district-service";
import { computeAgencyTables, computeReviewTables } from "../src/modules/reports/statistics";
import { formatForYear } from "../src/modules/reports/formats";
(async () => {
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test?schema=bench_district_f53c3e93", YEAR_END_JOB_ENABLED: "false" });
  const ctx = await createContext(config, { logger: createLogger("silent"), clock: fixedClock("2025-12-15T02:00:00.000Z") });
  for (const m of modules) await m.init?.(ctx);
  const d = getService<DistrictService>(ctx, "district");
  const ids = (await ctx.db.query(`SELECT id FROM agencies`)).map((r: { id: string }) => r.id);
  const fmt = formatForYear(2025);
  const t = async (label: string, fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) { const s = performance.now(); await fn(); xs.push(Math.round(performance.now() - s)); }
    console.log(label, xs.sort((a, b) => a - b).join(" "));
  };
  await t("tables", () => computeAgencyTables(ctx.db, fmt, ids, 2025));
  await t("reviews", () => computeReviewTables(ctx.db, fmt, ids, 2025));
  await t("publications", () => d.publications(ids, 2025, "2025-12-15"));
  await t("agencies", () => d.agencies(ids));
  await t("reports", () => d.reports(ids, 2025, "2025-12-15"));
  await t("districtTable", () => d.districtTable(ids, 2025, "2025-12-15"));
  await t("raw", () => ctx.db.query(`SELECT agency_id, applicant_category, COUNT(*) FROM applications WHERE agency_id = ANY($1::varchar[]) AND received_at IS NOT NULL AND received_at <= $2 AND (received_at >= $3 OR disposition_date IS NULL OR disposition_date >= $3) GROUP BY agency_id, applicant_category`, [ids, "2025-12-31", "2025-01-01"]));
  await ctx.db.destroy(); await ctx.kv.close();
})();

// Feature module: the annual report (政府信息公开工作年度报告) — live statistics, year-end drafting,
// publication, renderings, historical import and the published figures the bot quotes.
import type { FeatureModule } from "../module";
import { generateCommand, importCommand, reportCommand } from "./commands";
import { ReportDraft, ReportPublication, ReviewCase } from "./entities";
import { ReportsService } from "./report-service";
import { reportRoutes } from "./routes";
import { startYearEndScheduler } from "./scheduler";
import { seedReports } from "./seed";

export const reportsModule: FeatureModule = {
  name: "reports",
  entities: [ReportDraft, ReviewCase, ReportPublication],
  init(ctx) {
    ctx.services.set("reports", new ReportsService(ctx));
  },
  routes: (ctx) => reportRoutes(ctx),
  commands: [importCommand, reportCommand, generateCommand],
  async seed(ctx, agency) {
    await seedReports(ctx, agency);
  },
  startSingletons: (ctx) => startYearEndScheduler(ctx),
};

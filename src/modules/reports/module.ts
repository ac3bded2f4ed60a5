// Feature module: the annual report (政府信息公开工作年度报告) — live statistics, year-end drafting,
// publication, renderings, historical import and the published figures the bot quotes.
import type { AppContext } from "../../context";
import type { CliCommand, FeatureModule } from "../module";
import type { Services } from "../services";
import { generateCommand, importCommand, reportCommand } from "./commands";
import { ReportDraft, ReportPublication, ReviewCase } from "./entities";
import { ReportsService } from "./report-service";
import { reportRoutes } from "./routes";
import { startYearEndScheduler } from "./scheduler";
import { seedReports } from "./seed";

export const reportsEntities = [ReportDraft, ReviewCase, ReportPublication];
export const reportsCommands: CliCommand[] = [importCommand, reportCommand, generateCommand];

/** The reports module: the service (entering published reports in the catalogue), routes, seeds, the year-end job. */
export function createReports(ctx: AppContext, deps: Pick<Services, "staff" | "catalogue" | "district">): { reports: ReportsService; module: FeatureModule } {
  const reports = new ReportsService(ctx, deps.catalogue);
  const module: FeatureModule = {
    name: "reports",
    routes: () => reportRoutes(ctx, { reports, staff: deps.staff }),
    async seed(agency) {
      await seedReports(ctx, agency);
    },
    startSingletons: () => startYearEndScheduler(ctx, { reports, district: deps.district }),
  };
  return { reports, module };
}

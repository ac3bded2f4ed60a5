// Feature module: the disclosure guide and catalogue — content, staff editing, import/export, Chinese search.
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../../context";
import type { CliCommand, FeatureModule } from "../module";
import type { Services } from "../services";
import { exportCatalogueCommand, importCatalogueCommand } from "./commands";
import { CatalogueEntry, GuideVersion } from "./entities";
import { CatalogueFacade } from "./facade";
import { readCatalogueFile } from "./import-export";
import { catalogueRoutes } from "./routes";
import { jieba } from "./segmenter";

export const catalogueEntities = [GuideVersion, CatalogueEntry];
export const catalogueCommands: CliCommand[] = [importCatalogueCommand, exportCatalogueCommand];

/** The catalogue module: the guide and catalogue facade, the segmenter's dictionary, the routes, the seeds. */
export function createCatalogue(ctx: AppContext, deps: Pick<Services, "staff">): { catalogue: CatalogueFacade; module: FeatureModule } {
  const svc = new CatalogueFacade(ctx);
  const module: FeatureModule = {
    name: "catalogue",
    init() {
      jieba(ctx.config.JIEBA_USER_DICT);
    },
    routes: () => catalogueRoutes(ctx, { catalogue: svc, staff: deps.staff }),
    async seed(agency) {
      if (await svc.guides.seedFromFile(agency, ctx.config.GUIDE_DATA_DIR)) ctx.logger.info({ agency: agency.code }, "guide loaded");
      // The demonstration catalogue is loaded only into an empty catalogue.
      const file = path.resolve(ctx.config.CATALOGUE_DATA_DIR, `${agency.code}.csv`);
      if (fs.existsSync(file) && (await ctx.db.getRepository(CatalogueEntry).countBy({ agencyId: agency.id })) === 0) {
        const r = await svc.entries.importRows(agency.id, await readCatalogueFile(file), { type: "system", id: "seed" });
        ctx.logger.info({ agency: agency.code, created: r.created }, "demonstration catalogue loaded");
      }
    },
  };
  return { catalogue: svc, module };
}

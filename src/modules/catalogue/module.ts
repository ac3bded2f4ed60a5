// Feature module: the disclosure guide and catalogue — content, staff editing, import/export, Chinese search.
import fs from "node:fs";
import path from "node:path";
import { getService } from "../../context";
import type { FeatureModule } from "../module";
import { exportCatalogueCommand, importCatalogueCommand } from "./commands";
import { CatalogueEntry, GuideVersion } from "./entities";
import { CatalogueFacade } from "./facade";
import { readCatalogueFile } from "./import-export";
import { catalogueRoutes } from "./routes";
import { jieba } from "./segmenter";

export const catalogueModule: FeatureModule = {
  name: "catalogue",
  entities: [GuideVersion, CatalogueEntry],
  init(ctx) {
    jieba(ctx.config.JIEBA_USER_DICT);
    ctx.services.set("catalogue", new CatalogueFacade(ctx));
  },
  routes: (ctx) => catalogueRoutes(ctx),
  commands: [importCatalogueCommand, exportCatalogueCommand],
  async seed(ctx, agency) {
    const svc = getService<CatalogueFacade>(ctx, "catalogue");
    if (await svc.guides.seedFromFile(agency, ctx.config.GUIDE_DATA_DIR)) ctx.logger.info({ agency: agency.code }, "guide loaded");
    // The demonstration catalogue is loaded only into an empty catalogue.
    const file = path.resolve(ctx.config.CATALOGUE_DATA_DIR, `${agency.code}.csv`);
    if (fs.existsSync(file) && (await ctx.db.getRepository(CatalogueEntry).countBy({ agencyId: agency.id })) === 0) {
      const r = await svc.entries.importRows(agency.id, await readCatalogueFile(file), { type: "system", id: "seed" });
      ctx.logger.info({ agency: agency.code, created: r.created }, "demonstration catalogue loaded");
    }
  },
};

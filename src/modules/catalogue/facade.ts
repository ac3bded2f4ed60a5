// The `catalogue` service other features (the bot, the console) use: search and the published guide,
// plus the entry and guide services behind them.
import type { AppContext } from "../../context";
import { CatalogueService } from "./catalogue-service";
import { GuideService, type PublishedGuide } from "./guide-service";
import { SearchService, type SearchParams, type SearchResult } from "./search-service";

export class CatalogueFacade {
  readonly entries: CatalogueService;
  readonly guides: GuideService;
  readonly searcher: SearchService;

  constructor(ctx: AppContext) {
    this.entries = new CatalogueService(ctx);
    this.guides = new GuideService(ctx);
    this.searcher = new SearchService(ctx);
  }

  /** Catalogue entries and guide sections for a plain-Chinese query (cite items by 索引号, sections by title). */
  search(agencyId: string, params: SearchParams): Promise<SearchResult> {
    return this.searcher.search(agencyId, params);
  }

  /** The whole platform's catalogue (every agency; each item carries its agencyId). */
  searchAll(params: SearchParams): Promise<SearchResult> {
    return this.searcher.search(null, params);
  }

  /** The published guide: sections (key, title, body) and lastUpdated. Throws GUIDE.NOT_FOUND when none. */
  guide(agencyId: string): Promise<PublishedGuide> {
    return this.guides.guide(agencyId);
  }
}

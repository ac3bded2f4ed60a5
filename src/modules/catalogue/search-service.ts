// Search over the catalogue and the published guide: exact 文号 matches first (any notation), then entries
// whose text holds every query word (falling back to any word), ranked by the database; guide sections
// are scored here against the query words plus the synonym list ("怎么申请" → 申请方式).
import type { AppContext } from "../../context";
import { candidateKeys } from "./doc-number";
import { isSafeLink } from "./entry-schema";
import type { GuideVersion } from "./entities";
import { GuideService, renderSections } from "./guide-service";
import { searchIndexFor, type ResultRow, type SearchFilters, type SearchIndex, type Tier } from "./search-index";
import { analyzeQuery, indexTokens, markTerms, type AnalyzedQuery } from "./segmenter";

export interface SearchParams {
  q?: string;
  category?: string;
  year?: number;
  page?: number;
  pageSize?: number;
}

export interface SearchItem {
  indexNo: string;
  title: string;
  docNo: string | null;
  publisher: string;
  writtenDate: string | null;
  category: string;
  summary: string | null;
  url: string;
  /** The title, HTML-escaped, with the matched words in <mark>…</mark>. */
  highlight: string;
  validity: string;
  /** Only in a platform-wide search: whose entry it is. */
  agencyId?: string;
}

export interface GuideHit {
  key: string;
  title: string;
  /** Plain-text excerpt of the section around the first matched word. */
  snippet: string;
}

export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  items: SearchItem[];
  guideSections: GuideHit[];
  /** True when total is the database's estimate (PostgreSQL, queries matching thousands of entries). */
  totalEstimated: boolean;
  /** Results that can be paged through: total, or fewer when it is estimated (the ranked candidates). */
  browsable: number;
  /** How the text part matched: every word, all words but one, any word (fallbacks), or no words (list). */
  matchMode: "all" | "most" | "any" | "none";
}

export const MAX_PAGE_SIZE = 50;
/** Queries of up to this many words try the words' dictionary parts when the words themselves find nothing. */
const PARTS_MAX_WORDS = 4;
/** How long a search trusts its copy of the published guide's sections (wall-clock ms). */
const SECTION_CACHE_MS = 5000;

/** Public link of an entry: its own URL when it has one, else its page in this service. */
export function entryUrl(indexNo: string, url: string | null): string {
  // A stored link that is not safe (saved before the rule, or written around the service) is never linked.
  return url && isSafeLink(url) ? url : `/catalogue/item?indexNo=${encodeURIComponent(indexNo)}`;
}

interface SectionIndex {
  key: string;
  title: string;
  body: string;
  titleTokens: Set<string>;
  keywordTokens: Set<string>;
  bodyTokens: Set<string>;
}

export class SearchService {
  private sectionCache = new Map<string, { stamp: string; checkedAt: number; sections: SectionIndex[] }>();

  private readonly index: SearchIndex;

  constructor(private readonly ctx: AppContext) {
    this.index = searchIndexFor(ctx.sql);
  }

  /** `agencyId` null: the whole platform's catalogue (each item then carries its agencyId; no guide sections). */
  async search(agencyId: string | null, params: SearchParams): Promise<SearchResult> {
    const page = Math.max(1, Math.floor(params.page ?? 1));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(params.pageSize ?? 10)));
    const offset = (page - 1) * pageSize;
    const filters: SearchFilters = { category: params.category?.trim() || undefined, year: params.year };
    const q = (params.q ?? "").trim();
    const m = this.ctx.db.manager;

    if (!q) {
      const r = await this.index.listRecent(m, agencyId, filters, pageSize, offset);
      return {
        total: r.total,
        totalEstimated: false,
        browsable: r.total,
        page,
        pageSize,
        items: r.rows.map((row) => toItem(row, [], agencyId === null)),
        guideSections: [],
        matchMode: "none",
      };
    }

    const aq = capWords(analyzeQuery(q), this.ctx.config.CATALOGUE_QUERY_MAX_WORDS);
    const docRows = aq.docNumbers.length ? await this.index.findByDocKeys(m, agencyId, filters, [...new Set(aq.docNumbers.flatMap(candidateKeys))]) : [];
    const docTerms = docRows.map((r) => r.doc_no!).filter(Boolean);
    const terms = [...docTerms, ...aq.highlightTerms];

    // A query that is only a document number answers with that document alone.
    let textRows: ResultRow[] = [];
    let textTotal = 0;
    let totalEstimated = false;
    let served = 0;
    let matchMode: SearchResult["matchMode"] = "none";
    const onlyDocNumber = aq.docNumbers.length > 0 && aq.groups.length === 0;
    // The words matched: on PostgreSQL without the catalogue's commonest ones (guide sections still see all).
    const groups = aq.groups.length ? await this.index.withoutCommonWords(m, aq.groups, this.ctx.config.CATALOGUE_COMMON_WORD_PERCENT / 100) : aq.groups;
    if (groups.length && !(onlyDocNumber && docRows.length)) {
      const skip = Math.max(0, offset - docRows.length);
      const take = Math.max(0, pageSize - Math.max(0, docRows.length - offset));
      // First the words as segmented. Their dictionary parts are an alternative only when that finds nothing:
      // the parts are common words (工作, 政府…) whose long posting lists make every query slower. Only for
      // short queries: with many words, the AND of every word's parts read the posting lists of dozens of
      // common words (22 ms for eight issuing bodies at 100,000 entries) and the relaxation that follows
      // ("most", on the words) finds the entry anyway. Then relax step by step: every word but one (3+ words),
      // then any word. The database runs the steps in order and answers with the first that matches.
      const tiers: Tier[] = [{ mode: "all", groups: groups.map((g) => ({ word: g.word, parts: [] })) }];
      if (groups.length <= PARTS_MAX_WORDS && groups.some((g) => g.parts.length)) tiers.push({ mode: "all", groups });
      if (groups.length > 2) tiers.push({ mode: "most", groups });
      if (groups.length > 1) tiers.push({ mode: "any", groups });
      const r = await this.index.searchTiers(m, agencyId, filters, {
        tiers,
        excludeIds: docRows.map((r) => r.id),
        limit: take,
        offset: skip,
        broadEstimate: this.ctx.config.CATALOGUE_BROAD_MATCHES,
      });
      matchMode = r.tier >= 0 ? tiers[r.tier].mode : tiers[tiers.length - 1].mode;
      textRows = r.rows;
      textTotal = r.total;
      totalEstimated = r.estimated === true;
      served = r.served;
    }
    const pageDocRows = docRows.slice(offset, offset + pageSize);
    const items = [...pageDocRows, ...textRows].slice(0, pageSize).map((row) => toItem(row, terms, agencyId === null));
    const guideSections = page === 1 && agencyId !== null ? await this.guideHits(agencyId, aq) : [];
    return { total: docRows.length + textTotal, totalEstimated, browsable: docRows.length + served, page, pageSize, items, guideSections, matchMode };
  }

  /** Guide sections that answer the query, best first (at most 3). */
  async guideHits(agencyId: string, aq: AnalyzedQuery): Promise<GuideHit[]> {
    const sections = await this.sectionIndex(agencyId);
    if (!sections.length) return [];
    const words = aq.groups.map((g) => g.word);
    const expansions = aq.expansions.flatMap((x) => [x, ...indexTokens(x)]);
    const scored = sections
      .map((s) => {
        let score = 0;
        for (const g of aq.groups) {
          const has = (set: Set<string>) => set.has(g.word) || (g.parts.length > 0 && g.parts.every((p) => set.has(p)));
          if (has(s.titleTokens)) score += 3;
          if (has(s.keywordTokens)) score += 3;
          if (has(s.bodyTokens)) score += 1;
        }
        for (const x of aq.expansions) {
          if (s.title.includes(x)) score += 6;
          else if (s.keywordTokens.has(x)) score += 4;
        }
        return { s, score };
      })
      .filter((x) => x.score >= 3)
      .sort((a, b) => b.score - a.score)
      .slice(0, 3);
    return scored.map(({ s }) => ({ key: s.key, title: s.title, snippet: snippet(s.body, [...aq.expansions, ...words, ...expansions]) }));
  }

  private async sectionIndex(agencyId: string): Promise<SectionIndex[]> {
    // The published guide changes a few times a year: re-read it at most every few seconds, not per query.
    const recent = this.sectionCache.get(agencyId);
    if (recent && Date.now() - recent.checkedAt < SECTION_CACHE_MS) return recent.sections;
    const v: GuideVersion | null = await new GuideService(this.ctx).publishedVersion(agencyId);
    if (!v) {
      this.sectionCache.set(agencyId, { stamp: "", checkedAt: Date.now(), sections: [] });
      return [];
    }
    const stamp = `${v.id}:${v.updatedAt}`;
    const cached = this.sectionCache.get(agencyId);
    if (cached?.stamp === stamp) {
      cached.checkedAt = Date.now();
      return cached.sections;
    }
    const keywords = new Map(v.content.sections.map((s) => [s.key, s.keywords ?? []]));
    const sections = renderSections(v.content).map((s) => ({
      key: s.key,
      title: s.title,
      body: s.body,
      titleTokens: new Set(indexTokens(s.title)),
      keywordTokens: new Set([...(keywords.get(s.key) ?? []), ...(keywords.get(s.key) ?? []).flatMap(indexTokens)]),
      bodyTokens: new Set(indexTokens(s.body)),
    }));
    this.sectionCache.set(agencyId, { stamp, checkedAt: Date.now(), sections });
    return sections;
  }
}

/** Documents numbers looked up per query (a sentence rarely names more than one or two). */
const MAX_DOC_NUMBERS = 5;

/**
 * Only the first `max` distinct words are searched (and highlighted): every word is one more term in each
 * database query, and a pasted page of text is not a search. The bot and the HTTP routes get the same cap.
 */
export function capWords(aq: AnalyzedQuery, max: number): AnalyzedQuery {
  if (aq.groups.length <= max && aq.docNumbers.length <= MAX_DOC_NUMBERS) return aq;
  const groups = aq.groups.slice(0, max);
  const highlightTerms = [...new Set([...groups.map((g) => g.word), ...groups.flatMap((g) => g.parts)])].sort((a, b) => b.length - a.length);
  return { ...aq, groups, docNumbers: aq.docNumbers.slice(0, MAX_DOC_NUMBERS), highlightTerms };
}

function toItem(r: ResultRow, terms: string[], withAgency = false): SearchItem {
  return {
    ...(withAgency ? { agencyId: r.agency_id } : {}),
    indexNo: r.index_no,
    title: r.title,
    docNo: r.doc_no,
    publisher: r.publisher,
    writtenDate: r.written_date,
    category: r.agency_category ? `${r.subject_category}（${r.agency_category}）` : r.subject_category,
    summary: r.summary,
    url: entryUrl(r.index_no, r.url),
    highlight: markTerms(r.title, terms),
    validity: r.validity,
  };
}

/** About 100 characters of the section around the first word found (plain text). */
function snippet(body: string, words: string[]): string {
  const flat = body.replace(/\s+/g, " ").trim();
  let at = -1;
  for (const w of words) {
    const i = flat.indexOf(w);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  const start = Math.max(0, at < 0 ? 0 : at - 30);
  const text = flat.slice(start, start + 100);
  return (start > 0 ? "…" : "") + text + (start + 100 < flat.length ? "…" : "");
}

// The database half of the search, one interface with two classes chosen at start: PostgreSQL matches a tsquery
// against the generated tsvector (GIN index) and ranks with ts_rank (title weight A, other fields B); SQLite
// matches FTS5 and ranks with bm25. Both see the same pre-segmented tokens, so results agree across the two.
import type { EntityManager } from "typeorm";
import { postgresDialect, sqliteDialect, type SqlDialect, type SqlParams } from "../../infra/sql-dialect";
import type { CatalogueEntry } from "./entities";
import type { QueryGroup } from "./segmenter";

export interface SearchFilters {
  category?: string;
  year?: number;
}

export interface ResultRow {
  id: string;
  agency_id: string;
  index_no: string;
  title: string;
  doc_no: string | null;
  publisher: string;
  written_date: string | null;
  published_date: string | null;
  subject_category: string;
  agency_category: string | null;
  summary: string | null;
  url: string | null;
  validity: string;
}

/** Weights for D, C, B (summary, keywords, body…), A (title): a title hit outranks any number of body hits. */
const PG_WEIGHTS = "'{0.0, 0.0, 0.1, 1.0}'";

const COLUMNS =
  "e.id, e.agency_id, e.index_no, e.title, e.doc_no, e.publisher, e.written_date, e.published_date, e.subject_category, e.agency_category, e.summary, e.url, e.validity";

/**
 * What the public may see: active entries that are not withheld. A 不予公开 entry is catalogued for the
 * agency's own records (its body may hold personal data); staff see it in the staff API and console only.
 */
export const PUBLIC_ENTRY_SQL = "e.status = 'active' AND e.disclosure_mode <> '不予公开'";

const escapeLike = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

/** WHERE fragments shared by both databases, their values appended to `q`. */
function filterSql(agencyId: string | null, f: SearchFilters, q: SqlParams): string {
  // null: the whole platform (every agency's public entries; issue 17), each row names its agency.
  let sql = PUBLIC_ENTRY_SQL;
  if (agencyId !== null) sql = `e.agency_id = ${q.p(agencyId)} AND ${sql}`;
  if (f.year) sql += ` AND e.year = ${q.p(f.year)}`;
  // One parameter per placeholder: SQLite's "?" are positional.
  if (f.category)
    sql += ` AND (e.subject_category = ${q.p(f.category)} OR e.agency_category = ${q.p(f.category)} OR e.subject_category LIKE ${q.p(`${escapeLike(f.category)}\\%`)} ESCAPE '!')`;
  return sql;
}

/**
 * all: every word; most: every word but one (still selective, unlike a plain OR that matches a large part of
 * the catalogue for common words); any: at least one word. For up to RELAX_DIRECT words "most" is written out
 * as the OR of the n ways to leave one out; beyond that this grows with n² (200 characters made a query of
 * 4.6 s), so the database is given a linear form instead (see mostCondition).
 */
export type MatchMode = "all" | "most" | "any";

function combine(parts: string[], mode: MatchMode, and: string, or: string): string {
  if (mode === "all") return parts.join(and);
  if (mode === "any") return parts.join(or);
  return parts.map((_, skip) => `(${parts.filter((__, i) => i !== skip).join(and)})`).join(or);
}

/** Up to this many words "most" is the leave-one-out OR itself (at most 3 × 2 terms). */
const RELAX_DIRECT = 3;
/**
 * On PostgreSQL "most" of more than three words is every one but one of the MOST_WORDS rarest words (by the
 * column statistics), written out as their leave-one-out OR (at most 5 × 4 terms): the GIN index returns only
 * the entries that hold them. Both earlier forms cost tens of ms at 100,000 entries for common words: the
 * two-of-three pre-filter returned 10,298 entries for the commonest words, each then counting its words
 * (92 ms), and the leave-one-out OR of all eight words made the index evaluate 56 terms for every entry
 * holding any of them (16–39 ms).
 */
const MOST_WORDS = 5;
/**
 * …and only as many of those as hold together at most this many postings (entries × share, from the
 * statistics): the index reads every posting of every word named, about 4 ms per common word under load.
 * Fewer than three words within it leave "most" out (two words but one is "any", the next step).
 */
export const MOST_POSTINGS = 10_000;
/**
 * Entries ranked at most, and the result positions served: the GIN match is cut at this many rows before
 * ts_rank and the sort, and a step matching more reports the statistics' estimate (one word, any word) or
 * this many as an estimated total. Ranking 40,000 matches of two common words cost more than everything else
 * in the search; the heap rows read for the candidates are now most of a broad query's cost (1,001 took
 * 11–47 ms at load 11, 501 took 4–25 ms).
 */
export const RANK_CANDIDATES = 500;

function pgQuery(groups: QueryGroup[], mode: MatchMode, weight = ""): string {
  const q = (w: string) => `'${w.replace(/'/g, "''")}'${weight}`;
  const parts = groups.map((g) => (g.parts.length ? `(${q(g.word)} | (${g.parts.map(q).join(" & ")}))` : q(g.word)));
  return combine(parts, mode, " & ", " | ");
}

function ftsQuery(groups: QueryGroup[], mode: MatchMode): string {
  const q = (w: string) => `"${w.replace(/"/g, '""')}"`;
  const parts = groups.map((g) => (g.parts.length ? `(${q(g.word)} OR (${g.parts.map(q).join(" AND ")}))` : q(g.word)));
  return combine(parts, mode, " AND ", " OR ");
}

/** One step of the search: its words and how many of them an entry must hold. */
export interface Tier {
  mode: MatchMode;
  groups: QueryGroup[];
}

export interface TieredSearch {
  /** Tried in order; the first that matches answers. */
  tiers: Tier[];
  excludeIds: string[];
  limit: number;
  offset: number;
  /** Estimated matches above which a PostgreSQL step is treated as broad (default BROAD_ESTIMATE). */
  broadEstimate?: number;
  /** Postings the PostgreSQL "most" step may read (default MOST_POSTINGS). */
  mostPostings?: number;
}

export interface TieredResult {
  total: number;
  rows: ResultRow[];
  estimated?: boolean;
  /** Index of the step that answered, -1 when none matched. */
  tier: number;
  /** Result positions served (its ranked candidates); pages beyond are empty. */
  served: number;
}

/**
 * Estimated matches from which a PostgreSQL step's total is reported as an estimate (the statistics' figure,
 * "约N条"); it is counted exactly up to RANK_CANDIDATES otherwise.
 */
export const BROAD_ESTIMATE = 1000;
/**
 * Candidates ranked for a broad step: its words are in thousands of entries, so ranking tells little, and
 * the heap rows read and ranked were the whole cost of the worst queries (at load 15–18: 501 candidates of
 * an 8-word "any" took 18 ms of a 29 ms statement).
 */
export const BROAD_CANDIDATES = 100;

/** The planner's row estimate for a query (tsvector statistics make it close for frequent words). */
async function estimateMatches(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const r = await m.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const plan = r[0]["QUERY PLAN"];
  const json = typeof plan === "string" ? JSON.parse(plan) : plan;
  return Number(json[0]?.Plan?.["Plan Rows"] ?? 0);
}

/** A table not yet analysed has no statistics: the planner is asked (one more round trip, until ANALYZE runs). */
async function estimateFiltered(m: EntityManager, agencyId: string | null, f: SearchFilters, excludeIds: string[], query: string): Promise<number> {
  const q = postgresDialect.params();
  const tsquery = q.p(query);
  const where = filterSql(agencyId, f, q);
  const excl = excludeIds.length ? ` AND NOT (e.id = ANY(${q.p(excludeIds)}))` : "";
  return estimateMatches(m, `SELECT 1 FROM catalogue_entries e WHERE ${where}${excl} AND e.search_vector @@ to_tsquery('simple', ${tsquery})`, q.values);
}

/** The planner's ceiling for the share of a word not in the statistics (ts_selfuncs.c, DEFAULT_TS_MATCH_SEL). */
const DEFAULT_TS_MATCH_SEL = 0.005;

/**
 * Matches of a query in an agency's catalogue, estimated the way the planner does (ts_selfuncs.c: a word's
 * share from most_common_elems, AND multiplies, OR adds less the overlap; the agency's share from the
 * agency_id statistics) from the cached statistics, so that deciding whether a query is broad costs no
 * round trip.
 */
function estimateFromStats(freq: Frequencies, agencyId: string | null, groups: QueryGroup[], mode: MatchMode): number {
  const and = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
  const or = (xs: number[]) => xs.reduce((a, b) => a + b - a * b, 0);
  const word = (w: string) => freq.get(w) ?? freq.rare;
  const group = (g: QueryGroup) => (g.parts.length ? or([word(g.word), and(g.parts.map(word))]) : word(g.word));
  const share = mode === "any" ? or(groups.map(group)) : and(groups.map(group));
  return Math.round(share * freq.entryCount * agencyShare(freq, agencyId));
}

function agencyShare(freq: Frequencies, agencyId: string | null): number {
  // null: the whole platform.
  if (agencyId === null) return 1;
  const known = freq.agencies.get(agencyId);
  if (known !== undefined) return known;
  if (!freq.agencies.size) return 1;
  // Not among the most common values: an equal part of what they leave (as the planner assumes).
  const listed = [...freq.agencies.values()].reduce((a, b) => a + b, 0);
  return Math.max(0, 1 - listed) / Math.max(1, freq.agencyCount - freq.agencies.size);
}

/**
 * The `n` rarest words of a query (share of entries from the column statistics), in query order, without
 * their dictionary parts: the parts are common words (人民, 政府, 教育…) whose long posting lists made the
 * relaxed step cost more than all the others together.
 */
function rarestWords(freq: Frequencies, groups: QueryGroup[], n: number, postings: number): QueryGroup[] {
  const words = groups.map((g) => ({ word: g.word, parts: [] }));
  const share = (g: QueryGroup) => freq.get(g.word) ?? freq.rare;
  const keep = new Set<QueryGroup>();
  let read = 0;
  for (const g of [...words].sort((a, b) => share(a) - share(b)).slice(0, n)) {
    read += share(g) * freq.entryCount;
    if (read > postings) break;
    keep.add(g);
  }
  return words.filter((g) => keep.has(g));
}

/**
 * Words found in more than `maxShare` of all entries (张店区, 通知 in a district's catalogue) select nothing
 * but make the index read a posting list as long as the table at every step: from two words on, they are
 * left out of the matching (the rarest stays, two of three or more). PostgreSQL's statistics only; an unanalysed
 * table leaves every word in.
 */
export async function withoutCommonWords(m: EntityManager, groups: QueryGroup[], maxShare: number): Promise<QueryGroup[]> {
  if (groups.length < 2) return groups;
  const freq = await lexemeFrequencies(m);
  const share = (g: QueryGroup) => freq.get(g.word) ?? 0;
  const keep = groups.filter((g) => share(g) <= maxShare);
  // From three words on at least two stay; of two words, the rarer one.
  const min = groups.length >= 3 ? 2 : 1;
  if (keep.length >= min) return keep;
  const rarest = new Set([...groups].sort((a, b) => share(a) - share(b)).slice(0, min));
  return groups.filter((g) => rarest.has(g));
}

type Frequencies = Map<string, number> & {
  rare: number;
  entryCount: number;
  /** Share of entries per agency (agency_id's most common values) and how many agencies there are. */
  agencies: Map<string, number>;
  agencyCount: number;
};
const STATS_CACHE_MS = 60_000;
const statsCache = new WeakMap<object, { at: number; freq: Frequencies }>();

/**
 * The share of entries holding each frequent lexeme, from ANALYZE's most_common_elems for search_vector;
 * a lexeme not listed is rarer than the least frequent one listed. One statement, cached for a minute.
 */
async function lexemeFrequencies(m: EntityManager): Promise<Frequencies> {
  const hit = statsCache.get(m.connection);
  if (hit && Date.now() - hit.at < STATS_CACHE_MS) return hit.freq;
  const rows: Array<{
    attname: string;
    elems: string[] | null;
    freqs: number[] | null;
    vals: string[] | null;
    val_freqs: number[] | null;
    n_distinct: number | null;
    n: number | null;
  }> = await m.query(
    `SELECT s.attname, s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs, s.most_common_vals::text::text[] AS vals, ` +
      `s.most_common_freqs AS val_freqs, s.n_distinct::float8 AS n_distinct, (SELECT reltuples::float8 FROM pg_class WHERE oid = to_regclass('catalogue_entries')) AS n ` +
      `FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'catalogue_entries' AND s.attname IN ('search_vector', 'agency_id') ` +
      `UNION ALL SELECT '', NULL, NULL, NULL, NULL, NULL, (SELECT reltuples::float8 FROM pg_class WHERE oid = to_regclass('catalogue_entries'))`,
  );
  const sv = rows.find((r) => r.attname === "search_vector");
  const ag = rows.find((r) => r.attname === "agency_id");
  const freq = new Map<string, number>() as Frequencies;
  const elems = sv?.elems ?? null;
  const freqs = sv?.freqs ?? null;
  (elems ?? []).forEach((w, i) => freq.set(w, Number(freqs![i])));
  // After the per-element figures come the minimum, the maximum and the null share; the planner takes half
  // the minimum for a word not listed, at most DEFAULT_TS_MATCH_SEL.
  freq.rare = elems?.length && freqs ? Math.min(DEFAULT_TS_MATCH_SEL, Number(freqs[elems.length]) / 2) : 0;
  freq.entryCount = Math.max(0, Number(rows[rows.length - 1]?.n ?? 0));
  freq.agencies = new Map((ag?.vals ?? []).map((v, i) => [v, Number(ag!.val_freqs![i])]));
  const nd = Number(ag?.n_distinct ?? 0);
  freq.agencyCount = nd < 0 ? Math.round(-nd * freq.entryCount) : nd;
  // No statistics yet (a new or never analysed table): looked up again at the next search, not in a minute.
  if (freq.size) statsCache.set(m.connection, { at: Date.now(), freq });
  return freq;
}

/** The three longest words: without statistics, the likeliest to be rare. */
function rarestByLength(groups: QueryGroup[]): QueryGroup[] {
  return [...groups].sort((a, b) => b.word.length - a.word.length).slice(0, RELAX_DIRECT);
}

/** Result columns plus the title flag and rank of a step's candidates `e`, ranked by `q` and titled by `qt`. */
const RANKED = `${COLUMNS}, e.search_vector @@ qt AS in_title, ts_rank(${PG_WEIGHTS}, e.search_vector, q) AS rank`;
const ORDER = "in_title DESC, rank DESC, written_date DESC NULLS LAST, index_no";

/**
 * Each step is a CTE of at most RANK_CANDIDATES + 1 matches, taken from the GIN bitmap in the table's
 * physical order and ranked (title hits first, then ts_rank, then newest). A step runs only when every step
 * before it found nothing: NOT EXISTS over the earlier CTEs becomes a one-time filter above its scan, which
 * is then never started. Broad words cost no more than selective ones: the heap rows read stop at the
 * candidates. (A newest-first walk of the date index, the former way to serve a broad word, read most of the
 * table for words whose matches cluster in time: 19,860 entries and 174 ms for "2016 … 2023".)
 */
async function searchTiersPg(m: EntityManager, agencyId: string | null, f: SearchFilters, s: TieredSearch): Promise<TieredResult> {
  const params = postgresDialect.params();
  const p = (v: unknown) => params.p(v);
  const freq = await lexemeFrequencies(m);
  const where = filterSql(agencyId, f, params);
  const excl = s.excludeIds.length ? ` AND NOT (e.id = ANY(${p(s.excludeIds)}))` : "";
  const broadAt = s.broadEstimate ?? BROAD_ESTIMATE;
  const ctes: string[] = [];
  const pages: string[] = [];
  const counts: string[] = [];
  /** Per CTE: the index into s.tiers and the estimated matches (0: not estimated). */
  const steps: Array<{ tier: number; estimate: number; candidates: number }> = [];
  for (let i = 0; i < s.tiers.length; i++) {
    const t = s.tiers[i];
    // "Most" of more than three words matches the words themselves, not their dictionary parts (common words
    // whose long posting lists made this step cost more than all the others together).
    let groups = t.groups;
    if (t.mode === "most") {
      const rare = rarestWords(freq, t.groups, MOST_WORDS, s.mostPostings ?? MOST_POSTINGS);
      // Three words that all fit keep their parts (the leave-one-out of at most 3 × 2 terms); two that fit
      // must both appear (the word left out is one of the common ones); fewer leave the step to "any".
      if (rare.length < 2) continue;
      if (rare.length < t.groups.length || t.groups.length > RELAX_DIRECT) groups = rare;
    }
    const mode = t.mode === "most" && groups.length < RELAX_DIRECT ? "all" : t.mode;
    // A single word, or any of several, may match thousands of entries: its total is then the estimate
    // (several words that must all appear, or all but one, are counted). From the statistics without a round
    // trip; the planner is asked only when there are none yet. With a year or category filter the statistics
    // cannot say how many are left: such a step is counted up to the candidates, like the others.
    const canBeBroad = !((t.mode === "all" && t.groups.length >= 2) || t.mode === "most");
    const estimate =
      !canBeBroad || f.year || f.category
        ? 0
        : !freq.size || freq.entryCount <= 0
          ? await estimateFiltered(m, agencyId, f, s.excludeIds, pgQuery(groups, mode))
          : estimateFromStats(freq, agencyId, groups, mode);
    const q = `to_tsquery('simple', ${p(pgQuery(groups, mode))}) q, to_tsquery('simple', ${p(pgQuery(t.groups, "all", ":A"))}) qt`;
    const guard = steps.map((_, j) => `NOT EXISTS (SELECT 1 FROM t${j}) AND `).join("");
    const name = `t${steps.length}`;
    counts.push(`(SELECT count(*) FROM ${name}) AS n${steps.length}`);
    const candidates = estimate >= broadAt ? BROAD_CANDIDATES : RANK_CANDIDATES;
    steps.push({ tier: i, estimate, candidates });
    ctes.push(
      `${name} AS MATERIALIZED (SELECT ${RANKED} FROM (SELECT e.* FROM catalogue_entries e, ${q} WHERE ${guard}${where}${excl} AND e.search_vector @@ q LIMIT ${p(candidates + 1)}) e, ${q})`,
    );
    pages.push(`(SELECT * FROM ${name} ORDER BY ${ORDER} LIMIT ${p(s.limit)} OFFSET ${p(s.offset)})`);
  }
  if (!steps.length) return { total: 0, rows: [], tier: -1, served: 0 };
  // One row always (the counts), joined with the page of whichever step answered.
  const out: Array<Record<string, unknown>> = await m.query(
    `WITH ${ctes.join(", ")} SELECT c.*, r.* FROM (SELECT ${counts.join(", ")}) c LEFT JOIN (SELECT * FROM (${pages.join(" UNION ALL ")}) u ORDER BY ${ORDER}) r ON true`,
    params.values,
  );
  const rows = out.filter((r) => r.id !== null && r.id !== undefined) as unknown as ResultRow[];
  const hit = steps.findIndex((_, j) => Number(out[0]?.[`n${j}`] ?? 0) > 0);
  if (hit < 0) return { total: 0, rows: [], tier: -1, served: 0 };
  const { tier, estimate, candidates } = steps[hit];
  const counted = Number(out[0][`n${hit}`]);
  // Positions beyond the candidates are not served: a deep page of a broad word was a walk over most of the table.
  const served = Math.min(counted, candidates);
  if (estimate >= broadAt) return { total: Math.max(estimate, counted), rows, estimated: true, tier, served };
  if (counted > candidates) return { total: candidates, rows, estimated: true, tier, served };
  return { total: counted, rows, tier, served };
}

interface TextSearch {
  groups: QueryGroup[];
  mode: MatchMode;
  excludeIds: string[];
  limit: number;
  offset: number;
}

/** Entries matching one step on SQLite (FTS5, bm25), best first, with the number of matches. */
async function searchTextSqlite(m: EntityManager, agencyId: string | null, f: SearchFilters, s: TextSearch): Promise<{ total: number; rows: ResultRow[] }> {
  // "Most" of many words: the MATCH needs one query: two of the three longest words (usually the rarest; SQLite
  // has no planner estimate for them), then every word is counted once per row (one FTS lookup per word). Words
  // only, as on PostgreSQL (rarestWords).
  const words = s.mode === "most" && s.groups.length > RELAX_DIRECT ? s.groups.map((g) => ({ word: g.word, parts: [] })) : null;
  const match = words ? ftsQuery(rarestByLength(words), "most") : ftsQuery(s.groups, s.mode);
  const base = (q: SqlParams) => {
    let sql = `FROM catalogue_fts JOIN catalogue_entries e ON e.id = catalogue_fts.entry_id WHERE catalogue_fts MATCH ${q.p(match)} AND ${filterSql(agencyId, f, q)}`;
    if (s.excludeIds.length) sql += ` AND e.id NOT IN (${s.excludeIds.map((id) => q.p(id)).join(", ")})`;
    if (words) {
      const each = words.map((g) => `(e.id IN (SELECT entry_id FROM catalogue_fts WHERE catalogue_fts MATCH ${q.p(ftsQuery([g], "all"))}))`);
      sql += ` AND (${each.join(" + ")}) >= ${q.p(s.groups.length - 1)}`;
    }
    return sql;
  };
  const inTitle = `title_tokens : (${ftsQuery(s.groups, "all")})`;
  const q = sqliteDialect.params();
  const rows = await m.query(
    `SELECT ${COLUMNS}, bm25(catalogue_fts, 10.0, 1.0, 0.0, 0.0) AS score, ` +
      `(e.id IN (SELECT entry_id FROM catalogue_fts WHERE catalogue_fts MATCH ${q.p(inTitle)})) AS in_title ${base(q)} ORDER BY in_title DESC, score ASC, e.written_date DESC, e.index_no LIMIT ${q.p(s.limit)} OFFSET ${q.p(s.offset)}`,
    q.values,
  );
  const n = sqliteDialect.params();
  const counted = await m.query(`SELECT count(*) AS n ${base(n)}`, n.values);
  return { total: Number(counted[0].n), rows };
}

/**
 * The catalogue's search index: one per database, chosen at start (searchIndexFor). The search service speaks
 * only to this; what the two databases do differently is inside the two classes below.
 */
export interface SearchIndex {
  /** Keeps the index in step with an entry just written (`isNew`: it has no index row yet). */
  sync(m: EntityManager, e: CatalogueEntry, isNew?: boolean): Promise<void>;
  /**
   * Entries matching the first step that finds any, best first, with the total number of matches (estimated
   * for broad steps).
   */
  searchTiers(m: EntityManager, agencyId: string | null, f: SearchFilters, s: TieredSearch): Promise<TieredResult>;
  /** Newest first, no query words. */
  listRecent(m: EntityManager, agencyId: string | null, f: SearchFilters, limit: number, offset: number): Promise<{ total: number; rows: ResultRow[] }>;
  /** Entries whose 文号 has one of the given notation-independent keys. */
  findByDocKeys(m: EntityManager, agencyId: string | null, f: SearchFilters, keys: string[]): Promise<ResultRow[]>;
  /** The query's words without the catalogue's commonest ones, where the database keeps statistics to tell. */
  withoutCommonWords(m: EntityManager, groups: QueryGroup[], maxShare: number): Promise<QueryGroup[]>;
}

/** What both indexes share: plain SQL over catalogue_entries in the dialect of the database. */
abstract class CatalogueSqlIndex {
  constructor(protected readonly sql: SqlDialect) {}

  async listRecent(m: EntityManager, agencyId: string | null, f: SearchFilters, limit: number, offset: number): Promise<{ total: number; rows: ResultRow[] }> {
    const c = this.sql.params();
    const n = await m.query(`SELECT count(*) AS n FROM catalogue_entries e WHERE ${filterSql(agencyId, f, c)}`, c.values);
    const q = this.sql.params();
    const where = filterSql(agencyId, f, q);
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM catalogue_entries e WHERE ${where} ORDER BY ${this.sql.descNullsLast("e.written_date")}, e.index_no LIMIT ${q.p(limit)} OFFSET ${q.p(offset)}`,
      q.values,
    );
    return { total: Number(n[0].n), rows };
  }

  async findByDocKeys(m: EntityManager, agencyId: string | null, f: SearchFilters, keys: string[]): Promise<ResultRow[]> {
    if (!keys.length) return [];
    const q = this.sql.params();
    const where = filterSql(agencyId, f, q);
    return m.query(
      `SELECT ${COLUMNS} FROM catalogue_entries e WHERE ${where} AND e.doc_no_key IN (${keys.map((k) => q.p(k)).join(", ")}) ORDER BY e.written_date DESC, e.index_no LIMIT 20`,
      q.values,
    );
  }
}

/**
 * PostgreSQL full text: the tsvector is a generated column (nothing to sync); every step is one CTE of a single
 * statement, each run only when the steps before it found nothing (a one-time filter), so a query that relaxes
 * all the way still costs one round trip; the commonest words are left out by the column statistics.
 */
export class PostgresSearchIndex extends CatalogueSqlIndex implements SearchIndex {
  constructor() {
    super(postgresDialect);
  }

  async sync(): Promise<void> {}

  searchTiers(m: EntityManager, agencyId: string | null, f: SearchFilters, s: TieredSearch): Promise<TieredResult> {
    return searchTiersPg(m, agencyId, f, s);
  }

  withoutCommonWords(m: EntityManager, groups: QueryGroup[], maxShare: number): Promise<QueryGroup[]> {
    return withoutCommonWords(m, groups, maxShare);
  }
}

/** SQLite FTS5: a copy of each entry's tokens in catalogue_fts; in process, the steps run one by one. */
export class SqliteSearchIndex extends CatalogueSqlIndex implements SearchIndex {
  constructor() {
    super(sqliteDialect);
  }

  async sync(m: EntityManager, e: CatalogueEntry, isNew = false): Promise<void> {
    // entry_id is not indexed inside FTS5: skip the delete (a scan) for a new entry, which has no row yet.
    if (!isNew) await m.query(`DELETE FROM catalogue_fts WHERE entry_id = ?`, [e.id]);
    await m.query(`INSERT INTO catalogue_fts (title_tokens, body_tokens, entry_id, agency_id) VALUES (?, ?, ?, ?)`, [
      e.titleTokens,
      e.bodyTokens,
      e.id,
      e.agencyId,
    ]);
  }

  async searchTiers(m: EntityManager, agencyId: string | null, f: SearchFilters, s: TieredSearch): Promise<TieredResult> {
    for (let i = 0; i < s.tiers.length; i++) {
      const r = await searchTextSqlite(m, agencyId, f, { ...s.tiers[i], excludeIds: s.excludeIds, limit: s.limit, offset: s.offset });
      if (r.total > 0) return { ...r, tier: i, served: r.total };
    }
    return { total: 0, rows: [], tier: -1, served: 0 };
  }

  // No statistics to tell the common words: every word stays.
  async withoutCommonWords(_m: EntityManager, groups: QueryGroup[]): Promise<QueryGroup[]> {
    return groups;
  }
}

/** The index of the database the service runs on (ctx.sql), chosen once when the services are built. */
export function searchIndexFor(sql: SqlDialect): SearchIndex {
  return sql.name === "postgres" ? new PostgresSearchIndex() : new SqliteSearchIndex();
}

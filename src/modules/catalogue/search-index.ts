// The database half of the search: PostgreSQL matches a tsquery against the generated tsvector (GIN index)
// and ranks with ts_rank (title weight A, other fields B); SQLite matches FTS5 and ranks with bm25.
// Both see the same pre-segmented tokens, so results agree across the two databases.
import type { EntityManager } from "typeorm";
import type { DatabaseType } from "../../infra/database";
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

const COLUMNS = "e.id, e.agency_id, e.index_no, e.title, e.doc_no, e.publisher, e.written_date, e.published_date, e.subject_category, e.agency_category, e.summary, e.url, e.validity";

/** Keeps the FTS5 copy of an entry's tokens in step with the row (PostgreSQL generates its tsvector itself). */
export async function syncSearchIndex(m: EntityManager, dbType: DatabaseType, e: CatalogueEntry, isNew = false): Promise<void> {
  if (dbType !== "sqlite") return;
  // entry_id is not indexed inside FTS5: skip the delete (a scan) for a new entry, which has no row yet.
  if (!isNew) await m.query(`DELETE FROM catalogue_fts WHERE entry_id = ?`, [e.id]);
  await m.query(`INSERT INTO catalogue_fts (title_tokens, body_tokens, entry_id, agency_id) VALUES (?, ?, ?, ?)`, [e.titleTokens, e.bodyTokens, e.id, e.agencyId]);
}

/**
 * What the public may see: active entries that are not withheld. A 不予公开 entry is catalogued for the
 * agency's own records (its body may hold personal data); staff see it in the staff API and console only.
 */
export const PUBLIC_ENTRY_SQL = "e.status = 'active' AND e.disclosure_mode <> '不予公开'";

const escapeLike = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

/** WHERE fragments shared by both databases; `p` makes the placeholder for the n-th parameter. */
function filterSql(agencyId: string | null, f: SearchFilters, params: unknown[], p: (n: number) => string): string {
  // null: the whole platform (every agency's public entries; issue 17), each row names its agency.
  let sql = PUBLIC_ENTRY_SQL;
  if (agencyId !== null) {
    params.push(agencyId);
    sql = `e.agency_id = ${p(params.length)} AND ${sql}`;
  }
  if (f.year) {
    params.push(f.year);
    sql += ` AND e.year = ${p(params.length)}`;
  }
  if (f.category) {
    // One parameter per placeholder: SQLite's "?" are positional.
    const param = (v: unknown) => (params.push(v), p(params.length));
    sql += ` AND (e.subject_category = ${param(f.category)} OR e.agency_category = ${param(f.category)} OR e.subject_category LIKE ${param(`${escapeLike(f.category)}\\%`)} ESCAPE '!')`;
  }
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
 * Entries ranked at most: the GIN match is cut at this many rows before ts_rank and the sort, and a query
 * matching more reports this many as an estimated total ("1000+"). Ranking 40,000 matches of two common
 * words cost more than everything else in the search.
 */
export const RANK_CANDIDATES = 1000;

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

export interface TextSearch {
  groups: QueryGroup[];
  mode: MatchMode;
  excludeIds: string[];
  limit: number;
  offset: number;
  /** Estimated matches above which a PostgreSQL query is treated as broad (default BROAD_ESTIMATE). */
  broadEstimate?: number;
  /** Postings the PostgreSQL "most" step may read (default MOST_POSTINGS). */
  mostPostings?: number;
}

/** Above this many estimated matches a query is "broad" (PostgreSQL only; see searchText). */
export const BROAD_ESTIMATE = 1000;
export const BROAD_WINDOW = 40;

/** The planner's row estimate for a query (tsvector statistics make it close for frequent words). */
async function estimateMatches(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const r = await m.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const plan = r[0]["QUERY PLAN"];
  const json = typeof plan === "string" ? JSON.parse(plan) : plan;
  return Number(json[0]?.Plan?.["Plan Rows"] ?? 0);
}

/**
 * The `n` rarest words of a query (share of entries from the column statistics), in query order, without
 * their dictionary parts: the parts are common words (人民, 政府, 教育…) whose long posting lists made the
 * relaxed step cost more than all the others together.
 */
async function rarestWords(m: EntityManager, groups: QueryGroup[], n: number, postings: number): Promise<QueryGroup[]> {
  const words = groups.map((g) => ({ word: g.word, parts: [] }));
  const freq = await lexemeFrequencies(m);
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

type Frequencies = Map<string, number> & { rare: number; entryCount: number };
const STATS_CACHE_MS = 60_000;
const statsCache = new WeakMap<object, { at: number; freq: Frequencies }>();

/**
 * The share of entries holding each frequent lexeme, from ANALYZE's most_common_elems for search_vector;
 * a lexeme not listed is rarer than the least frequent one listed.
 */
async function lexemeFrequencies(m: EntityManager): Promise<Frequencies> {
  const hit = statsCache.get(m.connection);
  if (hit && Date.now() - hit.at < STATS_CACHE_MS) return hit.freq;
  const rows: Array<{ elems: string[] | null; freqs: number[] | null }> = await m.query(
    `SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'catalogue_entries' AND attname = 'search_vector'`,
  );
  const { elems, freqs } = rows[0] ?? { elems: null, freqs: null };
  const freq = new Map<string, number>() as Frequencies;
  (elems ?? []).forEach((w, i) => freq.set(w, Number(freqs![i])));
  // After the per-element figures come the minimum, the maximum and the null share.
  freq.rare = elems?.length && freqs ? Number(freqs[elems.length]) / 2 : 0;
  const rel: Array<{ n: number }> = await m.query(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass('catalogue_entries')`);
  freq.entryCount = Math.max(0, Number(rel[0]?.n ?? 0));
  statsCache.set(m.connection, { at: Date.now(), freq });
  return freq;
}

/** The three longest words: without statistics, the likeliest to be rare. */
function rarestByLength(groups: QueryGroup[]): QueryGroup[] {
  return [...groups].sort((a, b) => b.word.length - a.word.length).slice(0, RELAX_DIRECT);
}

/** Entries matching the query words, best first, with the total number of matches (estimated for broad queries). */
export async function searchText(m: EntityManager, dbType: DatabaseType, agencyId: string | null, f: SearchFilters, s: TextSearch): Promise<{ total: number; rows: ResultRow[]; estimated?: boolean }> {
  const params: unknown[] = [];
  if (dbType === "postgres") {
    const p = (n: number) => `$${n}`;
    // "Most" of more than three words matches the words themselves, not their dictionary parts (common words
    // whose long posting lists made this step cost more than all the others together).
    let groups = s.groups;
    if (s.mode === "most") {
      const rare = await rarestWords(m, s.groups, MOST_WORDS, s.mostPostings ?? MOST_POSTINGS);
      // Three words that all fit keep their parts (the leave-one-out of at most 3 × 2 terms); two that fit
      // must both appear (the word left out is one of the common ones); fewer leave the step to "any".
      if (rare.length < 2) return { total: 0, rows: [] };
      if (rare.length < s.groups.length || s.groups.length > RELAX_DIRECT) groups = rare;
    }
    const mode = s.mode === "most" && groups.length < RELAX_DIRECT ? "all" : s.mode;
    // $1 matches and ranks.
    params.push(pgQuery(groups, mode));
    // $2: the same words restricted to the title (weight A): entries whose title holds them all come first.
    params.push(pgQuery(s.groups, "all", ":A"));
    const where = filterSql(agencyId, f, params, p);
    let excl = "";
    if (s.excludeIds.length) {
      params.push(s.excludeIds);
      excl = ` AND NOT (e.id = ANY(${p(params.length)}))`;
    }
    // A word found in thousands of entries would make the database rank every one of them (tens of ms at
    // 100,000 entries). For such broad queries, rank only the newest BROAD_WINDOW matches — found by walking
    // the date index, which stops early — and report the planner's estimate as the total.
    // Only a single word (or the any-word fallback) can be broad. Several words that must all appear are selective,
    // and they often hold a year, whose matches cluster in time: a newest-first walk would then scan most
    // of the table before it reached them.
    // "most" (all words but one) is ranked in full too: how many words an entry holds is what orders it.
    const estimate = (s.mode === "all" && s.groups.length >= 2) || s.mode === "most" ? 0 : await estimateMatches(m, `SELECT 1 FROM catalogue_entries e, to_tsquery('simple', $1) q, to_tsquery('simple', $2) qt WHERE ${where}${excl} AND e.search_vector @@ q`, params);
    const broad = s.broadEstimate ?? BROAD_ESTIMATE;
    if (estimate >= broad && s.offset + s.limit <= BROAD_WINDOW) {
      params.push(BROAD_WINDOW, s.limit, s.offset);
      const rows = await m.query(
        `SELECT * FROM (SELECT ${COLUMNS}, e.search_vector @@ qt AS in_title, ts_rank(${PG_WEIGHTS}, e.search_vector, q) AS rank ` +
          `FROM catalogue_entries e, to_tsquery('simple', $1) q, to_tsquery('simple', $2) qt WHERE ${where}${excl} AND e.search_vector @@ q ` +
          `ORDER BY e.written_date DESC NULLS LAST, e.index_no LIMIT ${p(params.length - 2)}) w ` +
          `ORDER BY in_title DESC, rank DESC, written_date DESC NULLS LAST, index_no LIMIT ${p(params.length - 1)} OFFSET ${p(params.length)}`,
        params,
      );
      return { total: Math.max(estimate, rows.length), rows, estimated: true };
    }
    if (estimate >= broad) {
      // Deep pages of a broad query: newest first.
      params.push(s.limit, s.offset);
      const rows = await m.query(
        `SELECT ${COLUMNS} FROM catalogue_entries e, to_tsquery('simple', $1) q, to_tsquery('simple', $2) qt WHERE ${where}${excl} AND e.search_vector @@ q ` +
          `ORDER BY e.written_date DESC NULLS LAST, e.index_no LIMIT ${p(params.length - 1)} OFFSET ${p(params.length)}`,
        params,
      );
      return { total: estimate, rows, estimated: true };
    }
    // At most RANK_CANDIDATES + 1 matches are read (the GIN bitmap, then as many heap rows) and ranked; one
    // more than that says the query is broad, and its total is reported as an estimate of RANK_CANDIDATES.
    // Pages beyond the candidates are served newest first, as for a broad single word.
    if (s.offset + s.limit > RANK_CANDIDATES) {
      params.push(s.limit, s.offset);
      const rows = await m.query(
        `SELECT ${COLUMNS} FROM catalogue_entries e, to_tsquery('simple', $1) q, to_tsquery('simple', $2) qt WHERE ${where}${excl} AND e.search_vector @@ q ` +
          `ORDER BY e.written_date DESC NULLS LAST, e.index_no LIMIT ${p(params.length - 1)} OFFSET ${p(params.length)}`,
        params,
      );
      return { total: Math.max(RANK_CANDIDATES, s.offset + rows.length), rows, estimated: true };
    }
    params.push(RANK_CANDIDATES + 1, s.limit, s.offset);
    const rows = await m.query(
      `SELECT *, count(*) OVER () AS total FROM (SELECT ${COLUMNS}, e.search_vector @@ qt AS in_title, ts_rank(${PG_WEIGHTS}, e.search_vector, q) AS rank ` +
        `FROM (SELECT e.* FROM catalogue_entries e, to_tsquery('simple', $1) q WHERE ${where}${excl} AND e.search_vector @@ q LIMIT ${p(params.length - 2)}) e, ` +
        `to_tsquery('simple', $1) q, to_tsquery('simple', $2) qt) c ` +
        `ORDER BY in_title DESC, rank DESC, written_date DESC NULLS LAST, index_no ` +
        `LIMIT ${p(params.length - 1)} OFFSET ${p(params.length)}`,
      params,
    );
    const total = rows.length ? Number(rows[0].total) : s.offset === 0 && s.limit > 0 ? 0 : await countOnly();
    if (total > RANK_CANDIDATES) return { total: RANK_CANDIDATES, rows, estimated: true };
    return { total, rows };
    async function countOnly(): Promise<number> {
      const r = await m.query(
        `SELECT count(*) AS n FROM (SELECT 1 FROM catalogue_entries e, to_tsquery('simple', $1) q WHERE ${where}${excl} AND e.search_vector @@ q LIMIT ${p(params.length - 2)}) c`,
        params.slice(0, -2),
      );
      return Number(r[0].n);
    }
  }
  const p = () => "?";
  params.push(ftsQuery(s.groups, s.mode));
  const where = filterSql(agencyId, f, params, p);
  let excl = "";
  if (s.excludeIds.length) {
    excl = ` AND e.id NOT IN (${s.excludeIds.map(() => "?").join(", ")})`;
    params.push(...s.excludeIds);
  }
  if (s.mode === "most" && s.groups.length > RELAX_DIRECT) {
    // The MATCH below needs one query: two of the three longest words (usually the rarest; SQLite has no
    // planner estimate for them), then every word is counted once per row (one FTS lookup per word). Words
    // only, as on PostgreSQL (rarestWords).
    const words = s.groups.map((g) => ({ word: g.word, parts: [] }));
    params[0] = ftsQuery(rarestByLength(words), "most");
    const each = words.map((g) => {
      params.push(ftsQuery([g], "all"));
      return `(e.id IN (SELECT entry_id FROM catalogue_fts WHERE catalogue_fts MATCH ?))`;
    });
    params.push(s.groups.length - 1);
    excl += ` AND (${each.join(" + ")}) >= ?`;
  }
  const inTitle = `title_tokens : (${ftsQuery(s.groups, "all")})`;
  const base = `FROM catalogue_fts JOIN catalogue_entries e ON e.id = catalogue_fts.entry_id WHERE catalogue_fts MATCH ? AND ${where}${excl}`;
  const rows = await m.query(
    `SELECT ${COLUMNS}, bm25(catalogue_fts, 10.0, 1.0, 0.0, 0.0) AS score, ` +
      `(e.id IN (SELECT entry_id FROM catalogue_fts WHERE catalogue_fts MATCH ?)) AS in_title ${base} ORDER BY in_title DESC, score ASC, e.written_date DESC, e.index_no LIMIT ? OFFSET ?`,
    [inTitle, ...params, s.limit, s.offset],
  );
  const n = await m.query(`SELECT count(*) AS n ${base}`, params);
  return { total: Number(n[0].n), rows };
}

/** Newest first, no query words. */
export async function listRecent(m: EntityManager, dbType: DatabaseType, agencyId: string | null, f: SearchFilters, limit: number, offset: number): Promise<{ total: number; rows: ResultRow[] }> {
  const params: unknown[] = [];
  const p = dbType === "postgres" ? (n: number) => `$${n}` : () => "?";
  const where = filterSql(agencyId, f, params, p);
  const n = await m.query(`SELECT count(*) AS n FROM catalogue_entries e WHERE ${where}`, params);
  const nulls = dbType === "postgres" ? " NULLS LAST" : "";
  params.push(limit, offset);
  const rows = await m.query(
    `SELECT ${COLUMNS} FROM catalogue_entries e WHERE ${where} ORDER BY e.written_date DESC${nulls}, e.index_no LIMIT ${p(params.length - 1)} OFFSET ${p(params.length)}`,
    params,
  );
  return { total: Number(n[0].n), rows };
}

/** Entries whose 文号 has one of the given notation-independent keys. */
export async function findByDocKeys(m: EntityManager, dbType: DatabaseType, agencyId: string | null, f: SearchFilters, keys: string[]): Promise<ResultRow[]> {
  if (!keys.length) return [];
  const params: unknown[] = [];
  const p = dbType === "postgres" ? (n: number) => `$${n}` : () => "?";
  const where = filterSql(agencyId, f, params, p);
  const ph = keys.map((k) => {
    params.push(k);
    return p(params.length);
  });
  return m.query(`SELECT ${COLUMNS} FROM catalogue_entries e WHERE ${where} AND e.doc_no_key IN (${ph.join(", ")}) ORDER BY e.written_date DESC, e.index_no LIMIT 20`, params);
}

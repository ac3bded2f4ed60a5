// Benchmark: catalogue search on PostgreSQL with 100,000 generated entries (realistic Chinese titles and
// document numbers) and 1,000 queries, against a LIKE '%…%' scan in the same run.
// Run: npx tsx bench/catalogue-search.bench.ts   (env BENCH_PG_URL, BENCH_ENTRIES, BENCH_QUERIES; --quick: 10,000
// entries, 300 queries)
// Uses its own PostgreSQL schema, dropped afterwards. Not part of `npm test`.
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Client } from "pg";
import { z } from "zod";
import { closeContext, createContext, prepare } from "../src/bootstrap";
import { compose } from "../src/composition";
import { loadConfig } from "../src/config";
import { agencyByCode } from "../src/infra/agencies";
import { createLogger } from "../src/infra/logger";
import { deriveSearchColumns } from "../src/modules/catalogue/catalogue-service";
import { parseDocNumber } from "../src/modules/catalogue/doc-number";
import { analyzeQuery } from "../src/modules/catalogue/segmenter";
import { QUICK, ratioOf, writeResult } from "./lib/results";

z.config(z.locales.zhCN());

const PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const N = Number(process.env.BENCH_ENTRIES ?? (QUICK ? 10_000 : 100_000));
const Q = Number(process.env.BENCH_QUERIES ?? (QUICK ? 300 : 1_000));

// Deterministic pseudo-random numbers (mulberry32) so that every run loads the same catalogue.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20191231);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const ORGS: Array<[string, string]> = [
  ["张店区人民政府办公室", "张政办发"],
  ["张店区人民政府", "张政发"],
  ["张店区财政局", "张财发"],
  ["张店区教育和体育局", "张教体发"],
  ["张店区卫生健康局", "张卫健发"],
  ["张店区民政局", "张民发"],
  ["张店区人力资源和社会保障局", "张人社发"],
  ["张店区住房和城乡建设局", "张住建发"],
  ["张店区交通运输局", "张交发"],
  ["张店区农业农村局", "张农发"],
  ["张店区商务局", "张商发"],
  ["张店区文化和旅游局", "张文旅发"],
  ["张店区应急管理局", "张应急发"],
  ["张店区市场监督管理局", "张市监发"],
  ["淄博市生态环境局张店分局", "张环发"],
  ["张店区自然资源局", "张自然发"],
  ["张店区医疗保障局", "张医保发"],
  ["张店区退役军人事务局", "张退役发"],
  ["张店区统计局", "张统发"],
  ["张店区审计局", "张审发"],
  ["张店区司法局", "张司发"],
  ["张店区融媒体中心", "张融媒发"],
  ["张店区发展和改革局", "张发改发"],
  ["张店区科学技术局", "张科发"],
  ["张店区水利局", "张水发"],
  ["张店区城市管理局", "张城管发"],
  ["张店区行政审批服务局", "张审批发"],
  ["张店区大数据局", "张数据发"],
];
const PLACES = [
  "车站街道",
  "和平街道",
  "公园街道",
  "体育场街道",
  "科苑街道",
  "四宝山街道",
  "马尚街道",
  "湖田街道",
  "南定镇",
  "沣水镇",
  "房镇镇",
  "中埠镇",
  "傅家镇",
];
const TOPICS = [
  "政务公开",
  "安全生产",
  "扫黑除恶专项斗争",
  "乡村振兴",
  "优化营商环境",
  "疫情防控",
  "全国文明城市创建",
  "义务教育招生",
  "城乡居民基本医疗保险",
  "最低生活保障",
  "农村危房改造",
  "老旧小区改造",
  "大气污染防治",
  "河长制",
  "食品安全",
  "防汛抗旱",
  "森林防火",
  "就业创业补贴",
  "高校毕业生就业",
  "退役军人优待",
  "残疾人两项补贴",
  "困难群众救助",
  "居家养老服务",
  "全民健身",
  "文化惠民",
  "旅游市场秩序整治",
  "农产品质量安全",
  "耕地保护",
  "不动产登记",
  "政府集中采购",
  "财政预算",
  "部门决算",
  "审计整改",
  "经济普查",
  "法治政府建设",
  "行政执法公示",
  "双随机一公开",
  "社会信用体系建设",
  "生活垃圾分类",
  "城市停车管理",
  "冬季清洁取暖",
  "城镇燃气安全",
  "电梯安全",
  "校园安全",
  "消防安全",
  "节能减排",
  "招商引资",
  "科技创新",
  "高层次人才引进",
  "新时代文明实践",
  "志愿服务",
  "学前教育",
  "职业技能培训",
  "农民工工资支付",
  "住房公积金",
  "公共租赁住房",
  "棚户区改造",
  "道路交通安全",
  "非法集资防范",
  "安全饮水",
  "秸秆禁烧",
  "动物防疫",
  "网络安全",
  "档案管理",
  "保密工作",
  "信访工作",
  "民族宗教",
];
const MEASURES = [
  "工作要点",
  "实施方案",
  "工作方案",
  "管理办法",
  "考核办法",
  "专项行动方案",
  "应急预案",
  "补助资金分配",
  "检查情况",
  "评估结果",
  "奖励办法",
  "整改情况",
  "责任清单",
  "实施细则",
  "督查通报",
  "目标责任书",
  "宣传月活动",
  "培训计划",
  "验收结果",
  "资金绩效评价",
];
// Every title names its issuing body or the street/town it concerns, as real titles do.
const PATTERNS: Array<{ who: "org" | "place"; make: (w: string, y: number, t: string, m: string) => string }> = [
  { who: "org", make: (o, y, t, m) => `${o}关于印发《${y}年${t}${m}》的通知` },
  { who: "org", make: (o, y, t, m) => `${o}关于${y}年${t}${m}的通知` },
  { who: "place", make: (p, y, t, m) => `关于做好${p}${y}年${t}${m}的通知` },
  { who: "org", make: (o, y, t, m) => `${o}${y}年${t}${m}` },
  { who: "place", make: (p, y, t, m) => `关于${p}${t}${m}的批复（${y}年）` },
  { who: "org", make: (o, y, t, m) => `${o}关于公布${y}年度${t}${m}的公告` },
];
const SUBJECTS = [
  "综合政务\\政务公开",
  "综合政务\\应急管理",
  "财政、金融、审计\\财政",
  "教育\\基础教育",
  "卫生、体育\\卫生",
  "民政、扶贫、救灾\\社会福利",
  "劳动、人事、监察\\就业",
  "城乡建设、环境保护\\城市规划",
  "农业、林业、水利\\农业",
  "工业、交通\\安全生产",
];

interface Gen {
  title: string;
  /** The words that tell this title from others: issuing body or place. */
  who: string;
  year: number;
  topic: string;
  measure: string;
  docNo: string;
  org: string;
}

function generate(): Gen[] {
  const serial = new Map<string, number>();
  const out: Gen[] = [];
  for (let i = 0; i < N; i++) {
    const [org, prefix] = pick(ORGS);
    const year = 2016 + Math.floor(rand() * 10);
    const topic = pick(TOPICS);
    const measure = pick(MEASURES);
    const pattern = pick(PATTERNS);
    const who = pattern.who === "org" ? org : pick(PLACES);
    const title = pattern.make(who, year, topic, measure);
    const k = `${prefix}${year}`;
    const n = (serial.get(k) ?? 0) + 1;
    serial.set(k, n);
    out.push({ title, who: who.replace(/^张店区|^淄博市/, ""), year, topic, measure, docNo: `${prefix}〔${year}〕${n}号`, org });
  }
  return out;
}

async function load(ctx: Awaited<ReturnType<typeof createContext>>, agencyId: string, rows: Gen[]): Promise<void> {
  const cols = [
    "id",
    "agency_id",
    "index_no",
    "title",
    "publisher",
    "doc_no",
    "doc_no_key",
    "written_date",
    "published_date",
    "year",
    "subject_category",
    "agency_category",
    "disclosure_mode",
    "disclosure_time_limit",
    "disclosure_scope",
    "summary",
    "validity",
    "status",
    "title_tokens",
    "body_tokens",
    "version",
    "created_at",
    "updated_at",
  ];
  const now = new Date().toISOString();
  const batch = 1000;
  for (let b = 0; b < rows.length; b += batch) {
    const params: unknown[] = [];
    const values: string[] = [];
    rows.slice(b, b + batch).forEach((g, j) => {
      const i = b + j;
      const month = String(1 + Math.floor(rand() * 12)).padStart(2, "0");
      const day = String(1 + Math.floor(rand() * 28)).padStart(2, "0");
      const written = `${g.year}-${month}-${day}`;
      const summary = `${g.org}就${g.topic}${g.measure}作出安排，明确目标任务、责任分工和保障措施。`;
      const e = {
        title: g.title,
        docNo: g.docNo,
        writtenDate: written,
        publishedDate: written,
        summary,
        keywords: null,
        publisher: g.org,
        subjectCategory: pick(SUBJECTS),
        agencyCategory: g.measure,
        body: null,
        indexNo: "",
      };
      const d = deriveSearchColumns(e);
      const row = [
        randomUUID(),
        agencyId,
        `ZDRMT/${g.year}-${String(i + 1).padStart(6, "0")}`,
        g.title,
        g.org,
        parseDocNumber(g.docNo)!.canonical,
        d.docNoKey,
        written,
        written,
        d.year,
        e.subjectCategory,
        e.agencyCategory,
        "主动公开",
        "长期公开",
        "面向社会",
        summary,
        "有效",
        "active",
        d.titleTokens,
        d.bodyTokens,
        1,
        now,
        now,
      ];
      values.push(`(${row.map((v) => (params.push(v), `$${params.length}`)).join(", ")})`);
    });
    await ctx.db.query(`INSERT INTO catalogue_entries (${cols.join(", ")}) VALUES ${values.join(", ")}`, params);
  }
  await ctx.db.query("ANALYZE catalogue_entries");
}

/** Another notation of the same 文号: ASCII or full-width brackets, or none at all. */
function otherNotation(docNo: string, k: number): string {
  const d = parseDocNumber(docNo)!;
  return [
    `${d.prefix}[${d.year}]${d.number}号`,
    `${d.prefix}(${d.year})${d.number}号`,
    `${d.prefix}（${d.year}）${d.number}号`,
    `${d.prefix}${d.year}${d.number}号`,
  ][k % 4];
}

interface Query {
  kind: "title" | "docno" | "topic";
  q: string;
  likeTerms: string[];
  target?: string;
}

function makeQueries(rows: Gen[]): Query[] {
  const qs: Query[] = [];
  for (let i = 0; i < Q; i++) {
    const r = i % 10;
    if (r < 4) {
      // A person remembers the year, the subject and the kind of document.
      const g = rows[Math.floor(rand() * rows.length)];
      const q = i % 2 ? `${g.who} ${g.year}年 ${g.topic} ${g.measure}` : `${g.who}${g.topic}${g.measure} ${g.year}`;
      qs.push({ kind: "title", q, likeTerms: q.split(/\s+/), target: g.docNo });
    } else if (r < 7) {
      const g = rows[Math.floor(rand() * rows.length)];
      const q = otherNotation(g.docNo, i);
      qs.push({ kind: "docno", q, likeTerms: [q], target: g.docNo });
    } else {
      const q = rand() < 0.5 ? pick(TOPICS) : `${pick(TOPICS)} ${2016 + Math.floor(rand() * 10)}`;
      qs.push({ kind: "topic", q, likeTerms: q.split(/\s+/) });
    }
  }
  return qs;
}

/**
 * The most expensive queries we could build (issue 13, item 1), each the longest the bot's path accepts (the
 * facade takes 200 characters; HTTP stops at CATALOGUE_QUERY_MAX_CHARS). Distinct characters make a word of
 * nearly each; the vocabulary's own words make every word frequent while no entry holds them all, so every
 * relaxation step runs (all → parts → most → any).
 */
function worstQueries(): Array<{ name: string; q: string; page?: number; year?: number }> {
  const distinct = Array.from({ length: 200 }, (_, i) => String.fromCharCode(0x4e00 + i * 97)).join("");
  const cut = (xs: string[], sep = "") => xs.join(sep).slice(0, 200);
  // The catalogue's own characters, each once: every one of them frequent.
  const common = [...new Set([...ORGS.map(([o]) => o), ...TOPICS, ...MEASURES, ...PLACES].join(""))].slice(0, 200).join("");
  const years = Array.from({ length: 10 }, (_, i) => String(2016 + i));
  return [
    { name: "200 distinct characters", q: distinct },
    { name: "200 distinct characters of the catalogue", q: common },
    { name: "every issuing body", q: cut(ORGS.map(([o]) => o)) },
    { name: "every topic", q: cut(TOPICS, " ") },
    { name: "every street and town, every year", q: cut([...PLACES, ...years.map((y) => `${y}年`)], " ") },
    { name: "every kind of document", q: cut(MEASURES, " ") },
    {
      name: "the commonest words",
      q: cut(["关于", "通知", "印发", "张店区", "工作", "方案", "实施", "公告", "批复", "年度", "街道", "办法", "管理", "安全", "2019", "2020", "2021"], " "),
    },
    { name: "digits: every year and numbers", q: cut([...years, ...Array.from({ length: 40 }, (_, i) => String(i + 1))], " ") },
    { name: "one word repeated", q: cut(Array(50).fill("安全生产"), " ") },
    {
      name: "mixed scripts",
      q: cut(["Привет", "安全生产", "مرحبا", "2019", "abcdef", "政务公开", "Ωμέγα", "乡村振兴", "한국어", "食品安全", "ｆｕｌｌｗｉｄｔｈ", "工作要点"], " "),
    },
    { name: "long Latin tokens", q: cut(["a".repeat(60), "x1y2z3".repeat(10), "b".repeat(40), "安全生产", "c".repeat(30)], " ") },
    { name: "rare dictionary words", q: cut(["量子", "火箭", "恐龙", "潜水艇", "望远镜", "银河", "冰川", "珊瑚礁", "沙漠", "极光", "陨石", "蝴蝶"], " ") },
    { name: "200 distinct characters, year filter", q: distinct, year: 2020 },
    { name: "a broad word, page 5 (beyond the ranked window)", q: "政务公开", page: 5 },
    { name: "a broad word, page 100 (positions 991–1000)", q: "政务公开", page: 100 },
    { name: "the commonest word, page 100", q: "通知", page: 100 },
  ];
}

/** The relaxed query as it was before issue 13: the OR of the n ways to leave one word out (n² terms). */
function quadraticMost(words: string[]): string {
  const q = (w: string) => `'${w.replace(/'/g, "''")}'`;
  return words
    .map(
      (_, skip) =>
        `(${words
          .filter((__, i) => i !== skip)
          .map(q)
          .join(" & ")})`,
    )
    .join(" | ");
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (x: number) => x.toFixed(2);

export async function run(): Promise<Record<string, unknown>> {
  const schema = `bench_catalogue_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const config = loadConfig({ ...process.env, DATABASE_URL: `${PG_URL}?schema=${schema}`, REDIS_URL: "", LOG_LEVEL: "silent", YEAR_END_JOB_ENABLED: "false" });
  const ctx = await createContext(config, { logger: createLogger("silent") });
  try {
    const app = compose(ctx);
    await prepare(app);
    const agency = await agencyByCode(ctx);
    const t0 = performance.now();
    const rows = generate();
    await load(ctx, agency.id, rows);
    const loadSeconds = (performance.now() - t0) / 1000;
    const queries = makeQueries(rows);
    const svc = app.services.catalogue;

    // Warm-up: plans, caches, the guide's section index.
    for (const q of queries.slice(0, 50)) await svc.search(agency.id, { q: q.q, pageSize: 10 });

    const ftsTimes: number[] = [];
    const byKind: Record<string, number[]> = { title: [], docno: [], topic: [] };
    const slow: Array<[number, string, number]> = [];
    const likeTimes: number[] = [];
    const hits = { fts: { title: 0, docno: 0 }, like: { title: 0, docno: 0 } };
    const counts = { title: 0, docno: 0 };
    for (const q of queries) {
      let t = performance.now();
      const r = await svc.search(agency.id, { q: q.q, pageSize: 10 });
      ftsTimes.push(performance.now() - t);
      byKind[q.kind].push(ftsTimes[ftsTimes.length - 1]);
      slow.push([ftsTimes[ftsTimes.length - 1], q.q, r.total]);

      const params: unknown[] = [agency.id];
      const cond = q.likeTerms.map((w) => (params.push(`%${w}%`), `(title LIKE $${params.length} OR doc_no LIKE $${params.length})`)).join(" AND ");
      t = performance.now();
      const likeRows: Array<{ doc_no: string }> = await ctx.db.query(
        `SELECT index_no, title, doc_no, count(*) OVER () AS total FROM catalogue_entries WHERE agency_id = $1 AND status = 'active' AND ${cond} ORDER BY written_date DESC LIMIT 10`,
        params,
      );
      likeTimes.push(performance.now() - t);

      if (q.kind !== "topic") {
        counts[q.kind]++;
        if (r.items.slice(0, 3).some((i) => i.docNo === q.target)) hits.fts[q.kind]++;
        else if (process.env.BENCH_VERBOSE)
          console.log(
            `  miss ${q.q} → want ${q.target}, got ${r.items
              .slice(0, 3)
              .map((i) => i.title)
              .join(" | ")} (${r.total}, ${r.matchMode})`,
          );
        if (likeRows.slice(0, 3).some((i) => i.doc_no === q.target)) hits.like[q.kind]++;
      }
    }
    const known = counts.title + counts.docno;

    // Worst cases, against the ordinary queries above as the baseline of the same run.
    const reps = QUICK ? 5 : 20;
    const worst: Array<{ name: string; chars: number; matchMode: string; total: number; p50: number; max: number }> = [];
    for (const w of worstQueries()) {
      const times: number[] = [];
      let last = { matchMode: "", total: 0 };
      for (let i = 0; i < reps; i++) {
        const t = performance.now();
        last = await svc.search(agency.id, { q: w.q, pageSize: 10, page: w.page, year: w.year });
        times.push(performance.now() - t);
      }
      worst.push({ name: w.name, chars: w.q.length, matchMode: last.matchMode, total: last.total, p50: pct(times, 50), max: Math.max(...times) });
    }
    const worstMax = Math.max(...worst.map((w) => w.max));
    // What the first of them cost before: the quadratic "all words but one" statement alone (once, 60 s cap).
    const words = analyzeQuery(worstQueries()[0].q).groups.map((g) => g.word);
    let quadraticMs: number | null = null;
    try {
      quadraticMs = await ctx.db.transaction(async (m) => {
        await m.query("SET LOCAL statement_timeout = 60000");
        const t = performance.now();
        await m.query(
          `SELECT count(*) FROM catalogue_entries e, to_tsquery('simple', $2) q WHERE e.agency_id = $1 AND e.status = 'active' AND e.search_vector @@ q`,
          [agency.id, quadraticMost(words)],
        );
        return performance.now() - t;
      });
    } catch {
      quadraticMs = null; // cancelled at 60 s
    }
    if (process.env.BENCH_VERBOSE) {
      for (const k of Object.keys(byKind)) console.log(`  ${k}: p50 ${fmt(pct(byKind[k], 50))} p95 ${fmt(pct(byKind[k], 95))}`);
      for (const [ms, q, n] of slow.sort((a, b) => b[0] - a[0]).slice(0, 15)) console.log(`  slow ${fmt(ms)} ms  ${q}  (${n})`);
    }
    const result = {
      entries: N,
      queries: queries.length,
      loadSeconds: Number(loadSeconds.toFixed(1)),
      byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { p50: pct(v, 50), p95: pct(v, 95) }])),
      search: { p50: pct(ftsTimes, 50), p95: pct(ftsTimes, 95), p99: pct(ftsTimes, 99), max: Math.max(...ftsTimes) },
      like: { p50: pct(likeTimes, 50), p95: pct(likeTimes, 95), p99: pct(likeTimes, 99), max: Math.max(...likeTimes) },
      worst: { queries: worst, max: worstMax, quadraticMostMs: quadraticMs, quadraticWords: words.length },
      top3: {
        search: { title: hits.fts.title / counts.title, docno: hits.fts.docno / counts.docno, all: (hits.fts.title + hits.fts.docno) / known },
        like: { title: hits.like.title / counts.title, docno: hits.like.docno / counts.docno, all: (hits.like.title + hits.like.docno) / known },
      },
    };
    console.log(
      `catalogue-search: ${N} entries loaded in ${result.loadSeconds}s; ${queries.length} queries (${counts.title} title known-item, ${counts.docno} 文号 in another notation, ${queries.length - known} topical)`,
    );
    console.log(
      `  jieba+tsvector/GIN  p50 ${fmt(result.search.p50)} ms  p95 ${fmt(result.search.p95)} ms  p99 ${fmt(result.search.p99)} ms  top-3 known-item ${(result.top3.search.all * 100).toFixed(1)}% (title ${(result.top3.search.title * 100).toFixed(1)}%, 文号 ${(result.top3.search.docno * 100).toFixed(1)}%)`,
    );
    console.log(
      `  LIKE '%…%' scan     p50 ${fmt(result.like.p50)} ms  p95 ${fmt(result.like.p95)} ms  p99 ${fmt(result.like.p99)} ms  top-3 known-item ${(result.top3.like.all * 100).toFixed(1)}% (title ${(result.top3.like.title * 100).toFixed(1)}%, 文号 ${(result.top3.like.docno * 100).toFixed(1)}%)`,
    );
    console.log(`  ratio LIKE/search: p50 ×${fmt(result.like.p50 / result.search.p50)}, p95 ×${fmt(result.like.p95 / result.search.p95)}`);
    for (const w of worst)
      console.log(`  worst “${w.name}” (${w.chars} chars, ${w.matchMode}, ${w.total} matches)  p50 ${fmt(w.p50)} ms  max ${fmt(w.max)} ms`);
    console.log(
      `  worst query max ${fmt(worstMax)} ms vs ordinary p50 ${fmt(result.search.p50)} ms (target < 50 ms: ${worstMax < 50 ? "met" : "NOT met"}); before issue 13 its relaxed statement alone (${words.length} words, n² terms): ${quadraticMs === null ? "> 60 s (cancelled)" : `${fmt(quadraticMs)} ms`}`,
    );
    const ok = result.search.p95 <= 10 && result.top3.search.all >= 0.95;
    console.log(`  target p95 ≤ 10 ms and top-3 ≥ 95%: ${ok ? "met" : "NOT met"}`);
    const size = `${N.toLocaleString("en-US")} entries, ${queries.length} queries`;
    writeResult("catalogue-search", result, [
      {
        figure: `catalogue search p95 (jieba tokens, tsvector/GIN), ${size}`,
        value: Number(result.search.p95.toFixed(2)),
        unit: "ms",
        baseline: "LIKE '%…%' scan, p95",
        baselineValue: Number(result.like.p95.toFixed(2)),
        ratio: ratioOf(result.search.p95, result.like.p95, 3),
        target: "≤ 10 ms",
        met: result.search.p95 <= 10,
      },
      {
        figure: `known item in the top 3 (${known} known-item queries)`,
        value: Number((result.top3.search.all * 100).toFixed(1)),
        unit: "%",
        baseline: "LIKE '%…%' scan",
        baselineValue: Number((result.top3.like.all * 100).toFixed(1)),
        ratio: ratioOf(result.top3.search.all, result.top3.like.all),
        target: "≥ 95 %",
        met: result.top3.search.all >= 0.95,
      },
      {
        figure: `worst query we could build, slowest of ${reps} runs each (${worst.length} queries of ≤ 200 characters, paging and filters), ${N.toLocaleString("en-US")} entries`,
        value: Number(worstMax.toFixed(2)),
        unit: "ms",
        baseline: "ordinary queries of the same run, p50",
        baselineValue: Number(result.search.p50.toFixed(2)),
        ratio: ratioOf(worstMax, result.search.p50, 3),
        target: "< 50 ms",
        met: worstMax < 50,
      },
    ]);
    return result;
  } finally {
    await closeContext(ctx);
    if (process.env.BENCH_KEEP_SCHEMA) console.log(`  kept schema ${schema} (drop it yourself)`);
    else await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

if (require.main === module) {
  run().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

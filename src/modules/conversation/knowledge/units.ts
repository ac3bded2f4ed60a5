// The producers of answer units: the statutory FAQ (config/conversation/faq.json), the published guide split
// into the facts it states (one unit per paragraph), catalogue entries, every cell of every published report
// (sections 二, 三 by row and applicant column, 四 by column) and its narratives (一, 五, 六), the agency
// profile, and staff-written units. Pure functions of plain data, so the index is built and tested without servers.
import fs from "node:fs";
import path from "node:path";
import type { AnswerUnit } from "./answer-unit";

export interface FaqEntry {
  key: string;
  questions: string[];
  keywords?: string[];
  answer: string;
  detail?: string;
  source: string;
  /** True when the source is the 条例 (the unit links to its text). */
  regulation?: boolean;
}
interface FaqFile {
  regulationUrl: string;
  units: FaqEntry[];
}
const FAQ_FILE = path.resolve(__dirname, "../../../../config/conversation/faq.json");
let faqFile: FaqFile | null = null;
export function loadFaq(): FaqFile {
  faqFile ??= JSON.parse(fs.readFileSync(FAQ_FILE, "utf8")) as FaqFile;
  return faqFile;
}

/** What the producers read of an agency (src/infra/entities/agency.entity.ts `profile`). */
export interface AgencyLike {
  code: string;
  name: string;
  profile?: {
    fullName?: string;
    note?: string;
    applicationChannels?: string[];
    contact?: Record<string, string | null | undefined>;
    channels?: Array<{ name: string; kind: string }>;
  } | null;
}

const TBD = "待机关补充";

function fillAgency(t: string, a: AgencyLike, contact: Record<string, string | null | undefined>): string {
  const v = (x: string | null | undefined) => x || TBD;
  const map: Record<string, string> = {
    agency: a.name,
    office: v(contact.office),
    phone: v(contact.phone),
    email: v(contact.email),
    hours: v(contact.officeHours),
    address: v(contact.address),
    fax: v(contact.fax),
    applicationChannels: (a.profile?.applicationChannels ?? []).join("、") || "书面形式",
    channels:
      [
        ...new Set(
          (a.profile?.channels ?? []).map((c) =>
            c.kind === "print" ? `《${c.name}》` : c.kind === "app" ? `“${c.name}”APP` : c.kind === "wechat" ? `“${c.name}”微信公众号` : c.name,
          ),
        ),
      ].join("、") || "政府网站",
  };
  return t.replace(/\{(\w+)\}/g, (_, k: string) => map[k] ?? `{${k}}`);
}

export function faqUnits(a: AgencyLike, contact: Record<string, string | null | undefined> = {}): AnswerUnit[] {
  const f = loadFaq();
  const c = { ...(a.profile?.contact ?? {}), ...contact };
  return f.units.map((u) => ({
    id: `faq:${u.key}`,
    kind: "faq" as const,
    agencyCode: a.code,
    questions: u.questions,
    keywords: u.keywords,
    answer: fillAgency(u.answer, a, c),
    detail: u.detail ? fillAgency(u.detail, a, c) : undefined,
    source: { label: fillAgency(u.source, a, c), url: u.regulation ? f.regulationUrl : undefined },
  }));
}

/** "你们是什么单位": who the agency is, from its profile. */
export function profileUnit(a: AgencyLike): AnswerUnit {
  const p = a.profile ?? {};
  const channels = (p.channels ?? []).map((c) => c.name);
  return {
    id: "faq:agency_profile",
    kind: "faq",
    agencyCode: a.code,
    questions: ["你们是什么单位", "你们是谁", "这是哪个单位的服务", "介绍一下你们单位"],
    keywords: ["单位", "机构", "简介", "职能"],
    answer: `这里是${p.fullName ?? a.name}的政府信息公开咨询服务。${p.note ?? ""}`.trim(),
    detail: channels.length ? `信息发布渠道：${[...new Set(channels)].join("、")}。` : undefined,
    source: { label: `${a.name}机构概况`, url: `/guide?agency=${a.code}` },
  };
}

export interface GuideLike {
  title: string;
  lastUpdated?: string | null;
  sections: Array<{ key: string; title: string; body: string; keywords?: string[] }>;
}

/** First sentence or two of a paragraph, ending at a full stop, at most `max` characters. */
export function lead(text: string, max = 120): string {
  const t = text.replace(/\s*\n\s*/g, " ").trim();
  const parts = t.match(/[^。！？]+[。！？]?/g) ?? [t];
  let out = "";
  for (const p of parts) {
    if (out && out.length + p.length > max) break;
    out += p;
    if (out.length >= 40) break;
  }
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** A heading line such as "三、答复时限" (short, no sentence punctuation). */
const isHeading = (p: string) => p.length <= 16 && !/[。；：，]/.test(p);

export function guideUnits(agencyCode: string, g: GuideLike): AnswerUnit[] {
  const out: AnswerUnit[] = [];
  const src = (title: string) => `《${g.title}》·${title}${g.lastUpdated ? `（更新日期：${g.lastUpdated}）` : ""}`;
  for (const s of g.sections) {
    const paras = s.body
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean);
    let n = 0;
    for (const para of paras) {
      const lines = para
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
      let heading = "";
      if (lines.length > 1 && isHeading(lines[0])) heading = lines.shift()!.replace(/^[一二三四五六七八九十]+、/, "");
      if (!lines.length) continue;
      const body = lines.join("\n");
      // List paragraphs (contact lines, channels) are answered whole; prose starts with its first sentences.
      const isList = lines.length > 2 && lines.slice(1).every((l) => /^[-·•]|^.{1,10}[：:]/.test(l));
      out.push({
        id: `guide:${s.key}:${++n}`,
        kind: "guide",
        agencyCode,
        questions: [s.title, heading, lead(body, 60)].filter(Boolean),
        keywords: s.keywords,
        answer: isList ? body.slice(0, 240) : lead(body),
        detail: body,
        source: { label: src(heading ? `${s.title}·${heading}` : s.title), url: `/guide?agency=${agencyCode}#${s.key}` },
      });
    }
  }
  return out;
}

export interface CatalogueEntryLike {
  indexNo: string;
  title: string;
  docNo?: string | null;
  writtenDate?: string | null;
  publishedDate?: string | null;
  subjectCategory?: string | null;
  keywords?: string | null;
  summary?: string | null;
  url?: string | null;
}

export function catalogueUnits(agencyCode: string, entries: CatalogueEntryLike[]): AnswerUnit[] {
  return entries.map((e) => {
    const date = e.writtenDate ?? e.publishedDate;
    return {
      id: `catalogue:${e.indexNo}`,
      kind: "catalogue" as const,
      agencyCode,
      questions: [e.title, e.docNo ?? ""].filter(Boolean),
      keywords: [e.subjectCategory ?? "", ...(e.keywords ?? "").split(/[,，;；\s]+/)].filter(Boolean),
      answer: `已主动公开：《${e.title.replace(/^《|》$/g, "")}》${e.docNo ? `（${e.docNo}）` : ""}${date ? `，${date}` : ""}。`,
      detail: e.summary ?? undefined,
      source: { label: `政府信息公开目录·索引号${e.indexNo}`, url: e.url || `/catalogue/item?indexNo=${encodeURIComponent(e.indexNo)}` },
    };
  });
}

/** The parts of a published report the units read (src/modules/reports/narrative.ts ReportJson + format labels). */
export interface PublishedReport {
  year: number;
  agencyName: string;
  /** Section 三: rows (code, label, parent, group?) and per-column values; columns with labels. */
  applications: {
    columns: Array<{ code: string; label: string }>;
    rows: Array<{ code: string; label: string; name: string; values: Record<string, number> }>;
  };
  /** Section 四: the review/litigation columns with labels (label already includes its group). */
  review: Array<{ code: string; label: string; count: number }>;
  /** Section 二: per sub-table, rows × columns. */
  disclosure: Array<{
    caption: string;
    rows: Array<{ code: string; label: string; cells: Array<{ code: string; label: string; value: number | null; unit?: string }> }>;
  }>;
  narratives: Array<{ key: "s1" | "s5" | "s6"; title: string; text: string }>;
}

export const APPLICATIONS_SECTION = "三、收到和处理政府信息公开申请情况";
export const REVIEW_SECTION = "四、政府信息公开行政复议、行政诉讼情况";
export const DISCLOSURE_SECTION = "二、主动公开政府信息情况";

/** Citizens' words for the report's rows; the official label is printed, these only find it. */
const ROW_WORDS: Record<string, string[]> = {
  "received.new": ["收到", "新收", "受理", "申请数量", "多少申请"],
  "received.carried_over": ["上年结转"],
  "result.granted": ["予以公开", "同意公开", "公开了"],
  "result.partial": ["部分公开"],
  "result.withheld": ["不予公开", "拒绝公开"],
  "result.unable": ["无法提供"],
  "result.not_processed": ["不予处理"],
  "result.other": ["其他处理"],
  "result.total": ["办结", "处理完", "总计"],
  carried_forward: ["结转下年", "还没办完", "未办结"],
};

export function reportUrl(agencyCode: string, year: number): string {
  return `/api/reports/${year}?agency=${agencyCode}`;
}

export function reportUnits(agencyCode: string, r: PublishedReport): AnswerUnit[] {
  const out: AnswerUnit[] = [];
  const title = `《${r.agencyName}${r.year}年政府信息公开工作年度报告》`;
  const url = reportUrl(agencyCode, r.year);
  const total = r.applications.columns.find((c) => c.code === "total");
  for (const row of r.applications.rows) {
    const value = row.values.total ?? 0;
    const cols = r.applications.columns.filter((c) => c.code !== "total");
    const words = Object.entries(ROW_WORDS).find(([code]) => row.code === code || row.code.startsWith(`${code}.`))?.[1] ?? [];
    out.push({
      id: `report:${r.year}:三:${row.code}`,
      kind: "report",
      agencyCode,
      questions: [row.name, row.label],
      keywords: ["申请", ...words],
      answer: `${r.year}年${row.name}：${value}件。`,
      detail: cols.map((c) => `${c.label}${row.values[c.code] ?? 0}件`).join("，"),
      source: { label: `${title}${APPLICATIONS_SECTION}·${row.label}${total ? `·${total.label}` : ""}`, url },
      figure: {
        year: r.year,
        section: "三",
        row: row.code,
        rowLabel: row.label,
        value,
        unit: "件",
        columns: cols.map((c) => ({ code: c.code, label: c.label, value: row.values[c.code] ?? 0 })),
      },
    });
  }
  // 四 as citizens ask it ("有没有被复议/起诉"): the review total and the litigation total (direct + after review).
  const count = (code: string) => r.review.find((c) => c.code === code)?.count ?? 0;
  const groups: Array<{ code: string; name: string; words: string[]; cols: string[] }> = [
    {
      code: "review",
      name: "行政复议",
      words: ["复议", "行政复议", "被复议", "申请复议"],
      cols: ["review.upheld", "review.corrected", "review.other", "review.pending"],
    },
    {
      code: "litigation",
      name: "行政诉讼",
      words: ["诉讼", "行政诉讼", "起诉", "被起诉", "打官司", "告", "被告"],
      cols: ["litigation.direct.total", "litigation.after_review.total"],
    },
  ];
  for (const g of groups) {
    const cols = g.cols
      .filter((c) => r.review.some((x) => x.code === c))
      .map((c) => ({ code: c, label: r.review.find((x) => x.code === c)!.label.replace(/^行政(复议|诉讼)·/, ""), value: count(c) }));
    if (!cols.length) continue;
    const value = cols.reduce((a, c) => a + c.value, 0);
    out.push({
      id: `report:${r.year}:四:${g.code}`,
      kind: "report",
      agencyCode,
      questions: [g.name, `${g.name}总计`, `被${g.name === "行政复议" ? "申请复议" : "起诉"}多少件`],
      keywords: g.words,
      answer: `${r.year}年${g.name}：${value}件。`,
      source: { label: `${title}${REVIEW_SECTION}·${g.name}`, url },
      figure: { year: r.year, section: "四", row: g.code, rowLabel: g.name, value, unit: "件", columns: cols },
    });
  }
  for (const c of r.review) {
    out.push({
      id: `report:${r.year}:四:${c.code}`,
      kind: "report",
      agencyCode,
      questions: [c.label],
      keywords: c.code.startsWith("review") ? ["复议", "行政复议"] : ["诉讼", "行政诉讼", "起诉", "被起诉", "告"],
      answer: `${r.year}年${c.label}：${c.count}件。`,
      source: { label: `${title}${REVIEW_SECTION}·${c.label}`, url },
      figure: { year: r.year, section: "四", row: c.code, rowLabel: c.label, value: c.count, unit: "件" },
    });
  }
  for (const t of r.disclosure) {
    for (const row of t.rows) {
      const cells = row.cells.filter((c) => c.value !== null);
      if (!cells.length) continue;
      const main = cells[0];
      out.push({
        id: `report:${r.year}:二:${row.code}`,
        kind: "report",
        agencyCode,
        questions: [row.label, ...cells.map((c) => `${row.label}${c.label}`)],
        keywords: ["主动公开", ...cells.map((c) => c.label), "制作", "发布"],
        answer: `${r.year}年${row.label}：${cells.map((c) => `${c.label}${c.value}${c.unit ?? ""}`).join("，")}。`,
        source: { label: `${title}${DISCLOSURE_SECTION}·${t.caption}·${row.label}`, url },
        figure: {
          year: r.year,
          section: "二",
          row: row.code,
          rowLabel: row.label,
          value: main.value ?? 0,
          unit: main.unit ?? "",
          columns: cells.map((c) => ({ code: c.code, label: c.label, value: c.value ?? 0, unit: c.unit ?? "" })),
        },
      });
    }
  }
  for (const n of r.narratives) {
    const paras = n.text
      .split(/\n+/)
      .map((p) => p.trim())
      .filter((p) => p.length >= 8);
    paras.forEach((p, i) => {
      out.push({
        id: `report:${r.year}:${n.key}:${i + 1}`,
        kind: "report",
        agencyCode,
        questions: [`${r.year}年${n.title}`, lead(p, 60)],
        keywords: [n.title.replace(/^[一二三四五六七八九十]+、/, "")],
        answer: lead(p, 150),
        detail: p,
        source: { label: `${title}${n.title}`, url },
        figure: { year: r.year, section: n.key, row: `p${i + 1}`, rowLabel: n.title, value: null, unit: "" },
      });
    });
  }
  return out;
}

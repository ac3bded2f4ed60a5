// The consistency checks of format spec §6. Pure: the caller passes the tables and lazy lookups that name the
// applications/cases behind a failure (only called when a check fails). A failed check blocks publication.
import type { DisclosureValues } from "./disclosure-values";
import { categoryColumns, columnLabel, resultRows, reviewColumnLabel, rowLabel, SIGNED_DISCLOSURE_COLUMNS, TOTAL_COLUMN, type ReportFormat } from "./formats";
import type { ApplicationTable, ReviewTable } from "./statistics";

export interface CheckResult {
  id: string;
  ok: boolean;
  detail: string;
}

export interface PreviousYear {
  year: number;
  /** "published" = the last published version; "live" = computed now (no published report); null = nothing. */
  source: "published" | "live" | null;
  version?: number;
  carriedForward?: number[];
  activeDisclosure?: DisclosureValues | null;
  formatId?: string;
}

export interface CheckEvidence {
  unknownCategory(): Promise<string[]>;
  unmappedDisposition(): Promise<string[]>;
  disposedBeforeReceived(): Promise<string[]>;
  /** Applications carried over into this year that the previous report did not carry forward, and vice versa. */
  crossYearDifference(): Promise<{ added: string[]; missing: string[] }>;
  inconsistentCases(): Promise<string[]>;
}

export const noEvidence: CheckEvidence = {
  unknownCategory: async () => [],
  unmappedDisposition: async () => [],
  disposedBeforeReceived: async () => [],
  crossYearDifference: async () => ({ added: [], missing: [] }),
  inconsistentCases: async () => [],
};

export interface CheckInput {
  fmt: ReportFormat;
  year: number;
  applications: ApplicationTable;
  reviewLitigation: ReviewTable;
  activeDisclosure: DisclosureValues | null;
  previous: PreviousYear;
  evidence: CheckEvidence;
}

const col = (fmt: ReportFormat, c: string) => `“${columnLabel(fmt, c)}”`;
const row = (fmt: ReportFormat, r: string) => `“${rowLabel(fmt, r)}”`;
const nos = (label: string, list: string[]) => (list.length ? `${label}：${list.join("、")}` : "");
const join = (parts: string[]) => parts.filter(Boolean).join("；");

export async function runChecks(input: CheckInput): Promise<CheckResult[]> {
  const { fmt, applications: t, evidence } = input;
  const cols = t.columns;
  const v = (r: string, c: string) => t.rows[r]?.[cols.indexOf(c)] ?? 0;
  const out: CheckResult[] = [];

  // 1. Stated identity per column: 一 + 二 = 三（七） + 四.
  {
    const bad = cols.filter((c) => v("received.new", c) + v("received.carried_over", c) !== v("result.total", c) + v("carried_forward", c));
    if (!bad.length) out.push({ id: "stated.balance", ok: true, detail: "各列均满足：第一项加第二项之和等于第三项加第四项之和" });
    else {
      const list = await evidence.disposedBeforeReceived();
      const lines = bad.map(
        (c) =>
          `列${col(fmt, c)}：${row(fmt, "received.new")}${v("received.new", c)}＋${row(fmt, "received.carried_over")}${v("received.carried_over", c)}＝${v("received.new", c) + v("received.carried_over", c)}，` +
          `${row(fmt, "result.total")}${v("result.total", c)}＋${row(fmt, "carried_forward")}${v("carried_forward", c)}＝${v("result.total", c) + v("carried_forward", c)}`,
      );
      out.push({ id: "stated.balance", ok: false, detail: join([...lines, nos("涉及申请（答复日期早于本年而收到日期在本年）", list)]) });
    }
  }

  // 2. 三（七） = sum of the result rows, per column.
  {
    const results = resultRows(fmt);
    const bad = cols.filter((c) => results.reduce((s, r) => s + v(r, c), 0) !== v("result.total", c));
    if (!bad.length) out.push({ id: "derived.result_total", ok: true, detail: "各列“（七）总计”均等于各项办理结果之和" });
    else {
      const list = await evidence.unmappedDisposition();
      const lines = bad.map(
        (c) => `列${col(fmt, c)}：${row(fmt, "result.total")}为${v("result.total", c)}，各项办理结果之和为${results.reduce((s, r) => s + v(r, c), 0)}`,
      );
      out.push({ id: "derived.result_total", ok: false, detail: join([...lines, nos("涉及申请（办理结果代码缺失或不在对照表中）", list)]) });
    }
  }

  // 3. 总计 = the six categories, per row.
  {
    const cats = categoryColumns(fmt);
    const bad = Object.keys(t.rows).filter((r) => cats.reduce((s, c) => s + v(r, c), 0) !== v(r, TOTAL_COLUMN));
    if (!bad.length) out.push({ id: "derived.column_total", ok: true, detail: "各行“总计”均等于六类申请人之和" });
    else {
      const list = await evidence.unknownCategory();
      const lines = bad.map((r) => `行${row(fmt, r)}：总计为${v(r, TOTAL_COLUMN)}，六类申请人之和为${cats.reduce((s, c) => s + v(r, c), 0)}`);
      out.push({ id: "derived.column_total", ok: false, detail: join([...lines, nos("涉及申请（申请人类别无效）", list)]) });
    }
  }

  // 4. Cross-year: this year's 二 = last year's 四 (the last published report; live figures when none).
  {
    const p = input.previous;
    if (!p.source || !p.carriedForward) {
      out.push({ id: "derived.cross_year", ok: true, detail: `${p.year}年无报告和申请记录，未核对` });
    } else {
      const what = p.source === "published" ? `${p.year}年已发布报告（第${p.version}版）` : `${p.year}年实时数据（该年报告尚未发布）`;
      const bad = cols.filter((c, i) => v("received.carried_over", c) !== (p.carriedForward![i] ?? 0));
      if (!bad.length) out.push({ id: "derived.cross_year", ok: true, detail: `本年“二、上年结转”与${what}“四、结转下年度继续办理”一致` });
      else {
        const diff = await evidence.crossYearDifference();
        const lines = bad.map(
          (c) =>
            `列${col(fmt, c)}：本年${row(fmt, "received.carried_over")}为${v("received.carried_over", c)}，${what}${row(fmt, "carried_forward")}为${p.carriedForward![cols.indexOf(c)] ?? 0}`,
        );
        out.push({
          id: "derived.cross_year",
          ok: false,
          detail: join([...lines, nos("本年结转而上年报告未结转的申请", diff.added), nos("上年报告结转而本年未结转的申请", diff.missing)]),
        });
      }
    }
  }

  // 5. Table 四: each 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
  {
    const rl = input.reviewLitigation;
    const groups = ["review", "litigation.direct", "litigation.after_review"];
    const sum = (g: string) => ["upheld", "corrected", "other", "pending"].reduce((s, k) => s + (rl[`${g}.${k}`] ?? 0), 0);
    const bad = groups.filter((g) => sum(g) !== (rl[`${g}.total`] ?? 0));
    if (!bad.length) out.push({ id: "derived.group_totals", ok: true, detail: "行政复议、行政诉讼各“总计”均等于结果维持、结果纠正、其他结果、尚未审结之和" });
    else {
      const list = await input.evidence.inconsistentCases();
      const lines = bad.map((g) => `“${reviewColumnLabel(fmt, `${g}.total`)}”为${rl[`${g}.total`] ?? 0}，四项之和为${sum(g)}`);
      out.push({ id: "derived.group_totals", ok: false, detail: join([...lines, nos("涉及案件（结果与审结日期不一致）", list)]) });
    }
  }

  // 6. 现行有效件数(Y) = 现行有效件数(Y−1) + 本年制发件数 − 本年废止件数 (2021-format years).
  if (fmt.id === "2021") {
    const cur = input.activeDisclosure?.art20_1;
    const prev = input.previous.formatId === "2021" ? input.previous.activeDisclosure?.art20_1 : undefined;
    const sub = fmt.tables.activeDisclosure.subTables.find((s) => s.code === "art20_1")!;
    if (!cur) out.push({ id: "derived.in_force", ok: true, detail: "本年第二十条第（一）项尚未录入，未核对" });
    else if (!prev) out.push({ id: "derived.in_force", ok: true, detail: `${input.previous.year}年无2021版格式的第二十条第（一）项数据，未核对` });
    else {
      const lines: string[] = [];
      for (const r of sub.rows) {
        const c = cur[r.code] ?? {};
        const pv = prev[r.code]?.in_force;
        if (c.in_force == null || pv == null) continue;
        const expected = pv + (c.issued ?? 0) - (c.repealed ?? 0);
        if (expected !== c.in_force)
          lines.push(
            `“${r.label}”：现行有效件数为${c.in_force}，应为上年现行有效件数${pv}＋本年制发件数${c.issued ?? 0}－本年废止件数${c.repealed ?? 0}＝${expected}`,
          );
      }
      out.push(
        lines.length
          ? { id: "derived.in_force", ok: false, detail: join(lines) }
          : { id: "derived.in_force", ok: true, detail: "现行有效件数与上年数据及本年制发、废止件数一致" },
      );
    }
  }

  // 7. Counts are non-negative (本年增/减 may be negative).
  {
    const neg: string[] = [];
    for (const [r, vals] of Object.entries(t.rows)) vals.forEach((n, i) => n < 0 && neg.push(`${row(fmt, r)}/${col(fmt, cols[i])}`));
    for (const [c, n] of Object.entries(input.reviewLitigation)) if (n < 0) neg.push(`“${reviewColumnLabel(fmt, c)}”`);
    for (const [s, rows] of Object.entries(input.activeDisclosure ?? {}).filter(([k]) => k !== "units"))
      for (const [r, vals] of Object.entries(rows))
        for (const [c, n] of Object.entries(vals)) if (n != null && n < 0 && !SIGNED_DISCLOSURE_COLUMNS.has(c)) neg.push(`${s}/${r}/${c}`);
    out.push(
      neg.length
        ? { id: "nonnegative", ok: false, detail: `以下数字为负数：${neg.join("、")}` }
        : { id: "nonnegative", ok: true, detail: "所有数量均为非负整数" },
    );
  }
  return out;
}

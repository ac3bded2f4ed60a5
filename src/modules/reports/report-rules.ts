// The decisions of the annual report as pure functions: which years may be reported, when a draft may be saved (its
// version), what an edit of the sections, section 二 or the fees changes, what the year-end run writes, whether a
// case of table 四 is valid and what its edit changes, when a year may be published and what the next version is.
// No database: the services read the rows, ask these rules, and write what they decide (report-*.ts).
import { isIsoDate, yearOf } from "../../domain/china-time";
import { assertExpectedVersion, DomainError } from "../../domain/errors";
import { EARLIEST_RECEIPT_DATE } from "../applications/intake-schema";
import type { CaseKind, CaseOutcome } from "./case-kinds";
import type { DisclosureValues } from "./disclosure-values";
import { getFormat, type FormatId, type ReportFormat } from "./formats";
import { diffReports, type Difference, type ReportJson } from "./narrative";

/** A cell of section 二 the format lacks or a figure that is not a count, by its path (e.g. art20_1.regulations.made). */
export type FieldProblem = { field: string; message: string };

/** The outcome of one check as the report carries it. */
type Check = ReportJson["checks"][number];

// ---------- years ----------

/** The Regulation's first reporting year; earlier years are refused. */
export const FIRST_YEAR = 2008;

export function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > 2200) throw new DomainError("REPORT.INVALID_YEAR", `年度须为${FIRST_YEAR}年以后的四位年份`);
}

// ---------- drafts ----------

export const DRAFT_CONFLICT_MESSAGE = "草稿已被他人修改，请刷新后重试";

/** A draft is saved only over the version the editor saw (when the editor names one). */
export function assertDraftVersion(currentVersion: number, expectedVersion: number | undefined): void {
  assertExpectedVersion(currentVersion, expectedVersion, "REPORT.CONFLICT", DRAFT_CONFLICT_MESSAGE);
}

/** The narrative texts of a draft as stored. */
export interface DraftTexts {
  preamble: string | null;
  section1: string | null;
  section5: string | null;
  section6: string | null;
}

export interface SectionsPatch {
  preamble?: string | null;
  s1?: string | null;
  s5?: string | null;
  s6?: string | null;
}

const SECTION_FIELDS: Array<[keyof SectionsPatch, keyof DraftTexts]> = [
  ["preamble", "preamble"],
  ["s1", "section1"],
  ["s5", "section5"],
  ["s6", "section6"],
];

/**
 * An edit of the texts: every field the patch names is written (null clears it), and the ones whose text differs are
 * named for the audit trail. Fields the patch leaves out are not touched.
 */
export function sectionsEdit(draft: DraftTexts, patch: SectionsPatch): { changes: Partial<DraftTexts>; changed: Array<keyof SectionsPatch> } {
  const changes: Partial<DraftTexts> = {};
  const changed: Array<keyof SectionsPatch> = [];
  for (const [k, col] of SECTION_FIELDS) {
    if (patch[k] === undefined) continue;
    if ((draft[col] ?? null) !== (patch[k] ?? null)) changed.push(k);
    changes[col] = patch[k] ?? null;
  }
  return { changes, changed };
}

/** What is wrong with section 二 figures for a year's format: cells the format lacks, counts that are not counts. */
export function disclosureProblems(fmt: ReportFormat, values: DisclosureValues): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [s, rows] of Object.entries(values)) {
    const sub = fmt.tables.activeDisclosure.subTables.find((x) => x.code === s);
    if (!sub) {
      problems.push({ field: s, message: `${fmt.id}年版格式没有这一项` });
      continue;
    }
    for (const [r, cols] of Object.entries(rows)) {
      if (!sub.rows.some((x) => x.code === r)) problems.push({ field: `${s}.${r}`, message: `${sub.caption}没有这一行` });
      for (const [c, v] of Object.entries(cols ?? {})) {
        if (!sub.columns.some((x) => x.code === c && x.kind === "data")) problems.push({ field: `${s}.${r}.${c}`, message: `${sub.caption}没有这一列` });
        else if (v != null && c !== "change" && c !== "fee_amount" && c !== "purchase_amount" && (!Number.isInteger(v) || v < 0))
          problems.push({ field: `${s}.${r}.${c}`, message: "应为非负整数" });
        else if (v != null && (c === "fee_amount" || c === "purchase_amount") && v < 0) problems.push({ field: `${s}.${r}.${c}`, message: "金额不能为负数" });
        else if (v != null && c === "change" && !Number.isInteger(v)) problems.push({ field: `${s}.${r}.${c}`, message: "本年增/减应为整数" });
      }
    }
  }
  return problems;
}

/** Refuses section 二 figures with any problem, naming each cell. */
export function assertDisclosureValues(fmt: ReportFormat, values: DisclosureValues): void {
  const problems = disclosureProblems(fmt, values);
  if (problems.length) throw new DomainError("VALIDATION.INVALID_INPUT", "第二十条数据有误", problems);
}

/** The stored figures with the entered cells written over them (cells not entered keep their value). */
export function mergeDisclosure(before: DisclosureValues | null, values: DisclosureValues): DisclosureValues {
  const merged: DisclosureValues = JSON.parse(JSON.stringify(before ?? {}));
  for (const [s, rows] of Object.entries(values))
    for (const [r, cols] of Object.entries(rows)) for (const [c, v] of Object.entries(cols ?? {})) ((merged[s] ??= {})[r] ??= {})[c] = v;
  return merged;
}

/** The fee columns are integer and numeric(14,4): larger figures are refused for every caller (API, console). */
export function assertFees(cases: number, amountYuan: number): void {
  const tooLarge = [
    ...(cases > 1_000_000 ? [{ field: "cases", message: "收费件数过大" }] : []),
    ...(amountYuan > 1_000_000_000 ? [{ field: "amountYuan", message: "收费金额过大" }] : []),
  ];
  if (tooLarge.length) throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", tooLarge);
}

/** Section 二 of a draft with every cell of the year's format present (null where not entered). */
export function disclosureFor(
  formatId: FormatId,
  draft: { activeDisclosure: DisclosureValues | null; purchaseAmountUnit: string | null } | null,
): DisclosureValues {
  const fmt = getFormat(formatId);
  const out: DisclosureValues = {};
  for (const s of fmt.tables.activeDisclosure.subTables) {
    out[s.code] = {};
    for (const r of s.rows) {
      out[s.code][r.code] = {};
      for (const c of s.columns.filter((x) => x.kind === "data")) out[s.code][r.code][c.code] = draft?.activeDisclosure?.[s.code]?.[r.code]?.[c.code] ?? null;
    }
  }
  if (formatId === "2019" && draft?.purchaseAmountUnit) (out as Record<string, unknown>).units = { art20_9: { purchase_amount: draft.purchaseAmountUnit } };
  return out;
}

/** The year-end run drafts a year once; a second run changes nothing unless it is asked to overwrite. */
export function mayGenerate(draft: { generatedAt: string | null }, overwrite: boolean): boolean {
  return !draft.generatedAt || overwrite;
}

/**
 * The texts the year-end run writes: the drafted section 一 unless staff already wrote one (kept unless overwrite),
 * and section 六 as "无。" when empty.
 */
export function generatedTexts(
  draft: Pick<DraftTexts, "section1" | "section6">,
  draftedSection1: string,
  overwrite: boolean,
): { section1: string; section6: string } {
  const keepS1 = !!draft.section1 && !overwrite;
  return { section1: keepS1 ? draft.section1! : draftedSection1, section6: draft.section6 ?? "无。" };
}

// ---------- the case register (section 四) ----------

/** The fields of a case that decide where table 四 counts it. */
export interface CaseFacts {
  kind: CaseKind;
  outcome: CaseOutcome;
  filedAt: string;
  concludedAt: string | null;
}

/** A case as stored (the linked application by id; the service resolves an application number to it). */
export interface CaseRecord extends CaseFacts {
  applicationId: string | null;
  reference: string | null;
  note: string | null;
}

/** A case edit: what the editor sent, with an application number already resolved to `applicationId`. */
export interface CaseChanges {
  kind?: CaseKind;
  outcome?: CaseOutcome;
  filedAt?: string;
  concludedAt?: string | null;
  applicationId?: string | null;
  reference?: string | null;
  note?: string | null;
}

/** Dates well formed, a concluded case has its conclusion date (a pending one none), nothing before 2008-05-01 or after today. */
export function assertValidCase(c: { outcome: CaseOutcome; filedAt: string; concludedAt: string | null }, today: string): void {
  if (!isIsoDate(c.filedAt)) throw new DomainError("REPORT.INVALID_CASE", "立案日期格式不正确，应为YYYY-MM-DD");
  if (c.concludedAt && !isIsoDate(c.concludedAt)) throw new DomainError("REPORT.INVALID_CASE", "审结日期格式不正确，应为YYYY-MM-DD");
  if (c.outcome === "pending" && c.concludedAt) throw new DomainError("REPORT.INVALID_CASE", "尚未审结的案件不能有审结日期");
  if (c.outcome !== "pending" && !c.concludedAt) throw new DomainError("REPORT.INVALID_CASE", "已审结的案件须填写审结日期");
  if (c.concludedAt && c.concludedAt < c.filedAt) throw new DomainError("REPORT.INVALID_CASE", "审结日期不能早于立案日期");
  // A date outside the Regulation's time or in the future would count the case as pending in every year.
  if (c.filedAt < EARLIEST_RECEIPT_DATE) throw new DomainError("REPORT.INVALID_CASE", `立案日期不能早于${EARLIEST_RECEIPT_DATE}（政府信息公开条例施行之日）`);
  if (c.filedAt > today) throw new DomainError("REPORT.INVALID_CASE", "立案日期不能晚于今天");
  if (c.concludedAt && c.concludedAt > today) throw new DomainError("REPORT.INVALID_CASE", "审结日期不能晚于今天");
}

const facts = (c: CaseFacts): CaseFacts => ({ kind: c.kind, outcome: c.outcome, filedAt: c.filedAt, concludedAt: c.concludedAt });

/**
 * What a case edit changes: kind, outcome and filing date only when given (they cannot be blanked), the conclusion
 * date, link, reference and note when present (null clears them). The result must be a valid case; the audit
 * trail keeps the counted facts before and after.
 */
export function caseEdit(current: CaseRecord, changes: CaseChanges, today: string): { next: CaseRecord; before: CaseFacts; after: CaseFacts } {
  const next: CaseRecord = { ...facts(current), applicationId: current.applicationId, reference: current.reference, note: current.note };
  if (changes.kind) next.kind = changes.kind;
  if (changes.outcome) next.outcome = changes.outcome;
  if (changes.filedAt) next.filedAt = changes.filedAt;
  if (changes.concludedAt !== undefined) next.concludedAt = changes.concludedAt;
  if (changes.reference !== undefined) next.reference = changes.reference;
  if (changes.note !== undefined) next.note = changes.note;
  if (changes.applicationId !== undefined) next.applicationId = changes.applicationId;
  assertValidCase(next, today);
  return { next, before: facts(current), after: facts(next) };
}

// ---------- publication ----------

/** A year is published only once it has ended (in the agency's time zone). */
export function assertYearEnded(year: number, today: string): void {
  if (year >= yearOf(today)) throw new DomainError("REPORT.YEAR_NOT_ENDED", `${year}年尚未结束，不能发布该年度报告`);
}

/** A failed check blocks publication; the error lists the failed checks. */
export function assertChecksPassed(checks: Check[]): void {
  const failed = checks.filter((c) => !c.ok);
  if (failed.length) throw new DomainError("REPORT.CHECKS_FAILED", "报告校验未通过，不能发布", failed);
}

/** What the staff page offers: the year has ended and every check passes. */
export function isPublishable(year: number, today: string, checks: Check[]): boolean {
  return checks.every((c) => c.ok) && year < yearOf(today);
}

/** Every cell and text the report changes against the latest published version (none when nothing is published). */
export function pendingDifferences(latest: { snapshot: ReportJson } | null, report: ReportJson): Difference[] {
  return latest ? diffReports(latest.snapshot, report) : [];
}

/**
 * The next version of a year: version 1, or the latest + 1 with its differences. Publishing the same report again
 * is refused (a version says what changed).
 */
export function nextPublication(latest: { version: number; snapshot: ReportJson } | null, report: ReportJson): { version: number; differences: Difference[] } {
  const differences = pendingDifferences(latest, report);
  if (latest && !differences.length) throw new DomainError("REPORT.UNCHANGED", `与已发布的第${latest.version}版相比没有变化，无需重新发布`);
  return { version: (latest?.version ?? 0) + 1, differences };
}

/**
 * The applications carried over into a year that the previous published report did not carry forward (added), and
 * those it carried forward that are no longer carried over (missing).
 */
export function carriedForwardDifference(publishedNos: string[], nowNos: string[]): { added: string[]; missing: string[] } {
  const before = new Set(publishedNos);
  const after = new Set(nowNos);
  return { added: nowNos.filter((n) => !before.has(n)), missing: publishedNos.filter((n) => !after.has(n)) };
}

// What every rendering prints when the document is not the published version (the 草稿 mark) and when
// checks fail (the failed checks, listed before the report), so a draft can never pass for a filed report.
import type { ReportJson } from "./narrative";

/** How a rendering is marked; `draft` = anything that is not a published version. */
export interface RenderOptions {
  /** A line shown under the title (the staff preview's "草稿（实时数据，尚未发布）"). */
  status?: string;
  draft?: boolean;
}

export const DRAFT_MARK = "草稿";
export const DRAFT_HEADER = "草稿（未发布，不得作为正式报告报送或公开）";

export const failedChecks = (r: ReportJson) => r.checks.filter((c) => !c.ok);

/** The heading of the failed-checks block, or null when every check passes. */
export function failedChecksHeading(r: ReportJson): string | null {
  const n = failedChecks(r).length;
  return n ? `校验未通过（${n}项），本稿不能发布：` : null;
}

/** One line per failed check: its id and what it found. */
export const failedCheckLines = (r: ReportJson): string[] => failedChecks(r).map((c, i) => `${i + 1}. ${c.id}：${c.detail}`);

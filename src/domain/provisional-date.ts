// How a guessed date is told to a citizen. A deadline that reaches a year whose holiday arrangement is not
// published yet (flag "unknown_year:2027") is an estimate; every text that shows it to a citizen carries the
// mark right after the date and one plain sentence, and every API answer carries a machine-readable flag.

/** Printed right after a provisional date: 2027-01-27（暂估）. */
export const PROVISIONAL_MARK = "（暂估）";

/** The years named by a due-date flag ("unknown_year:2027,2028" → [2027, 2028]); [] for no flag. */
export function flagYears(flag: string | null | undefined): number[] {
  const m = /^unknown_year:([\d,]+)$/.exec(flag ?? "");
  return m ? m[1].split(",").filter(Boolean).map(Number) : [];
}

/** The flag the clock stores for a period that reaches these years, or null. */
export function unknownYearFlag(years: number[]): string | null {
  return years.length ? `unknown_year:${years.join(",")}` : null;
}

/** The citizen's sentence for a flagged date, or null when the date is final. */
export function provisionalNote(flag: string | null | undefined): string | null {
  const years = flagYears(flag);
  if (!years.length) return null;
  return `该日期按尚未公布的${years.join("、")}年节假日安排暂估，以正式安排为准。`;
}

/** The date as a citizen reads it: marked when provisional. */
export function markDate(date: string | null, flag: string | null | undefined): string {
  if (!date) return "";
  return flagYears(flag).length ? `${date}${PROVISIONAL_MARK}` : date;
}

/** A sentence that shows a flagged date, followed by the plain explanation. */
export function withProvisionalNote(text: string, flag: string | null | undefined): string {
  const note = provisionalNote(flag);
  return note ? `${text}${note}` : text;
}

/** The fields every citizen-facing answer carries next to `dueDate`. */
export function dueDateFields(flag: string | null | undefined): { dueDateProvisional: boolean; dueDateNote: string | null } {
  const note = provisionalNote(flag);
  return { dueDateProvisional: note !== null, dueDateNote: note };
}

/** The same mark for callers that only hold the citizen fields (dueDate plus dueDateNote). */
export function markNotedDate(date: string, note: string | null | undefined): string {
  return note ? `${date}${PROVISIONAL_MARK}` : date;
}

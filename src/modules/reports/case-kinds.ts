// The kinds and outcomes of the review/litigation case register (table 四): plain vocabulary, no TypeORM, shared
// by the stored case (entities.ts), the staff API and the console.
export type CaseKind = "review" | "litigation_direct" | "litigation_after_review";
export type CaseOutcome = "upheld" | "corrected" | "other" | "pending";
export const CASE_KINDS: CaseKind[] = ["review", "litigation_direct", "litigation_after_review"];
export const CASE_OUTCOMES: CaseOutcome[] = ["upheld", "corrected", "other", "pending"];

// The figures of section 二 (主动公开): table → row → column → number or blank. Plain vocabulary, no TypeORM, so the
// pure report rules (checks, layout, narrative) and the stored draft (entities.ts) share one shape.
export type DisclosureValues = Record<string, Record<string, Record<string, number | null>>>;

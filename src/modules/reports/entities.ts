// Stored records of the annual report: the draft of a report year, the review/litigation case register and
// the immutable published versions.
import { Column, Entity, PrimaryColumn } from "typeorm";
import type { CaseKind, CaseOutcome } from "./case-kinds";
import type { DisclosureValues } from "./disclosure-values";

// The vocabulary lives in plain files (pure rules import those, never this file); re-exported for the services.
export { CASE_KINDS, CASE_OUTCOMES, type CaseKind, type CaseOutcome } from "./case-kinds";
export type { DisclosureValues } from "./disclosure-values";

/** The editable draft of one agency's report year: narratives, section 二 figures and fees. */
@Entity({ name: "report_drafts" })
export class ReportDraft {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ type: "integer" })
  year!: number;

  @Column({ name: "format_id", type: "varchar", length: 8 })
  formatId!: string;

  @Column({ type: "text", nullable: true })
  preamble!: string | null;

  @Column({ type: "text", nullable: true })
  section1!: string | null;

  @Column({ type: "text", nullable: true })
  section5!: string | null;

  @Column({ type: "text", nullable: true })
  section6!: string | null;

  @Column({ name: "active_disclosure", type: "simple-json", nullable: true })
  activeDisclosure!: DisclosureValues | null;

  @Column({ name: "purchase_amount_unit", type: "varchar", length: 20, nullable: true })
  purchaseAmountUnit!: string | null;

  @Column({ name: "fee_cases", type: "integer", default: 0 })
  feeCases!: number;

  /** Yuan; numeric comes back from PostgreSQL as a string. */
  @Column({ name: "fee_amount_yuan", type: "numeric", precision: 14, scale: 4, nullable: true })
  feeAmountYuan!: string | number | null;

  @Column({ name: "generated_at", type: "varchar", length: 30, nullable: true })
  generatedAt!: string | null;

  @Column({ type: "integer", default: 1 })
  version!: number;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

/** One administrative reconsideration or lawsuit about GI work (feeds section 四). */
@Entity({ name: "report_cases" })
export class ReviewCase {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ type: "varchar", length: 32 })
  kind!: CaseKind;

  @Column({ type: "varchar", length: 16 })
  outcome!: CaseOutcome;

  @Column({ name: "filed_at", type: "varchar", length: 10 })
  filedAt!: string;

  @Column({ name: "concluded_at", type: "varchar", length: 10, nullable: true })
  concludedAt!: string | null;

  @Column({ name: "application_id", type: "varchar", length: 36, nullable: true })
  applicationId!: string | null;

  @Column({ type: "varchar", length: 100, nullable: true })
  reference!: string | null;

  @Column({ type: "text", nullable: true })
  note!: string | null;

  @Column({ type: "integer", default: 1 })
  version!: number;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

/** A published, immutable version of a report year. */
@Entity({ name: "report_publications" })
export class ReportPublication {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ type: "integer" })
  year!: number;

  @Column({ type: "integer" })
  version!: number;

  @Column({ name: "format_id", type: "varchar", length: 8 })
  formatId!: string;

  @Column({ type: "simple-json" })
  snapshot!: unknown;

  @Column({ name: "carried_forward_nos", type: "simple-json", nullable: true })
  carriedForwardNos!: string[] | null;

  @Column({ type: "simple-json", nullable: true })
  differences!: unknown;

  /** "staff" or "seed". */
  @Column({ type: "varchar", length: 16 })
  source!: string;

  @Column({ name: "published_by", type: "varchar", length: 36, nullable: true })
  publishedBy!: string | null;

  @Column({ name: "published_at", type: "varchar", length: 30 })
  publishedAt!: string;
}

// Stored shapes of the guide (one row per version) and of catalogue entries (never hard-deleted).
import { Column, Entity, PrimaryColumn } from "typeorm";

export type GuideStatus = "draft" | "published" | "superseded";

export interface GuideSection {
  key: string;
  title: string;
  body: string;
  /** Extra words that lead a search to this section (e.g. 申请方式 for the application section). */
  keywords?: string[];
}

/** The GI work unit's contact details; null = not given by the agency yet (shown as “待机关补充”). */
export interface GuideContact {
  office: string | null;
  address: string | null;
  postcode: string | null;
  officeHours: string | null;
  phone: string | null;
  fax: string | null;
  email: string | null;
  website: string | null;
}

export interface GuideContent {
  title: string;
  sections: GuideSection[];
  contact: GuideContact;
}

@Entity({ name: "guide_versions" })
export class GuideVersion {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ type: "integer" })
  version!: number;

  @Column({ type: "varchar", length: 16 })
  status!: GuideStatus;

  @Column({ type: "simple-json" })
  content!: GuideContent;

  @Column({ type: "text", nullable: true })
  note!: string | null;

  @Column({ name: "created_by", type: "varchar", length: 64, nullable: true })
  createdBy!: string | null;

  @Column({ name: "published_by", type: "varchar", length: 64, nullable: true })
  publishedBy!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;

  @Column({ name: "published_at", type: "varchar", length: 30, nullable: true })
  publishedAt!: string | null;

  /** Writes to this row while it is a draft (0 when opened): the optimistic check of concurrent draft edits. */
  @Column({ type: "integer", default: 0 })
  revision!: number;
}

export type DisclosureMode = "主动公开" | "依申请公开" | "不予公开";
export type Validity = "有效" | "失效" | "废止";
export type EntryStatus = "active" | "withdrawn";

@Entity({ name: "catalogue_entries" })
export class CatalogueEntry {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ name: "index_no", type: "varchar", length: 100 })
  indexNo!: string;

  @Column({ type: "varchar", length: 500 })
  title!: string;

  @Column({ type: "varchar", length: 200 })
  publisher!: string;

  @Column({ name: "doc_no", type: "varchar", length: 100, nullable: true })
  docNo!: string | null;

  /** Notation-independent form of 文号 (prefix|year|number) for exact matching. */
  @Column({ name: "doc_no_key", type: "varchar", length: 100, nullable: true })
  docNoKey!: string | null;

  @Column({ name: "written_date", type: "varchar", length: 10, nullable: true })
  writtenDate!: string | null;

  @Column({ name: "published_date", type: "varchar", length: 10, nullable: true })
  publishedDate!: string | null;

  @Column({ type: "integer", nullable: true })
  year!: number | null;

  @Column({ name: "subject_category", type: "varchar", length: 200 })
  subjectCategory!: string;

  @Column({ name: "agency_category", type: "varchar", length: 200, nullable: true })
  agencyCategory!: string | null;

  @Column({ name: "disclosure_mode", type: "varchar", length: 16 })
  disclosureMode!: DisclosureMode;

  @Column({ name: "disclosure_time_limit", type: "varchar", length: 100, nullable: true })
  disclosureTimeLimit!: string | null;

  @Column({ name: "disclosure_scope", type: "varchar", length: 200, nullable: true })
  disclosureScope!: string | null;

  @Column({ type: "text", nullable: true })
  summary!: string | null;

  @Column({ type: "text", nullable: true })
  body!: string | null;

  @Column({ type: "varchar", length: 1000, nullable: true })
  url!: string | null;

  @Column({ type: "varchar", length: 8, default: "有效" })
  validity!: Validity;

  @Column({ type: "varchar", length: 500, nullable: true })
  keywords!: string | null;

  @Column({ name: "normative_type", type: "varchar", length: 20, nullable: true })
  normativeType!: string | null;

  @Column({ type: "varchar", length: 16, default: "active" })
  status!: EntryStatus;

  @Column({ name: "withdrawn_at", type: "varchar", length: 30, nullable: true })
  withdrawnAt!: string | null;

  @Column({ name: "withdrawn_reason", type: "text", nullable: true })
  withdrawnReason!: string | null;

  @Column({ name: "title_tokens", type: "text" })
  titleTokens!: string;

  @Column({ name: "body_tokens", type: "text" })
  bodyTokens!: string;

  @Column({ type: "integer", default: 1 })
  version!: number;

  @Column({ name: "created_by", type: "varchar", length: 64, nullable: true })
  createdBy!: string | null;

  @Column({ name: "updated_by", type: "varchar", length: 64, nullable: true })
  updatedBy!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

// A disclosure application (依申请公开): one item, one clock, one disposition; the annual table is a query over these rows.
import { Column, Entity, PrimaryColumn } from "typeorm";
import type { ClockEntry } from "./clock";

export { APPLICANT_CATEGORIES, CITIZEN_CHANNELS, STAFF_CHANNELS } from "./codes";
export type { ApplicantCategory, Channel } from "./codes";
import type { ApplicantCategory, Channel } from "./codes";
import type { ApplicantDetails, ApplicationRecord } from "./application-record";

export type { ApplicantDetails } from "./application-record";

@Entity({ name: "applications" })
export class Application implements ApplicationRecord {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ name: "application_no", type: "varchar", length: 40 })
  applicationNo!: string;

  @Column({ name: "query_code_hash", type: "varchar", length: 64 })
  queryCodeHash!: string;

  @Column({ type: "varchar", length: 32 })
  status!: string;

  @Column({ type: "varchar", length: 32 })
  channel!: Channel;

  @Column({ name: "applicant_category", type: "varchar", length: 32 })
  applicantCategory!: ApplicantCategory;

  @Column({ name: "applicant_name", type: "varchar", length: 200 })
  applicantName!: string;

  @Column({ type: "simple-json" })
  applicant!: ApplicantDetails;

  /** Hash of the applicant's identity number (or credit code) for repeat detection. */
  @Column({ name: "applicant_key", type: "varchar", length: 64, nullable: true })
  applicantKey!: string | null;

  @Column({ type: "text" })
  description!: string;

  @Column({ name: "description_normalized", type: "text", nullable: true })
  descriptionNormalized!: string | null;

  @Column({ name: "delivery_form", type: "varchar", length: 16 })
  deliveryForm!: string;

  @Column({ name: "delivery_method", type: "varchar", length: 16 })
  deliveryMethod!: string;

  @Column({ name: "submitted_at", type: "varchar", length: 30 })
  submittedAt!: string;

  /** Legal receipt date (Art. 31), China-local YYYY-MM-DD; null while awaiting confirmation. */
  @Column({ name: "received_at", type: "varchar", length: 10, nullable: true })
  receivedAt!: string | null;

  @Column({ name: "receipt_evidence", type: "text", nullable: true })
  receiptEvidence!: string | null;

  /** The day the 20-working-day clock counts from (receipt, or arrival of the correction). */
  @Column({ name: "clock_start_date", type: "varchar", length: 10, nullable: true })
  clockStartDate!: string | null;

  @Column({ name: "due_date", type: "varchar", length: 10, nullable: true })
  dueDate!: string | null;

  /** Set when the deadline could not be computed from the official calendar (e.g. an unknown year). */
  @Column({ name: "due_date_flag", type: "varchar", length: 100, nullable: true })
  dueDateFlag!: string | null;

  @Column({ name: "extension_working_days", type: "integer", default: 0 })
  extensionWorkingDays!: number;

  @Column({ name: "assignee_id", type: "varchar", length: 36, nullable: true })
  assigneeId!: string | null;

  /** Disposition code from report-formats.json dispositionMapping (e.g. "granted.provided"). */
  @Column({ type: "varchar", length: 64, nullable: true })
  disposition!: string | null;

  /** Date of the reply/decision (答复日期), China-local; decides the report year of row 三. */
  @Column({ name: "disposition_date", type: "varchar", length: 10, nullable: true })
  dispositionDate!: string | null;

  @Column({ name: "disposition_note", type: "text", nullable: true })
  dispositionNote!: string | null;

  @Column({ name: "parent_id", type: "varchar", length: 36, nullable: true })
  parentId!: string | null;

  @Column({ name: "possible_repeat_of", type: "varchar", length: 36, nullable: true })
  possibleRepeatOf!: string | null;

  /** Art. 36(5): the agency on the platform that holds the information, named in a 不属于本机关 answer. */
  @Column({ name: "competent_agency_id", type: "varchar", length: 36, nullable: true })
  competentAgencyId!: string | null;

  /** The application this one was re-filed from (a citizen's one-step re-filing to the competent agency). */
  @Column({ name: "refiled_from_id", type: "varchar", length: 36, nullable: true })
  refiledFromId!: string | null;

  @Column({ name: "external_id", type: "varchar", length: 100, nullable: true })
  externalId!: string | null;

  /** Verified citizen identity that filed it ("oa:<openid>", "mp:<openid>", "wx:<contact>"), for 我的申请 and notifications. */
  @Column({ name: "citizen_key", type: "varchar", length: 200, nullable: true })
  citizenKey!: string | null;

  /** The clock's facts in order (receipt, correction requested/received, consultations, extension): see clock.ts. */
  @Column({ name: "clock_log", type: "simple-json", nullable: true })
  clockLog!: ClockEntry[] | null;

  /** Start of an open pause (third-party consultation); null when the clock runs. */
  @Column({ name: "paused_since", type: "varchar", length: 10, nullable: true })
  pausedSince!: string | null;

  /** Working days not counted (closed consultations) in the current period. */
  @Column({ name: "paused_working_days", type: "integer", default: 0 })
  pausedWorkingDays!: number;

  /** Last day of the correction period a 补正 notice set; after it the application may be closed as lapsed. */
  @Column({ name: "correction_due_date", type: "varchar", length: 10, nullable: true })
  correctionDueDate!: string | null;

  @Column({ name: "document_no", type: "varchar", length: 100, nullable: true })
  documentNo!: string | null;

  @Column({ type: "text", nullable: true })
  purpose!: string | null;

  /** Filed orally and transcribed by staff (Art. 29 ¶1). */
  @Column({ type: "boolean", default: false })
  oral!: boolean;

  @Column({ type: "integer", default: 1 })
  version!: number;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

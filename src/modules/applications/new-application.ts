// The one construction of a new application (citizen intake, staff registration, a split, a re-filing, the history
// import): every field written once here, the caller says what differs. Pure: the caller inserts the record.
import { randomUUID } from "node:crypto";
import type { ApplicantDetails, ApplicationRecord } from "./application-record";
import type { ClockEntry } from "./clock";
import type { Channel } from "./codes";

/** Normalised description for repeat detection: width-folded, lower case, without spaces or punctuation. */
export function normalizeDescription(s: string): string {
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, "");
}

/**
 * The fields every new application starts with, whatever made it (intake, a split, a re-filing, an import): no pause,
 * extension, correction, assignee or answer yet, unlinked, version 1. `newApplication()` applies it; links are set there.
 */
export function untriaged(now: string) {
  return {
    extensionWorkingDays: 0,
    pausedSince: null,
    pausedWorkingDays: 0,
    correctionDueDate: null,
    assigneeId: null,
    disposition: null,
    dispositionDate: null,
    dispositionNote: null,
    parentId: null,
    possibleRepeatOf: null,
    externalId: null,
    competentAgencyId: null,
    refiledFromId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<ApplicationRecord>;
}

export interface NewApplication {
  /** ISO instant of creation (createdAt, updatedAt, and submittedAt unless given). */
  now: string;
  agencyId: string;
  queryCodeHash: string;
  channel: Channel;
  applicant: ApplicantDetails;
  applicantKey: string | null;
  description: string;
  /** Defaults to normalizeDescription(description); the import stores none (no repeat detection on history). */
  descriptionNormalized?: string | null;
  documentNo?: string | null;
  purpose?: string | null;
  oral?: boolean;
  deliveryForm: string;
  deliveryMethod: string;
  submittedAt?: string;
  /** Legal receipt date (Art. 31); null while awaiting confirmation. */
  receivedAt: string | null;
  receiptEvidence: string | null;
  clockLog: ClockEntry[] | null;
  /** The clock computed from clockLog (computeClock), or the import's fixed start. */
  clock: { clockStart: string | null; dueDate: string | null; dueDateFlag: string | null };
  /** Defaults to received when a receipt date is known, else awaiting_confirmation. */
  status?: string;
  citizenKey?: string | null;
  applicationNo?: string;
  /** What links it: a split's parent, a re-filing's original, an imported record's id and its historical answer. */
  parentId?: string | null;
  refiledFromId?: string | null;
  externalId?: string | null;
  disposition?: string | null;
  dispositionDate?: string | null;
}

/** A new application's every field (id fresh, no number yet unless given: the caller numbers it in its transaction). */
export function newApplication(n: NewApplication): ApplicationRecord {
  return {
    id: randomUUID(),
    agencyId: n.agencyId,
    applicationNo: n.applicationNo ?? "",
    queryCodeHash: n.queryCodeHash,
    status: n.status ?? (n.receivedAt ? "received" : "awaiting_confirmation"),
    channel: n.channel,
    applicantCategory: n.applicant.category,
    applicantName: n.applicant.name,
    applicant: n.applicant,
    applicantKey: n.applicantKey,
    description: n.description,
    descriptionNormalized: n.descriptionNormalized === undefined ? normalizeDescription(n.description) : n.descriptionNormalized,
    documentNo: n.documentNo ?? null,
    purpose: n.purpose ?? null,
    oral: n.oral ?? false,
    deliveryForm: n.deliveryForm,
    deliveryMethod: n.deliveryMethod,
    submittedAt: n.submittedAt ?? n.now,
    receivedAt: n.receivedAt,
    receiptEvidence: n.receiptEvidence,
    clockLog: n.clockLog,
    clockStartDate: n.clock.clockStart,
    dueDate: n.clock.dueDate,
    dueDateFlag: n.clock.dueDateFlag,
    citizenKey: n.citizenKey ?? null,
    ...untriaged(n.now),
    parentId: n.parentId ?? null,
    refiledFromId: n.refiledFromId ?? null,
    externalId: n.externalId ?? null,
    disposition: n.disposition ?? null,
    dispositionDate: n.dispositionDate ?? null,
  };
}

/** What the applicant asked and who they are: the fields a split part or a re-filing carries over from its original. */
export function requestOf(a: ApplicationRecord) {
  return {
    queryCodeHash: a.queryCodeHash,
    channel: a.channel,
    applicant: a.applicant,
    applicantKey: a.applicantKey,
    description: a.description,
    descriptionNormalized: a.descriptionNormalized,
    documentNo: a.documentNo,
    purpose: a.purpose,
    oral: a.oral,
    deliveryForm: a.deliveryForm,
    deliveryMethod: a.deliveryMethod,
    citizenKey: a.citizenKey,
  } satisfies Partial<NewApplication>;
}

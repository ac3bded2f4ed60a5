// The application as a plain type (no ORM): what the pure rules (transitions.ts, new-application.ts) read and build.
import type { ClockEntry } from "./clock";
import type { ApplicantCategory, Channel } from "./codes";

/** Identity and contact details: personal data, never logged and never returned where not needed. */
export interface ApplicantDetails {
  category: ApplicantCategory;
  name: string;
  idType?: string;
  idNumber?: string;
  creditCode?: string;
  contactName?: string;
  phone: string;
  email?: string;
  address?: string;
  postcode?: string;
}

/** Every stored field of one application (the entity, application.entity.ts, implements this). */
export interface ApplicationRecord {
  id: string;
  agencyId: string;
  applicationNo: string;
  queryCodeHash: string;
  status: string;
  channel: Channel;
  applicantCategory: ApplicantCategory;
  applicantName: string;
  applicant: ApplicantDetails;
  applicantKey: string | null;
  description: string;
  descriptionNormalized: string | null;
  deliveryForm: string;
  deliveryMethod: string;
  submittedAt: string;
  receivedAt: string | null;
  receiptEvidence: string | null;
  clockStartDate: string | null;
  dueDate: string | null;
  dueDateFlag: string | null;
  extensionWorkingDays: number;
  assigneeId: string | null;
  disposition: string | null;
  dispositionDate: string | null;
  dispositionNote: string | null;
  parentId: string | null;
  possibleRepeatOf: string | null;
  competentAgencyId: string | null;
  refiledFromId: string | null;
  externalId: string | null;
  citizenKey: string | null;
  clockLog: ClockEntry[] | null;
  pausedSince: string | null;
  pausedWorkingDays: number;
  correctionDueDate: string | null;
  documentNo: string | null;
  purpose: string | null;
  oral: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

// The procedure as a state machine: which action is legal from which status, who may take it, and what
// status it leads to. Pure rules; the service applies them inside one transaction with the audit event.
import type { StaffRole } from "../../domain/staff-roles";
import { APPROVER_ROLES, STAFF_ROLES } from "../staff/policy";

export const STATUSES = ["awaiting_confirmation", "received", "correction_requested", "in_progress", "consultation", "answered", "closed"] as const;
export type ApplicationStatus = (typeof STATUSES)[number];
export const OPEN_STATUSES: ApplicationStatus[] = ["awaiting_confirmation", "received", "correction_requested", "in_progress", "consultation"];

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  awaiting_confirmation: "待确认收到",
  received: "已受理",
  correction_requested: "待补正",
  in_progress: "办理中",
  consultation: "征求意见中",
  answered: "已答复",
  closed: "已办结",
};

/** The Chinese label of a status as stored (an unknown one is shown as it is). */
export const statusLabel = (status: string): string => STATUS_LABELS[status as ApplicationStatus] ?? status;

export const ACTIONS = [
  "confirm-receipt",
  "assign",
  "request-correction",
  "record-correction",
  "start-consultation",
  "end-consultation",
  "extend",
  "answer",
  "close",
  "split",
  "set-category",
] as const;
export type ApplicationAction = (typeof ACTIONS)[number];

interface Rule {
  from: ApplicationStatus[];
  roles: StaffRole[];
  /** The status after the action; "same" keeps it. */
  to: ApplicationStatus | "same" | ((from: ApplicationStatus) => ApplicationStatus);
}

// The role groups are the staff policy's (staff/policy.ts); applications/policy.ts re-exports these rules.
const ALL: StaffRole[] = STAFF_ROLES;
const APPROVERS: StaffRole[] = APPROVER_ROLES;

export const RULES: Record<ApplicationAction, Rule> = {
  "confirm-receipt": { from: ["awaiting_confirmation"], roles: ALL, to: "received" },
  assign: { from: ["received", "in_progress", "consultation", "correction_requested"], roles: ALL, to: (f) => (f === "received" ? "in_progress" : f) },
  "request-correction": { from: ["received", "in_progress"], roles: ALL, to: "correction_requested" },
  "record-correction": { from: ["correction_requested"], roles: ALL, to: "in_progress" },
  "start-consultation": { from: ["received", "in_progress"], roles: ALL, to: "consultation" },
  "end-consultation": { from: ["consultation"], roles: ALL, to: "in_progress" },
  extend: { from: ["received", "in_progress", "consultation"], roles: APPROVERS, to: "same" },
  answer: { from: ["received", "in_progress"], roles: ALL, to: "answered" },
  close: { from: ["awaiting_confirmation", "received", "correction_requested", "in_progress", "consultation"], roles: ALL, to: "closed" },
  split: { from: ["awaiting_confirmation", "received", "in_progress"], roles: ALL, to: "same" },
  // The report column follows the category; a wrong one is corrected (with audit) even after the answer.
  "set-category": { from: [...STATUSES], roles: ALL, to: "same" },
};

export function nextStatus(action: ApplicationAction, from: ApplicationStatus): ApplicationStatus {
  const to = RULES[action].to;
  if (to === "same") return from;
  return typeof to === "function" ? to(from) : to;
}

export const isLegalFrom = (action: ApplicationAction, status: string) => RULES[action].from.includes(status as ApplicationStatus);
export const roleMay = (action: ApplicationAction, role: StaffRole) => RULES[action].roles.includes(role);

/** Actions the console should offer this role for an application in this status. */
export function allowedActions(status: string, role: StaffRole, extensionUsed: boolean): ApplicationAction[] {
  return ACTIONS.filter((a) => isLegalFrom(a, status) && roleMay(a, role) && !(a === "extend" && extensionUsed));
}

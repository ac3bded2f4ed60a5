// The statutory clock of one application (Arts. 30, 31, 33): the start (legal receipt or arrival of the
// correction), the reply period in working days, pauses that do not count (third-party consultation),
// the extension, and the due date — recomputed from these facts, never edited by hand.
import type { WorkingDayCalendar } from "../../domain/working-days";

export type ClockEntry =
  | { kind: "receipt"; date: string; evidence?: string | null }
  | { kind: "correction_requested"; date: string; correctionDueDate: string; items: string }
  | { kind: "correction_received"; date: string }
  | { kind: "consultation"; from: string; to: string | null; party: string; workingDays: number | null }
  | { kind: "extension"; date: string; workingDays: number; reason: string; approvedBy: string };

export interface ClockSettings {
  replyWorkingDays: number;
  countReceiptDay: boolean;
}

export interface ClockState {
  clockStart: string | null;
  pausedWorkingDays: number;
  extensionWorkingDays: number;
  dueDate: string | null;
  /** "unknown_year:2027" when the period reaches a year whose holiday arrangement nobody has entered. */
  dueDateFlag: string | null;
}

/** Due date from the start: the n-th working day after it (or counting the start day, if configured). */
export function computeClock(log: ClockEntry[], settings: ClockSettings, cal: WorkingDayCalendar): ClockState {
  let clockStart: string | null = null;
  let paused = 0;
  let extension = 0;
  let waitingForCorrection = false;
  for (const e of log) {
    if (e.kind === "receipt") clockStart = e.date;
    else if (e.kind === "correction_requested") waitingForCorrection = true;
    else if (e.kind === "correction_received") {
      // A corrected application starts a fresh period: earlier pauses and extensions belong to the old one.
      clockStart = e.date;
      paused = 0;
      extension = 0;
      waitingForCorrection = false;
    } else if (e.kind === "consultation" && e.workingDays !== null) paused += e.workingDays;
    else if (e.kind === "extension") extension += e.workingDays;
  }
  if (!clockStart || waitingForCorrection) return { clockStart, pausedWorkingDays: paused, extensionWorkingDays: extension, dueDate: null, dueDateFlag: null };
  const startCounts = settings.countReceiptDay && cal.isWorkingDay(clockStart);
  const n = settings.replyWorkingDays - (startCounts ? 1 : 0) + paused + extension;
  const dueDate = cal.addWorkingDays(clockStart, n);
  const unknown = cal.unknownYears(clockStart, dueDate);
  return {
    clockStart,
    pausedWorkingDays: paused,
    extensionWorkingDays: extension,
    dueDate,
    dueDateFlag: unknown.length ? `unknown_year:${unknown.join(",")}` : null,
  };
}

/** Working days left until the due date (0 on the due date, negative when overdue); frozen during a pause. */
export function workingDaysLeft(dueDate: string | null, today: string, cal: WorkingDayCalendar, pausedSince?: string | null): number | null {
  if (!dueDate) return null;
  return cal.workingDaysBetween(pausedSince && pausedSince < today ? pausedSince : today, dueDate);
}

export interface ClockExplanation {
  receivedAt: string | null;
  clockStart: string | null;
  clockStartReason: "receipt" | "correction_received" | null;
  replyWorkingDays: number;
  countReceiptDay: boolean;
  pauses: Array<{ kind: "consultation"; party: string; from: string; to: string | null; workingDays: number | null }>;
  corrections: Array<{ requestedOn: string; correctionDueDate: string; items: string; receivedOn: string | null }>;
  extension: { workingDays: number; reason: string; approvedBy: string; date: string } | null;
  dueDate: string | null;
  dueDateFlag: string | null;
  dueDateNote: string | null;
  workingDaysUsed: number | null;
  workingDaysLeft: number | null;
  pausedSince: string | null;
}

export function explainClock(
  log: ClockEntry[],
  state: ClockState,
  settings: ClockSettings,
  today: string,
  cal: WorkingDayCalendar,
  receivedAt: string | null,
  open: boolean,
): ClockExplanation {
  const pauses: ClockExplanation["pauses"] = [];
  const corrections: ClockExplanation["corrections"] = [];
  let extension: ClockExplanation["extension"] = null;
  let startReason: ClockExplanation["clockStartReason"] = null;
  for (const e of log) {
    if (e.kind === "receipt") startReason = "receipt";
    if (e.kind === "correction_received") {
      startReason = "correction_received";
      const last = corrections[corrections.length - 1];
      if (last) last.receivedOn = e.date;
      pauses.length = 0;
      extension = null;
    }
    if (e.kind === "correction_requested") corrections.push({ requestedOn: e.date, correctionDueDate: e.correctionDueDate, items: e.items, receivedOn: null });
    if (e.kind === "consultation") pauses.push({ kind: "consultation", party: e.party, from: e.from, to: e.to, workingDays: e.workingDays });
    if (e.kind === "extension") extension = { workingDays: e.workingDays, reason: e.reason, approvedBy: e.approvedBy, date: e.date };
  }
  const openPause = pauses.find((p) => p.to === null);
  const pausedSince = openPause?.from ?? null;
  const end = today;
  let used: number | null = null;
  if (state.clockStart && state.dueDate) {
    const upTo = pausedSince && pausedSince < end ? pausedSince : end;
    used = Math.max(0, cal.workingDaysBetween(state.clockStart, upTo) - state.pausedWorkingDays);
  }
  const left = open ? workingDaysLeft(state.dueDate, today, cal, pausedSince) : null;
  let note: string | null = null;
  if (state.dueDateFlag) {
    note = `期限跨入${state.dueDateFlag.replace("unknown_year:", "")}年，该年节假日安排尚未公布或未录入，期限按《全国年节及纪念日放假办法》规定的法定节假日推算（调休安排未知），为暂定日期，请在安排公布后核对（config/calendar-overrides.json）`;
  } else if (!state.dueDate && corrections.some((c) => c.receivedOn === null)) {
    note = "等待申请人补正，期限自收到补正材料之日起重新计算";
  }
  return {
    receivedAt,
    clockStart: state.clockStart,
    clockStartReason: startReason,
    replyWorkingDays: settings.replyWorkingDays,
    countReceiptDay: settings.countReceiptDay,
    pauses,
    corrections,
    extension,
    dueDate: state.dueDate,
    dueDateFlag: state.dueDateFlag,
    dueDateNote: note,
    workingDaysUsed: used,
    workingDaysLeft: left,
    pausedSince,
  };
}

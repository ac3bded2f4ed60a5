// The statutory clock from its facts: receipt, correction, consultation pause, extension, unknown years.
import { computeClock, explainClock, type ClockEntry } from "../../../src/modules/applications/clock";
import { createCalendar, nationalCalendar as cal } from "../../../src/domain/working-days";

const settings = { replyWorkingDays: 20, countReceiptDay: false };

describe("computeClock", () => {
  it("due = 20th working day after the legal receipt date", () => {
    expect(computeClock([{ kind: "receipt", date: "2019-09-27" }], settings, cal)).toEqual({
      clockStart: "2019-09-27",
      pausedWorkingDays: 0,
      extensionWorkingDays: 0,
      dueDate: "2019-10-30",
      dueDateFlag: null,
    });
    expect(computeClock([{ kind: "receipt", date: "2025-12-20" }], settings, cal).dueDate).toBe("2026-01-19");
  });

  it("counting the receipt day (stricter tenant option) makes it one working day earlier", () => {
    expect(computeClock([{ kind: "receipt", date: "2026-03-02" }], { ...settings, countReceiptDay: true }, cal).dueDate).toBe("2026-03-27");
    // …but not when the receipt day is itself a rest day.
    expect(computeClock([{ kind: "receipt", date: "2025-12-20" }], { ...settings, countReceiptDay: true }, cal).dueDate).toBe("2026-01-19");
  });

  it("no due date while waiting for a correction; a fresh period from its arrival, dropping old pauses and extensions", () => {
    const log: ClockEntry[] = [
      { kind: "receipt", date: "2026-03-02" },
      { kind: "extension", date: "2026-03-03", workingDays: 5, reason: "x", approvedBy: "a" },
      { kind: "correction_requested", date: "2026-03-03", correctionDueDate: "2026-03-17", items: "x" },
    ];
    expect(computeClock(log, settings, cal).dueDate).toBeNull();
    const corrected = computeClock([...log, { kind: "correction_received", date: "2026-03-10" }], settings, cal);
    expect(corrected).toMatchObject({ clockStart: "2026-03-10", dueDate: "2026-04-08", extensionWorkingDays: 0 });
  });

  it("closed consultations and extensions move the due date", () => {
    const log: ClockEntry[] = [
      { kind: "receipt", date: "2026-03-02" },
      { kind: "consultation", from: "2026-03-03", to: "2026-03-06", party: "p", workingDays: 3 },
      { kind: "consultation", from: "2026-03-09", to: null, party: "q", workingDays: null },
      { kind: "extension", date: "2026-03-10", workingDays: 5, reason: "r", approvedBy: "a" },
    ];
    expect(computeClock(log, settings, cal)).toMatchObject({ dueDate: "2026-04-10", pausedWorkingDays: 3, extensionWorkingDays: 5 });
  });

  it("flags a due date in a year the calendar does not know, and not once the year is entered", () => {
    const log: ClockEntry[] = [{ kind: "receipt", date: "2026-12-15" }];
    const flagged = computeClock(log, settings, cal);
    expect(flagged.dueDateFlag).toBe("unknown_year:2027");
    const known = computeClock(log, settings, createCalendar({ years: [2027], days: { "2027-01-01": "rest" } }));
    expect(known.dueDateFlag).toBeNull();
  });
});

describe("explainClock", () => {
  it("explains start, pauses, extension, used and left working days", () => {
    const log: ClockEntry[] = [
      { kind: "receipt", date: "2026-03-02", evidence: "online" },
      { kind: "consultation", from: "2026-03-03", to: "2026-03-06", party: "p", workingDays: 3 },
      { kind: "extension", date: "2026-03-10", workingDays: 5, reason: "r", approvedBy: "a" },
    ];
    const state = computeClock(log, settings, cal);
    const e = explainClock(log, state, settings, "2026-03-12", cal, "2026-03-02", true);
    expect(e).toMatchObject({
      clockStart: "2026-03-02",
      clockStartReason: "receipt",
      dueDate: "2026-04-10",
      extension: { workingDays: 5, reason: "r", approvedBy: "a", date: "2026-03-10" },
      pausedSince: null,
      workingDaysUsed: 5, // 03-03 … 03-12 is 8 working days, 3 of them paused
    });
    expect(e.workingDaysLeft).toBe(cal.workingDaysBetween("2026-03-12", "2026-04-10"));
    expect(e.pauses).toHaveLength(1);
  });

  it("freezes the days left during an open pause", () => {
    const log: ClockEntry[] = [
      { kind: "receipt", date: "2026-03-02" },
      { kind: "consultation", from: "2026-03-03", to: null, party: "p", workingDays: null },
    ];
    const state = computeClock(log, settings, cal);
    const a = explainClock(log, state, settings, "2026-03-05", cal, "2026-03-02", true);
    const b = explainClock(log, state, settings, "2026-03-20", cal, "2026-03-02", true);
    expect(a.workingDaysLeft).toBe(19);
    expect(b.workingDaysLeft).toBe(19);
    expect(b.pausedSince).toBe("2026-03-03");
  });
});

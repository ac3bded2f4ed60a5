// The working-day calendar against the State Council arrangements (application-procedure.md §10).
import { createCalendar, libraryKnowsYear, nationalCalendar as cal } from "../../../src/domain/working-days";

describe("national calendar (chinese-days)", () => {
  it.each([
    ["2019-09-27", 20, "2019-10-30"], // 国庆 2019-10-01–07, make-up 09-29 and 10-12
    ["2025-12-20", 20, "2026-01-19"], // 元旦 2026-01-01–03, make-up Sunday 2026-01-04
    ["2026-02-27", 20, "2026-03-26"], // make-up Saturday 2026-02-28 counts
    ["2020-01-23", 1, "2020-02-03"], // 2020 Spring Festival extended to 02-02, 02-01 is no longer a make-up day
    ["2026-03-02", 0, "2026-03-02"],
  ])("%s + %i working days = %s", (from, n, due) => {
    expect(cal.addWorkingDays(from, n)).toBe(due);
  });

  it("knows make-up working days and weekday holidays", () => {
    expect(cal.isWorkingDay("2026-01-04")).toBe(true); // Sunday, 调休上班
    expect(cal.isWorkingDay("2026-01-02")).toBe(false); // Friday, 元旦
    expect(cal.isWorkingDay("2026-03-07")).toBe(false); // ordinary Saturday
    expect(cal.isWorkingDay("2022-12-31")).toBe(false); // Saturday, part of 2023 元旦
  });

  it("counts working days between two dates (the first day excluded, the last included)", () => {
    expect(cal.workingDaysBetween("2026-03-02", "2026-03-30")).toBe(20);
    expect(cal.workingDaysBetween("2026-03-30", "2026-03-02")).toBe(-20);
    expect(cal.workingDaysBetween("2026-03-06", "2026-03-08")).toBe(0);
    expect(cal.workingDaysBetween("2019-09-27", "2019-10-30")).toBe(20);
  });

  it("knows which years the library covers and flags the others", () => {
    expect(libraryKnowsYear(2019)).toBe(true);
    expect(libraryKnowsYear(2026)).toBe(true);
    expect(libraryKnowsYear(2027)).toBe(false);
    expect(cal.isYearKnown(2027)).toBe(false);
    expect(cal.lastLibraryYear).toBe(2026);
    expect(cal.unknownYears("2026-12-10", "2027-01-12")).toEqual([2027]);
    expect(cal.unknownYears("2026-01-10", "2026-02-12")).toEqual([]);
  });
});

describe("overrides", () => {
  it("an entered year becomes known and its listed days apply; other days follow the week", () => {
    const c = createCalendar({ years: [2027], days: { "2027-01-01": { work: false, note: "元旦" }, "2027-01-09": "work" } });
    expect(c.isYearKnown(2027)).toBe(true);
    expect(c.unknownYears("2026-12-20", "2027-01-20")).toEqual([]);
    expect(c.isWorkingDay("2027-01-01")).toBe(false);
    expect(c.isWorkingDay("2027-01-09")).toBe(true); // a Saturday made a working day
    expect(c.isWorkingDay("2027-01-04")).toBe(true);
    expect(c.addWorkingDays("2026-12-31", 1)).toBe("2027-01-04");
  });

  it("agency-local days apply only to that agency", () => {
    const o = { agencies: { zdrmt: { days: { "2026-03-04": { work: false, note: "local" } } } } };
    expect(createCalendar(o, "zdrmt").isWorkingDay("2026-03-04")).toBe(false);
    expect(createCalendar(o, "other").isWorkingDay("2026-03-04")).toBe(true);
    expect(createCalendar(o, "zdrmt").addWorkingDays("2026-03-02", 20)).toBe("2026-03-31");
  });

  it("refuses malformed override dates", () => {
    expect(() => createCalendar({ days: { "2027-02-30": "rest" } })).toThrow(/not a YYYY-MM-DD/);
  });
});

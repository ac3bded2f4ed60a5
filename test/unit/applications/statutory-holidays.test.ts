// The statutory holidays computed for years whose State Council arrangement is not published (2024 text of
// 《全国年节及纪念日放假办法》), checked against dates one can look up, the library's own solar→lunar
// conversion, and the published 2025/2026 arrangements made under the same rules.
import { spawnSync } from "node:child_process";
import chineseDays from "chinese-days";
import { estimatedRestDays, statutoryHolidays } from "../../../src/domain/statutory-holidays";
import { createCalendar, nationalCalendar as cal } from "../../../src/domain/working-days";

const datesOf = (year: number, name: string) =>
  statutoryHolidays(year)
    .filter((h) => h.name === name)
    .map((h) => h.date);

describe("statutory holidays of a year", () => {
  it("2027: 元旦, 春节 除夕–初三 (除夕 is 腊月廿九), 清明, 劳动节, 端午, 中秋, 国庆 10月1日–3日", () => {
    expect(datesOf(2027, "元旦")).toEqual(["2027-01-01"]);
    expect(datesOf(2027, "春节")).toEqual(["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"]);
    expect(datesOf(2027, "清明节")).toEqual(["2027-04-05"]);
    expect(datesOf(2027, "劳动节")).toEqual(["2027-05-01", "2027-05-02"]);
    expect(datesOf(2027, "端午节")).toEqual(["2027-06-09"]);
    expect(datesOf(2027, "中秋节")).toEqual(["2027-09-15"]);
    expect(datesOf(2027, "国庆节")).toEqual(["2027-10-01", "2027-10-02", "2027-10-03"]);
    expect(statutoryHolidays(2027)).toHaveLength(13);
  });

  it("2030: 春节 from 2030-02-03, 除夕 is 腊月三十 (2030-02-02)", () => {
    expect(datesOf(2030, "春节")).toEqual(["2030-02-02", "2030-02-03", "2030-02-04", "2030-02-05"]);
    expect(datesOf(2030, "清明节")).toEqual(["2030-04-05"]);
    expect(datesOf(2030, "端午节")).toEqual(["2030-06-05"]);
    expect(datesOf(2030, "中秋节")).toEqual(["2030-09-12"]);
    expect(datesOf(2030, "国庆节")).toEqual(["2030-10-01", "2030-10-02", "2030-10-03"]);
  });

  it.each([2025, 2026, 2027, 2028, 2030, 2033, 2040])("%i: lunar dates agree with the library's solar→lunar conversion", (y) => {
    const lunar = (d: string) => chineseDays.getLunarDate(d);
    const [eve, first] = datesOf(y, "春节");
    expect(lunar(first)).toMatchObject({ lunarMon: 1, lunarDay: 1, isLeap: false });
    expect(lunar(eve)).toMatchObject({ lunarMon: 12, lunarDay: chineseDays.monthDays(y - 1, 12) });
    expect(lunar(datesOf(y, "端午节")[0])).toMatchObject({ lunarMon: 5, lunarDay: 5, isLeap: false });
    expect(lunar(datesOf(y, "中秋节")[0])).toMatchObject({ lunarMon: 8, lunarDay: 15, isLeap: false });
    expect(chineseDays.getSolarTerms(`${y}-04-01`, `${y}-04-10`).find((t) => t.term === "pure_brightness")?.date).toBe(datesOf(y, "清明节")[0]);
  });

  it("a lunar leap month before the 5th/8th month is counted (2028 has 闰五月, 2025 had 闰六月)", () => {
    expect(datesOf(2025, "中秋节")).toEqual(["2025-10-06"]); // the published 2025 arrangement
    expect(datesOf(2028, "端午节")).toEqual(["2028-05-28"]);
    expect(datesOf(2028, "中秋节")).toEqual(["2028-10-03"]); // falls inside 国庆
  });

  it("the published 2025 and 2026 arrangements (same law) rest on every day we derive, 补假 included", () => {
    for (const y of [2025, 2026]) {
      const rest = [...estimatedRestDays(y).keys()];
      expect(rest.length).toBeGreaterThanOrEqual(13);
      expect(rest.filter((d) => chineseDays.isWorkday(d))).toEqual([]);
    }
  });

  it("a statutory day on a weekend gives a 补假 on the next free weekday (Art. 6)", () => {
    const r = estimatedRestDays(2027); // 10-02/10-03 are Saturday/Sunday; 05-01/05-02 too
    expect(r.get("2027-10-04")).toBe("国庆节（补假）");
    expect(r.get("2027-10-05")).toBe("国庆节（补假）");
    expect(r.get("2027-05-03")).toBe("劳动节（补假）");
    expect(r.has("2027-10-06")).toBe(false);
    expect([...estimatedRestDays(2030).keys()]).not.toContain("2030-10-04"); // 2030-10-01 is a Tuesday
  });

  it("gives the same dates on a host west of UTC (the library prints dates in host time)", () => {
    // A child process, because a running process does not reliably pick up a changed TZ.
    const code = `const s = require("./src/domain/statutory-holidays");
      console.log(JSON.stringify({ probe: new Date(Date.UTC(2027, 3, 5)).getDate(), q: s.qingming(2027), ny: s.lunarNewYear(2030), y2027: s.statutoryHolidays(2027), y2030: s.statutoryHolidays(2030) }));`;
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", code], { env: { ...process.env, TZ: "America/Los_Angeles" }, encoding: "utf8" });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.probe).toBe(4); // the zone really is behind UTC: the library's own printing would be a day early
    expect(out.q).toBe("2027-04-05");
    expect(out.ny).toBe("2030-02-03");
    expect(out.y2027).toEqual(statutoryHolidays(2027));
    expect(out.y2030).toEqual(statutoryHolidays(2030));
  });

  it("refuses years outside the lunar table", () => {
    expect(() => statutoryHolidays(1900)).toThrow(RangeError);
    expect(() => statutoryHolidays(2100)).toThrow(RangeError);
  });
});

describe("the calendar of a year not published yet", () => {
  it("skips the statutory holidays instead of counting Monday–Friday", () => {
    expect(cal.isWorkingDay("2027-01-01")).toBe(false); // Friday, 元旦
    expect(cal.isWorkingDay("2027-01-04")).toBe(true);
    expect(cal.isWorkingDay("2027-02-05")).toBe(false); // Friday, 除夕
    expect(cal.isWorkingDay("2027-02-10")).toBe(false); // Wednesday, 补假 for 初二/初三 on the weekend
    expect(cal.isWorkingDay("2027-02-11")).toBe(true);
    expect(cal.isWorkingDay("2027-10-01")).toBe(false);
    expect(cal.isWorkingDay("2027-01-09")).toBe(false); // an ordinary Saturday: 调休 is not guessed
  });

  it("the case of the issue: received 2026-12-01, extended by 20 working days → 2027-01-27, still flagged", () => {
    expect(cal.addWorkingDays("2026-12-01", 40)).toBe("2027-01-27"); // Monday–Friday gave 2027-01-26
    expect(cal.addWorkingDays("2026-12-31", 1)).toBe("2027-01-04");
    expect(cal.isYearKnown(2027)).toBe(false);
    expect(cal.unknownYears("2026-12-01", "2027-01-27")).toEqual([2027]);
  });

  it("says where each year comes from", () => {
    expect(cal.yearBasis(2026)).toBe("published");
    expect(cal.yearBasis(2027)).toBe("statutory");
    expect(cal.yearBasis(2100)).toBe("weekdays");
    expect(createCalendar({ years: [2027] }).yearBasis(2027)).toBe("override");
  });

  it("an entered year replaces the estimate (the notice wins, even where it differs)", () => {
    const c = createCalendar({ years: [2027], days: { "2027-01-01": "work" } });
    expect(c.isWorkingDay("2027-01-01")).toBe(true);
    expect(c.isWorkingDay("2027-02-05")).toBe(true); // not listed in the entered year: the ordinary week
  });
});

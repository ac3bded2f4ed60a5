// The public holidays fixed by law — 《全国年节及纪念日放假办法》 as revised in 2024 (国务院令第795号, from
// 2025) — computed for any year, for the years whose State Council arrangement (调休) is not published yet.
// Lunar dates and 清明 come from chinese-days' own lunar table and solar-term formula, not a hand table.
// The library formats its dates in the host's time zone (a host west of UTC gets the day before), so only
// its time-zone-free pieces are used here (lunar month lengths; the solar-term date re-read as UTC).
import chineseDays from "chinese-days";
import { addDays } from "./china-time";

export interface StatutoryHoliday {
  date: string;
  name: "元旦" | "春节" | "清明节" | "劳动节" | "端午节" | "中秋节" | "国庆节";
}

/** chinese-days' lunar table covers lunar years 1900–2100; 除夕 of year Y needs lunar year Y too. */
export const FIRST_STATUTORY_YEAR = 1901;
export const LAST_STATUTORY_YEAR = 2099;

/** Lunar 1900-01-01 (正月初一) was 1900-01-31: the epoch of the library's table. */
const LUNAR_EPOCH = "1900-01-31";

function lunarYearDays(y: number): number {
  let days = chineseDays.getYearLeapMonth(y).days;
  for (let m = 1; m <= 12; m++) days += chineseDays.monthDays(y, m);
  return days;
}

const newYearCache = new Map<number, string>();

/** 正月初一 of lunar year `y` as a Gregorian YYYY-MM-DD. */
export function lunarNewYear(y: number): string {
  const hit = newYearCache.get(y);
  if (hit) return hit;
  let offset = 0;
  for (let i = 1900; i < y; i++) offset += lunarYearDays(i);
  const d = addDays(LUNAR_EPOCH, offset);
  newYearCache.set(y, d);
  return d;
}

/** The Gregorian date of lunar month/day (never a leap month) in lunar year `y`. */
export function lunarToSolar(y: number, month: number, day: number): string {
  const leap = chineseDays.getYearLeapMonth(y);
  let offset = 0;
  for (let m = 1; m < month; m++) {
    offset += chineseDays.monthDays(y, m);
    if (leap.leapMonth === m) offset += leap.days; // the leap month follows the month of the same number
  }
  return addDays(lunarNewYear(y), offset + day - 1);
}

/** 清明: the day of the 清明 solar term (about 4–6 April), from chinese-days' formula. */
export function qingming(year: number): string {
  const lib = chineseDays.getSolarTermDate(year, 4, "pure_brightness");
  // The library builds the date at UTC midnight and prints it in host-local time; undo that shift.
  for (const candidate of [lib, addDays(lib, 1)]) {
    const [y, m, d] = candidate.split("-").map(Number);
    const t = new Date(Date.UTC(y, m - 1, d));
    const printed = `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, "0")}-${String(t.getDate()).padStart(2, "0")}`;
    if (printed === lib) return candidate;
  }
  return lib;
}

/**
 * The statutory rest days of a year (13 days since 2025): 元旦 1; 春节 4 (除夕 to 正月初三); 清明 1;
 * 劳动节 2 (5月1日–2日); 端午 1; 中秋 1; 国庆 3 (10月1日–3日). 除夕 is the day before 正月初一, so it is
 * 腊月廿九 in a year whose twelfth month is short. Every date falls in `year`: 正月初一 is between
 * 21 January and 20 February, so 除夕 is never in the December before. 中秋 may coincide with 国庆
 * (2028-10-03): both entries are returned, for one rest day.
 */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < FIRST_STATUTORY_YEAR || year > LAST_STATUTORY_YEAR) {
    throw new RangeError(`statutory holidays are computed for ${FIRST_STATUTORY_YEAR}–${LAST_STATUTORY_YEAR} only (got ${year})`);
  }
  const springFestival = lunarNewYear(year);
  const out: StatutoryHoliday[] = [
    { date: `${year}-01-01`, name: "元旦" },
    ...[-1, 0, 1, 2].map((i): StatutoryHoliday => ({ date: addDays(springFestival, i), name: "春节" })),
    { date: qingming(year), name: "清明节" },
    { date: `${year}-05-01`, name: "劳动节" },
    { date: `${year}-05-02`, name: "劳动节" },
    { date: lunarToSolar(year, 5, 5), name: "端午节" },
    { date: lunarToSolar(year, 8, 15), name: "中秋节" },
    { date: `${year}-10-01`, name: "国庆节" },
    { date: `${year}-10-02`, name: "国庆节" },
    { date: `${year}-10-03`, name: "国庆节" },
  ];
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

const restCache = new Map<number, Map<string, string>>();

/**
 * The rest days we can derive for a year whose arrangement is not published: the statutory holidays, plus
 * one 补假 (substitute rest day) for each statutory day on a Saturday or Sunday — Art. 6 of the 办法 says
 * such a day is made up on a working day — assumed on the first following Monday–Friday that is not
 * already a holiday: in the notices 2014–2026 that day was a rest day for 40 of the 41 weekend holidays
 * (the exception: 2015 中秋 on a Sunday, made up in the 国庆 week). 调休 swaps (a weekday off for a weekend
 * worked) are not guessed: those stay unknown and the dates stay provisional.
 * Returns date → name (e.g. "国庆节" or "国庆节（补假）").
 */
export function estimatedRestDays(year: number): Map<string, string> {
  const hit = restCache.get(year);
  if (hit) return hit;
  const rest = new Map<string, string>();
  const holidays = statutoryHolidays(year);
  for (const h of holidays) rest.set(h.date, h.name);
  const weekday = (d: string) => {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    return dow >= 1 && dow <= 5;
  };
  for (const h of holidays) {
    if (weekday(h.date)) continue;
    let d = addDays(h.date, 1);
    while (!weekday(d) || rest.has(d)) d = addDays(d, 1);
    rest.set(d, `${h.name}（补假）`);
  }
  restCache.set(year, rest);
  return rest;
}

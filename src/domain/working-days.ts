// The working-day calendar of the statutory clock: the State Council's holiday arrangement (chinese-days)
// with make-up working days, layered with overrides from config/calendar-overrides.json (years the library
// does not know yet, local rest days). A year nobody has published yet counts the statutory holidays of
// 《全国年节及纪念日放假办法》 (statutory-holidays.ts) and is still flagged: its 调休 days are unknown.
import fs from "node:fs";
import chineseDays from "chinese-days";
import { addDays, isIsoDate, yearOf } from "./china-time";
import { estimatedRestDays, FIRST_STATUTORY_YEAR, LAST_STATUTORY_YEAR } from "./statutory-holidays";

export interface DayOverride {
  work: boolean;
  note?: string;
}

export interface CalendarOverrides {
  /** Years whose national arrangement is entered in `days` because the library does not know them. */
  years?: number[];
  days?: Record<string, DayOverride | "work" | "rest">;
  agencies?: Record<string, { years?: number[]; days?: Record<string, DayOverride | "work" | "rest"> }>;
}

export interface WorkingDayCalendar {
  isWorkingDay(date: string): boolean;
  /** True when the official arrangement of the year is known (library data or a configured override year). */
  isYearKnown(year: number): boolean;
  /** The n-th working day after `date` (the day itself not counted); n = 0 returns `date`. */
  addWorkingDays(date: string, n: number): string;
  /** Working days d with from < d ≤ to (negative when to is before from). */
  workingDaysBetween(from: string, to: string): number;
  /**
   * Where a year's days come from: the library's published arrangement, a year entered in the overrides,
   * the statutory holidays computed for a year not published yet, or (outside 1901–2099) plain weekdays.
   */
  yearBasis(year: number): "published" | "override" | "statutory" | "weekdays";
  /** Years between the two dates (inclusive) whose arrangement is unknown. */
  unknownYears(from: string, to: string): number[];
  /** The last year the library has data for. */
  readonly lastLibraryYear: number;
}

const libraryYearCache = new Map<number, boolean>();

/**
 * chinese-days falls back to Monday–Friday for years it has no data for. Every year's arrangement has
 * weekday rest days (Spring Festival at least), so a year with none is a year the library does not know.
 */
export function libraryKnowsYear(year: number): boolean {
  const cached = libraryYearCache.get(year);
  if (cached !== undefined) return cached;
  let known = false;
  let d = `${year}-01-01`;
  while (yearOf(d) === year) {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (dow >= 1 && dow <= 5 && !chineseDays.isWorkday(d)) {
      known = true;
      break;
    }
    d = addDays(d, 1);
  }
  libraryYearCache.set(year, known);
  return known;
}

function lastKnownLibraryYear(): number {
  let y = new Date().getUTCFullYear() + 2;
  while (y > 2000 && !libraryKnowsYear(y)) y--;
  return y;
}

function normaliseDays(days: CalendarOverrides["days"], into: Map<string, DayOverride>) {
  for (const [date, v] of Object.entries(days ?? {})) {
    if (!isIsoDate(date)) throw new Error(`calendar override: ${date} is not a YYYY-MM-DD date`);
    const o: DayOverride = typeof v === "string" ? { work: v === "work" } : v;
    if (typeof o.work !== "boolean") throw new Error(`calendar override ${date}: "work" must be true or false`);
    into.set(date, o);
  }
}

export function createCalendar(overrides: CalendarOverrides = {}, agencyCode?: string): WorkingDayCalendar {
  const days = new Map<string, DayOverride>();
  normaliseDays(overrides.days, days);
  const years = new Set<number>(overrides.years ?? []);
  const local = agencyCode ? overrides.agencies?.[agencyCode] : undefined;
  if (local) {
    normaliseDays(local.days, days);
    for (const y of local.years ?? []) years.add(y);
  }
  const lastLibraryYear = lastKnownLibraryYear();

  // chinese-days parses the date string on every call; the answers never change, so keep them.
  const memo = new Map<string, boolean>();
  const isWorkingDay = (date: string): boolean => {
    let v = memo.get(date);
    if (v === undefined) {
      v = lookup(date);
      memo.set(date, v);
    }
    return v;
  };
  const lookup = (date: string): boolean => {
    const o = days.get(date);
    if (o) return o.work;
    if (years.has(yearOf(date))) {
      // A year entered by hand: its listed days are above; the rest follow the ordinary week.
      const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
      return dow >= 1 && dow <= 5;
    }
    const year = yearOf(date);
    if (!libraryKnowsYear(year) && year >= FIRST_STATUTORY_YEAR && year <= LAST_STATUTORY_YEAR) {
      // Not published yet: the statutory holidays are certain by law and so is a 补假 for one on a weekend
      // (placed as statutory-holidays.ts assumes); 调休 swaps are not known, so the year stays flagged.
      if (estimatedRestDays(year).has(date)) return false;
      const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
      return dow >= 1 && dow <= 5;
    }
    return chineseDays.isWorkday(date);
  };
  const isYearKnown = (year: number) => years.has(year) || libraryKnowsYear(year);

  return {
    lastLibraryYear,
    isWorkingDay,
    isYearKnown,
    yearBasis: (year) =>
      years.has(year)
        ? "override"
        : libraryKnowsYear(year)
          ? "published"
          : year >= FIRST_STATUTORY_YEAR && year <= LAST_STATUTORY_YEAR
            ? "statutory"
            : "weekdays",
    addWorkingDays(date, n) {
      if (!isIsoDate(date)) throw new Error(`not a date: ${date}`);
      if (n < 0) throw new Error("addWorkingDays needs n >= 0");
      let d = date;
      let left = n;
      while (left > 0) {
        d = addDays(d, 1);
        if (isWorkingDay(d)) left--;
      }
      return d;
    },
    workingDaysBetween(from, to) {
      if (from === to) return 0;
      const sign = from < to ? 1 : -1;
      const [a, b] = sign > 0 ? [from, to] : [to, from];
      let n = 0;
      for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (isWorkingDay(d)) n++;
      return sign * n;
    },
    unknownYears(from, to) {
      const [a, b] = from <= to ? [yearOf(from), yearOf(to)] : [yearOf(to), yearOf(from)];
      const out: number[] = [];
      for (let y = a; y <= b; y++) if (!isYearKnown(y)) out.push(y);
      return out;
    },
  };
}

export function readCalendarOverrides(file: string): CalendarOverrides {
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, "utf8")) as CalendarOverrides;
}

/** The national calendar without overrides, for callers that need nothing agency-specific. */
export const nationalCalendar: WorkingDayCalendar = createCalendar();

// Calendar dates in the agency's time zone (Asia/Shanghai by default), independent of the host TZ.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date (YYYY-MM-DD) of an instant in the given zone. */
export function localDate(instant: Date, timeZone = "Asia/Shanghai"): string {
  // Asked for every citizen message (today's year) and every filing: Intl formatting costs more than the rest of
  // a date computation, and a zone's date changes only on a whole second (even the old local-mean-time offsets
  // are whole seconds), so the last second's answer is kept.
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastDates.get(timeZone);
  if (last && last.second === second) return last.date;
  const date = formatter(timeZone).format(instant);
  lastDates.set(timeZone, { second, date });
  return date;
}
const lastDates = new Map<string, { second: number; date: string }>();

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Adds calendar days to a YYYY-MM-DD date (pure date arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/** A clock the services read; tests pass a fixed one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let t = new Date(iso);
  return { now: () => new Date(t), set: (v: string) => (t = new Date(v)) };
}

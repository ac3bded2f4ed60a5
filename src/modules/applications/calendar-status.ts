// One line of `npm run cli -- calendar-status` per year: where the year's working days come from and what
// that means for deadlines reaching it.
import { estimatedRestDays } from "../../domain/statutory-holidays";
import type { WorkingDayCalendar } from "../../domain/working-days";

export function calendarYearLine(cal: WorkingDayCalendar, year: number, overridesFile: string): string {
  switch (cal.yearBasis(year)) {
    case "published":
      return "known (State Council arrangement in chinese-days)";
    case "override":
      return `known (entered in ${overridesFile})`;
    case "statutory": {
      const rest = [...estimatedRestDays(year)]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([d, name]) => `${d.slice(5)} ${name}`)
        .join(", ");
      return `UNKNOWN — arrangement not published; statutory holidays counted (${rest}), 调休 unknown, deadlines reaching ${year} are flagged provisional; enter the notice in ${overridesFile}`;
    }
    default:
      return `UNKNOWN — outside the lunar table, plain Monday–Friday; deadlines reaching ${year} are flagged; enter the notice in ${overridesFile}`;
  }
}

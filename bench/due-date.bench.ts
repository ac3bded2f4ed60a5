// Due-date computation: our calendar (chinese-days + overrides + unknown-year flag) against chinese-days'
// own findWorkday(20, d) in the same run, over every start date of 2019–2026.
// Run: npm run bench -- due-date   (--quick: 1 round instead of 5)
import chineseDays from "chinese-days";
import { createCalendar } from "../src/domain/working-days";
import { addDays } from "../src/domain/china-time";
import { QUICK, ratioOf, writeResult } from "./lib/results";

const starts: string[] = [];
for (let d = "2019-01-01"; d < "2026-11-01"; d = addDays(d, 1)) starts.push(d);
const ROUNDS = QUICK ? 1 : 5;

function time(label: string, fn: (d: string) => unknown): number {
  for (const d of starts.slice(0, 200)) fn(d); // warm-up
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) for (const d of starts) fn(d);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / (ROUNDS * starts.length);
  console.log(`${label.padEnd(48)} ${us.toFixed(2).padStart(8)} µs per deadline`);
  return us;
}

const calendar = createCalendar();
let mismatches = 0;
for (const d of starts) if (calendar.addWorkingDays(d, 20) !== chineseDays.findWorkday(20, d)) mismatches++;

const base = time("baseline: chinese-days findWorkday(20, d)", (d) => chineseDays.findWorkday(20, d));
const ours = time("ours: calendar.addWorkingDays(d, 20)", (d) => calendar.addWorkingDays(d, 20));
console.log(`start dates: ${starts.length} × ${ROUNDS} rounds; results differing from chinese-days: ${mismatches}`);
console.log(`ratio ours / baseline: ${(ours / base).toFixed(2)}×`);
const r2 = (x: number) => Number(x.toFixed(2));
writeResult("due-date", { startDates: starts.length, rounds: ROUNDS, mismatches, baselineUs: r2(base), oursUs: r2(ours), ratio: ratioOf(ours, base) }, [
  {
    figure: `20-working-day deadline, ${starts.length} start dates (${mismatches} differ)`,
    value: r2(ours),
    unit: "µs",
    baseline: "chinese-days findWorkday(20, d)",
    baselineValue: r2(base),
    ratio: ratioOf(ours, base),
    target: "0 differences",
    met: mismatches === 0,
  },
]);
if (mismatches) process.exit(1);

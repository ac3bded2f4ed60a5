// `npm run bench [-- --quick] [-- --built] [-- <filter> …]`: runs every bench/*.bench.ts (or those whose name contains
// one of the filters), one child process each so that benchmarks do not share connections or warm caches, then prints one
// table from the JSON results this run wrote (bench/results/<name>[.quick].json). --quick sets BENCH_QUICK=1 for
// the children: smaller data, the whole suite in under two minutes. --built compiles first (npm run build) and
// runs the server as production does, node dist/src/main.js, instead of under tsx. Exits non-zero when a benchmark fails
// (non-zero exit, or no result written). Not part of `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { resultFile, type SummaryRow } from "./lib/results";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a.startsWith("-") && a !== "--quick" && a !== "--built");
if (unknown.length) {
  console.error(`unknown option ${unknown.join(" ")}; usage: npm run bench -- [--quick] [--built] [name filter …]`);
  process.exit(2);
}
const quick = args.includes("--quick") || process.env.BENCH_QUICK === "1";
// --built: compile once (npm run build), then every benchmark runs the server as production does (dist/src/main.js).
const built = args.includes("--built") || process.env.BENCH_BUILT === "1";
// Name filters: a benchmark runs when its file name contains any of them (`npm run bench -- webhook filing memory`).
const filters = args.filter((a) => !a.startsWith("-"));
const dir = __dirname;
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!filters.length || filters.some((x) => f.includes(x))))
  .sort();
if (!files.length) {
  console.error(`no benchmark matches ${filters.join(", ") || "*.bench.ts"} in ${dir}`);
  process.exit(2);
}

interface Outcome {
  bench: string;
  seconds: number;
  status: "ok" | "failed";
  why?: string;
  summary?: SummaryRow[];
  /** A result without a summary table: its top-level ratio, if any. */
  ratio?: number;
}

const started = Date.now();
if (built) {
  console.log("=== npm run build (--built: the server runs compiled) ===");
  const b = spawnSync("npm", ["run", "build"], { stdio: "inherit", cwd: path.join(dir, "..") });
  if (b.status !== 0) {
    console.error(`npm run build failed (${b.status ?? b.signal})`);
    process.exit(1);
  }
}
const outcomes: Outcome[] = [];
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, "");
  console.log(`\n=== ${f}${quick ? " (quick)" : ""} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(dir, f)], {
    stdio: "inherit",
    env: { ...process.env, ...(quick ? { BENCH_QUICK: "1" } : {}), ...(built ? { BENCH_BUILT: "1" } : {}) },
  });
  const seconds = (Date.now() - t0) / 1000;
  const out: Outcome = { bench: name, seconds, status: "ok" };
  if (r.status !== 0) Object.assign(out, { status: "failed", why: `exited with ${r.status ?? r.signal}` });
  const file = resultFile(name, quick);
  try {
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as { at: string; summary?: SummaryRow[]; ratio?: unknown };
    if (Date.parse(json.at) < t0) throw new Error("stale");
    out.summary = json.summary;
    if (typeof json.ratio === "number") out.ratio = json.ratio;
  } catch {
    if (out.status === "ok") Object.assign(out, { status: "failed", why: `wrote no result to ${path.relative(process.cwd(), file)}` });
  }
  if (out.status === "failed") console.error(`${f}: ${out.why}`);
  outcomes.push(out);
}

// The summary: one line per figure, with its baseline from the same run and the ratio.
const fmt = (x: number | undefined) =>
  x === undefined || x === null || Number.isNaN(x) ? "–" : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
const rows: string[][] = [["bench", "figure", "value", "baseline (same run)", "baseline value", "ratio", "target", "met"]];
for (const o of outcomes) {
  // A failed benchmark that still wrote its result this run (e.g. timeouts on a loaded machine) shows its figures too.
  if (o.status === "failed") rows.push([o.bench, `FAILED: ${o.why}`, "", "", "", "", "", "no"]);
  if (o.status === "failed" && !o.summary?.length) continue;
  else if (!o.summary?.length) rows.push([o.bench, "(no summary rows; see its JSON)", "", "", "", fmt(o.ratio), "", ""]);
  else
    for (const s of o.summary)
      rows.push([
        o.bench,
        s.figure,
        `${fmt(s.value)} ${s.unit}`,
        s.baseline,
        `${fmt(s.baselineValue)} ${s.unit}`,
        `${fmt(s.ratio)}×`,
        s.target ?? "",
        s.met === undefined ? "" : s.met ? "yes" : "NO",
      ]);
}
const width = (s: string) =>
  [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => width(r[i]))));
const line = (r: string[]) => r.map((c, i) => c + " ".repeat(widths[i] - width(c))).join(" | ");
console.log(`\n=== summary${quick ? " (quick mode)" : ""}: ${outcomes.length} benchmark(s) in ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
console.log(line(rows[0]));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows.slice(1)) console.log(line(r));
for (const o of outcomes) console.log(`  ${o.bench}: ${o.seconds.toFixed(1)} s, ${o.status}`);
process.exit(outcomes.some((o) => o.status === "failed") ? 1 : 0);

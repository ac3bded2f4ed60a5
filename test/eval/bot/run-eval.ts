// npm run eval:bot [-- --set dev|held-out|all] [--json out.json] [--quiet] [--show-held-out]
// Runs the evaluation cases through the real conversation service on a fresh embedded database, prints
// accuracy per category and overall for each set, lists the misses, and exits 1 when a floor of
// test/eval/bot/floors.json is not met.
import fs from "node:fs";
import { evaluate, loadFloors, overallAccuracy, type CaseResult, type Score, type SetName } from "./eval-lib";

process.env.LOG_LEVEL ??= "silent";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const cut = (s: string, n: number) => {
  const one = s.replace(/\s*\n\s*/g, " ⏎ ");
  return [...one].length > n ? `${[...one].slice(0, n).join("")}…` : one;
};

function print(set: SetName, s: Score, results: CaseResult[], quiet: boolean) {
  console.log(`\n== ${set}: ${s.passed}/${s.total} = ${pct(s.accuracy)}`);
  const cats = Object.entries(s.byCategory).sort(([a], [b]) => a.localeCompare(b));
  for (const [c, b] of cats) console.log(`  ${c.padEnd(22)} ${String(b.passed).padStart(3)}/${String(b.total).padEnd(3)} ${pct(b.accuracy).padStart(6)}`);
  if (quiet) return;
  const misses = results.filter((r) => !r.ok);
  if (!misses.length) return;
  console.log(`\n-- ${set} misses (${misses.length})`);
  if (set === "held-out" && !process.argv.includes("--show-held-out")) {
    // The held-out set is not for tuning: only ids, unless --show-held-out (for whoever maintains the set).
    console.log(`  ${misses.map((m) => m.id).join(" ")}`);
    console.log("  (texts and replies hidden; --show-held-out prints them)");
    return;
  }
  for (const m of misses) {
    console.log(`✗ ${m.id} [${m.category}] ${cut(m.text, 80)}`);
    console.log(`    reply: ${cut(m.reply, 160) || "(no reply)"}`);
    for (const f of m.failures) console.log(`    - ${f}`);
  }
}

async function main() {
  const which = arg("set") ?? "all";
  const sets: SetName[] = which === "all" ? ["dev", "held-out"] : which === "dev" ? ["dev"] : which === "held-out" || which === "heldout" ? ["held-out"] : [];
  if (!sets.length) {
    console.error(`--set must be dev, held-out or all (got ${which})`);
    process.exit(2);
  }
  const t0 = Date.now();
  const { results, scores } = await evaluate(sets);
  const quiet = process.argv.includes("--quiet");
  for (const set of sets) if (scores[set]) print(set, scores[set]!, results[set], quiet);
  const floors = loadFloors();
  const below: string[] = [];
  if (scores.dev && scores.dev.accuracy < floors.dev) below.push(`dev ${pct(scores.dev.accuracy)} < floor ${pct(floors.dev)}`);
  if (scores["held-out"] && scores["held-out"].accuracy < floors.heldOut)
    below.push(`held-out ${pct(scores["held-out"].accuracy)} < floor ${pct(floors.heldOut)}`);
  const overall = overallAccuracy(scores);
  if (overall !== null) {
    console.log(`\n== overall (dev + held-out): ${pct(overall)}`);
    if (floors.overall !== undefined && overall < floors.overall) below.push(`overall ${pct(overall)} < floor ${pct(floors.overall)}`);
  }
  console.log(
    `\nfloors: dev ${pct(floors.dev)}, held-out ${pct(floors.heldOut)}${floors.overall !== undefined ? `, overall ${pct(floors.overall)}` : ""} (test/eval/bot/floors.json); ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const out = arg("json");
  if (out) {
    fs.writeFileSync(out, JSON.stringify({ floors, scores, results: sets.flatMap((s) => results[s]) }, null, 2));
    console.log(`wrote ${out}`);
  }
  if (below.length) {
    console.log(`FAIL: ${below.join("; ")}`);
    process.exit(1);
  }
  console.log("OK: every floor met");
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});

// Summarises a .cpuprofile: self time by function and by file (top N), to see where a benchmarked server
// spends its CPU. Usage: npx tsx bench/lib/profile-summary.ts <file.cpuprofile> [N]. Percentages are of the
// busy time: the idle samples (the process waiting for I/O) are left out and reported on their own.
import fs from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const file = process.argv[2];
const top = Number(process.argv[3] ?? 30);
const prof = JSON.parse(fs.readFileSync(file, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const self = new Map<number, number>();
prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const idleIds = new Set(prof.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
const idle = [...self].filter(([id]) => idleIds.has(id)).reduce((a, [, t]) => a + t, 0);
const total = [...self].filter(([id]) => !idleIds.has(id)).reduce((a, [, t]) => a + t, 0);
const root = process.cwd().replace(/\/$/, "") + "/";
console.log(`${file}: ${(total / 1e6).toFixed(2)} s busy, ${(idle / 1e6).toFixed(2)} s idle (left out below)`);
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const n of prof.nodes) {
  if (idleIds.has(n.id)) continue;
  const t = self.get(n.id) ?? 0;
  const short = n.callFrame.url
    .replace(/^file:\/\//, "")
    .replace(/.*node_modules\//, "~/")
    .replace(root, "");
  const fn = `${n.callFrame.functionName || "(anonymous)"} ${short}:${n.callFrame.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + t);
  const pkg = short.startsWith("~/")
    ? short
        .split("/")
        .slice(0, short.startsWith("~/@") ? 3 : 2)
        .join("/")
    : short || n.callFrame.functionName;
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + t);
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title} (total ${(total / 1e6).toFixed(2)} s busy)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show("self time by package / file", byFile);
show("self time by function", byFn);

// Inclusive time of the project's own functions (each counted once per sample): which of our calls the CPU is under.
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const inclusive = new Map<string, number>();
prof.samples.forEach((id, i) => {
  if (idleIds.has(id)) return;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur)!;
    const url = n.callFrame.url;
    if (!/\/(src|node_modules\/(typeorm|ioredis|pg|koa|@koa|zod|pino))\//.test(url)) continue;
    const short = url
      .replace(/^file:\/\//, "")
      .replace(/.*node_modules\//, "~/")
      .replace(root, "");
    const key = `${n.callFrame.functionName || "(anonymous)"} ${short}:${n.callFrame.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
});
show("inclusive time (synchronous part) of src/ and main library functions", inclusive);

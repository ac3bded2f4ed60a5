// `npm run bench [-- <filter>]`: runs every bench/*.bench.ts (or those whose name contains the filter), one
// child process each so that benchmarks do not share connections or warm caches. Not part of `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = __dirname;
const filter = process.argv[2];
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts") && (!filter || f.includes(filter)))
  .sort();
if (!files.length) {
  console.error(`no benchmark matches ${filter ?? "*.bench.ts"} in ${dir}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, [require.resolve("tsx/cli"), path.join(dir, f)], { stdio: "inherit", env: process.env });
  if (r.status !== 0) {
    failed++;
    console.error(`${f} exited with ${r.status ?? r.signal}`);
  }
}
process.exit(failed ? 1 : 0);

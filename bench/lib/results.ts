// Shared by every benchmark: quick mode, the machine description and the JSON result file in bench/results/.
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** `npm run bench -- --quick`: smaller data and shorter runs, the whole suite under two minutes. */
export const QUICK = process.env.BENCH_QUICK === "1";
/** `npm run bench -- --built`: the server runs compiled (`node dist/src/main.js`, as the Dockerfile runs it), not under tsx. */
export const BUILT = process.env.BENCH_BUILT === "1";

function version(cmd: string): string | null {
  try {
    return execSync(cmd, { stdio: ["ignore", "pipe", "ignore"], timeout: 3000 })
      .toString()
      .trim()
      .split("\n")[0];
  } catch {
    return null;
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: version("psql --version"),
    redis: version("redis-server --version"),
    /** 1/5/15-minute load averages when the result was written: the machine is shared, figures vary with them. */
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    /** How the benchmarked server ran: compiled as in production, or TypeScript under tsx (esbuild's keepNames helpers, source maps). */
    server: BUILT ? "node dist/src/main.js (compiled, as in production)" : "node --import tsx src/main.ts",
  };
}

/**
 * One line of the summary table that `npm run bench` prints at the end: a figure next to its baseline from the
 * same run and their ratio (value / baselineValue), with the target when the issue sets one.
 */
export interface SummaryRow {
  figure: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  ratio: number;
  target?: string;
  met?: boolean;
}

/** value / baseline rounded for the table; NaN (null in the JSON) when the baseline is zero. */
export function ratioOf(value: number, baseline: number, digits = 2): number {
  return baseline ? Number((value / baseline).toFixed(digits)) : Number.NaN;
}

/** Path of a benchmark's result file: bench/results/<name>.json, or <name>.quick.json in quick mode. */
export function resultFile(name: string, quick = QUICK): string {
  return path.join(__dirname, "..", "results", `${name}${quick ? ".quick" : ""}.json`);
}

/**
 * Writes bench/results/<name>.json (and <name>.quick.json in quick mode): the machine, the time, and what the
 * benchmark measured — every figure next to its baseline from the same run, with the ratio.
 */
export function writeResult(name: string, result: Record<string, unknown>, summary?: SummaryRow[]): string {
  const file = resultFile(name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify({ name, quick: QUICK, at: new Date().toISOString(), machine: machine(), ...(summary ? { summary } : {}), ...result }, null, 2) + "\n",
  );
  console.log(`result written to ${path.relative(process.cwd(), file)}`);
  return file;
}

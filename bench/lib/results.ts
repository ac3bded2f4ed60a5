// Shared by every benchmark: quick mode, the machine description and the JSON result file in bench/results/.
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** `npm run bench -- --quick`: smaller data and shorter runs, the whole suite under two minutes. */
export const QUICK = process.env.BENCH_QUICK === "1";

function version(cmd: string): string | null {
  try {
    return execSync(cmd, { stdio: ["ignore", "pipe", "ignore"], timeout: 3000 }).toString().trim().split("\n")[0];
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
  };
}

/**
 * Writes bench/results/<name>.json (and <name>.quick.json in quick mode): the machine, the time, and what the
 * benchmark measured — every figure next to its baseline from the same run, with the ratio.
 */
export function writeResult(name: string, result: Record<string, unknown>): string {
  const dir = path.join(__dirname, "..", "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}${QUICK ? ".quick" : ""}.json`);
  fs.writeFileSync(file, JSON.stringify({ name, quick: QUICK, at: new Date().toISOString(), machine: machine(), ...result }, null, 2) + "\n");
  console.log(`result written to ${path.relative(process.cwd(), file)}`);
  return file;
}

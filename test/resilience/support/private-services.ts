// Private PostgreSQL and Redis servers for outage tests: each on its own free port, started, stopped and
// restarted by the test. The shared 5432/6379 servers are never touched (other people's tests use them).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../helpers/server-process";
import { waitUntil } from "../../helpers/wait";

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** Starts redis-server (again) on the same port; an empty data set each time (no persistence). */
  start(): Promise<void>;
  /** SIGTERM (or SIGKILL with hard) and wait until the port is closed. */
  stop(hard?: boolean): Promise<void>;
  running(): boolean;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const r: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    running: () => proc !== null,
    async start() {
      if (proc) return;
      const p = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      proc = p;
      exited = new Promise((resolve) => p.once("exit", () => resolve()));
      await waitUntil(`redis on ${port}`, () => portOpen(port), 20_000, 50);
    },
    async stop(hard = false) {
      if (!proc) return;
      proc.kill(hard ? "SIGKILL" : "SIGTERM");
      await exited;
      proc = null;
      await waitUntil(`redis on ${port} to close`, async () => !(await portOpen(port)), 20_000, 50);
    },
  };
  await r.start();
  return r;
}

export interface PrivatePostgres {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  dataDir: string;
  start(): Promise<void>;
  /** pg_ctl stop -m fast (disconnect clients, clean shutdown) or immediate (like a crash; recovery on start). */
  stop(mode: "fast" | "immediate"): Promise<void>;
  /** Stops the server and removes its data directory. */
  destroy(): Promise<void>;
}

function asPostgres(cmd: string, args: string[]) {
  return run("runuser", ["-u", "postgres", "--", path.join(PG_BIN, cmd), ...args], { timeout: 120_000 });
}

/** initdb into a fresh directory owned by postgres (trust authentication), then start it on a free port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-pg-"));
  fs.chownSync(dataDir, ...ownerOfPostgres());
  await asPostgres("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const logFile = path.join(dataDir, "server.log");
  let up = false;
  const pg: PrivatePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    async start() {
      if (up) return;
      await asPostgres("pg_ctl", [
        "-D",
        dataDir,
        "-l",
        logFile,
        "-w",
        "-t",
        "60",
        "-o",
        `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=60`,
        "start",
      ]);
      up = true;
      await waitUntil(`postgres on ${port}`, () => portOpen(port), 20_000, 50);
    },
    async stop(mode) {
      if (!up) return;
      await asPostgres("pg_ctl", ["-D", dataDir, "-w", "-t", "60", "-m", mode, "stop"]);
      up = false;
      await waitUntil(`postgres on ${port} to close`, async () => !(await portOpen(port)), 20_000, 50);
    },
    async destroy() {
      await pg.stop("immediate").catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}

function ownerOfPostgres(): [number, number] {
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("no postgres user on this machine");
  const [, , uid, gid] = line.split(":");
  return [Number(uid), Number(gid)];
}

// The real server as a child process (node --import tsx src/main.ts, or the compiled dist/src/main.js; one process so SIGKILL kills it all),
// for resilience tests and load benchmarks: free port, environment, readiness on /healthz, captured logs.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");

export interface ServerProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (pino JSON lines). */
  logs(): string;
  /** SIGTERM and wait for exit (graceful shutdown). */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit (a crash). */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  env: Record<string, string>;
  port?: number;
  /** Append the logs to this file as well. */
  logFile?: string;
  readyTimeoutMs?: number;
  /** Wait only for the port to answer (any status), not for a 200 from /healthz. */
  readyOnAnyStatus?: boolean;
  /** Run the compiled server as production does (`node dist/src/main.js`, after `npm run build`) instead of tsx. */
  built?: boolean;
}

/** The compiled entry point `npm run build` writes (the Dockerfile's CMD). */
export const BUILT_MAIN = path.join(ROOT, "dist/src/main.js");

export async function startServer(opts: StartOptions): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    HOST: "127.0.0.1",
    YEAR_END_JOB_ENABLED: "false",
    // These tests drive hundreds of citizens from one address (127.0.0.1): the per-client limits of issue 13
    // are proved in test/hostile/citizen-*.test.ts and would only stand in the way here.
    FILING_LIMIT_PER_MINUTE: "1000000",
    CONSULTATION_LIMIT_PER_HOUR: "1000000",
    CHAT_NEW_SESSIONS_PER_HOUR: "1000000",
    CATALOGUE_SEARCH_RATE_PER_MINUTE: "1000000",
    ...opts.env,
    PORT: String(port),
  };
  if (opts.built && !fs.existsSync(BUILT_MAIN)) throw new Error(`${BUILT_MAIN} is missing: run npm run build first`);
  const args = opts.built ? [BUILT_MAIN] : ["--import", "tsx", path.join(ROOT, "src/main.ts")];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const sink = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: "a" }) : null;
  const onData = (d: Buffer) => {
    out += d.toString("utf8");
    sink?.write(d);
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) =>
    proc.once("exit", (code) => {
      sink?.end();
      resolve(code);
    }),
  );
  let dead = false;
  void exited.then(() => (dead = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (dead) throw new Error(`server exited before it was ready:\n${out.slice(-4000)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok || opts.readyOnAnyStatus) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`server not ready after ${opts.readyTimeoutMs ?? 30_000} ms:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const signalAndWait = async (sig: NodeJS.Signals) => {
    if (dead) return;
    proc.kill(sig);
    await exited;
  };
  return {
    url,
    port,
    proc,
    logs: () => out,
    stop: () => signalAndWait("SIGTERM"),
    kill: () => signalAndWait("SIGKILL"),
    exited,
  };
}

// The cluster primary (WEB_CONCURRENCY > 1; issue 18): forks the HTTP workers that share the port (node:cluster,
// round-robin), gives exactly one of them the singletons (year-end scheduler, outbox delivery, purges) and hands
// that role to the replacement when it dies, restarts dead workers, tells every worker which ones beat (for
// /healthz), and on SIGTERM/SIGINT drains every worker before it exits. It loads no database, store or engine:
// a small process that only supervises.
import cluster, { type Worker } from "node:cluster";
import type { Logger } from "../infra/logger";
import { BEAT_STALE_MS, HEARTBEAT_MS, isOgiMessage, type ClusterMessage, type RoleMessage } from "./messages";

/** How long a drain may take before the remaining workers are killed. */
const DRAIN_MS = 30_000;
/** A worker that dies is replaced after this pause (a crash loop does not spin the CPU). */
const RESTART_DELAY_MS = 1000;

interface Slot {
  worker: Worker;
  singletons: boolean;
  lastBeat: number;
  everReady: boolean;
}

export function runPrimary(workers: number, logger: Logger): void {
  const slots = new Map<number, Slot>();
  let stopping = false;
  let restarts = 0;

  const fork = (singletons: boolean) => {
    const worker = cluster.fork();
    const slot: Slot = { worker, singletons, lastBeat: 0, everReady: false };
    slots.set(worker.id, slot);
    worker.on("message", (m: unknown) => {
      // The worker asks once it listens for messages (one sent earlier, at "online", would be lost).
      if (isOgiMessage(m) && m.ogi === "hello") worker.send({ ogi: "role", singletons } satisfies RoleMessage);
      if (isOgiMessage(m) && m.ogi === "beat") {
        slot.lastBeat = Date.now();
        slot.everReady = true;
      }
    });
    // A worker sending to a primary that is going away, or the reverse, is not worth a crash.
    worker.on("error", (err) => logger.warn({ worker: worker.process.pid, err: err.message }, "worker channel error"));
  };

  cluster.on("exit", (worker, code, signal) => {
    const slot = slots.get(worker.id);
    slots.delete(worker.id);
    if (stopping || !slot) return;
    if (!slot.everReady) {
      // It never served: the same start would fail again (configuration, database unreachable at start).
      logger.fatal({ worker: worker.process.pid, code, signal }, "a worker failed to start; stopping the cluster");
      stopping = true;
      for (const s of slots.values()) s.worker.process.kill("SIGTERM");
      process.exitCode = typeof code === "number" && code !== 0 ? code : 1;
      return;
    }
    restarts++;
    logger.warn({ worker: worker.process.pid, code, signal, singletons: slot.singletons }, "worker died; starting a replacement");
    setTimeout(() => !stopping && fork(slot.singletons), RESTART_DELAY_MS).unref();
  });

  const broadcast = setInterval(() => {
    const now = Date.now();
    const message: ClusterMessage = {
      ogi: "cluster",
      expected: workers,
      workers: [...slots.values()].map((s) => ({ pid: s.worker.process.pid ?? 0, ready: now - s.lastBeat < BEAT_STALE_MS, singletons: s.singletons })),
      restarts,
    };
    for (const s of slots.values()) if (s.worker.isConnected()) s.worker.send(message, undefined, () => undefined);
  }, HEARTBEAT_MS);

  const drain = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(broadcast);
    logger.info({ signal, workers: slots.size }, "draining every worker");
    // Each worker stops accepting, finishes the requests under way, stops its background work and exits.
    for (const s of slots.values()) s.worker.process.kill("SIGTERM");
    const hard = setTimeout(() => {
      logger.warn({ workers: slots.size }, "workers still busy after the drain period; killing them");
      for (const s of slots.values()) s.worker.process.kill("SIGKILL");
    }, DRAIN_MS);
    hard.unref();
  };
  process.once("SIGTERM", () => drain("SIGTERM"));
  process.once("SIGINT", () => drain("SIGINT"));
  cluster.on("exit", () => {
    if (stopping && slots.size === 0) {
      logger.info({}, "every worker stopped");
      process.exit(process.exitCode ?? 0);
    }
  });

  logger.info({ workers }, `starting ${workers} HTTP workers (WEB_CONCURRENCY)`);
  for (let i = 0; i < workers; i++) fork(i === 0);
}

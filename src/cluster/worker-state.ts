// What a worker knows of its cluster (issue 18): its role from the primary and the primary's latest view of all
// workers, for /healthz. A process started without a primary (WEB_CONCURRENCY=1, tests, the CLI) is its own
// cluster of one and runs the singletons.
import cluster from "node:cluster";
import { BEAT_STALE_MS, HEARTBEAT_MS, isOgiMessage, type ClusterMessage, type PrimaryMessage } from "./messages";

let view: { message: ClusterMessage; at: number } | null = null;

/** The primary's view for /healthz: null when this process is not a cluster worker. */
export function clusterView(
  now = Date.now(),
): { expected: number; ready: number; workers: ClusterMessage["workers"]; restarts: number; fresh: boolean } | null {
  if (!cluster.isWorker) return null;
  if (!view) return { expected: 0, ready: 0, workers: [], restarts: 0, fresh: false };
  const m = view.message;
  return {
    expected: m.expected,
    ready: m.workers.filter((w) => w.ready).length,
    workers: m.workers,
    restarts: m.restarts,
    fresh: now - view.at < BEAT_STALE_MS,
  };
}

/** In a worker: waits for the primary's role message and keeps its cluster view from then on. */
export function joinCluster(): Promise<{ singletons: boolean }> {
  return new Promise((resolve) => {
    process.on("message", (m: unknown) => {
      if (!isOgiMessage(m)) return;
      const msg = m as PrimaryMessage;
      if (msg.ogi === "role") resolve({ singletons: msg.singletons });
      if (msg.ogi === "cluster") view = { message: msg, at: Date.now() };
    });
    process.send?.({ ogi: "hello" });
  });
}

/** In a worker that listens: beats every HEARTBEAT_MS so the primary sees its event loop turn. */
export function startHeartbeat(): () => void {
  if (!cluster.isWorker || !process.send) return () => undefined;
  const beat = () => process.connected && process.send!({ ogi: "beat" });
  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

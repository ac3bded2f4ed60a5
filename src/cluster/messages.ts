// The messages between the cluster primary and its HTTP workers (node:cluster IPC; issue 18): the worker's role,
// its heartbeat, and the primary's view of every worker that /healthz reports.

/** Primary → worker, once after fork: whether this worker runs the singletons (year-end scheduler, outbox delivery, purges). */
export interface RoleMessage {
  ogi: "role";
  singletons: boolean;
}

/** Worker → primary, once its message listener is in place: asks for its role. */
export interface HelloMessage {
  ogi: "hello";
}

/** Worker → primary, every HEARTBEAT_MS once it listens: its event loop turns. */
export interface BeatMessage {
  ogi: "beat";
}

/** Primary → every worker, every HEARTBEAT_MS: how many workers there should be and which ones beat recently. */
export interface ClusterMessage {
  ogi: "cluster";
  expected: number;
  workers: Array<{ pid: number; ready: boolean; singletons: boolean }>;
  restarts: number;
}

export type PrimaryMessage = RoleMessage | ClusterMessage;

export const HEARTBEAT_MS = 1000;
/** A worker silent this long counts as not ready (its event loop is stuck, or it is still starting). */
export const BEAT_STALE_MS = 3500;

export function isOgiMessage(m: unknown): m is { ogi: string } {
  return typeof m === "object" && m !== null && typeof (m as { ogi?: unknown }).ogi === "string";
}

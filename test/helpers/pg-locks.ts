// Deterministic races on PostgreSQL: a third transaction holds a row FOR UPDATE until every contender waits on it.
import type { TestEnv } from "./test-context";
import { waitUntil } from "./wait";

/** Backends waiting, directly or behind another waiter, on a lock held by `holderPid`. */
export async function waitingBehind(env: TestEnv, holderPid: number): Promise<number> {
  const rows: Array<{ pid: number; blockers: number[] }> = await env.ctx.db.query(
    "SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
  );
  const chain = new Set([holderPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rows) {
      if (chain.has(r.pid) || !r.blockers.some((b) => chain.has(b))) continue;
      chain.add(r.pid);
      grew = true;
    }
  }
  return chain.size - 1;
}

/**
 * Holds `lockSql` (a SELECT … FOR UPDATE of one row, `params` its parameters) while `contenders` start, waits until
 * `contenders.length` of them are blocked on it — each has read the row and passed its checks — then lets go and
 * returns their results.
 */
export async function raceBehindLock<T>(env: TestEnv, lockSql: string, params: unknown[], contenders: Array<() => Promise<T>>): Promise<T[]> {
  const holder = env.ctx.db.createQueryRunner();
  await holder.connect();
  await holder.startTransaction();
  let released = false;
  try {
    const locked = (await holder.query(lockSql, params)) as unknown[];
    if (locked.length !== 1) throw new Error(`the lock query matched ${locked.length} rows, expected 1`);
    const [{ pid }] = (await holder.query("SELECT pg_backend_pid() AS pid")) as Array<{ pid: number }>;
    const running = contenders.map((c) => c());
    await waitUntil("every contender waiting on the row", async () => (await waitingBehind(env, pid)) >= contenders.length, 20_000, 25);
    await holder.rollbackTransaction();
    released = true;
    return await Promise.all(running);
  } finally {
    if (!released) await holder.rollbackTransaction();
    await holder.release();
  }
}

// Waiting in tests and benchmarks: a sleep, and polling a condition with a deadline that names what it awaited.
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `every` ms until it holds; returns the milliseconds it took, throws after `ms`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, ms = 30_000, every = 100): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(every);
  }
  return Date.now() - start;
}

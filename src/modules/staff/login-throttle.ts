// Login throttling, counted before the password is checked (atomic in Redis, so sixty parallel attempts are not
// all judged against the count before any of them): (1) per account and client address, LOGIN_MAX_FAILURES
// attempts per LOGIN_WINDOW_MINUTES; (2) per client address over all accounts, LOGIN_MAX_PER_CLIENT;
// (3) per account over all clients, after LOGIN_MAX_FAILURES attempts without a success only one attempt per
// growing interval (1, 2, 4 … up to LOGIN_MAX_DELAY_SECONDS s) — slowed down, never locked, so the real user
// still gets in while a guesser elsewhere makes a few attempts a minute.
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { createLimiter, type Limiter } from "../../infra/rate-limiter";

export class LoginThrottle {
  private readonly pair: Limiter;
  private readonly client: Limiter;

  constructor(private readonly ctx: AppContext) {
    const window = ctx.config.LOGIN_WINDOW_MINUTES * 60;
    const minutes = ctx.config.LOGIN_WINDOW_MINUTES;
    this.pair = createLimiter(ctx.kv, {
      name: "login",
      points: ctx.config.LOGIN_MAX_FAILURES,
      durationSeconds: window,
      message: `登录失败次数过多，请${minutes}分钟后再试`,
    });
    this.client = createLimiter(ctx.kv, {
      name: "login-client",
      points: ctx.config.LOGIN_MAX_PER_CLIENT,
      durationSeconds: window,
      message: `登录尝试过于频繁，请${minutes}分钟后再试`,
    });
  }

  /** Counts one attempt on `account` (agency code + username) from `clientKey`; throws RATE_LIMITED when over. */
  async beforeAttempt(account: string, clientKey: string): Promise<void> {
    await this.pair.consume(`${account}|${clientKey}`);
    await this.client.consume(clientKey);
    const max = this.ctx.config.LOGIN_MAX_FAILURES;
    const n = await this.ctx.kv.incr(this.countKey(account), this.ctx.config.LOGIN_WINDOW_MINUTES * 60);
    if (n <= max) return;
    // One attempt per `delay` seconds on the service clock. The short lock makes read-check-write of the next
    // allowed instant one step: of parallel attempts one gets the slot, the others are told to wait.
    const delay = Math.min(2 ** Math.min(n - max - 1, 20), this.ctx.config.LOGIN_MAX_DELAY_SECONDS);
    const lock = `login-slot-lock:${account}`;
    if (!(await this.ctx.kv.setIfAbsent(lock, "1", 5))) throw this.slowed(1);
    try {
      const now = this.ctx.clock.now().getTime();
      const next = Number((await this.ctx.kv.get(this.nextKey(account))) ?? 0);
      if (now < next) throw this.slowed(Math.ceil((next - now) / 1000));
      await this.ctx.kv.set(this.nextKey(account), String(now + delay * 1000), this.ctx.config.LOGIN_WINDOW_MINUTES * 60);
    } finally {
      await this.ctx.kv.del(lock);
    }
  }

  private slowed(retryAfterSeconds: number): DomainError {
    return new DomainError("RATE_LIMITED", "该账号登录尝试过于频繁，请稍后再试", { retryAfterSeconds: Math.max(1, retryAfterSeconds) });
  }

  /** A success forgets the account's count and this client's count for it. */
  async succeeded(account: string, clientKey: string): Promise<void> {
    await this.ctx.kv.del(this.countKey(account));
    await this.ctx.kv.del(this.nextKey(account));
    await this.pair.reset(`${account}|${clientKey}`);
  }

  private nextKey(account: string): string {
    return `login-next:${account}`;
  }

  private countKey(account: string): string {
    return `login-attempts:${account}`;
  }
}

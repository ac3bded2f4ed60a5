// Cache-Control: no-store on every answer that does not choose its own caching: staff API answers, revealed ID
// numbers, application details and console pages carry personal data that must not stay in a browser or proxy
// cache. Static console assets set their own public caching.
import type { Context, Next } from "koa";

export async function noStoreByDefault(ctx: Context, next: Next): Promise<void> {
  ctx.set("Cache-Control", "no-store");
  await next();
}

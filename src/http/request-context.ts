// Request ids and one structured access-log line per request (personal data masked by the logger).
import { randomUUID } from "node:crypto";
import type { Context, Next } from "koa";
import type { Logger } from "../infra/logger";

const ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

export function requestContext(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const incoming = ctx.get("X-Request-Id");
    const requestId = ID_RE.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set("X-Request-Id", requestId);
    // The request's child logger is made when something logs (issue 18: making one for every request, with the
    // access line below switched off by LOG_LEVEL=warn in production, was a few per cent of a webhook message).
    let log: Logger | undefined;
    const requestLog = () => (log ??= logger.child({ requestId }));
    Object.defineProperty(ctx.state, "log", { get: requestLog, set: (l: Logger) => (log = l), enumerable: true, configurable: true });
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      if (logger.isLevelEnabled("info")) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        requestLog().info({ method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 10) / 10 }, "request");
      }
    }
  };
}

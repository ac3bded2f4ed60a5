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
    const log = logger.child({ requestId });
    ctx.state.log = log;
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: ctx.method, url: ctx.originalUrl, status: ctx.status, ms: Math.round(ms * 10) / 10 }, "request");
    }
  };
}

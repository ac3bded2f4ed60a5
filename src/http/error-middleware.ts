// The one place that turns errors into HTTP answers: {"error": {"code", "message", "details"?}}.
import type { Context, Next } from "koa";
import { DomainError, statusForCode } from "../domain/errors";
import { portalErrorPage } from "../modules/portal/layout";
import { BUSY_MESSAGE, isDependencyDown, isStatementTimeout, SERVICE_UNAVAILABLE_CODE, STATEMENT_TIMEOUT_CODE, TIMEOUT_MESSAGE } from "../infra/unavailable";

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

export async function errorMiddleware(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      // A person at a browser (who asked for HTML, outside the JSON API) gets a page in Chinese with the way back.
      if (ctx.method === "GET" && !ctx.path.startsWith("/api/") && /text\/html/.test(ctx.get("Accept"))) {
        ctx.type = "text/html; charset=utf-8";
        ctx.body = portalErrorPage(null, "页面不存在", "您访问的页面不存在。请从首页进入，或查看政府信息公开指南。");
      } else {
        ctx.body = { error: { code: "ROUTE.NOT_FOUND", message: "请求的地址不存在" } };
      }
    }
    // The router's allowedMethods answers a known path with another method 405, an unknown method 501: both are the client's mistake.
    if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
      ctx.status = 405;
      ctx.body = { error: { code: "ROUTE.METHOD_NOT_ALLOWED", message: "不支持该请求方法" } };
    }
  } catch (err) {
    if (err instanceof DomainError) {
      ctx.status = statusForCode(err.code);
      ctx.body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
      const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      if (typeof retryAfter === "number" && retryAfter > 0) ctx.set("Retry-After", String(Math.ceil(retryAfter)));
      if (ctx.status >= 500) ctx.state.log?.warn({ code: err.code }, "domain error");
      return;
    }
    const e = err as HttpishError;
    const status = e.status ?? e.statusCode;
    if (e.type === "entity.parse.failed" || (status === 400 && /json/i.test(e.message ?? ""))) {
      ctx.status = 400;
      ctx.body = { error: { code: "REQUEST.INVALID_JSON", message: "请求内容不是有效的 JSON，请检查格式" } };
      return;
    }
    if (status === 413 || e.type === "entity.too.large") {
      ctx.status = 413;
      ctx.body = { error: { code: "REQUEST.TOO_LARGE", message: "提交的内容过大" } };
      return;
    }
    if (status === 415) {
      ctx.status = 415;
      ctx.body = { error: { code: "REQUEST.UNSUPPORTED_MEDIA_TYPE", message: "不支持的内容类型" } };
      return;
    }
    if (status && status >= 400 && status < 500 && e.expose !== false) {
      ctx.status = status;
      ctx.body = { error: { code: "REQUEST.INVALID", message: "请求有误" } };
      return;
    }
    if (isStatementTimeout(err)) {
      // A statement ran past DB_STATEMENT_TIMEOUT_MS and PostgreSQL cancelled it: the server is busy, not broken.
      ctx.status = 503;
      ctx.set("Retry-After", "5");
      ctx.body = { error: { code: STATEMENT_TIMEOUT_CODE, message: TIMEOUT_MESSAGE } };
      (ctx.state.log ?? console).warn({ path: ctx.path }, "statement timeout");
      return;
    }
    if (isDependencyDown(err)) {
      // PostgreSQL or Redis is down: answer at once, let the client retry; the process keeps running.
      ctx.status = 503;
      ctx.set("Retry-After", "5");
      ctx.body = { error: { code: SERVICE_UNAVAILABLE_CODE, message: BUSY_MESSAGE } };
      (ctx.state.log ?? console).warn({ err: (err as Error).message }, "dependency unavailable");
      return;
    }
    ctx.status = 500;
    ctx.body = { error: { code: "INTERNAL", message: "服务器内部错误，请稍后再试" } };
    (ctx.state.log ?? console).error({ err }, "unhandled error");
  }
}

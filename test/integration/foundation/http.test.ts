// The HTTP shell: error mapping, invalid JSON, request ids, security headers, redacted access logs.
import { Writable } from "node:stream";
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import request from "supertest";
import { DomainError } from "../../../src/domain/errors";
import { errorMiddleware } from "../../../src/http/error-middleware";
import { requestContext } from "../../../src/http/request-context";
import { createLogger } from "../../../src/infra/logger";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";

function errorApp() {
  const koa = new Koa();
  koa.silent = true;
  koa.use(requestContext(createLogger("silent")));
  koa.use(errorMiddleware);
  koa.use(bodyParser());
  const r = new Router();
  r.get("/transition", () => {
    throw new DomainError("APPLICATION.INVALID_TRANSITION", "当前状态不能执行该操作");
  });
  r.get("/missing", () => {
    throw new DomainError("APPLICATION.NOT_FOUND", "未找到申请");
  });
  r.get("/forbidden", () => {
    throw new DomainError("AUTH.FORBIDDEN", "无权操作");
  });
  r.get("/boom", () => {
    throw new Error("connection string postgres://secret@db failed at /srv/app/x.ts:12");
  });
  r.post("/echo", (ctx) => {
    ctx.body = ctx.request.body;
  });
  koa.use(r.routes());
  return koa.callback();
}

describe("error middleware", () => {
  const app = errorApp();

  it.each([
    ["/transition", 409, "APPLICATION.INVALID_TRANSITION"],
    ["/missing", 404, "APPLICATION.NOT_FOUND"],
    ["/forbidden", 403, "AUTH.FORBIDDEN"],
  ])("maps %s to %i with its code", async (path, status, code) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe("string");
  });

  it("answers an unknown error with 500 and no internals", async () => {
    const res = await request(app).get("/boom");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: "INTERNAL", message: expect.any(String) } });
    expect(JSON.stringify(res.body)).not.toMatch(/postgres|secret|x\.ts/);
  });

  it("answers invalid JSON with 400", async () => {
    const res = await request(app).post("/echo").set("Content-Type", "application/json").send('{"a": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("REQUEST.INVALID_JSON");
  });
});

describe("the service app", () => {
  let env: TestEnv;
  const lines: string[] = [];
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres" });
    // Re-point the app's logger at a capture stream to read the access log.
    const stream = new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    env.ctx.logger = createLogger("info", stream);
  });
  afterAll(() => env.close());

  it("reports both dependencies ok on /healthz", async () => {
    const { buildApp } = await import("../../../src/http/app");
    const res = await request(buildApp(env.app).callback()).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", database: { type: "postgres", ok: true }, redis: { mode: "redis", ok: true } });
    expect(res.headers["x-request-id"]).toBeTruthy();
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("writes a request log line with the ID number and phone redacted", async () => {
    const { buildApp } = await import("../../../src/http/app");
    lines.length = 0;
    await request(buildApp(env.app).callback()).get("/api/nowhere?idNumber=110101199003074514&phone=13912345678");
    const log = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "request");
    expect(log).toBeDefined();
    expect(log.url).toContain("/api/nowhere");
    expect(JSON.stringify(log)).not.toContain("110101199003074514");
    expect(JSON.stringify(log)).not.toContain("13912345678");
    expect(log.requestId).toBeTruthy();
  });

  it("refuses bodies over the limit with 413", async () => {
    const { buildApp } = await import("../../../src/http/app");
    const big = JSON.stringify({ text: "字".repeat(200_000) });
    const res = await request(buildApp(env.app).callback()).post("/api/staff/login").set("Content-Type", "application/json").send(big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("REQUEST.TOO_LARGE");
  });
});

// /healthz turns 503 and names the failing part when Redis or PostgreSQL becomes unreachable.
import net from "node:net";
import request from "supertest";
import { loadConfig } from "../../../src/config";
import { closeContext, createContext, prepare } from "../../../src/bootstrap";
import { compose } from "../../../src/composition";
import { buildApp } from "../../../src/http/app";
import { createLogger } from "../../../src/infra/logger";
import { createPgSchema, createTestEnv } from "../../helpers/test-context";

/** A TCP relay to a real server that the test can cut, like a network failure. */
async function relay(targetPort: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => (client.destroy(), upstream.destroy());
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    async cut() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe("/healthz", () => {
  it("answers 503 naming redis when Redis is unreachable", async () => {
    const env = await createTestEnv({ db: "sqlite", env: { REDIS_URL: "redis://127.0.0.1:1" } });
    try {
      const res = await request(env.server).get("/healthz");
      expect(res.status).toBe(503);
      expect(res.body.redis).toEqual({ mode: "redis", ok: false });
      expect(res.body.database).toEqual({ type: "sqlite", ok: true });
      expect(res.body.failing).toEqual(["redis"]);
    } finally {
      await env.close();
    }
  });

  it("answers 503 naming the database when PostgreSQL goes away", async () => {
    const schema = await createPgSchema();
    const pg = await relay(5432);
    const url = schema.url.replace("127.0.0.1:5432", `127.0.0.1:${pg.port}`);
    const config = loadConfig({ DATABASE_URL: url, REDIS_URL: "redis://127.0.0.1:6379", REDIS_KEY_PREFIX: `health-${pg.port}:`, LOG_LEVEL: "silent" });
    const ctx = await createContext(config, { logger: createLogger("silent") });
    try {
      const composed = compose(ctx);
      await prepare(composed);
      const app = buildApp(composed).callback();
      const ok = await request(app).get("/healthz");
      expect(ok.status).toBe(200);
      expect(ok.body.database).toEqual({ type: "postgres", ok: true });

      await pg.cut();
      const res = await request(app).get("/healthz");
      expect(res.status).toBe(503);
      expect(res.body.database).toEqual({ type: "postgres", ok: false });
      expect(res.body.redis).toEqual({ mode: "redis", ok: true });
      expect(res.body.failing).toEqual(["database"]);
    } finally {
      await closeContext(ctx).catch(() => undefined);
      await schema.drop();
    }
  });
});

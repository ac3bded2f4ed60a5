// Configuration: defaults, every problem listed at once, and the start-up refusal of a bad environment.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ConfigError, databaseTarget, loadConfig, webConcurrency } from "../../../src/config";

describe("loadConfig", () => {
  it("gives the embedded defaults when nothing is set", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATABASE_URL).toBe("sqlite:data/ogi.sqlite");
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.APP_TIMEZONE).toBe("Asia/Shanghai");
    expect(databaseTarget(c)).toEqual({ type: "sqlite", path: "data/ogi.sqlite" });
  });

  it("reads PostgreSQL and Redis URLs, with an optional schema", () => {
    const c = loadConfig({ DATABASE_URL: "postgres://u@127.0.0.1:5432/test?schema=s1", REDIS_URL: "redis://127.0.0.1:6379", PORT: "8080" });
    expect(c.PORT).toBe(8080);
    expect(databaseTarget(c)).toEqual({ type: "postgres", url: "postgres://u@127.0.0.1:5432/test", schema: "s1" });
  });

  it("lists every problem, not only the first", () => {
    let err: unknown;
    try {
      loadConfig({ PORT: "abc", DATABASE_URL: "mysql://x", REDIS_URL: "http://nope", LOG_LEVEL: "loud", TZ: "Mars/Base", COUNT_RECEIPT_DAY: "maybe" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const fields = (err as ConfigError).problems.map((p) => p.split(":")[0]).sort();
    expect(fields).toEqual(["COUNT_RECEIPT_DAY", "DATABASE_URL", "LOG_LEVEL", "PORT", "REDIS_URL", "TZ"]);
  });

  it("refuses safe mode without the token and app id", () => {
    expect(() => loadConfig({ WECHAT_ENCODING_AES_KEY: "a".repeat(43) })).toThrow(/WECHAT_APPID[\s\S]*WECHAT_TOKEN/);
  });

  it("stops the server at start with every problem printed", () => {
    const root = path.resolve(__dirname, "../../..");
    const res = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "src/main.ts"], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: "-1", DATABASE_URL: "oracle://db", LOG_LEVEL: "chatty" },
      encoding: "utf8",
      timeout: 30000,
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toContain("PORT");
    expect(res.stderr).toContain("DATABASE_URL");
    expect(res.stderr).toContain("LOG_LEVEL");
  });
});

describe("WEB_CONCURRENCY", () => {
  const pg = "postgres://u@h:5432/db";
  const redis = "redis://127.0.0.1:6379";
  it("defaults to one worker per core in production with PostgreSQL and Redis, else to 1", () => {
    expect(webConcurrency(loadConfig({ NODE_ENV: "production", DATABASE_URL: pg, REDIS_URL: redis }), 4)).toBe(4);
    expect(webConcurrency(loadConfig({ NODE_ENV: "production", DATABASE_URL: pg }), 4)).toBe(1);
    expect(webConcurrency(loadConfig({ NODE_ENV: "production", REDIS_URL: redis }), 4)).toBe(1);
    expect(webConcurrency(loadConfig({ NODE_ENV: "test", DATABASE_URL: pg, REDIS_URL: redis }), 4)).toBe(1);
    expect(webConcurrency(loadConfig({}), 4)).toBe(1);
    expect(webConcurrency(loadConfig({ WEB_CONCURRENCY: "3", DATABASE_URL: pg, REDIS_URL: redis }), 4)).toBe(3);
  });
  it("refuses more than one worker without PostgreSQL and Redis, naming the variable", () => {
    for (const env of [{ WEB_CONCURRENCY: "2" }, { WEB_CONCURRENCY: "2", DATABASE_URL: pg }, { WEB_CONCURRENCY: "2", REDIS_URL: redis }]) {
      expect(() => loadConfig(env)).toThrow(/WEB_CONCURRENCY: more than 1 worker needs PostgreSQL/);
    }
    expect(() => loadConfig({ WEB_CONCURRENCY: "0" })).toThrow(ConfigError);
    expect(loadConfig({ WEB_CONCURRENCY: "1" }).WEB_CONCURRENCY).toBe(1);
  });
});

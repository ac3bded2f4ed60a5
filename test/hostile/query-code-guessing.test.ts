// Guessing query codes (GET /api/applications/:no?queryCode=): wrong codes are limited per client and per
// application number with 429 RATE_LIMITED, and a wrong code for a real number cannot be told apart from any
// code for a number that does not exist: same status, body and headers, same work (counted: key-value
// operations, SQL statements, hash comparisons), and the same time within a generous statistical tolerance.
import crypto from "node:crypto";
import request from "supertest";
import { PostgresQueryRunner } from "typeorm/driver/postgres/PostgresQueryRunner";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import { personBody } from "../integration/applications/fixtures";

interface Filed {
  applicationNo: string;
  queryCode: string;
}

let limited: TestEnv;
let roomy: TestEnv;

beforeAll(async () => {
  // TRUST_PROXY so each request can speak for a different client through X-Forwarded-For.
  limited = await createTestEnv({ db: "postgres", env: { TRUST_PROXY: "true", STATUS_QUERY_MAX_FAILURES: "5" } });
  roomy = await createTestEnv({ db: "postgres", env: { TRUST_PROXY: "true", STATUS_QUERY_MAX_FAILURES: "1000" } });
});
afterAll(async () => {
  await limited?.close();
  await roomy?.close();
});

async function file(env: TestEnv, description: string): Promise<Filed> {
  const res = await request(env.server).post("/api/applications").send(personBody({ description })).expect(201);
  return res.body as Filed;
}

function query(env: TestEnv, no: string, code: string, client: string) {
  return request(env.server)
    .get(`/api/applications/${encodeURIComponent(no)}`)
    .query({ queryCode: code })
    .set("X-Forwarded-For", client);
}

/** A wrong code that is surely wrong (the right one differs in every digit). */
const wrongCode = (right: string, salt = 0) => right.replace(/\d/g, (d) => String((Number(d) + 1 + (salt % 9)) % 10));

/** What a client sees, without the per-request id and the clock's Date header. */
function visible(res: request.Response) {
  const headers = { ...res.headers };
  delete headers["x-request-id"];
  delete headers.date;
  return { status: res.status, body: res.body, headers };
}

/** The year's next number, which has not been filed: a plausible guess at a real-looking number. */
function unfiledNumber(f: Filed): string {
  return f.applicationNo.replace(/\d+$/, (n) => String(Number(n) + 500).padStart(n.length, "0"));
}

describe("identical answers", () => {
  it("a wrong code for a real number and any code for an unknown number get the same status, body and headers", async () => {
    const f = await file(limited, "张店区融媒体中心2025年度新闻发布会记录");
    const real = await query(limited, f.applicationNo, wrongCode(f.queryCode), "10.1.0.1");
    expect(real.status).toBe(404);
    expect(real.body).toEqual({ error: { code: "APPLICATION.NOT_FOUND", message: "未找到该申请，请核对申请编号和查询码" } });
    const guesses = [unfiledNumber(f), "ZDRMT-1999-00001", "NOPE", "' OR 1=1 --"];
    for (const [i, no] of guesses.entries()) {
      const other = await query(limited, no, wrongCode(f.queryCode), `10.1.0.${i + 2}`);
      expect(visible(other)).toEqual(visible(real));
    }
    // And the owner with the right code does get the status.
    const own = await query(limited, f.applicationNo, f.queryCode, "10.1.0.99");
    expect(own.status).toBe(200);
    expect(own.body.applicationNo).toBe(f.applicationNo);
  });

  it("once limited, a real number and an unknown one are refused alike", async () => {
    const f = await file(limited, "张店区融媒体中心2025年度政务新媒体运维合同");
    const client = "10.2.0.1";
    for (let i = 0; i < 5; i++) await query(limited, i % 2 ? f.applicationNo : unfiledNumber(f), wrongCode(f.queryCode, i), client).expect(404);
    const a = await query(limited, f.applicationNo, wrongCode(f.queryCode), client);
    const b = await query(limited, unfiledNumber(f), wrongCode(f.queryCode), client);
    expect(a.status).toBe(429);
    expect(a.body.error.code).toBe("RATE_LIMITED");
    expect(visible(b)).toEqual(visible(a));
  });

  it("through the chat, a wrong code for a real number and a guess at an unknown number get the same reply", async () => {
    const f = await file(limited, "张店区融媒体中心2025年度融媒体平台建设项目");
    const say = async (userId: string, text: string) => {
      const res = await request(limited.server).post("/api/chat").send({ userId, text }).expect(200);
      return res.body.replies as string[];
    };
    const real = await say("guess-chat-1", `查询申请 ${f.applicationNo} ${wrongCode(f.queryCode)}`);
    const unknown = await say("guess-chat-2", `查询申请 ${unfiledNumber(f)} ${wrongCode(f.queryCode)}`);
    expect(real.join("")).toContain("未找到");
    expect(unknown).toEqual(real);
    expect((await say("guess-chat-3", `查询申请 ${f.applicationNo} ${f.queryCode}`)).join("")).toContain("办理状态");
  });
});

describe("rate limits", () => {
  it("per client: after 5 wrong codes (on any numbers) the client gets 429, even with a right code; other clients are unaffected", async () => {
    const f = await file(limited, "张店区融媒体中心2024年度部门预算执行情况");
    const g = await file(limited, "张店区融媒体中心2024年度公务用车情况");
    const guesser = "10.3.0.1";
    for (let i = 0; i < 5; i++) {
      const res = await query(limited, i % 2 ? f.applicationNo : g.applicationNo, String(10_000_000 + i), guesser);
      expect(res.status).toBe(404);
    }
    const blocked = await query(limited, f.applicationNo, f.queryCode, guesser);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatchObject({ code: "RATE_LIMITED", message: "查询码错误次数过多，请1小时后再试" });
    expect(blocked.body.error.details.retryAfterSeconds).toBeGreaterThan(3500);
    expect(Number(blocked.headers["retry-after"])).toBe(blocked.body.error.details.retryAfterSeconds);
    expect(JSON.stringify(blocked.body)).not.toContain("张店区");
    // The owner on their own phone is not locked out by someone else's guessing.
    expect((await query(limited, f.applicationNo, f.queryCode, "10.3.0.2")).status).toBe(200);
    expect((await query(limited, g.applicationNo, g.queryCode, "10.3.0.3")).status).toBe(200);
  });

  it("no per-number lock: wrong codes spread over many clients never lock the owner out (issue 13 item 5)", async () => {
    const f = await file(limited, "张店区融媒体中心2023年度部门决算公开");
    for (let i = 0; i < 60; i++) {
      const res = await query(limited, f.applicationNo, wrongCode(f.queryCode, i), `10.4.${Math.floor(i / 200)}.${i % 200}`);
      expect(res.status).toBe(404);
    }
    // Before, the number was locked for everyone for the hour after 50; the code's length stops guessing now.
    expect((await query(limited, f.applicationNo, f.queryCode, "10.4.9.2")).status).toBe(200);
  });

  it("a missing or oversized query code is a 400 with a Chinese message, not a guess", async () => {
    const f = await file(limited, "张店区融媒体中心2022年度采编人员培训情况");
    const missing = await request(limited.server).get(`/api/applications/${f.applicationNo}`).set("X-Forwarded-For", "10.5.0.1");
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("VALIDATION.INVALID_INPUT");
    expect(missing.body.error.details).toEqual([{ field: "queryCode", message: "请填写查询码" }]);
    const long = await query(limited, f.applicationNo, "1".repeat(200), "10.5.0.1");
    expect(long.status).toBe(400);
    expect(long.body.error.details).toEqual([{ field: "queryCode", message: "查询码格式不正确" }]);
  });
});

describe("constant work", () => {
  /** Counts key-value calls by method, SQL statements and hash comparisons during `fn`. */
  async function countWork(env: TestEnv, fn: () => Promise<unknown>) {
    const kvCalls: string[] = [];
    const kv = env.ctx.kv as unknown as Record<string, (...a: unknown[]) => unknown> & { client: { sendCommand(c: { name: string }): unknown } };
    // The per-client limiter (src/infra/rate-limiter.ts) talks to Redis directly: its commands are counted too.
    const redis = jest.spyOn(kv.client, "sendCommand");
    const spies = (["get", "set", "setIfAbsent", "incr", "del", "ttl"] as const).map((m) =>
      jest.spyOn(kv, m).mockImplementation(function (this: unknown, ...args: unknown[]) {
        kvCalls.push(m);
        return (Object.getPrototypeOf(kv)[m] as (...a: unknown[]) => unknown).apply(kv, args);
      }),
    );
    const sql = jest.spyOn(PostgresQueryRunner.prototype, "query");
    const compare = jest.spyOn(crypto, "timingSafeEqual");
    try {
      await fn();
      return { kv: kvCalls.join(","), redis: redis.mock.calls.map(([c]) => c.name).join(","), sql: sql.mock.calls.length, compares: compare.mock.calls.length };
    } finally {
      redis.mockRestore();
      for (const s of spies) s.mockRestore();
      sql.mockRestore();
      compare.mockRestore();
    }
  }

  it("a real number with a wrong code and an unknown number cost the same key-value calls, SQL statements and one hash comparison each", async () => {
    const f = await file(roomy, "张店区融媒体中心2025年度网站运维费用");
    const real = await countWork(roomy, () => query(roomy, f.applicationNo, wrongCode(f.queryCode), "10.6.0.1").expect(404));
    const unknown = await countWork(roomy, () => query(roomy, unfiledNumber(f), wrongCode(f.queryCode), "10.6.0.2").expect(404));
    // limiter read (multi get+pttl), one failure counted (evalsha)
    expect(real).toEqual({ kv: "", redis: "multi,get,pttl,exec,evalsha", sql: 1, compares: 1 });
    expect(unknown).toEqual(real);
    // The right code reads the same, skips the failure counters and then loads the application.
    const right = await countWork(roomy, () => query(roomy, f.applicationNo, f.queryCode, "10.6.0.3").expect(200));
    expect(right).toEqual({ kv: "", redis: "multi,get,pttl,exec", sql: 2, compares: 1 });
  });

  it("takes the same time: medians of 150 interleaved samples each agree within a generous tolerance", async () => {
    const f = await file(roomy, "张店区融媒体中心2025年度宣传经费");
    const none = unfiledNumber(f);
    const real: number[] = [];
    const unknown: number[] = [];
    const timed = async (no: string, i: number) => {
      const t = process.hrtime.bigint();
      await query(roomy, no, wrongCode(f.queryCode, i), `10.7.${i % 250}.${Math.floor(i / 250) + (no === none ? 100 : 1)}`).expect(404);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    for (let i = 0; i < 20; i++) await timed(i % 2 ? f.applicationNo : none, i); // warm-up
    for (let i = 0; i < 150; i++) {
      // Alternate which one goes first, so drift in machine load falls on both alike.
      if (i % 2) {
        real.push(await timed(f.applicationNo, i));
        unknown.push(await timed(none, i));
      } else {
        unknown.push(await timed(none, i));
        real.push(await timed(f.applicationNo, i));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [a, b] = [median(real), median(unknown)];
    // Generous on purpose (a shared 2-core machine): the exact proof is the work count above; this catches
    // a gross difference such as an extra query or a slow hash on one path only. Close means within 50 %,
    // or within 1 ms when the requests are so fast that 50 % is noise.
    expect({ real: a, unknown: b, close: Math.max(a, b) / Math.min(a, b) < 1.5 || Math.abs(a - b) < 1 }).toMatchObject({ close: true });
  });
});

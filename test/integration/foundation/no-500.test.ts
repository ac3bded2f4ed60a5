// A bad request never becomes a 500: every route of every module, anonymous and as an admin, gets malformed
// and mistyped input and must answer below 500.
import request from "supertest";
import { createTestEnv, staffToken, type TestEnv } from "../../helpers/test-context";

interface RouteInfo {
  method: string;
  path: string;
}

function allRoutes(env: TestEnv): RouteInfo[] {
  const seen = new Set<string>();
  const out: RouteInfo[] = [];
  for (const m of env.app.modules) {
    for (const router of m.routes?.() ?? []) {
      for (const layer of router.stack as Array<{ path: string; methods: string[] }>) {
        for (const method of layer.methods) {
          if (!["GET", "POST", "PUT", "PATCH", "DELETE"].includes(method)) continue;
          const path = layer.path.replace(/:(\w+)/g, "x1");
          const key = `${method} ${path}`;
          if (!seen.has(key) && !path.includes("(")) {
            seen.add(key);
            out.push({ method, path });
          }
        }
      }
    }
  }
  return out;
}

const BAD_BODIES: Array<[string, string]> = [
  ["application/json", '{"broken": '],
  ["application/json", "[1,2,3]"],
  ["application/json", JSON.stringify({ applicant: "x", description: 42, year: "二〇一九", page: -1, workingDays: "many", text: null, userId: {} })],
  ["application/json", "null"],
  ["text/xml", "<xml><unclosed>"],
  ["application/x-www-form-urlencoded", "a=%E4%B8&b[c]=1"],
];

describe("no route answers a bad request with 500", () => {
  let env: TestEnv;
  let admin: string;
  let routes: RouteInfo[];
  beforeAll(async () => {
    env = await createTestEnv({ db: "postgres", env: { WECHAT_TOKEN: "test-token-123", WECHAT_APPID: "wx0000000000000001" } });
    admin = await staffToken(env, "admin");
    routes = allRoutes(env);
  });
  afterAll(() => env.close());

  it("finds the routes of every feature", () => {
    const paths = routes.map((r) => r.path).join("\n");
    for (const p of ["/api/applications", "/api/staff/applications", "/api/reports", "/api/catalogue", "/api/chat", "/wechat", "/console"]) {
      expect(paths).toContain(p);
    }
  });

  it("answers every route below 500 for malformed and mistyped input", async () => {
    const failures: string[] = [];
    for (const route of routes) {
      for (const auth of [null, admin]) {
        const variants = route.method === "GET" || route.method === "DELETE" ? [["", ""]] : BAD_BODIES;
        for (const [type, body] of variants) {
          let req = request(env.server)[route.method.toLowerCase() as "get"](`${route.path}?page=-5&year=abc&q=%00&format=exe&queryCode=`);
          if (auth) req = req.set("Authorization", `Bearer ${auth}`);
          if (type) req = req.set("Content-Type", type).send(body);
          const res = await req.catch((e: Error) => ({ status: 599, body: { transport: e.message } }));
          if (res.status >= 500)
            failures.push(
              `${route.method} ${route.path} [${auth ? "admin" : "anon"}] ${type} ${body.slice(0, 30)} → ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

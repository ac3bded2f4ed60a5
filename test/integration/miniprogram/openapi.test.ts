// /api/openapi.json against the routers themselves: every mini-program route is documented with its
// method and path, every documented operation exists, and the request schemas in the document are the
// ones the routes validate with (the same zod objects, converted; and an invalid request is refused by
// the route with exactly the fields that schema names).
import request from "supertest";
import { declaredRoutes, type ApiSpec } from "../../../src/modules/miniprogram/api-route";
import { openApiPath, requestJsonSchema } from "../../../src/modules/miniprogram/openapi";
import { startWechatStandin, type WechatStandin } from "../conversation/wechat-standin";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";

let env: TestEnv;
let wx: WechatStandin;
let doc: {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string; required: boolean; schema: unknown }>;
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, unknown>;
        security?: unknown[];
      }
    >
  >;
};
let token: string;

beforeAll(async () => {
  wx = await startWechatStandin();
  env = await createTestEnv({
    db: "postgres",
    env: { WECHAT_API_BASE_URL: wx.url, MINIPROGRAM_APPID: "wxmp", MINIPROGRAM_SECRET: "s", MINIPROGRAM_STATUS_TEMPLATE_ID: "tpl" },
  });
  const res = await request(env.server).get("/api/openapi.json");
  expect(res.status).toBe(200);
  doc = res.body;
  token = (await request(env.server).post("/api/miniprogram/login").send({ code: "openapi" })).body.token;
});
afterAll(async () => {
  await env.close();
  await wx.close();
});

/** Every route the modules mount, as "METHOD /path" (HEAD left out). */
function mounted(): Set<string> {
  const out = new Set<string>();
  for (const m of env.app.modules) {
    for (const router of m.routes?.() ?? []) {
      for (const layer of router.stack as Array<{ methods: string[]; path: string }>) {
        if (!layer.methods.length || layer.methods.length > 10) continue;
        for (const method of layer.methods) if (method !== "HEAD") out.add(`${method} ${layer.path}`);
      }
    }
  }
  return out;
}

const documented = () => Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
const specFor = (method: string, path: string) => declaredRoutes().find((s) => s.method === method && openApiPath(s.path) === path)!;

it("is an OpenAPI 3.1 document", () => {
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(10);
});

it("documents every mini-program route the routers mount, with its method and path", () => {
  const mp = [...mounted()].filter((r) => r.split(" ")[1].startsWith("/api/miniprogram/"));
  expect(mp.length).toBeGreaterThanOrEqual(12);
  const docs = new Set(documented());
  expect(mp.map((r) => `${r.split(" ")[0]} ${openApiPath(r.split(" ")[1])}`).filter((r) => !docs.has(r))).toEqual([]);
});

it("documents nothing the routers do not mount", () => {
  const real = new Set([...mounted()].map((r) => `${r.split(" ")[0]} ${openApiPath(r.split(" ")[1])}`));
  expect(documented().filter((r) => !real.has(r))).toEqual([]);
});

it("carries, for each route, the JSON Schema of the very zod schema the route validates with", () => {
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      const spec = specFor(m.toUpperCase(), p);
      expect(spec).toBeDefined();
      if (spec.body) expect(op.requestBody!.content["application/json"].schema).toEqual(requestJsonSchema(spec.body));
      if (spec.multipart)
        expect(op.requestBody!.content["multipart/form-data"].schema).toMatchObject({
          properties: { ...(requestJsonSchema(spec.multipart) as { properties: object }).properties, file: { format: "binary" } },
        });
      for (const [where, obj] of [
        ["path", spec.params],
        ["query", spec.query],
      ] as const) {
        for (const [name, field] of Object.entries(obj?.shape ?? {})) {
          const param = op.parameters?.find((x) => x.name === name && x.in === where);
          expect(param?.schema).toEqual(requestJsonSchema(field as never));
        }
      }
      // Path parameters of the URL are all declared.
      for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]))
        expect(op.parameters?.some((x) => x.name === name && x.in === "path" && x.required)).toBe(true);
      expect(Boolean(op.security)).toBe(spec.auth === "mp");
      expect(op.responses["400"]).toBeDefined();
    }
  }
});

/** One invalid request per route that takes input: the route must refuse it naming the schema's fields. */
const INVALID: Record<string, { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; multipart?: Record<string, string> }> = {
  "POST /api/miniprogram/login": { body: {} },
  "POST /api/miniprogram/applications": { body: { applicant: { category: "natural_person" }, description: "短" } },
  "GET /api/miniprogram/applications/:applicationNo": { params: { applicationNo: "no such<>" } },
  "POST /api/miniprogram/applications/:applicationNo/attachments": { params: { applicationNo: "bad<>no" } },
  "GET /api/miniprogram/status": { query: { applicationNo: "<x>" } },
  "GET /api/miniprogram/guide": { query: { agency: "NOT VALID" } },
  "GET /api/miniprogram/catalogue": { query: { year: "20x9", page: "one" } },
  "GET /api/miniprogram/reports": { query: { agency: "../etc" } },
  "GET /api/miniprogram/reports/:year": { params: { year: "19" } },
  "POST /api/miniprogram/subscriptions": { body: { results: { tpl: "maybe" } } },
  "POST /api/chat": { body: { text: "" } },
};

it("refuses an invalid request on every route with input, naming exactly the fields its declared schema refuses", async () => {
  const withInput = declaredRoutes().filter((s) => s.body || s.query || s.params || s.multipart);
  expect(withInput.map((s) => `${s.method} ${s.path}`).sort()).toEqual(Object.keys(INVALID).sort());
  for (const spec of withInput) {
    const bad = INVALID[`${spec.method} ${spec.path}`];
    const expected = expectedFields(spec, bad);
    expect(expected.length).toBeGreaterThan(0);
    let path = spec.path;
    for (const [k, v] of Object.entries(bad.params ?? {})) path = path.replace(`:${k}`, encodeURIComponent(v));
    const agent = request(env.server);
    const verb = spec.method.toLowerCase() as "get" | "post";
    let req = agent[verb](path).query(bad.query ?? {});
    if (spec.auth === "mp") req = req.set("Authorization", `Bearer ${token}`);
    const res = spec.method === "GET" ? await req : await req.send((bad.body as object) ?? {});
    expect([spec.path, res.status]).toEqual([spec.path, 400]);
    expect([spec.path, (res.body.error.details as Array<{ field: string }>).map((d) => d.field).sort()]).toEqual([spec.path, expected]);
  }
});

function expectedFields(spec: ApiSpec, bad: (typeof INVALID)[string]): string[] {
  // The route checks params first, then the query, then the body: the first part that fails is reported.
  for (const [schema, input] of [
    [spec.params, bad.params],
    [spec.query, bad.query],
    [spec.body, bad.body],
  ] as const) {
    if (!schema) continue;
    const r = schema.safeParse(input ?? {});
    if (!r.success) return r.error.issues.map((i) => i.path.join(".") || "(body)").sort();
  }
  return [];
}

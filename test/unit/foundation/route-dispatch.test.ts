// routeDispatch (issue 18) runs only the routers that know a path: every answer — handler, 404, 405 for a
// known path with another method, 501 for an unknown method, OPTIONS' Allow, HEAD — is the one the routers
// mounted one after another give, and a router that does not know the path never runs.
import http from "node:http";
import Koa from "koa";
import Router from "@koa/router";
import request from "supertest";
import { routeDispatch } from "../../../src/http/route-dispatch";

function routers(ran: string[]) {
  const a = new Router();
  a.use(async (ctx, next) => {
    ran.push(`a-mw ${ctx.path}`);
    await next();
  });
  a.get("/a", (ctx) => (ctx.body = "a get"));
  a.post("/a", (ctx) => (ctx.body = "a post"));
  const b = new Router({ prefix: "/api/b" });
  b.get("/:id", (ctx) => (ctx.body = `b ${ctx.params.id}`));
  const c = new Router();
  c.put("/a", (ctx) => (ctx.body = "c put"));
  c.get("/c/{*rest}", (ctx) => (ctx.body = `c ${ctx.params.rest ?? ""}`));
  return [a, b, c];
}

function apps() {
  const ranChained: string[] = [];
  const chained = new Koa();
  for (const r of routers(ranChained)) chained.use(r.routes()).use(r.allowedMethods());
  const ranDispatched: string[] = [];
  const dispatched = new Koa();
  dispatched.use(routeDispatch(routers(ranDispatched)));
  return { chained: http.createServer(chained.callback()), dispatched: http.createServer(dispatched.callback()), ranChained, ranDispatched };
}

const cases: Array<[string, string]> = [
  ["GET", "/a"],
  ["POST", "/a"],
  ["PUT", "/a"],
  ["DELETE", "/a"],
  ["OPTIONS", "/a"],
  ["HEAD", "/a"],
  ["PROPFIND", "/a"],
  ["PROPFIND", "/nowhere"],
  ["GET", "/nowhere"],
  ["GET", "/api/b/42"],
  ["POST", "/api/b/42"],
  ["GET", "/API/B/42"],
  ["GET", "/a/"],
  ["GET", "/c/x/y"],
  ["GET", "/c/"],
];

describe("routeDispatch", () => {
  const { chained, dispatched, ranChained, ranDispatched } = apps();
  afterAll(() => {
    chained.close();
    dispatched.close();
  });

  it.each(cases)("answers %s %s as the chained routers do", async (method, path) => {
    const verb = method.toLowerCase() as "get";
    const send = (server: http.Server) => {
      const agent = request(server);
      return agent[verb](path).ok(() => true);
    };
    const [x, y] =
      method === "PROPFIND" ? await Promise.all([propfind(chained, path), propfind(dispatched, path)]) : await Promise.all([send(chained), send(dispatched)]);
    expect({ status: y.status, text: y.text, allow: y.headers.allow }).toEqual({ status: x.status, text: x.text, allow: x.headers.allow });
  });

  it("runs a router's middleware only when the router knows the path, as before", async () => {
    ranChained.length = 0;
    ranDispatched.length = 0;
    for (const path of ["/a", "/api/b/1", "/nowhere"]) {
      await request(chained).get(path);
      await request(dispatched).get(path);
    }
    expect(ranDispatched).toEqual(ranChained);
  });
});

/** supertest has no PROPFIND helper: a raw request. */
function propfind(server: http.Server, path: string): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const listening = server.listening ? Promise.resolve() : new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    void listening.then(() => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      const req = http.request({ host: "127.0.0.1", port, method: "PROPFIND", path }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      });
      req.on("error", reject);
      req.end();
    });
  });
}

// Runs only the routers that can answer a request's path (issue 18). Mounted one after another, every router
// ran for every request — its match over all its routes, its not-found event, its allowedMethods — about forty
// middleware deep before the webhook's handler. Here the routers whose routes (or router middleware) match the
// path are found once per path (remembered for the most recent paths) and only they run, in their order, each
// with its allowedMethods. A router none of whose layers matches the path contributes nothing to the answer
// (no handler, no allowed method), so the result is the same; a path no router knows runs them all as before
// (their not-found bookkeeping is what makes an unknown method 501 → 405).
import type Router from "@koa/router";
import type { Middleware, Next } from "koa";

/** Distinct request paths whose router selection is remembered (oldest out first). */
const REMEMBERED_PATHS = 2000;

/** The middleware one after another, as koa.use would run them. */
function sequence(middleware: readonly Middleware[]): Middleware {
  return (ctx, next: Next) => {
    const run = (i: number): Promise<unknown> => (i === middleware.length ? next() : Promise.resolve(middleware[i](ctx, () => run(i + 1))));
    return run(0);
  };
}

export function routeDispatch(routers: readonly Router[]): Middleware {
  const entries = routers.map((router) => ({ router, middleware: sequence([router.routes() as Middleware, router.allowedMethods() as Middleware]) }));
  const all = sequence(entries.map((e) => e.middleware));
  const byPath = new Map<string, Middleware>();
  const select = (path: string): Middleware => {
    const hits = entries.filter((e) => e.router.stack.some((layer) => layer.match(path)));
    if (!hits.length || hits.length === entries.length) return all;
    return hits.length === 1 ? hits[0].middleware : sequence(hits.map((h) => h.middleware));
  };
  return (ctx, next) => {
    const path = ctx.path;
    let chain = byPath.get(path);
    if (!chain) {
      chain = select(path);
      if (byPath.size >= REMEMBERED_PATHS) byPath.delete(byPath.keys().next().value!);
      byPath.set(path, chain);
    }
    return chain(ctx, next);
  };
}

// The Koa application: request ids, access log, error mapping, security headers, body limits, routes.
import Koa from "koa";
import { bodyParser } from "@koa/bodyparser";
import cors from "@koa/cors";
import helmet from "koa-helmet";
import type { Composition } from "../composition";
import { errorMiddleware } from "./error-middleware";
import { noStoreByDefault } from "./no-store";
import { healthRoutes } from "./health";
import { rejectNulCharacters } from "./reject-nul";
import { requestContext } from "./request-context";
import { routeDispatch } from "./route-dispatch";

export function buildApp({ ctx: app, modules }: Composition): Koa {
  const koa = new Koa({ proxy: app.config.TRUST_PROXY, maxIpsCount: app.config.TRUST_PROXY_HOPS });
  koa.silent = true;
  koa.use(requestContext(app.logger));
  koa.use(errorMiddleware);
  koa.use(noStoreByDefault);
  koa.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
        },
      },
    }),
  );
  const origins =
    app.config.CORS_ORIGINS?.split(",")
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  if (origins.length) {
    koa.use(cors({ origin: (ctx) => (origins.includes(ctx.get("Origin")) ? ctx.get("Origin") : "") }));
  }
  koa.use(
    bodyParser({
      enableTypes: ["json", "form", "text", "xml"],
      jsonLimit: app.config.BODY_LIMIT,
      formLimit: app.config.BODY_LIMIT,
      textLimit: app.config.BODY_LIMIT,
      xmlLimit: app.config.BODY_LIMIT,
      encoding: "utf-8",
    }),
  );
  koa.use(rejectNulCharacters);
  const routers = [healthRoutes(app), ...modules.flatMap((m) => m.routes?.() ?? [])];
  // Only the routers that know the request's path run (route-dispatch.ts), in this order.
  koa.use(routeDispatch(routers));
  return koa;
}

// One declaration per documented API route: method, path, the zod schemas of its parameters, query and
// body, and what it answers. apiRoute() mounts the route AND validates with exactly those schemas, and the
// OpenAPI document (openapi.ts) is generated from the same declarations, so the document cannot drift from
// what the route accepts (test/integration/miniprogram/openapi.test.ts checks it against the routers).
import type Router from "@koa/router";
import type { Context } from "koa";
import type { z } from "zod";
import type { AppContext } from "../../context";
import { parseInput } from "../../http/validate";
import { requireMpUser } from "./mp-session";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ApiSpec {
  method: HttpMethod;
  /** Koa-router path (":param"). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** "mp": a mini-program session token (Authorization: Bearer); "none": anonymous. */
  auth: "mp" | "none";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** multipart/form-data: the text fields' schema; the file travels in the field "file". */
  multipart?: z.ZodObject;
  /** Request headers the route reads (name → description). */
  headers?: Record<string, string>;
  /** Success status and the schema of its JSON body. */
  success: { status: number; description: string; schema?: z.ZodType };
  /** Error statuses this route may answer beyond 400/401/429/503 (status → description). */
  errors?: Record<number, string>;
}

export interface ApiInput {
  /** The signed-in mini-program user (auth "mp"); "" on anonymous routes. */
  openId: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

/** Every declared route, by "METHOD path"; re-declaring (a second app in one process) replaces the entry. */
const registry = new Map<string, ApiSpec>();

export function declaredRoutes(): ApiSpec[] {
  return [...registry.values()];
}

/** Records a route mounted elsewhere (e.g. the chat API in the conversation module) for the document. */
export function declare(spec: ApiSpec): void {
  registry.set(`${spec.method} ${spec.path}`, spec);
}

function firstValues(q: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

/** Mounts a declared route: parameters, query and JSON body are parsed with the declared schemas first. */
export function apiRoute(app: AppContext, router: Router, spec: ApiSpec, handler: (ctx: Context, input: ApiInput) => Promise<void>): void {
  declare(spec);
  const method = spec.method.toLowerCase() as "get" | "post" | "put" | "delete";
  router[method](spec.path, async (ctx) => {
    // Who asks comes before what they asked: a request without a session is 401 whatever its body.
    const openId = spec.auth === "mp" ? await requireMpUser(app, ctx) : "";
    const params = spec.params ? parseInput(spec.params, ctx.params) : {};
    const query = spec.query ? parseInput(spec.query, firstValues(ctx.query as Record<string, unknown>)) : {};
    const body = spec.body ? parseInput(spec.body, ctx.request.body) : undefined;
    await handler(ctx, { openId, params: params as Record<string, unknown>, query: query as Record<string, unknown>, body });
  });
}

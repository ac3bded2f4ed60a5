// The OpenAPI 3.1 document of the mini-program API, generated at start from the route declarations
// (api-route.ts) with zod 4's own z.toJSONSchema: the schemas in the document are the ones the routes
// validate with, converted by the library that validates. Served at GET /api/openapi.json.
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../context";
import { declaredRoutes, type ApiSpec } from "./api-route";

type Json = Record<string, unknown>;

/** JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a client sends for this schema. */
export function requestJsonSchema(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

function responseJsonSchema(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Json;
  return rest;
}

export const openApiPath = (koaPath: string) => koaPath.replace(/:(\w+)/g, "{$1}");

const errorSchema = {
  type: "object",
  properties: {
    error: {
      type: "object",
      properties: {
        code: { type: "string", description: "稳定的错误代码，如 VALIDATION.INVALID_INPUT" },
        message: { type: "string", description: "给用户看的中文说明（说明如何改正）" },
        details: { description: "字段错误时为 [{field, message}]" },
      },
      required: ["code", "message"],
    },
  },
  required: ["error"],
};

function parameters(spec: ApiSpec): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [
    ["path", spec.params],
    ["query", spec.query],
  ] as const) {
    if (!obj) continue;
    for (const [name, field] of Object.entries(obj.shape)) {
      const f = field as z.ZodType;
      out.push({ name, in: where, required: where === "path" || !f.safeParse(undefined).success, schema: requestJsonSchema(f) });
    }
  }
  for (const [name, description] of Object.entries(spec.headers ?? {}))
    out.push({ name, in: "header", required: false, description, schema: { type: "string", maxLength: 200 } });
  return out;
}

function operation(spec: ApiSpec): Json {
  const op: Json = {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: `${spec.method.toLowerCase()}${openApiPath(spec.path).replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
  };
  if (spec.description) op.description = spec.description;
  const params = parameters(spec);
  if (params.length) op.parameters = params;
  if (spec.body) op.requestBody = { required: true, content: { "application/json": { schema: requestJsonSchema(spec.body) } } };
  if (spec.multipart) {
    const fields = requestJsonSchema(spec.multipart) as { properties?: Json; required?: string[] };
    op.requestBody = {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            ...fields,
            properties: { ...(fields.properties ?? {}), file: { type: "string", format: "binary", description: "JPG、PNG 或 PDF" } },
            required: [...(fields.required ?? []), "file"],
          },
        },
      },
    };
  }
  if (spec.auth === "mp") op.security = [{ miniprogramSession: [] }];
  const err = (description: string) => ({ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
  const responses: Json = {
    [String(spec.success.status)]: {
      description: spec.success.description,
      ...(spec.success.schema ? { content: { "application/json": { schema: responseJsonSchema(spec.success.schema) } } } : {}),
    },
    400: err("请求内容有误（字段错误列在 details）"),
    429: err("过于频繁"),
    503: err("服务暂时繁忙，请稍后重试"),
  };
  if (spec.auth === "mp") responses[401] = err("未登录或登录已失效：重新 wx.login 并调用登录接口");
  for (const [status, description] of Object.entries(spec.errors ?? {})) responses[status] = err(description);
  op.responses = responses;
  return op;
}

export function openApiDocument(app: AppContext): Json {
  const paths: Record<string, Json> = {};
  for (const spec of declaredRoutes().sort((a, b) => a.path.localeCompare(b.path))) {
    const p = openApiPath(spec.path);
    paths[p] = { ...(paths[p] ?? {}), [spec.method.toLowerCase()]: operation(spec) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "政府信息公开 小程序接口",
      version: "1",
      description:
        "小程序后端：登录、我的申请、提交申请和附件、查询、指南、目录、年度报告、订阅消息。错误统一为 {error: {code, message, details?}}，message 为中文。",
    },
    servers: [{ url: app.config.PUBLIC_BASE_URL ?? "/" }],
    tags: [
      { name: "account", description: "登录与通知" },
      { name: "applications", description: "我的申请、提交、附件、查询" },
      { name: "information", description: "指南、目录、年度报告" },
      { name: "notifications", description: "订阅消息授权" },
    ],
    paths,
    components: {
      securitySchemes: { miniprogramSession: { type: "http", scheme: "bearer", description: "POST /api/miniprogram/login 返回的 token" } },
      schemas: { Error: errorSchema },
    },
  };
}

export function openApiRoutes(app: AppContext): Router {
  const r = new Router();
  let cached: Json | null = null;
  r.get("/api/openapi.json", async (ctx) => {
    cached ??= openApiDocument(app);
    ctx.set("Cache-Control", "public, max-age=300");
    ctx.body = cached;
  });
  return r;
}

// Refuses requests carrying NUL characters (U+0000) in the URL or the parsed body with a 400 naming the
// field: PostgreSQL cannot store NUL in text, so without this check the same input failed deep inside a
// query as a 500, after part of the work was done.
import type { Context, Next } from "koa";
import { ValidationError } from "../domain/errors";

const MESSAGE = "内容包含无法识别的空字符（\\0），请删除后重试";

/** Path of the first string under `value` that holds a NUL, or null. */
function nulField(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (depth > 20 || !value || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes("\u0000")) return path ? `${path}.${k.replace(/\u0000/g, "")}` : k.replace(/\u0000/g, "");
    const hit = nulField(v, path ? `${path}.${k}` : k, depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}

/** Throws the 400 when the request's URL or parsed body holds a NUL. */
export function assertNoNul(ctx: Context): void {
  const field = /%00/i.test(ctx.url) ? "(url)" : nulField(ctx.request.body, "");
  if (field !== null) throw new ValidationError([{ field: field || "(body)", message: MESSAGE }]);
}

export async function rejectNulCharacters(ctx: Context, next: Next): Promise<void> {
  // The console checks inside its own guard, so the refusal comes back as a page or a form message, not JSON.
  if (ctx.path !== "/console" && !ctx.path.startsWith("/console/")) assertNoNul(ctx);
  await next();
}

// Static files served by name from a fixed table (console and portal assets): read once, sent with an ETag and
// short public caching; no directory is ever read from the request, so nothing outside the table is reachable.
import { createHash } from "node:crypto";
import fs from "node:fs";
import type Router from "@koa/router";

export interface StaticAsset {
  body: Buffer;
  type: string;
  etag: string;
}

export function loadAsset(file: string, type: string): StaticAsset {
  const body = fs.readFileSync(file);
  return { body, type, etag: `"${createHash("sha1").update(body).digest("base64url").slice(0, 16)}"` };
}

/** GET <path>/:name from the table `files()` builds on first use. */
export function staticAssetRoute(r: Router, routePath: string, files: () => Record<string, StaticAsset>): void {
  let cache: Record<string, StaticAsset> | null = null;
  r.get(routePath, async (ctx) => {
    cache ??= files();
    // Own keys only: "constructor", "__proto__" or "toString" would otherwise find Object.prototype's members.
    const a = Object.hasOwn(cache, ctx.params.name) ? cache[ctx.params.name] : undefined;
    if (!a) {
      ctx.status = 404;
      ctx.body = "not found";
      return;
    }
    ctx.set("ETag", a.etag);
    ctx.set("Cache-Control", "public, max-age=300");
    if (ctx.get("If-None-Match") === a.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = a.type;
    ctx.body = a.body;
  });
}

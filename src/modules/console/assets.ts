// Static assets of the console, read once and served with an ETag: our stylesheet and script, and
// Chart.js straight from node_modules (no build step, no CDN — the CSP allows only same-origin scripts).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Router from "@koa/router";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function assetDir(): string {
  const here = path.join(__dirname, "assets");
  return fs.existsSync(here) ? here : path.resolve("src/modules/console/assets");
}

function chartFile(): string {
  // chart.js does not export its dist folder; its main entry sits next to the UMD bundle.
  return path.join(path.dirname(require.resolve("chart.js")), "chart.umd.min.js");
}

const load = (file: string, type: string): Asset => {
  const body = fs.readFileSync(file);
  return { body, type, etag: `"${createHash("sha1").update(body).digest("base64url").slice(0, 16)}"` };
};

let cache: Record<string, Asset> | null = null;
function assets(): Record<string, Asset> {
  cache ??= {
    "console.css": load(path.join(assetDir(), "console.css"), "text/css; charset=utf-8"),
    "console.js": load(path.join(assetDir(), "console.js"), "application/javascript; charset=utf-8"),
    "chart.umd.js": load(chartFile(), "application/javascript; charset=utf-8"),
  };
  return cache;
}

export function assetRoutes(r: Router): void {
  r.get("/assets/:name", async (ctx) => {
    // Own keys only: "constructor", "__proto__" or "toString" would otherwise find Object.prototype's members.
    const all = assets();
    const a = Object.hasOwn(all, ctx.params.name) ? all[ctx.params.name] : undefined;
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

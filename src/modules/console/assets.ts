// Static assets of the console, read once and served with an ETag: our stylesheet and script, and
// Chart.js straight from node_modules (no build step, no CDN — the CSP allows only same-origin scripts).
import fs from "node:fs";
import path from "node:path";
import type Router from "@koa/router";
import { loadAsset, staticAssetRoute } from "../../http/static-assets";

function assetDir(): string {
  const here = path.join(__dirname, "assets");
  return fs.existsSync(here) ? here : path.resolve("src/modules/console/assets");
}

function chartFile(): string {
  // chart.js does not export its dist folder; its main entry sits next to the UMD bundle.
  return path.join(path.dirname(require.resolve("chart.js")), "chart.umd.min.js");
}

export function assetRoutes(r: Router): void {
  staticAssetRoute(r, "/assets/:name", () => ({
    "console.css": loadAsset(path.join(assetDir(), "console.css"), "text/css; charset=utf-8"),
    "console.js": loadAsset(path.join(assetDir(), "console.js"), "application/javascript; charset=utf-8"),
    "chart.umd.js": loadAsset(chartFile(), "application/javascript; charset=utf-8"),
  }));
}

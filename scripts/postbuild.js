// After tsc: copy the non-TypeScript files the compiled code reads next to itself (console and portal assets) and
// point dist/config at the config folder, so `node dist/src/main.js` finds what `tsx src/main.ts` finds.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
for (const m of ["console", "portal"]) {
  fs.cpSync(path.join(root, `src/modules/${m}/assets`), path.join(root, `dist/src/modules/${m}/assets`), { recursive: true });
}
const link = path.join(root, "dist/config");
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync("../config", link, "dir");
console.log("postbuild: console and portal assets copied, dist/config -> ../config");

// After tsc: copy the non-TypeScript files the compiled code reads next to itself (console assets) and
// point dist/config at the config folder, so `node dist/src/main.js` finds what `tsx src/main.ts` finds.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
fs.cpSync(path.join(root, "src/modules/console/assets"), path.join(root, "dist/src/modules/console/assets"), { recursive: true });
const link = path.join(root, "dist/config");
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync("../config", link, "dir");
console.log("postbuild: console assets copied, dist/config -> ../config");

// `npm test`'s static checks side by side: the type check (tsc) and the lint (ESLint + Prettier) are independent
// single-threaded tools, so on two cores they run at once; each one's output is printed whole when it ends, and
// the exit code is non-zero when either fails (jest runs only after both pass).
const { spawn } = require("node:child_process");

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const checks = [
  ["typecheck", [npm, ["run", "--silent", "typecheck"]]],
  ["lint", [npm, ["run", "--silent", "lint"]]],
];

function run([name, [cmd, args]]) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => {
      process.stdout.write(`> ${name}: ${code === 0 ? "passed" : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      if (out.trim()) process.stdout.write(out.endsWith("\n") ? out : `${out}\n`);
      resolve(code === 0);
    });
  });
}

Promise.all(checks.map(run)).then((ok) => process.exit(ok.every(Boolean) ? 0 : 1));

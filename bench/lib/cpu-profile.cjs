// Preloaded into the benchmarked server with NODE_OPTIONS=--require (which, unlike --cpu-prof, NODE_OPTIONS
// allows): profiles the whole process with the inspector and writes a .cpuprofile to BENCH_CPU_PROF_DIR at exit
// (open it in Chrome DevTools or summarise it with bench/lib/profile-summary.ts). SIGUSR2 throws away what was
// sampled so far and starts again: a benchmark sends it after its warm-up, so the profile holds the steady state
// only (no module loading, no JIT warm-up).
const inspector = require("node:inspector");
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  process.on("SIGUSR2", () => {
    session.post("Profiler.stop", () => session.post("Profiler.start"));
  });
  // The in-thread session answers synchronously, so this works inside the synchronous "exit" event.
  process.on("exit", () => {
    session.post("Profiler.stop", (err, r) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
    });
  });
}

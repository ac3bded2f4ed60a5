// Which Chromium the browser tests drive, decided in one place: CHROMIUM_PATH when set, else a system Chromium
// when one is installed, else the Chromium that npm ci brought inside @sparticuz/chromium. Chinese text needs a
// CJK font: a fontconfig file made here adds the Noto Sans SC font of @embedpdf/fonts-sc to whatever fonts the
// machine has, so screenshots show characters rather than boxes even where no CJK font is installed.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
  source: "CHROMIUM_PATH" | "system" | "@sparticuz/chromium";
}

const SYSTEM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

// Flags every source gets: no network chatter on a closed machine, no sandbox (tests run as root in CI).
const COMMON_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// @sparticuz/chromium's own list also turns off web security and site isolation (it targets Lambda); the
// console tests check Origin, CSP and cookies, so only the flags the packaged headless shell needs are kept;
// --single-process is dropped too: closing one browser context in it brings the whole browser down.
const PACKAGED_KEEP =
  /^--(headless|no-zygote|in-process-gpu|use-gl|use-angle|enable-unsafe-swiftshader|font-render-hinting|disable-domain-reliability|no-pings|ash-no-nudges)/;

let cached: ChromiumLaunch | undefined;

export function resolveChromium(): ChromiumLaunch {
  if (cached) return cached;
  const env = { ...stringEnv(), FONTCONFIG_FILE: fontconfigFile() };
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    cached = { executablePath: fromEnv, args: COMMON_ARGS, env, source: "CHROMIUM_PATH" };
    return cached;
  }
  const system = SYSTEM_CANDIDATES.find((p) => isExecutable(p));
  if (system) {
    cached = { executablePath: system, args: COMMON_ARGS, env, source: "system" };
    return cached;
  }
  cached = { ...packagedChromium(), env, source: "@sparticuz/chromium" };
  return cached;
}

/** The packaged browser: unpacked to the temp dir on first use. The package is ESM only, so a plain Node child
 * process asks it (jest's CommonJS loader cannot import it). */
function packagedChromium(): { executablePath: string; args: string[] } {
  const script = `import("@sparticuz/chromium").then(async ({ default: c }) => {
    c.setGraphicsMode = false;
    process.stdout.write(JSON.stringify({ executablePath: await c.executablePath(), args: c.args }));
  }).catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ["-e", script], { cwd: path.resolve(__dirname, "../../.."), encoding: "utf8", timeout: 120_000 });
  const { executablePath, args } = JSON.parse(out) as { executablePath: string; args: string[] };
  const kept = args.filter((a) => PACKAGED_KEEP.test(a)).filter((a) => a !== "--disable-gpu");
  return { executablePath, args: [...new Set([...COMMON_ARGS, ...kept])] };
}

/** A fontconfig file: the machine's own configuration (when it has one), the packaged browser's fonts, and
 * the CJK font from npm. */
function fontconfigFile(): string {
  // The package exports only its index, so the folder is found beside it.
  const fontDir = path.resolve(path.dirname(require.resolve("@embedpdf/fonts-sc")), "../fonts");
  const dir = path.join(os.tmpdir(), `ogi-test-fonts-${process.getuid?.() ?? "u"}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "fonts.conf");
  const xml = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${fontDir}</dir>
  <dir>${path.join(os.tmpdir(), "fonts")}</dir>
  <cachedir>${path.join(dir, "cache")}</cachedir>
  <alias><family>sans-serif</family><prefer><family>Noto Sans Hans</family><family>Noto Sans SC</family></prefer></alias>
  <alias><family>serif</family><prefer><family>Noto Sans Hans</family></prefer></alias>
</fontconfig>
`;
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== xml) fs.writeFileSync(file, xml);
  return file;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function stringEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  return out;
}

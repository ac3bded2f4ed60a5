// What the Chinese text stack costs in resident memory (issue 18), measured the same way on any revision: each part
// is loaded ALONE in a fresh process (node --expose-gc --import tsx), warmed up, collected, and its VmRSS read;
// "baseline" is Node + tsx alone. `npx tsx bench/text-memory.ts [runs]` prints each part's median RSS and its
// excess over the baseline. Only entry points that exist before and after the text toolkit (src/text/) are used:
// the catalogue segmenter's jieba()/analyzeQuery/indexTokens and the conversation's sharedUnderstanding().
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const PARTS = ["baseline", "opencc", "pinyin", "jieba", "text-stack", "server-modules", "server-modules+text"] as const;
type Part = (typeof PARTS)[number];

const QUESTIONS = ["怎么申请政府信息公开？", "申請要收費嗎", "行政复议的期限是多少天", "张店区融媒体中心2019年年度报告", "shenqing xinxi gongkai zenme ban"];

/** The text stack as the server uses it: search's jieba with the user dictionary, the bot's understanding. */
async function warmTextStack(): Promise<void> {
  const seg = await import("../src/modules/catalogue/segmenter");
  seg.jieba();
  const { sharedUnderstanding } = await import("../src/modules/conversation/understanding");
  for (const q of QUESTIONS) {
    seg.analyzeQuery(q);
    seg.indexTokens(q);
    sharedUnderstanding().understand(q);
  }
}

async function load(part: Part): Promise<void> {
  switch (part) {
    case "baseline":
      return;
    case "opencc": {
      const OpenCC = await import("opencc-js");
      OpenCC.Converter({ from: "tw", to: "cn" })("政府資訊公開");
      return;
    }
    case "pinyin": {
      const { pinyin } = await import("pinyin-pro");
      pinyin("政府信息公开", { toneType: "none", type: "array" });
      return;
    }
    case "jieba": {
      // One native jieba: the built-in dictionary plus the government user dictionary.
      const { Jieba } = await import("@node-rs/jieba");
      const { dict } = await import("@node-rs/jieba/dict.js");
      const j = Jieba.withDict(dict);
      j.loadDict(fs.readFileSync(path.resolve(__dirname, "../config/jieba-user-dict.txt")));
      j.cut("政府信息公开申请", false);
      return;
    }
    case "text-stack":
      return warmTextStack();
    case "server-modules":
      // Every module the server imports (no database, no requests): the code alone.
      await import("../src/modules");
      await import("../src/http/app");
      return;
    case "server-modules+text":
      await import("../src/modules");
      await import("../src/http/app");
      return warmTextStack();
  }
}

function vmRssMiB(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : Math.round((process.memoryUsage().rss / 1048576) * 10) / 10;
}

function measure(part: Part): number {
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", __filename, part], { encoding: "utf8", cwd: path.resolve(__dirname, "..") });
  const line = r.stdout.trim().split("\n").pop() ?? "";
  const n = Number(line);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`text-memory ${part} failed: ${r.stderr.slice(-2000)}`);
  return n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (require.main === module) {
  const arg = process.argv[2];
  if (arg && (PARTS as readonly string[]).includes(arg)) {
    void load(arg as Part).then(() => {
      (globalThis as { gc?: () => void }).gc?.();
      console.log(vmRssMiB());
    });
  } else {
    const runs = Math.max(1, Number(arg) || 3);
    const rows = PARTS.map((part) => ({ part, runs: Array.from({ length: runs }, () => measure(part)) }));
    const base = median(rows[0].runs);
    for (const r of rows) {
      const m = median(r.runs);
      console.log(`${r.part.padEnd(20)} ${m.toFixed(1).padStart(7)} MiB  (+${(m - base).toFixed(1)} over Node + tsx)  runs: ${r.runs.join(" ")}`);
    }
  }
}

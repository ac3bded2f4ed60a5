// What each text library costs in resident memory (issue 18), each loaded ALONE in a fresh process the way the
// service loads it: `node --import tsx bench/lib/library-memory.ts <part>` prints {rssMiB, heapUsedMiB,
// externalMiB} after loading and a garbage collection; "baseline" loads nothing (Node + tsx). The memory
// benchmark runs every part and reports each one's excess over the baseline.
import { spawnSync } from "node:child_process";
import path from "node:path";

export const PARTS = ["baseline", "jieba-catalogue", "jieba-bot", "opencc", "pinyin", "understanding", "server-modules"] as const;
export type Part = (typeof PARTS)[number];

async function load(part: Part): Promise<void> {
  switch (part) {
    case "baseline":
      return;
    case "jieba-catalogue": {
      // The catalogue's jieba: the built-in dictionary plus the government user dictionary (segmenter.ts).
      const { jieba } = await import("../../src/modules/catalogue/segmenter");
      jieba().cut("政府信息公开申请", false);
      return;
    }
    case "jieba-bot": {
      // The bot's segmenter: jieba's route over the built-in dictionary's bytes plus its domain words
      // (src/text/word-route.ts), not a second native jieba.
      const { wordRoute } = await import("../../src/text/segment");
      wordRoute(["依申请公开"], 200000).cut("政府信息公开申请");
      return;
    }
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
    case "understanding": {
      // All three as the bot uses them: jieba + domain words, OpenCC, the pinyin tables of the synonyms.
      const { sharedUnderstanding } = await import("../../src/modules/conversation/understanding");
      sharedUnderstanding().understand("申情要收费吗");
      return;
    }
    case "server-modules": {
      // Every module the server imports (no database, no requests): the code itself.
      await import("../../src/composition");
      await import("../../src/http/app");
      return;
    }
  }
}

export interface PartMemory {
  part: Part;
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

/** Runs each part in a process of its own and returns what it holds after a full collection. */
export function measureParts(parts: readonly Part[] = PARTS): PartMemory[] {
  return parts.map((part) => {
    const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", path.join(__dirname, "library-memory.ts"), part], {
      encoding: "utf8",
      cwd: path.resolve(__dirname, "../.."),
    });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    try {
      return { part, ...(JSON.parse(line) as Omit<PartMemory, "part">) };
    } catch {
      throw new Error(`library-memory ${part} failed: ${r.stderr.slice(-2000)}`);
    }
  });
}

if (require.main === module) {
  const part = process.argv[2] as Part;
  void load(part).then(() => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
    console.log(JSON.stringify({ rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external) }));
  });
}

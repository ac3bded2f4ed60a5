// The import boundaries of eslint.config.js bite: a pure rule file that imports a server library, infra/, http/ or
// an entity (type imports included) fails `npm run lint`; the same import in a service file passes; wechaty stays
// in bots/. Runs ESLint's Node API on in-memory sources under the real config.
import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "../../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is CommonJS; its list is a property
const config = require(path.join(ROOT, "eslint.config.js")) as ESLint.Options["overrideConfig"] & { PURE_FILES: string[] };
const { PURE_FILES } = config;

// The config is handed over as loaded (ESLint would import() the file, which jest's CommonJS sandbox refuses).
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: config });

/** The restricted-import messages ESLint reports for `code` as if it were the file at `file`. */
async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const PURE = "src/modules/reports/checks.ts";
const SERVICE = "src/modules/reports/report-service.ts";

describe("import boundaries", () => {
  test("a pure rule file may not import typeorm, not even a type", async () => {
    const errors = await importErrors(PURE, 'import type { DataSource } from "typeorm";\nexport type Db = DataSource;\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("'typeorm' import is restricted");
  });

  test.each([
    ["@koa/router", 'import Router from "@koa/router";\nexport const r = Router;\n', "@koa/router"],
    ["a koa type", 'import type { Context } from "koa";\nexport type C = Context;\n', "'koa'"],
    ["ioredis", 'import Redis from "ioredis";\nexport const r = Redis;\n', "'ioredis'"],
    ["infra/", 'import { agencyById } from "../../infra/agencies";\nexport const a = agencyById;\n', "infra/"],
    ["http/", 'import { parseInput } from "../../http/validate";\nexport const p = parseInput;\n', "infra/, http/"],
    ["the context", 'import type { AppContext } from "../../context";\nexport type A = AppContext;\n', "the context"],
    ["an entity type of its module", 'import type { ReportDraft } from "./entities";\nexport type D = ReportDraft;\n', "TypeORM entity"],
    ["a *.entity.ts type", 'import type { StaffRole } from "../../infra/entities/staff-user.entity";\nexport type R = StaffRole;\n', "TypeORM entity"],
  ])("a pure rule file may not import %s", async (_what, code, fragment) => {
    const errors = await importErrors(PURE, code);
    expect(errors.join("\n")).toContain(fragment);
  });

  test("a pure rule file may import plain vocabulary and other rules", async () => {
    const code =
      'import type { DisclosureValues } from "./disclosure-values";\nimport { getFormat } from "./formats";\nexport const f = (v: DisclosureValues) => [v, getFormat];\n';
    expect(await importErrors(PURE, code)).toEqual([]);
  });

  test("a service file may import typeorm and entities", async () => {
    const code =
      'import type { DataSource } from "typeorm";\nimport { ReportDraft } from "./entities";\nexport const x = (d: DataSource) => [d, ReportDraft];\n';
    expect(await importErrors(SERVICE, code)).toEqual([]);
  });

  test("only bots/ may import wechaty", async () => {
    const code = 'import { WechatyBuilder } from "wechaty";\nexport const b = WechatyBuilder;\n';
    expect((await importErrors("src/channels/wechat-api.ts", code)).join("\n")).toContain("Only bots/");
    expect(await importErrors("bots/wechaty-bot.ts", code)).toEqual([]);
  });

  test("no explicit any, even outside the pure files", async () => {
    const [result] = await eslint.lintText("export const x: any = 1;\n", { filePath: path.join(ROOT, SERVICE) });
    expect(result.messages.map((m) => m.ruleId)).toContain("@typescript-eslint/no-explicit-any");
  });

  test("every file the config lists as pure exists (a renamed rule file would silently leave the rule)", () => {
    const missing = PURE_FILES.filter((f) => !f.includes("*") && !fs.existsSync(path.join(ROOT, f)));
    expect(missing).toEqual([]);
    expect(PURE_FILES.length).toBeGreaterThan(20);
  });
});

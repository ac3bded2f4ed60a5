// CLI: import-catalogue and export-catalogue.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DomainError } from "../../domain/errors";
import { agencyByCode } from "../../infra/agencies";
import type { CliCommand } from "../module";
import type { Services } from "../services";
import type { RowProblem } from "./catalogue-service";
import { fieldLabel, readCatalogueFile, sheetLimits, toCsv, toXlsx } from "./import-export";

export const importCatalogueCommand: CliCommand = {
  name: "import-catalogue",
  summary: "import catalogue entries from CSV or XLSX (Chinese headers); all rows or none; updates by 索引号",
  usage: "import-catalogue <file.csv|file.xlsx> [--agency CODE]",
  async run(ctx, argv, out, deps: Pick<Services, "catalogue">) {
    const { values, positionals } = parseArgs({ args: argv, options: { agency: { type: "string" } }, allowPositionals: true });
    if (positionals.length !== 1) {
      out.error("usage: npm run cli -- import-catalogue <file.csv|file.xlsx> [--agency CODE]");
      return 2;
    }
    const agency = await agencyByCode(ctx, values.agency);
    try {
      const rows = await readCatalogueFile(positionals[0], sheetLimits(ctx.config));
      const r = await deps.catalogue.entries.importRows(agency.id, rows, { type: "system", id: "cli" });
      out.info(`${agency.name}: imported ${rows.length} rows — ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged`);
      return 0;
    } catch (e) {
      if (e instanceof DomainError && e.code === "CATALOGUE.IMPORT_INVALID") {
        out.error(`${e.message}（nothing was imported）`);
        for (const p of (e.details ?? []) as unknown as RowProblem[]) {
          out.error(p.row > 0 ? `  第${p.row}行 ${fieldLabel(p.field)}：${p.message}` : `  ${fieldLabel(p.field)}：${p.message}`);
        }
        return 1;
      }
      throw e;
    }
  },
};

export const exportCatalogueCommand: CliCommand = {
  name: "export-catalogue",
  summary: "export the catalogue (entries not withdrawn) to CSV or XLSX with the import headers",
  usage: "export-catalogue --format csv|xlsx --out FILE [--agency CODE]",
  async run(ctx, argv, out, deps: Pick<Services, "catalogue">) {
    const { values } = parseArgs({ args: argv, options: { format: { type: "string" }, out: { type: "string" }, agency: { type: "string" } } });
    const format = values.format ?? (values.out?.toLowerCase().endsWith(".xlsx") ? "xlsx" : "csv");
    if (!values.out || (format !== "csv" && format !== "xlsx")) {
      out.error("usage: npm run cli -- export-catalogue --format csv|xlsx --out FILE [--agency CODE]");
      return 2;
    }
    const agency = await agencyByCode(ctx, values.agency);
    const entries = await deps.catalogue.entries.exportEntries(agency.id);
    const buf = format === "csv" ? toCsv(entries) : await toXlsx(entries);
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    fs.writeFileSync(values.out, buf);
    out.info(`${agency.name}: exported ${entries.length} entries to ${values.out}`);
    return 0;
  },
};

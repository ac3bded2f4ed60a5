// CLI commands of the reports feature: import historical applications, render a report, draft a year.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { agencyByCode } from "../../infra/agencies";
import type { CliCommand } from "../module";
import { importApplications } from "./import";
import type { ReportJson } from "./narrative";
import { OUTPUT_FORMATS, renderReport, type OutputFormat } from "./render";
import type { Services } from "../services";

export const importCommand: CliCommand = {
  name: "import-applications",
  summary: "import historical applications from a JSON-lines file (all or nothing; re-import changes nothing)",
  usage: "import-applications <file.jsonl> [--agency CODE]",
  async run(ctx, argv, out) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { agency: { type: "string" } } });
    if (positionals.length !== 1) {
      out.error("usage: import-applications <file.jsonl> [--agency CODE]");
      return 2;
    }
    const file = positionals[0];
    if (!fs.existsSync(file)) {
      out.error(`file not found: ${file}`);
      return 2;
    }
    const agency = await agencyByCode(ctx, values.agency);
    const r = await importApplications(ctx, agency, fs.readFileSync(file, "utf8"));
    if (!r.ok) {
      out.error(`nothing imported: ${r.problems.length} bad line(s)`);
      for (const p of r.problems) out.error(`  line ${p.line}: ${p.reason}`);
      return 1;
    }
    out.info(`imported ${r.imported} application(s) into ${agency.code}; ${r.unchanged} already present (unchanged)`);
    return 0;
  },
};

export const reportCommand: CliCommand = {
  name: "report",
  summary: "write a year's annual report (the latest published version, else the live draft marked 草稿); exits 1 when a check fails",
  usage: "report --year Y [--agency CODE] --format json|md|html|docx|xlsx --out FILE [--draft] [--allow-failed-checks]",
  async run(ctx, argv, out, { reports }: Pick<Services, "reports">) {
    const { values } = parseArgs({
      args: argv,
      options: {
        year: { type: "string" },
        agency: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        draft: { type: "boolean" },
        "allow-failed-checks": { type: "boolean" },
      },
    });
    const format = (values.format ?? "json") as OutputFormat;
    if (!values.year || !/^\d{4}$/.test(values.year) || !values.out || !OUTPUT_FORMATS.includes(format)) {
      out.error(`usage: ${this.usage}`);
      return 2;
    }
    const year = Number(values.year);
    const agency = await agencyByCode(ctx, values.agency);
    const pub = values.draft ? null : await reports.latestPublication(agency.id, year);
    const report = pub ? (pub.snapshot as ReportJson) : await reports.buildReport(agency.id, year);
    const r = await renderReport(report, format, { draft: !pub });
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    fs.writeFileSync(values.out, r.body);
    out.info(
      `${values.out}: ${agency.name} ${year} ${pub ? `published version ${pub.version}` : "draft (live figures, not published)"}, format ${report.format}`,
    );
    const failed = report.checks.filter((c) => !c.ok);
    for (const c of failed) out.error(`check failed: ${c.id}: ${c.detail}`);
    // The file is written either way (it lists the failed checks at the top); a script that files reports
    // stops here unless told that a failing document is what it wants.
    if (failed.length && !values["allow-failed-checks"]) {
      out.error(`${failed.length} check(s) failed: exit 1 (pass --allow-failed-checks to accept)`);
      return 1;
    }
    return 0;
  },
};

export const generateCommand: CliCommand = {
  name: "generate-report",
  summary: "draft a year's report for every agency (what the year-end job does); idempotent",
  usage: "generate-report --year Y [--agency CODE] [--overwrite]",
  async run(ctx, argv, out, { reports }: Pick<Services, "reports">) {
    const { values } = parseArgs({ args: argv, options: { year: { type: "string" }, agency: { type: "string" }, overwrite: { type: "boolean" } } });
    if (!values.year || !/^\d{4}$/.test(values.year)) {
      out.error(`usage: ${this.usage}`);
      return 2;
    }
    const year = Number(values.year);
    if (values.agency || values.overwrite) {
      const agency = await agencyByCode(ctx, values.agency);
      const r = await reports.generateDraft(agency.id, year, { overwrite: values.overwrite });
      out.info(`${agency.code} ${year}: ${r.generated ? "draft generated" : "draft already generated (unchanged)"}`);
      return 0;
    }
    const r = await reports.generateYearEnd(year);
    out.info(
      `${year}: generated ${r.generated.length} draft(s)${r.generated.length ? ` (${r.generated.join(", ")})` : ""}; ${r.skipped.length} already generated`,
    );
    return 0;
  },
};

// CLI: `agency add|update|list` (agencies as data) and `report-reminders` (remind agencies whose annual report
// fails its checks or is not published). The first platform admin comes from `create-user --role platform_admin`.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { yearOf } from "../../domain/china-time";
import { DomainError } from "../../domain/errors";
import { parseInput } from "../../http/validate";
import type { CliCommand, CliOutput } from "../module";
import type { Services } from "../services";
import { agencyAddSchema, agencyUpdateSchema } from "./agency-schema";
import type { AgencyService } from "./agency-service";

const USAGE = [
  "agency list",
  "agency add --code CODE --name 名称 [--parent CODE] [--short 简称] [--region 地区] [--index-code 索引号代码]",
  "           [--phone P] [--address A] [--office 机构] [--hours 时间] [--email E] [--fax F]",
  "           [--duties 关键词,关键词] [--duties-summary 一句话职责] [--reply-templates bodies.json]",
  "           [--guide guide.json] [--catalogue catalogue.csv|xlsx] [--admin USER --admin-password P [--admin-name 姓名]]",
  "agency update CODE [same options as add, except --code and the admin]",
].join("\n  ");

const options = {
  code: { type: "string" },
  name: { type: "string" },
  parent: { type: "string" },
  short: { type: "string" },
  region: { type: "string" },
  "index-code": { type: "string" },
  phone: { type: "string" },
  address: { type: "string" },
  office: { type: "string" },
  hours: { type: "string" },
  email: { type: "string" },
  fax: { type: "string" },
  duties: { type: "string" },
  "duties-summary": { type: "string" },
  "reply-templates": { type: "string" },
  guide: { type: "string" },
  catalogue: { type: "string" },
  admin: { type: "string" },
  "admin-password": { type: "string" },
  "admin-name": { type: "string" },
  "no-parent": { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>["values"];

/** The command-line options as the same input the API takes (validated by the same schema). */
function fields(v: Values, existingDuties?: { keywords: string[]; summary: string }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (v.name !== undefined) out.name = v.name;
  if (v.parent !== undefined) out.parent = v.parent;
  if (v["no-parent"]) out.parent = null;
  if (v.short !== undefined) out.shortName = v.short;
  if (v.region !== undefined) out.region = v.region;
  if (v["index-code"] !== undefined) out.indexCode = v["index-code"];
  const contact: Record<string, string> = {};
  for (const [opt, key] of [
    ["phone", "phone"],
    ["address", "address"],
    ["office", "office"],
    ["hours", "officeHours"],
    ["email", "email"],
    ["fax", "fax"],
  ] as const)
    if (v[opt] !== undefined) contact[key] = v[opt]!;
  if (Object.keys(contact).length) out.contact = contact;
  if (v.duties !== undefined || v["duties-summary"] !== undefined) {
    out.duties = {
      keywords:
        v.duties !== undefined
          ? v.duties
              .split(/[,，、]/)
              .map((s) => s.trim())
              .filter(Boolean)
          : (existingDuties?.keywords ?? []),
      summary: v["duties-summary"] ?? existingDuties?.summary ?? "",
    };
  }
  if (v["reply-templates"] !== undefined) {
    if (!fs.existsSync(v["reply-templates"])) throw new DomainError("AGENCY.FILE_NOT_FOUND", `文件不存在：${v["reply-templates"]}`);
    out.replyTemplates = JSON.parse(fs.readFileSync(v["reply-templates"], "utf8"));
  }
  return out;
}

function printList(out: CliOutput, list: Awaited<ReturnType<AgencyService["list"]>>) {
  for (const a of list) {
    const ks = a.profile.duties?.keywords ?? [];
    const duties = ks.length ? `  [${ks.slice(0, 6).join("、")}${ks.length > 6 ? `…共${ks.length}个` : ""}]` : "";
    out.info(`${"  ".repeat(a.depth)}${a.code}  ${a.name}${duties}`);
  }
}

export const agencyCommand: CliCommand = {
  name: "agency",
  summary: "add, update or list the agencies of the platform (a tree: district government → departments, streets)",
  usage: USAGE,
  async run(ctx, argv, out, deps: Pick<Services, "agencies">) {
    const [sub, ...rest] = argv;
    const svc = deps.agencies;
    if (sub === "list") {
      printList(out, await svc.list());
      return 0;
    }
    if (sub !== "add" && sub !== "update") {
      out.error(`usage:\n  ${USAGE}`);
      return 2;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options, allowPositionals: true });
    } catch (e) {
      out.error(`${(e as Error).message}\nusage:\n  ${USAGE}`);
      return 2;
    }
    const { values: v, positionals } = parsed;
    if (sub === "add") {
      const input = parseInput(agencyAddSchema, {
        code: v.code,
        ...fields(v),
        ...(v.admin ? { admin: { username: v.admin, password: v["admin-password"] ?? "", displayName: v["admin-name"] } } : {}),
      });
      const r = await svc.add(input, null, { guideFile: v.guide, catalogueFile: v.catalogue });
      out.info(`added ${r.agency.code} ${r.agency.name}${r.agency.parentCode ? ` under ${r.agency.parentCode}` : ""}`);
      if (r.admin) out.info(`  first admin: ${r.admin.username} (log in with agency ${r.agency.code})`);
      out.info(`  guide: ${r.guide ? "published from the file" : "none yet (write it in the console: 指南与目录)"}; catalogue: ${r.catalogue} entries`);
      return 0;
    }
    const code = positionals[0] ?? v.code;
    if (!code) {
      out.error(`agency update needs the agency's code\nusage:\n  ${USAGE}`);
      return 2;
    }
    const existing = await svc.get(code);
    const patch = parseInput(agencyUpdateSchema, fields(v, existing.profile.duties));
    const a = await svc.update(code, patch, null);
    out.info(`updated ${a.code} ${a.name}: ${Object.keys(patch).join(", ") || "nothing changed"}`);
    return 0;
  },
};

export const reportRemindersCommand: CliCommand = {
  name: "report-reminders",
  summary: "remind every agency whose annual report fails its checks or is not published (outbox to its staff)",
  usage: "report-reminders [--year YYYY]   (default: last year)",
  async run(ctx, argv, out, deps: Pick<Services, "district">) {
    const { values } = parseArgs({ args: argv, options: { year: { type: "string" } } });
    const year = values.year ? Number(values.year) : yearOf(ctx.today()) - 1;
    if (!Number.isInteger(year) || year < 2008) {
      out.error("--year must be a four-digit year");
      return 2;
    }
    const r = await deps.district.sendReportReminders(year, ctx.today());
    out.info(
      `${year}: ${r.messages} reminder(s) to the staff of ${r.agencies.length} agenc${r.agencies.length === 1 ? "y" : "ies"}${r.agencies.length ? `: ${r.agencies.join(", ")}` : ""}`,
    );
    return 0;
  },
};

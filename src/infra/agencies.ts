// Agencies: the default one (张店区融媒体中心) is loaded from config/agencies/<code>.json at first start.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../context";
import { DomainError } from "../domain/errors";
import { Agency, type AgencyProfile } from "./entities/agency.entity";

interface AgencyFile {
  code: string;
  name: string;
  profile: AgencyProfile;
}

export function readAgencyFile(dir: string, code: string): AgencyFile {
  const file = path.resolve(dir, `${code}.json`);
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as AgencyFile;
  if (data.code !== code || !data.name) throw new Error(`${file}: code must be "${code}" and name is required`);
  return data;
}

/** Creates the agency from its data file when it does not exist yet; returns it either way. */
export async function ensureAgency(ctx: AppContext, code: string): Promise<{ agency: Agency; created: boolean }> {
  const repo = ctx.db.getRepository(Agency);
  const existing = await repo.findOneBy({ code });
  if (existing) return { agency: existing, created: false };
  const data = readAgencyFile(ctx.config.AGENCY_DATA_DIR, code);
  const now = ctx.clock.now().toISOString();
  const agency = repo.create({ id: randomUUID(), code, name: data.name, parentId: null, profile: data.profile, createdAt: now, updatedAt: now });
  await repo.save(agency);
  return { agency, created: true };
}

export async function agencyByCode(ctx: AppContext, code?: string): Promise<Agency> {
  const c = code ?? ctx.config.DEFAULT_AGENCY_CODE;
  const agency = await ctx.db.getRepository(Agency).findOneBy({ code: c });
  if (!agency) throw new DomainError("AGENCY.NOT_FOUND", `机关代码 ${c} 不存在`);
  return agency;
}

export async function agencyById(ctx: AppContext, id: string): Promise<Agency> {
  const agency = await ctx.db.getRepository(Agency).findOneBy({ id });
  if (!agency) throw new DomainError("AGENCY.NOT_FOUND", "机关不存在");
  return agency;
}

export async function defaultAgency(ctx: AppContext): Promise<Agency> {
  return agencyByCode(ctx, ctx.config.DEFAULT_AGENCY_CODE);
}

/** The contact details an agency has given, on one line ("待机关补充" when none): letters and the bot name agencies with it. */
export function agencyContactLine(agency: Pick<Agency, "profile">): string {
  const c = agency.profile?.contact ?? {};
  const labels: Record<string, string> = {
    office: "",
    address: "地址：",
    postcode: "邮编：",
    officeHours: "办公时间：",
    phone: "电话：",
    fax: "传真：",
    email: "邮箱：",
  };
  const parts = Object.entries(c)
    .filter(([, v]) => typeof v === "string" && v.trim())
    .map(([k, v]) => `${labels[k] ?? ""}${v}`);
  return parts.join("，") || "联系方式待机关补充";
}

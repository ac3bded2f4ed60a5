// Agencies as data (issue 17): add, update and list the agencies of the platform and their tree; the scope of a
// supervisor (their agency and every agency under it). A new agency is usable at once by every server: nothing
// about agencies is cached per process (staff requests read their agency by id; the seeds run here).
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { agencyByCode } from "../../infra/agencies";
import { Agency, type AgencyProfile } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent, staffOrSystem } from "../../infra/entities/audit-event.entity";
import type { CatalogueFacade } from "../catalogue/facade";
import { readCatalogueFile } from "../catalogue/import-export";
import type { StaffPrincipal, StaffService } from "../staff/staff-service";
import type { AgencyAddInput, AgencyUpdateInput } from "./agency-schema";
import { districtScope } from "./policy";

export interface AgencyView {
  id: string;
  code: string;
  name: string;
  parentCode: string | null;
  /** 0 at the top of the tree. */
  depth: number;
  profile: AgencyProfile;
  createdAt: string;
  updatedAt: string;
}

export interface AddOptions {
  /** A guide JSON file ({ title, contact?, sections }) published as the agency's first guide. */
  guideFile?: string;
  /** A catalogue CSV/XLSX imported into the agency's catalogue. */
  catalogueFile?: string;
}

type Actor = StaffPrincipal | null;

/** What adding an agency needs of the other modules: its admin account, its guide and catalogue, every module's seeds. */
export interface AgencyServiceDeps {
  staff: Pick<StaffService, "validateNewAccount" | "createUser">;
  catalogue?: {
    guides: Pick<CatalogueFacade["guides"], "checkGuideFile" | "seedFromFile">;
    entries: Pick<CatalogueFacade["entries"], "validateRows" | "importRows">;
  };
  /** The seeds of every module (guide, catalogue, reports from config/ named by the code), in module order. */
  seedAgency(agency: Agency): Promise<void>;
}

export class AgencyService {
  constructor(
    private readonly ctx: AppContext,
    private readonly deps: AgencyServiceDeps,
  ) {}

  /** Every agency in tree order (parents before children, siblings by code), with its parent's code and depth. */
  async list(): Promise<AgencyView[]> {
    const all = await this.ctx.db.getRepository(Agency).find({ order: { code: "ASC" } });
    const byParent = new Map<string | null, Agency[]>();
    const ids = new Set(all.map((a) => a.id));
    for (const a of all) {
      const p = a.parentId && ids.has(a.parentId) ? a.parentId : null;
      byParent.set(p, [...(byParent.get(p) ?? []), a]);
    }
    const codeOf = new Map(all.map((a) => [a.id, a.code]));
    const out: AgencyView[] = [];
    const walk = (parent: string | null, depth: number) => {
      for (const a of byParent.get(parent) ?? []) {
        out.push(view(a, a.parentId ? (codeOf.get(a.parentId) ?? null) : null, depth));
        walk(a.id, depth + 1);
      }
    };
    walk(null, 0);
    return out;
  }

  async get(code: string): Promise<AgencyView> {
    const a = await agencyByCode(this.ctx, code);
    const parent = a.parentId ? await this.ctx.db.getRepository(Agency).findOneBy({ id: a.parentId }) : null;
    return view(a, parent?.code ?? null, 0);
  }

  /** Ids of an agency and every agency under it (one recursive query; the tree is a few hundred rows). */
  async subtreeIds(rootId: string): Promise<string[]> {
    const q = this.ctx.sql.params();
    const rows: Array<{ id: string }> = await this.ctx.db.query(
      `WITH RECURSIVE t(id) AS (SELECT id FROM agencies WHERE id = ${q.p(rootId)} UNION SELECT a.id FROM agencies a JOIN t ON a.parent_id = t.id) SELECT id FROM t`,
      q.values,
    );
    return rows.map((r) => r.id);
  }

  /** The agencies a supervisor reads (theirs and those under it); a platform admin reads them all. */
  async scopeOf(staff: StaffPrincipal): Promise<string[]> {
    const scope = districtScope(staff);
    if (scope === "all") return (await this.ctx.db.getRepository(Agency).find({ select: { id: true } })).map((a) => a.id);
    if (scope === "subtree") return this.subtreeIds(staff.agencyId);
    throw new DomainError("AUTH.FORBIDDEN", "当前角色无权执行此操作");
  }

  /**
   * Adds an agency: its row and audit event in one transaction, then its first admin, its guide and catalogue
   * (from the files given, else config/guide/<code>.json and config/catalogue/<code>.csv if they exist) and any
   * historical reports shipped as data — the same seeds the default agency gets at first start.
   */
  async add(
    input: AgencyAddInput,
    actor: Actor,
    opts: AddOptions = {},
  ): Promise<{ agency: AgencyView; admin: StaffPrincipal | null; guide: boolean; catalogue: number }> {
    const repo = this.ctx.db.getRepository(Agency);
    if (await repo.existsBy({ code: input.code })) throw new DomainError("AGENCY.ALREADY_EXISTS", `机关代码 ${input.code} 已存在`);
    const parent = input.parent ? await agencyByCode(this.ctx, input.parent) : null;
    const staff = this.deps.staff;
    // Checked before anything is written: a weak password must not leave an agency without its admin.
    if (input.admin) staff.validateNewAccount(input.admin.username, input.admin.password);
    for (const f of [opts.guideFile, opts.catalogueFile]) if (f && !fs.existsSync(f)) throw new DomainError("AGENCY.FILE_NOT_FOUND", `文件不存在：${f}`);
    const cat = this.deps.catalogue;
    // The guide and the catalogue file are read and checked first too (a catalogue's rows are checked again, all
    // or none, by the import itself).
    if (cat && opts.guideFile) cat.guides.checkGuideFile(opts.guideFile);
    const catalogueRows = cat && opts.catalogueFile ? await readCatalogueFile(opts.catalogueFile) : null;
    if (cat && catalogueRows) cat.entries.validateRows(catalogueRows);
    const now = this.ctx.clock.now().toISOString();
    const agency = repo.create({
      id: randomUUID(),
      code: input.code,
      name: input.name,
      parentId: parent?.id ?? null,
      profile: mergeProfile({ channels: [], contact: {} }, input),
      createdAt: now,
      updatedAt: now,
    });
    await this.ctx.db.transaction(async (m) => {
      await m.getRepository(Agency).save(agency);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: agency.id,
          entityType: "agency",
          entityId: agency.id,
          actor: staffOrSystem(actor, "cli"),
          action: "agency.create",
          data: { code: agency.code, name: agency.name, parent: parent?.code ?? null },
          at: now,
        }),
      );
    });
    const admin = input.admin
      ? await staff.createUser({
          username: input.admin.username,
          password: input.admin.password,
          displayName: input.admin.displayName,
          role: "admin",
          agencyCode: agency.code,
        })
      : null;
    let guide = false;
    let catalogue = 0;
    if (cat && opts.guideFile) guide = await cat.guides.seedFromFile(agency, this.ctx.config.GUIDE_DATA_DIR, opts.guideFile);
    if (cat && catalogueRows) {
      try {
        catalogue = (await cat.entries.importRows(agency.id, catalogueRows, { type: "system", id: "agency-add" })).created;
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        // The agency and its admin stand; the message says how to load the catalogue once the file is fixed.
        throw new DomainError(
          e.code,
          `机关 ${agency.code} 已添加，但目录未导入（${e.message}）；改正文件后运行 import-catalogue <文件> --agency ${agency.code}`,
          e.details,
        );
      }
    }
    // The seeds of every module (guide, catalogue, reports from config/ named by the code); each is idempotent.
    await this.deps.seedAgency(agency);
    return { agency: await this.get(agency.code), admin, guide, catalogue };
  }

  async update(code: string, patch: AgencyUpdateInput, actor: Actor): Promise<AgencyView> {
    const repo = this.ctx.db.getRepository(Agency);
    const agency = await agencyByCode(this.ctx, code);
    const before = { name: agency.name, parentId: agency.parentId, profile: agency.profile };
    if (patch.name !== undefined) agency.name = patch.name;
    if (patch.parent !== undefined) {
      if (patch.parent === null) agency.parentId = null;
      else {
        const parent = await agencyByCode(this.ctx, patch.parent);
        // A parent inside the agency's own subtree would make the tree a loop.
        if ((await this.subtreeIds(agency.id)).includes(parent.id)) throw new DomainError("AGENCY.INVALID_PARENT", "上级机关不能是本机关或其下级机关");
        agency.parentId = parent.id;
      }
    }
    agency.profile = mergeProfile(agency.profile ?? { channels: [], contact: {} }, patch);
    agency.updatedAt = this.ctx.clock.now().toISOString();
    await this.ctx.db.transaction(async (m) => {
      await m.getRepository(Agency).save(agency);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: agency.id,
          entityType: "agency",
          entityId: agency.id,
          actor: staffOrSystem(actor, "cli"),
          action: "agency.update",
          data: { before: { name: before.name, parentId: before.parentId }, fields: Object.keys(patch) },
          at: agency.updatedAt,
        }),
      );
    });
    return this.get((await repo.findOneByOrFail({ id: agency.id })).code);
  }
}

function view(a: Agency, parentCode: string | null, depth: number): AgencyView {
  return {
    id: a.id,
    code: a.code,
    name: a.name,
    parentCode,
    depth,
    profile: a.profile ?? { channels: [], contact: {} },
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

/** The profile with the given fields replaced (contact merged field by field; an empty string clears a field). */
function mergeProfile(profile: AgencyProfile, input: AgencyUpdateInput): AgencyProfile {
  const out: AgencyProfile = { ...profile, channels: profile.channels ?? [], contact: { ...(profile.contact ?? {}) } };
  if (input.shortName !== undefined) out.shortName = input.shortName;
  if (input.region !== undefined) out.region = input.region;
  if (input.indexCode !== undefined) out.indexCode = input.indexCode;
  if (input.name !== undefined && !profile.fullName) out.fullName = input.name;
  for (const [k, v] of Object.entries(input.contact ?? {})) if (v !== undefined) out.contact[k] = v ? v : null;
  if (input.duties !== undefined) out.duties = { keywords: input.duties.keywords, summary: input.duties.summary };
  if (input.replyTemplates !== undefined) out.replyTemplates = input.replyTemplates;
  return out;
}

// The disclosure guide (政府信息公开指南): one row per version and agency. Staff edit a draft (created from the
// published version on first edit), an approver or admin publishes it; the previous version stays, superseded.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { In, QueryFailedError, type EntityManager } from "typeorm";
import { z } from "zod";
import type { AppContext } from "../../context";
import { localDate } from "../../domain/china-time";
import { DomainError, ValidationError } from "../../domain/errors";
import { AuditEvent, auditEvent, staffOrSystem } from "../../infra/entities/audit-event.entity";
import { updateVersioned } from "../../infra/versioned-update";
import type { Agency } from "../../infra/entities/agency.entity";
import { GuideVersion, type GuideContact, type GuideContent, type GuideSection } from "./entities";

export const TO_BE_FILLED = "待机关补充";

/** Sections every guide must keep (the Regulation's Art. 12 and the common structure of real guides). */
export const REQUIRED_SECTIONS = ["proactive", "application", "application-content", "office", "process", "fees", "remedies"] as const;

export const CONTACT_LABELS: Array<[keyof GuideContact, string]> = [
  ["office", "受理机构"],
  ["address", "办公地址"],
  ["postcode", "邮政编码"],
  ["officeHours", "办公时间"],
  ["phone", "联系电话"],
  ["fax", "传真"],
  ["email", "电子邮箱"],
  ["website", "网上申请地址"],
];

export interface Actor {
  type: "staff" | "system";
  id: string | null;
}

export interface PublishedGuide {
  agencyId: string;
  version: number;
  title: string;
  /** China-local date the version was published (the guide's 更新日期). */
  lastUpdated: string;
  sections: Array<{ key: string; title: string; body: string }>;
  contact: GuideContact;
}

export interface GuideVersionSummary {
  version: number;
  status: string;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  createdBy: string | null;
  publishedBy: string | null;
}

const nullableText = (label: string, max: number) =>
  z
    .string({ error: `${label}应为文字` })
    .trim()
    .max(max, `${label}不能超过${max}个字`)
    .nullable()
    .transform((v) => (v ? v : null));

export const contactSchema = z.object({
  office: nullableText("受理机构", 100),
  address: nullableText("办公地址", 200),
  postcode: nullableText("邮政编码", 6).refine((v) => v === null || /^\d{6}$/.test(v), "邮政编码格式不正确，应为6位数字"),
  officeHours: nullableText("办公时间", 200),
  phone: nullableText("联系电话", 50).refine((v) => v === null || /^[0-9()（）\-+ 转、,，]{5,50}$/.test(v), "联系电话格式不正确，应为数字，可含区号和“-”"),
  fax: nullableText("传真", 50).refine((v) => v === null || /^[0-9()（）\-+ 转、,，]{5,50}$/.test(v), "传真号码格式不正确，应为数字，可含区号和“-”"),
  email: nullableText("电子邮箱", 100).refine((v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), "电子邮箱格式不正确，应为 name@example.gov.cn"),
  website: nullableText("网上申请地址", 300).refine((v) => v === null || /^https?:\/\/\S+$/.test(v), "网上申请地址格式不正确，应以 http:// 或 https:// 开头"),
});

export const sectionSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, "栏目代码格式不正确，应为小写字母、数字和“-”"),
  title: z.string().trim().min(1, "请填写栏目标题").max(100, "栏目标题不能超过100个字"),
  body: z.string().trim().min(1, "请填写栏目内容").max(20000, "栏目内容不能超过20000个字"),
  keywords: z.array(z.string().trim().min(1).max(30)).max(30).optional(),
});

export const guideDraftSchema = z.object({
  title: z.string().trim().min(1, "请填写指南标题").max(200).optional(),
  sections: z.array(sectionSchema).min(1, "指南至少要有一个栏目").max(40).optional(),
  contact: contactSchema.partial().optional(),
  note: z.string().trim().max(500, "修改说明不能超过500个字").optional(),
  /** The draft revision the editor saw (0: no draft yet); absent, the revision this request read. */
  revision: z.number({ error: "草稿修订号应为数字" }).int().min(0).optional(),
});
export type GuideDraftInput = z.infer<typeof guideDraftSchema>;

export const sectionPatchSchema = z.object({
  title: sectionSchema.shape.title.optional(),
  body: sectionSchema.shape.body.optional(),
  keywords: sectionSchema.shape.keywords,
  revision: guideDraftSchema.shape.revision,
});

const CONFLICT_MESSAGE = "指南草稿已被他人修改，请刷新后再编辑";
/** The unique (agency, version) refusing a second draft opened at the same moment (PostgreSQL, SQLite wording). */
const DRAFT_OPENED_TWICE = /uq_guide_versions_version|guide_versions\.agency_id, guide_versions\.version/;

/** The draft moved on since the editor read it: refused, naming the revision it is at now. */
function draftConflict(currentRevision: number | undefined): DomainError {
  return new DomainError("GUIDE.CONFLICT", CONFLICT_MESSAGE, currentRevision === undefined ? undefined : { currentRevision });
}

function checkSections(sections: GuideSection[]): void {
  const problems: Array<{ field: string; message: string }> = [];
  const keys = new Set<string>();
  sections.forEach((s, i) => {
    if (keys.has(s.key)) problems.push({ field: `sections.${i}.key`, message: `栏目代码 ${s.key} 重复` });
    keys.add(s.key);
  });
  for (const k of REQUIRED_SECTIONS) if (!keys.has(k)) problems.push({ field: "sections", message: `缺少必备栏目 ${k}` });
  if (problems.length) throw new ValidationError(problems, "指南栏目不完整");
}

/** Contact block as text lines; a missing detail reads “待机关补充”, never a made-up value. */
export function contactLines(contact: GuideContact): string {
  return CONTACT_LABELS.map(([k, label]) => `${label}：${contact[k] ?? TO_BE_FILLED}`).join("\n");
}

/** Sections as published: the {{contact}} placeholder becomes the contact block. */
export function renderSections(content: GuideContent): PublishedGuide["sections"] {
  return content.sections.map((s) => ({ key: s.key, title: s.title, body: s.body.replace(/\{\{contact\}\}/g, contactLines(content.contact)) }));
}

export class GuideService {
  constructor(private readonly ctx: AppContext) {}

  private repo() {
    return this.ctx.db.getRepository(GuideVersion);
  }

  async publishedVersion(agencyId: string): Promise<GuideVersion | null> {
    return this.repo().findOneBy({ agencyId, status: "published" });
  }

  /** The published guide, as the public pages and the bot show it. */
  async guide(agencyId: string): Promise<PublishedGuide> {
    const v = await this.publishedVersion(agencyId);
    if (!v) throw new DomainError("GUIDE.NOT_FOUND", "本机关尚未发布政府信息公开指南");
    return this.toPublished(v);
  }

  toPublished(v: GuideVersion): PublishedGuide {
    return {
      agencyId: v.agencyId,
      version: v.version,
      title: v.content.title,
      lastUpdated: localDate(new Date(v.publishedAt ?? v.updatedAt), this.ctx.config.APP_TIMEZONE),
      sections: renderSections(v.content),
      contact: v.content.contact,
    };
  }

  async draft(agencyId: string): Promise<GuideVersion | null> {
    return this.repo().findOneBy({ agencyId, status: "draft" });
  }

  async versions(agencyId: string): Promise<GuideVersionSummary[]> {
    const rows = await this.repo().find({ where: { agencyId }, order: { version: "DESC" } });
    return rows.map((v) => ({
      version: v.version,
      status: v.status,
      note: v.note,
      createdAt: v.createdAt,
      updatedAt: v.updatedAt,
      publishedAt: v.publishedAt,
      createdBy: v.createdBy,
      publishedBy: v.publishedBy,
    }));
  }

  async version(agencyId: string, version: number): Promise<GuideVersion> {
    const v = await this.repo().findOneBy({ agencyId, version });
    if (!v) throw new DomainError("GUIDE.NOT_FOUND", `指南第${version}版不存在`);
    return v;
  }

  /**
   * Edits the open draft, opening one (a copy of the published version) when there is none. The write is
   * conditional on the draft's revision: the one the editor sent (`input.revision`), else `readRevision` (what the
   * caller built the edit from), else the one read here. A draft changed since is refused with GUIDE.CONFLICT.
   */
  async saveDraft(agencyId: string, input: GuideDraftInput, actor: Actor, readRevision?: number): Promise<GuideVersion> {
    try {
      return await this.writeDraft(agencyId, input, actor, readRevision);
    } catch (err) {
      // Two first edits at once both open a draft: the later insert meets the unique (agency, version).
      if (!(err instanceof QueryFailedError) || !DRAFT_OPENED_TWICE.test(err.message)) throw err;
      throw draftConflict((await this.draft(agencyId))?.revision);
    }
  }

  private async writeDraft(agencyId: string, input: GuideDraftInput, actor: Actor, readRevision: number | undefined): Promise<GuideVersion> {
    return this.ctx.db.transaction(async (m) => {
      const draft = await this.openDraft(m, agencyId, actor);
      const expected = input.revision ?? readRevision ?? draft.revision;
      if (expected !== draft.revision) throw draftConflict(draft.revision);
      const before = draft.content;
      const content: GuideContent = {
        title: input.title ?? before.title,
        sections: input.sections ?? before.sections,
        contact: { ...before.contact, ...(input.contact ?? {}) } as GuideContact,
      };
      checkSections(content.sections);
      draft.content = content;
      if (input.note !== undefined) draft.note = input.note;
      draft.updatedAt = this.ctx.clock.now().toISOString();
      const conflict = draftConflict(undefined);
      try {
        draft.revision = await updateVersioned(
          m,
          GuideVersion,
          draft.id,
          expected,
          { content, note: draft.note, updatedAt: draft.updatedAt },
          conflict,
          "revision",
        );
      } catch (err) {
        if (err !== conflict) throw err;
        const now = await m.findOne(GuideVersion, { select: { id: true, revision: true }, where: { id: draft.id } });
        throw draftConflict(now?.revision);
      }
      const changed = [
        ...(input.title !== undefined && input.title !== before.title ? ["title"] : []),
        ...changedSections(before.sections, content.sections),
        ...Object.keys(input.contact ?? {})
          .filter((k) => (before.contact as unknown as Record<string, unknown>)[k] !== (content.contact as unknown as Record<string, unknown>)[k])
          .map((k) => `contact.${k}`),
      ];
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId,
          entityType: "guide",
          entityId: draft.id,
          actor,
          action: "guide.edit",
          data: { version: draft.version, changed },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
      return draft;
    });
  }

  async patchSection(agencyId: string, key: string, patch: z.infer<typeof sectionPatchSchema>, actor: Actor): Promise<GuideVersion> {
    const base = (await this.draft(agencyId)) ?? (await this.publishedVersion(agencyId));
    if (!base) throw new DomainError("GUIDE.NOT_FOUND", "指南不存在");
    if (!base.content.sections.some((s) => s.key === key)) throw new DomainError("GUIDE.SECTION_NOT_FOUND", `指南栏目 ${key} 不存在`);
    const { revision, ...fields } = patch;
    const sections = base.content.sections.map((s) => (s.key === key ? { ...s, ...stripUndefined(fields) } : s));
    // Built from the published version: the draft it opens starts at revision 0.
    return this.saveDraft(agencyId, { sections, revision }, actor, base.status === "draft" ? base.revision : 0);
  }

  async publish(agencyId: string, actor: Actor, note?: string): Promise<GuideVersion> {
    return this.ctx.db.transaction(async (m) => {
      const draft = await m.findOneBy(GuideVersion, { agencyId, status: "draft" });
      if (!draft) throw new DomainError("GUIDE.INVALID_TRANSITION", "没有待发布的指南草稿");
      checkSections(draft.content.sections);
      const now = this.ctx.clock.now().toISOString();
      const previous = await m.findOneBy(GuideVersion, { agencyId, status: "published" });
      if (previous) {
        previous.status = "superseded";
        previous.updatedAt = now;
        await m.save(previous);
      }
      draft.status = "published";
      draft.publishedAt = now;
      draft.publishedBy = actor.id;
      draft.updatedAt = now;
      if (note) draft.note = note;
      await m.save(draft);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId,
          entityType: "guide",
          entityId: draft.id,
          actor,
          action: "guide.publish",
          fromStatus: "draft",
          toStatus: "published",
          data: { version: draft.version, previousVersion: previous?.version ?? null },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
      return draft;
    });
  }

  async discardDraft(agencyId: string, actor: Actor): Promise<void> {
    await this.ctx.db.transaction(async (m) => {
      const draft = await m.findOneBy(GuideVersion, { agencyId, status: "draft" });
      if (!draft) throw new DomainError("GUIDE.NOT_FOUND", "没有指南草稿");
      await m.delete(GuideVersion, { id: draft.id });
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId,
          entityType: "guide",
          entityId: draft.id,
          actor,
          action: "guide.discard_draft",
          data: { version: draft.version, content: draft.content },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
  }

  /** Checks a guide file (JSON, every required section) without writing anything; throws what to fix. */
  checkGuideFile(file: string): void {
    parseGuideFile(file);
  }

  /**
   * Loads config/guide/<code>.json (or `file`, for an agency added later with its own guide) as version 1
   * (published) when the agency has no guide yet.
   */
  async seedFromFile(agency: Agency, dir: string, explicitFile?: string): Promise<boolean> {
    if ((await this.repo().countBy({ agencyId: agency.id })) > 0) return false;
    const file = explicitFile ? path.resolve(explicitFile) : path.resolve(dir, `${agency.code}.json`);
    if (!fs.existsSync(file)) {
      if (explicitFile) throw new DomainError("GUIDE.FILE_NOT_FOUND", `指南文件不存在：${explicitFile}`);
      return false;
    }
    const { raw, sections } = parseGuideFile(file);
    const profileContact = (agency.profile?.contact ?? {}) as Partial<GuideContact>;
    const contact = contactSchema.parse({ ...emptyContact(), ...pickKnown(profileContact), ...pickKnown(raw.contact ?? {}) });
    const now = this.ctx.clock.now().toISOString();
    await this.ctx.db.transaction(async (m) => {
      const v = m.create(GuideVersion, {
        id: randomUUID(),
        agencyId: agency.id,
        version: 1,
        status: "published",
        content: { title: raw.title, sections, contact },
        note: `由 ${path.relative(process.cwd(), file)} 载入`,
        createdBy: null,
        publishedBy: null,
        createdAt: now,
        updatedAt: now,
        publishedAt: now,
      });
      await m.save(v);
      await m.save(
        AuditEvent,
        auditEvent({
          agencyId: agency.id,
          entityType: "guide",
          entityId: v.id,
          actor: staffOrSystem(null, "seed"),
          action: "guide.seed",
          toStatus: "published",
          data: { version: 1 },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
    });
    return true;
  }

  private async openDraft(m: EntityManager, agencyId: string, actor: Actor): Promise<GuideVersion> {
    const existing = await m.findOneBy(GuideVersion, { agencyId, status: "draft" });
    if (existing) return existing;
    const base = await m.findOne(GuideVersion, { where: { agencyId, status: In(["published", "superseded"]) }, order: { version: "DESC" } });
    const last = await m.findOne(GuideVersion, { where: { agencyId }, order: { version: "DESC" } });
    const now = this.ctx.clock.now().toISOString();
    const draft = m.create(GuideVersion, {
      id: randomUUID(),
      agencyId,
      version: (last?.version ?? 0) + 1,
      status: "draft",
      content: base ? structuredClone(base.content) : { title: "政府信息公开指南", sections: [], contact: emptyContact() },
      note: null,
      createdBy: actor.id,
      publishedBy: null,
      createdAt: now,
      updatedAt: now,
      publishedAt: null,
      revision: 0,
    });
    await m.save(draft);
    return draft;
  }
}

function emptyContact(): GuideContact {
  return { office: null, address: null, postcode: null, officeHours: null, phone: null, fax: null, email: null, website: null };
}

function pickKnown(c: Partial<GuideContact>): Partial<GuideContact> {
  const out: Partial<GuideContact> = {};
  for (const [k] of CONTACT_LABELS) if (c[k] !== undefined) out[k] = c[k];
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function changedSections(before: GuideSection[], after: GuideSection[]): string[] {
  const b = new Map(before.map((s) => [s.key, JSON.stringify(s)]));
  const a = new Map(after.map((s) => [s.key, JSON.stringify(s)]));
  const keys = new Set([...b.keys(), ...a.keys()]);
  return [...keys].filter((k) => b.get(k) !== a.get(k)).map((k) => `sections.${k}`);
}

/** A guide file's content, parsed and checked (every required section present). */
function parseGuideFile(file: string): { raw: { title: string; contact?: Partial<GuideContact> }; sections: GuideSection[] } {
  let raw: { title: string; contact?: Partial<GuideContact>; sections: GuideSection[] };
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new DomainError("GUIDE.INVALID_FILE", `指南文件不是有效的 JSON：${file}`);
  }
  const parsed = z.array(sectionSchema).safeParse(raw?.sections);
  if (!parsed.success || typeof raw.title !== "string") {
    throw new ValidationError(
      parsed.success
        ? [{ field: "title", message: "指南须有标题" }]
        : parsed.error.issues.map((i) => ({ field: `sections.${i.path.join(".")}`, message: i.message })),
      "指南文件内容有误",
    );
  }
  checkSections(parsed.data);
  return { raw, sections: parsed.data };
}

// Catalogue entries (政府信息公开目录): create, edit, withdraw/restore (never hard-deleted), bulk import that is
// all-or-nothing and updates by 索引号. Every change is a versioned update (a concurrent edit is refused, never
// lost), writes an audit event in the same transaction and keeps the search tokens (and, on SQLite, the FTS5 row)
// in step.
import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import type { AppContext } from "../../context";
import { assertExpectedVersion, DomainError, ValidationError } from "../../domain/errors";
import { bumpCounter } from "../../infra/counters";
import { withStatementTimeout } from "../../infra/database";
import { Agency } from "../../infra/entities/agency.entity";
import { auditEvent } from "../../infra/entities/audit-event.entity";
import { updateVersioned, versionConflict } from "../../infra/versioned-update";
import { parseDocNumber } from "./doc-number";
import { CatalogueEntry } from "./entities";
import { entryInputSchema, type ValidEntry } from "./entry-schema";
import type { Actor } from "./guide-service";
import { searchIndexFor, type SearchIndex } from "./search-index";
import { joinTokens } from "./segmenter";

/** The fields people edit (everything but bookkeeping and tokens), in the order of the catalogue's columns. */
export const ENTRY_FIELDS = [
  "indexNo",
  "title",
  "publisher",
  "writtenDate",
  "docNo",
  "subjectCategory",
  "agencyCategory",
  "disclosureMode",
  "disclosureTimeLimit",
  "disclosureScope",
  "summary",
  "body",
  "url",
  "validity",
  "publishedDate",
  "keywords",
  "normativeType",
] as const;
type EntryField = (typeof ENTRY_FIELDS)[number];

export interface EntryView {
  id: string;
  indexNo: string;
  title: string;
  publisher: string;
  docNo: string | null;
  writtenDate: string | null;
  publishedDate: string | null;
  subjectCategory: string;
  agencyCategory: string | null;
  disclosureMode: string;
  disclosureTimeLimit: string | null;
  disclosureScope: string | null;
  summary: string | null;
  body: string | null;
  url: string | null;
  validity: string;
  keywords: string | null;
  normativeType: string | null;
  status: string;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The public pages' rule (the same as PUBLIC_ENTRY_SQL in search-index.ts): active and not withheld. */
export function isPublicEntry(e: CatalogueEntry | null): e is CatalogueEntry {
  return !!e && e.status === "active" && e.disclosureMode !== "不予公开";
}

export function toView(e: CatalogueEntry): EntryView {
  return {
    id: e.id,
    indexNo: e.indexNo,
    title: e.title,
    publisher: e.publisher,
    docNo: e.docNo,
    writtenDate: e.writtenDate,
    publishedDate: e.publishedDate,
    subjectCategory: e.subjectCategory,
    agencyCategory: e.agencyCategory,
    disclosureMode: e.disclosureMode,
    disclosureTimeLimit: e.disclosureTimeLimit,
    disclosureScope: e.disclosureScope,
    summary: e.summary,
    body: e.body,
    url: e.url,
    validity: e.validity,
    keywords: e.keywords,
    normativeType: e.normativeType,
    status: e.status,
    withdrawnAt: e.withdrawnAt,
    withdrawnReason: e.withdrawnReason,
    version: e.version,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

/** Derived columns: year, 文号 key and the segmented tokens the search index reads. */
export function deriveSearchColumns(
  e: Pick<
    CatalogueEntry,
    "title" | "docNo" | "writtenDate" | "publishedDate" | "summary" | "keywords" | "publisher" | "subjectCategory" | "agencyCategory" | "body" | "indexNo"
  >,
) {
  const doc = e.docNo ? parseDocNumber(e.docNo) : null;
  const date = e.writtenDate ?? e.publishedDate;
  return {
    docNoKey: doc?.key ?? null,
    year: date ? Number(date.slice(0, 4)) : null,
    titleTokens: joinTokens(e.title),
    bodyTokens: joinTokens(
      e.summary,
      e.keywords,
      doc ? `${doc.prefix} ${doc.year}` : null,
      e.publisher,
      e.subjectCategory.replace(/[\\/]/g, " "),
      e.agencyCategory,
      e.body?.slice(0, 5000),
    ),
  };
}

export interface ImportRow {
  /** Line number in the file as a person sees it (the header is line 1). */
  row: number;
  values: Record<string, unknown>;
}

export interface RowProblem {
  row: number;
  field: string;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

/** Columns every edit rewrites besides the edited fields: the derived search columns and the bookkeeping. */
const DERIVED_COLUMNS = ["docNoKey", "year", "titleTokens", "bodyTokens", "updatedAt", "updatedBy"] as const;

const CONFLICT_MESSAGE = "该条目已被他人修改，请刷新后再编辑";

export class CatalogueService {
  private readonly index: SearchIndex;

  constructor(private readonly ctx: AppContext) {
    this.index = searchIndexFor(ctx.sql);
  }

  private repo() {
    return this.ctx.db.getRepository(CatalogueEntry);
  }

  async get(agencyId: string, id: string): Promise<CatalogueEntry> {
    const e = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo().findOneBy({ agencyId, id }) : null;
    if (!e) throw new DomainError("CATALOGUE.NOT_FOUND", "目录条目不存在");
    return e;
  }

  async byIndexNo(agencyId: string, indexNo: string): Promise<CatalogueEntry | null> {
    return this.repo().findOneBy({ agencyId, indexNo });
  }

  async list(agencyId: string, opts: { status?: "active" | "withdrawn"; page: number; pageSize: number }): Promise<{ total: number; items: EntryView[] }> {
    const where = { agencyId, ...(opts.status ? { status: opts.status } : {}) };
    const [rows, total] = await this.repo().findAndCount({
      where,
      order: { writtenDate: "DESC", indexNo: "ASC" },
      skip: (opts.page - 1) * opts.pageSize,
      take: opts.pageSize,
    });
    return { total, items: rows.map(toView) };
  }

  async create(agencyId: string, input: unknown, actor: Actor): Promise<CatalogueEntry> {
    const data = parseEntry(input);
    return this.ctx.db.transaction(async (m) => {
      const indexNo = data.indexNo ?? (await this.nextIndexNo(m, agencyId, data.writtenDate ?? data.publishedDate ?? this.ctx.today()));
      if (await m.findOneBy(CatalogueEntry, { agencyId, indexNo })) throw new DomainError("CATALOGUE.ALREADY_EXISTS", `索引号 ${indexNo} 已存在`);
      const e = this.build(agencyId, { ...data, indexNo }, actor);
      await this.writeNew(m, e, actor, "catalogue.create", { indexNo, title: e.title });
      return e;
    });
  }

  async update(agencyId: string, id: string, patch: Partial<Record<EntryField, unknown>> & { version?: number }, actor: Actor): Promise<CatalogueEntry> {
    return this.ctx.db.transaction(async (m) => {
      const e = await m.findOneBy(CatalogueEntry, { agencyId, id });
      if (!e) throw new DomainError("CATALOGUE.NOT_FOUND", "目录条目不存在");
      assertExpectedVersion(e.version, patch.version, "CATALOGUE.CONFLICT", CONFLICT_MESSAGE);
      const merged: Record<string, unknown> = { ...toView(e) };
      for (const f of ENTRY_FIELDS) if (f in patch && patch[f] !== undefined) merged[f] = patch[f];
      const data = parseEntry(merged);
      if (data.indexNo !== e.indexNo && (await m.findOneBy(CatalogueEntry, { agencyId, indexNo: data.indexNo! }))) {
        throw new DomainError("CATALOGUE.ALREADY_EXISTS", `索引号 ${data.indexNo} 已存在`);
      }
      const read = e.version;
      const changed = this.apply(e, data, actor);
      if (!changed.length) return e;
      await this.writeChanges(m, e, read, changed, actor, "catalogue.update");
      return e;
    });
  }

  async withdraw(agencyId: string, id: string, reason: string, actor: Actor): Promise<CatalogueEntry> {
    return this.setStatus(agencyId, id, "withdrawn", reason, actor);
  }

  async restore(agencyId: string, id: string, actor: Actor): Promise<CatalogueEntry> {
    return this.setStatus(agencyId, id, "active", null, actor);
  }

  private async setStatus(agencyId: string, id: string, to: "active" | "withdrawn", reason: string | null, actor: Actor): Promise<CatalogueEntry> {
    return this.ctx.db.transaction(async (m) => {
      const e = await m.findOneBy(CatalogueEntry, { agencyId, id });
      if (!e) throw new DomainError("CATALOGUE.NOT_FOUND", "目录条目不存在");
      if (e.status === to) throw new DomainError("CATALOGUE.INVALID_TRANSITION", to === "withdrawn" ? "该条目已撤回" : "该条目未撤回");
      const from = e.status;
      const now = this.ctx.clock.now().toISOString();
      e.status = to;
      e.withdrawnAt = to === "withdrawn" ? now : null;
      e.withdrawnReason = reason;
      e.updatedAt = now;
      e.updatedBy = actor.id;
      await this.saveVersioned(m, e, e.version, ["status", "withdrawnAt", "withdrawnReason", "updatedAt", "updatedBy"]);
      await m.save(
        auditEvent({
          agencyId,
          entityType: "catalogue_entry",
          entityId: e.id,
          actor,
          action: to === "withdrawn" ? "catalogue.withdraw" : "catalogue.restore",
          fromStatus: from,
          toStatus: to,
          reason,
          data: { indexNo: e.indexNo },
          at: this.ctx.clock.now().toISOString(),
        }),
      );
      return e;
    });
  }

  /**
   * Validates every row first and reports each bad one (row number, field, reason); only a clean file is
   * written, in one transaction. A row whose 索引号 exists updates that entry (a withdrawn one stays withdrawn).
   */
  async importRows(agencyId: string, rows: ImportRow[], actor: Actor): Promise<ImportResult> {
    const valid = this.validateRows(rows);
    return this.writeRows(agencyId, valid, actor);
  }

  /** Every row checked, all or none: the valid entries, or CATALOGUE.IMPORT_INVALID naming each row's problem. */
  validateRows(rows: ImportRow[]): Array<{ row: number; data: ValidEntry }> {
    const problems: RowProblem[] = [];
    const valid: Array<{ row: number; data: ValidEntry }> = [];
    const seen = new Map<string, number>();
    for (const r of rows) {
      const parsed = entryInputSchema.safeParse(r.values);
      const rowProblems: RowProblem[] = [];
      if (!parsed.success) {
        for (const i of parsed.error.issues) rowProblems.push({ row: r.row, field: String(i.path[0] ?? ""), message: i.message });
      }
      const indexNo = typeof r.values.indexNo === "string" ? r.values.indexNo.trim() : "";
      if (!indexNo) {
        if (!rowProblems.some((p) => p.field === "indexNo"))
          rowProblems.push({ row: r.row, field: "indexNo", message: "请填写索引号（导入时按索引号新增或更新）" });
      } else if (seen.has(indexNo)) {
        rowProblems.push({ row: r.row, field: "indexNo", message: `索引号 ${indexNo} 与第${seen.get(indexNo)}行重复` });
      } else seen.set(indexNo, r.row);
      if (rowProblems.length) problems.push(...rowProblems);
      else if (parsed.success) valid.push({ row: r.row, data: parsed.data });
    }
    if (!rows.length) problems.push({ row: 0, field: "(file)", message: "文件中没有数据行" });
    if (problems.length) {
      throw new DomainError(
        "CATALOGUE.IMPORT_INVALID",
        `有${new Set(problems.map((p) => p.row)).size}行数据有误，未导入任何条目`,
        problems as unknown as Array<Record<string, unknown>>,
      );
    }
    return valid;
  }

  private async writeRows(agencyId: string, valid: Array<{ row: number; data: ValidEntry }>, actor: Actor): Promise<ImportResult> {
    return this.ctx.db.transaction(async (m) => {
      // An import writes thousands of rows in one transaction: its own, longer statement timeout.
      await withStatementTimeout(m, this.ctx.config.DB_IMPORT_STATEMENT_TIMEOUT_MS);
      const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
      for (const { data } of valid) {
        const existing = await m.findOneBy(CatalogueEntry, { agencyId, indexNo: data.indexNo! });
        if (!existing) {
          await this.writeNew(m, this.build(agencyId, data, actor), actor, "catalogue.import_create", { indexNo: data.indexNo! });
          result.created++;
          continue;
        }
        const read = existing.version;
        const changed = this.apply(existing, data, actor);
        if (!changed.length) {
          result.unchanged++;
          continue;
        }
        await this.writeChanges(m, existing, read, changed, actor, "catalogue.import_update");
        result.updated++;
      }
      return result;
    });
  }

  /**
   * Writes `columns` of `e` only if the row is still at the version it was read at (`read`), and sets its new
   * version. A row changed since (two staff saving the same version at once) is refused with CATALOGUE.CONFLICT
   * naming the version it is at now, never overwritten.
   */
  /** A new entry, its search tokens and its audit row, in `m`. */
  private async writeNew(m: EntityManager, e: CatalogueEntry, actor: Actor, action: string, data: Record<string, unknown>): Promise<void> {
    await m.save(e);
    await this.index.sync(m, e, true);
    await m.save(
      auditEvent({
        agencyId: e.agencyId,
        entityType: "catalogue_entry",
        entityId: e.id,
        actor,
        action,
        toStatus: "active",
        data,
        at: this.ctx.clock.now().toISOString(),
      }),
    );
  }

  /** An edited entry's changed fields (version-checked against `read`), its search tokens and its audit row, in `m`. */
  private async writeChanges(m: EntityManager, e: CatalogueEntry, read: number, changed: string[], actor: Actor, action: string): Promise<void> {
    await this.saveVersioned(m, e, read, [...changed, ...DERIVED_COLUMNS]);
    await this.index.sync(m, e);
    await m.save(
      auditEvent({
        agencyId: e.agencyId,
        entityType: "catalogue_entry",
        entityId: e.id,
        actor,
        action,
        data: { indexNo: e.indexNo, changed },
        at: this.ctx.clock.now().toISOString(),
      }),
    );
  }

  private async saveVersioned(m: EntityManager, e: CatalogueEntry, read: number, columns: readonly string[]): Promise<void> {
    const source = e as unknown as Record<string, unknown>;
    const changes: Record<string, unknown> = {};
    for (const c of columns) changes[c] = source[c];
    const conflict = versionConflict("CATALOGUE.CONFLICT", CONFLICT_MESSAGE);
    try {
      e.version = await updateVersioned(m, CatalogueEntry, e.id, read, changes as Partial<CatalogueEntry>, conflict);
    } catch (err) {
      if (err !== conflict) throw err;
      const now = await m.findOne(CatalogueEntry, { select: { id: true, version: true }, where: { id: e.id } });
      throw versionConflict("CATALOGUE.CONFLICT", CONFLICT_MESSAGE, now?.version);
    }
  }

  /** Every entry that is not withdrawn, in catalogue order (for export). */
  async exportEntries(agencyId: string): Promise<CatalogueEntry[]> {
    return this.repo().find({ where: { agencyId, status: "active" }, order: { subjectCategory: "ASC", writtenDate: "DESC", indexNo: "ASC" } });
  }

  /** Next 索引号 for a year: <agency index code>/<year>-<5-digit serial>, serial kept in the counters table. */
  async nextIndexNo(m: EntityManager, agencyId: string, date: string): Promise<string> {
    const agency = await m.findOneBy(Agency, { id: agencyId });
    const code = agency?.profile?.indexCode ?? agency?.code.toUpperCase() ?? "AGENCY";
    const year = date.slice(0, 4);
    const name = `catalogue_index_${year}`;
    for (;;) {
      const indexNo = `${code}/${year}-${String(await bumpCounter(m, agencyId, name)).padStart(5, "0")}`;
      if (!(await m.findOneBy(CatalogueEntry, { agencyId, indexNo }))) return indexNo;
    }
  }

  private build(agencyId: string, data: ValidEntry, actor: Actor): CatalogueEntry {
    const now = this.ctx.clock.now().toISOString();
    const e = new CatalogueEntry();
    e.id = randomUUID();
    e.agencyId = agencyId;
    e.status = "active";
    e.withdrawnAt = null;
    e.withdrawnReason = null;
    e.version = 0;
    e.createdBy = actor.id;
    e.createdAt = now;
    this.apply(e, data, actor);
    e.version = 1;
    return e;
  }

  /** Copies validated fields onto the entity; returns the names of fields that changed. */
  private apply(e: CatalogueEntry, data: ValidEntry, actor: Actor): string[] {
    const changed: string[] = [];
    const target = e as unknown as Record<string, unknown>;
    for (const f of ENTRY_FIELDS) {
      const v = (data as Record<string, unknown>)[f] ?? null;
      if (f === "indexNo" && v === null) continue;
      if ((target[f] ?? null) !== v) {
        target[f] = v;
        changed.push(f);
      }
    }
    if (!changed.length) return changed;
    Object.assign(e, deriveSearchColumns(e));
    e.version += 1;
    e.updatedAt = this.ctx.clock.now().toISOString();
    e.updatedBy = actor.id;
    return changed;
  }
}

function parseEntry(input: unknown): ValidEntry {
  const r = entryInputSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new ValidationError(r.error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message })));
}

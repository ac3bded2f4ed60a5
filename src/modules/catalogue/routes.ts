// HTTP: public guide and catalogue (JSON; the HTML pages are the portal's, src/modules/portal) and the staff API to edit them.
import Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { DomainError } from "../../domain/errors";
import { currentStaff, requireStaff } from "../../http/auth";
import { parseInput } from "../../http/validate";
import { agencyByCode, agencyById } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import { sharedLimiter, type Limiter } from "../../infra/rate-limiter";
import type { StaffPrincipal } from "../staff/staff-service";
import { isPublicEntry, toView } from "./catalogue-service";
import { CatalogueEntry } from "./entities";
import { entryInputSchema, entryPatchSchema } from "./entry-schema";
import { guideDraftSchema, sectionPatchSchema, type Actor } from "./guide-service";
import { parseCsv, parseXlsx, sheetLimits, toCsv, toXlsx } from "./import-export";
import { mayEditContent, mayPublishContent } from "./policy";
import { PUBLIC_ENTRY_SQL } from "./search-index";
import { MAX_PAGE_SIZE } from "./search-service";

const intParam = (label: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `${label}应为数字`)
    .transform(Number)
    .pipe(z.number().min(min, `${label}不能小于${min}`).max(max, `${label}不能大于${max}`));

export const searchQuerySchema = z.object({
  q: z.string().max(200, "搜索词不能超过200个字").optional(),
  category: z.string().max(200, "分类不能超过200个字").optional(),
  year: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(intParam("年份", 1949, 2100).optional()),
  page: intParam("页码", 1, 10000).optional(),
  pageSize: intParam("每页条数", 1, MAX_PAGE_SIZE).optional(),
  agency: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, "机关代码格式不正确")
    .optional(),
});

const listQuerySchema = z.object({
  status: z.enum(["active", "withdrawn"], { error: "状态应为 active 或 withdrawn" }).optional(),
  page: intParam("页码", 1, 10000).optional(),
  pageSize: intParam("每页条数", 1, 200).optional(),
});

const withdrawSchema = z.object({ reason: z.string({ error: "请填写撤回原因" }).trim().min(1, "请填写撤回原因").max(500, "撤回原因不能超过500个字") });
const publishSchema = z.object({ note: z.string().trim().max(500).optional() });
const exportSchema = z.object({ format: z.enum(["csv", "xlsx"], { error: "导出格式应为 csv 或 xlsx" }).default("csv") });

const staffActor = (s: StaffPrincipal): Actor => ({ type: "staff", id: s.id });

/** Largest catalogue file accepted for import, through the API and the console alike. */
export const IMPORT_LIMIT_BYTES = 10 * 1024 * 1024;

/** The request body as bytes: what the body parser left unread (CSV, XLSX), or the text it already read. */
async function rawBody(ctx: Context, limit: number): Promise<Buffer> {
  const parsed = ctx.request.body as unknown;
  if (typeof parsed === "string") return Buffer.from(parsed, "utf8");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DomainError("REQUEST.TOO_LARGE", `文件不能超过${Math.round(limit / 1024 / 1024)}MB`);
    chunks.push(chunk as Buffer);
  }
  if (!size) throw new DomainError("CATALOGUE.IMPORT_INVALID", "上传的文件是空的", [{ row: 0, field: "(file)", message: "没有内容" }]);
  return Buffer.concat(chunks);
}

/** The public search query with the configured length bound (JSON API and the portal's /catalogue page). */
export function publicSearchSchema(app: AppContext) {
  const maxChars = app.config.CATALOGUE_QUERY_MAX_CHARS;
  return searchQuerySchema.extend({ q: z.string().max(maxChars, `搜索词不能超过${maxChars}个字，请精简后再搜索`).optional() });
}

/**
 * Search is the one anonymous request that costs real database work: limited per client address, one counter
 * for the JSON API and the portal page (the bot's searches go through the facade and its own chat limit).
 */
export function catalogueSearchLimit(app: AppContext): Limiter {
  return sharedLimiter(app.kv, {
    name: "search",
    points: app.config.CATALOGUE_SEARCH_RATE_PER_MINUTE,
    durationSeconds: 60,
    message: "搜索过于频繁，请稍后再试。",
  });
}

export function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function queryObject(ctx: Context): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(ctx.query)) out[k] = one(v as string | string[] | undefined);
  return out;
}

export function catalogueRoutes(app: AppContext, deps: Pick<Services, "catalogue" | "staff">): Router[] {
  const facade = () => deps.catalogue;
  const guide = () => facade().guides;
  const catalogue = () => facade().entries;
  const search = () => facade();
  const pub = new Router();

  const agencyFor = (code?: string) => agencyByCode(app, code);
  const searchSchema = publicSearchSchema(app);
  const searchLimit = catalogueSearchLimit(app);

  pub.get("/api/guide", async (ctx) => {
    const q = parseInput(z.object({ agency: searchQuerySchema.shape.agency }), queryObject(ctx));
    const agency = await agencyFor(q.agency);
    const g = await guide().guide(agency.id);
    ctx.body = { agency: { code: agency.code, name: agency.name }, ...g, agencyId: undefined };
  });

  pub.get("/api/catalogue", async (ctx) => {
    const q = parseInput(searchSchema, queryObject(ctx));
    await searchLimit.consume(ctx.ip);
    // One portal for the platform: without ?agency= and with several agencies, every agency's catalogue is
    // searched and each hit says whose it is; with one agency the answer is that agency's, as before.
    if (!q.agency) {
      const agencies = await app.db.getRepository(Agency).find({ select: { id: true, code: true, name: true } });
      if (agencies.length > 1) {
        const byId = new Map(agencies.map((a) => [a.id, a]));
        const r = await search().searchAll({ q: q.q, category: q.category, year: q.year, page: q.page, pageSize: q.pageSize });
        const items = r.items.map(({ agencyId, ...it }) => ({
          ...it,
          agencyCode: byId.get(agencyId ?? "")?.code ?? null,
          agencyName: byId.get(agencyId ?? "")?.name ?? null,
        }));
        ctx.body = { agency: null, ...r, items };
        return;
      }
    }
    const agency = await agencyFor(q.agency);
    const r = await search().search(agency.id, { q: q.q, category: q.category, year: q.year, page: q.page, pageSize: q.pageSize });
    ctx.body = { agency: { code: agency.code, name: agency.name }, ...r };
  });

  pub.get("/api/catalogue/item", async (ctx) => {
    const q = parseInput(
      z.object({ indexNo: z.string({ error: "请提供索引号" }).min(1, "请提供索引号").max(100), agency: searchQuerySchema.shape.agency }),
      queryObject(ctx),
    );
    const agency = await agencyFor(q.agency);
    const e = await catalogue().byIndexNo(agency.id, q.indexNo);
    if (!isPublicEntry(e)) throw new DomainError("CATALOGUE.NOT_FOUND", "目录条目不存在或已撤回");
    const { status: _s, withdrawnAt: _w, withdrawnReason: _r, version: _v, id: _id, ...view } = toView(e);
    ctx.body = { entry: view };
  });

  const staff = new Router({ prefix: "/api/staff" });
  const editors = requireStaff(deps.staff, mayEditContent);
  const publishers = requireStaff(deps.staff, mayPublishContent);

  staff.get("/guide", editors, async (ctx) => {
    const agencyId = currentStaff(ctx).agencyId;
    const [published, draft] = await Promise.all([guide().publishedVersion(agencyId), guide().draft(agencyId)]);
    ctx.body = {
      published: published ? guide().toPublished(published) : null,
      draft: draft ? { version: draft.version, revision: draft.revision, note: draft.note, updatedAt: draft.updatedAt, content: draft.content } : null,
    };
  });

  staff.get("/guide/versions", editors, async (ctx) => {
    ctx.body = { versions: await guide().versions(currentStaff(ctx).agencyId) };
  });

  staff.get("/guide/versions/:version", editors, async (ctx) => {
    const n = Number(ctx.params.version);
    if (!Number.isInteger(n) || n < 1) throw new DomainError("GUIDE.NOT_FOUND", "指南版本不存在");
    const v = await guide().version(currentStaff(ctx).agencyId, n);
    ctx.body = {
      version: v.version,
      status: v.status,
      note: v.note,
      createdAt: v.createdAt,
      updatedAt: v.updatedAt,
      publishedAt: v.publishedAt,
      content: v.content,
    };
  });

  staff.put("/guide/draft", editors, async (ctx) => {
    const body = parseInput(guideDraftSchema, ctx.request.body);
    const s = currentStaff(ctx);
    const d = await guide().saveDraft(s.agencyId, body, staffActor(s));
    ctx.body = { draft: { version: d.version, revision: d.revision, note: d.note, updatedAt: d.updatedAt, content: d.content } };
  });

  staff.patch("/guide/draft/sections/:key", editors, async (ctx) => {
    const body = parseInput(sectionPatchSchema, ctx.request.body);
    const s = currentStaff(ctx);
    const d = await guide().patchSection(s.agencyId, ctx.params.key, body, staffActor(s));
    ctx.body = { draft: { version: d.version, revision: d.revision, note: d.note, updatedAt: d.updatedAt, content: d.content } };
  });

  staff.delete("/guide/draft", editors, async (ctx) => {
    const s = currentStaff(ctx);
    await guide().discardDraft(s.agencyId, staffActor(s));
    ctx.status = 204;
  });

  staff.post("/guide/publish", publishers, async (ctx) => {
    const body = parseInput(publishSchema, ctx.request.body);
    const s = currentStaff(ctx);
    const v = await guide().publish(s.agencyId, staffActor(s), body.note);
    ctx.body = { published: guide().toPublished(v) };
  });

  staff.get("/catalogue", editors, async (ctx) => {
    const q = parseInput(listQuerySchema, queryObject(ctx));
    ctx.body = await catalogue().list(currentStaff(ctx).agencyId, { status: q.status, page: q.page ?? 1, pageSize: q.pageSize ?? 50 });
  });

  staff.get("/catalogue/export", editors, async (ctx) => {
    const q = parseInput(exportSchema, queryObject(ctx));
    const s = currentStaff(ctx);
    const entries = await catalogue().exportEntries(s.agencyId);
    const agency = await agencyById(app, s.agencyId);
    const name = `catalogue-${agency.code}-${app.today()}.${q.format}`;
    ctx.set("Content-Disposition", `attachment; filename="${name}"`);
    if (q.format === "csv") {
      ctx.type = "text/csv; charset=utf-8";
      ctx.body = toCsv(entries);
    } else {
      ctx.type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
      ctx.body = await toXlsx(entries);
    }
  });

  // Upload a catalogue file: the body is the file itself (Content-Type text/csv, or the XLSX type /
  // application/octet-stream with ?format=xlsx). Same rules as the CLI: all rows or none, update by 索引号.
  staff.post("/catalogue/import", publishers, async (ctx) => {
    const type = ctx.request.type;
    const q = parseInput(z.object({ format: z.enum(["csv", "xlsx"], { error: "文件格式应为 csv 或 xlsx" }).optional() }), queryObject(ctx));
    const format = q.format ?? (type === "text/csv" || type === "text/plain" ? "csv" : type.includes("spreadsheetml") ? "xlsx" : undefined);
    if (!format) throw new DomainError("CATALOGUE.INVALID_FORMAT", "请以 text/csv 或 XLSX 类型上传文件，或用 ?format=csv|xlsx 指明格式");
    const buf = await rawBody(ctx, IMPORT_LIMIT_BYTES);
    const rows = format === "csv" ? parseCsv(buf, sheetLimits(app.config)) : await parseXlsx(buf, sheetLimits(app.config));
    const s = currentStaff(ctx);
    ctx.body = { rows: rows.length, ...(await catalogue().importRows(s.agencyId, rows, staffActor(s))) };
  });

  staff.post("/catalogue", editors, async (ctx) => {
    const body = parseInput(entryInputSchema, ctx.request.body);
    const s = currentStaff(ctx);
    const e = await catalogue().create(s.agencyId, body, staffActor(s));
    ctx.status = 201;
    ctx.body = { entry: toView(e) };
  });

  staff.get("/catalogue/:id", editors, async (ctx) => {
    ctx.body = { entry: toView(await catalogue().get(currentStaff(ctx).agencyId, ctx.params.id)) };
  });

  staff.patch("/catalogue/:id", editors, async (ctx) => {
    const body = parseInput(entryPatchSchema, ctx.request.body);
    const s = currentStaff(ctx);
    // Only the fields the request named; parseInput already normalised them.
    const raw = (ctx.request.body ?? {}) as Record<string, unknown>;
    const patch = Object.fromEntries(Object.entries(body).filter(([k]) => k in raw));
    const e = await catalogue().update(s.agencyId, ctx.params.id, patch, staffActor(s));
    ctx.body = { entry: toView(e) };
  });

  staff.post("/catalogue/:id/withdraw", editors, async (ctx) => {
    const body = parseInput(withdrawSchema, ctx.request.body);
    const s = currentStaff(ctx);
    ctx.body = { entry: toView(await catalogue().withdraw(s.agencyId, ctx.params.id, body.reason, staffActor(s))) };
  });

  staff.post("/catalogue/:id/restore", editors, async (ctx) => {
    const s = currentStaff(ctx);
    ctx.body = { entry: toView(await catalogue().restore(s.agencyId, ctx.params.id, staffActor(s))) };
  });

  staff.delete("/catalogue/:id", editors, async () => {
    throw new DomainError("CATALOGUE.INVALID_TRANSITION", "目录条目不能删除；不再公开的条目请撤回（POST /api/staff/catalogue/:id/withdraw）");
  });

  return [pub, staff];
}

/** Categories and years present in the agency's active catalogue (for the search form); `null`: every agency's. */
export async function catalogueFacets(app: AppContext, agencyId: string | null): Promise<{ categories: string[]; years: number[] }> {
  const repo = app.db.getRepository(CatalogueEntry);
  const cats = await repo
    .createQueryBuilder("e")
    .select("e.subject_category", "c")
    .where(`${agencyId === null ? "1 = 1" : "e.agency_id = :agencyId"} AND ${PUBLIC_ENTRY_SQL}`, { agencyId })
    .groupBy("e.subject_category")
    .orderBy("e.subject_category")
    .limit(100)
    .getRawMany<{ c: string }>();
  const years = await repo
    .createQueryBuilder("e")
    .select("e.year", "y")
    .where(`${agencyId === null ? "1 = 1" : "e.agency_id = :agencyId"} AND ${PUBLIC_ENTRY_SQL} AND e.year IS NOT NULL`, { agencyId })
    .groupBy("e.year")
    .orderBy("e.year", "DESC")
    .limit(50)
    .getRawMany<{ y: number }>();
  return { categories: cats.map((r) => r.c), years: years.map((r) => Number(r.y)) };
}

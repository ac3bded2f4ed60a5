// Public HTTP of the agency directory: GET /api/agencies lists the platform's agencies, or with ?q= finds them
// by name or by what they handle and suggests one (the portal shows it for the citizen to confirm).
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { parseInput } from "../../http/validate";
import { sharedLimiter, type Limiter } from "../../infra/rate-limiter";
import type { DirectoryEntry } from "./agency-directory";

const querySchema = z.object({
  q: z.string({ error: "搜索词应为文字" }).trim().max(100, { error: "搜索词不能超过100个字，请简要描述要办的事或机关名称" }).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, { error: "limit 应为1–50的数字" })
    .transform(Number)
    .pipe(z.number().min(1, { error: "limit 不能小于1" }).max(50, { error: "limit 不能大于50" }))
    .optional(),
});

/** The per-address limit of agency searches, one counter for the API and the portal's "找哪个机关？" box. */
export function agencySearchLimit(app: AppContext): Limiter {
  return sharedLimiter(app.kv, {
    name: "agency-search",
    points: app.config.CATALOGUE_SEARCH_RATE_PER_MINUTE,
    durationSeconds: 60,
    message: "查询过于频繁，请稍后再试。",
  });
}

/** What a citizen sees of an agency: public facts only (no ids). */
const view = (a: DirectoryEntry) => ({ code: a.code, name: a.name, shortName: a.shortName, duties: a.duties, contact: a.contact });

export function directoryRoutes(app: AppContext, deps: Pick<Services, "directory">): Router[] {
  const dir = () => deps.directory;
  const limiter = agencySearchLimit(app);
  const r = new Router();
  r.get("/api/agencies", async (ctx) => {
    const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
    const q = parseInput(querySchema, { q: one(ctx.query.q), limit: one(ctx.query.limit) });
    await limiter.consume(`ip:${ctx.ip}`);
    if (!q.q) {
      const all = await dir().all();
      ctx.body = { total: all.length, items: all.slice(0, q.limit ?? 50).map(view), suggested: null };
      return;
    }
    const hits = await dir().search(q.q, q.limit ?? 10);
    const suggested = await dir().suggest(q.q);
    ctx.body = {
      total: hits.length,
      items: hits.map((h) => ({ ...view(h.agency), matchedBy: h.by })),
      // One agency to propose ("您要找的是…吗？"); the citizen confirms or picks another from the list.
      suggested: suggested ? suggested.agency.code : null,
    };
  });
  return [r];
}

// Staff JSON API of the misses list (beside the console page /console/misses): list what the bot missed,
// attach a miss to an existing answer unit, write a new answer. Any staff role reads; approvers and admins
// write. Scoped to the staff member's agency.
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { currentStaff, requireStaff } from "../../../http/auth";
import { parseInput } from "../../../http/validate";
import { mayCurateAnswers, mayReadMisses } from "../policy";
import { builtInUnits, type KnowledgeUnits } from "../ports";
import { UNIT_ID_RE, type LearnedStore } from "./learned-store";

const listSchema = z.object({ status: z.enum(["open", "attached", "answered", "all"], { error: "status 应为 open、attached、answered 或 all" }).optional() });
const attachSchema = z.object({
  unitId: z.string({ error: "请提供答案编号 unitId" }).trim().regex(UNIT_ID_RE, { error: "答案编号格式不正确（如 faq:fees、custom:…）" }),
});
const answerSchema = z.object({
  question: z.string({ error: "请填写问题" }).trim().min(2, { error: "请填写问题" }).max(500, { error: "问题不能超过500个字" }),
  answer: z.string({ error: "请填写答案" }).trim().min(2, { error: "请填写答案" }).max(2000, { error: "答案不能超过2000个字" }),
  missId: z.string().trim().max(36).optional(),
});

/** A unit staff may attach a miss to. */
export interface UnitCandidate {
  id: string;
  title: string;
}

/**
 * Units a miss can be attached to: the staff-written ones, the built-in FAQ topics, and whatever the
 * knowledge index lists.
 */
export async function unitCandidates(
  deps: { learned: Pick<LearnedStore, "customUnits">; knowledge: KnowledgeUnits },
  agencyId: string,
): Promise<UnitCandidate[]> {
  const store = deps.learned;
  const custom = (await store.customUnits(agencyId)).map((u) => ({ id: u.id, title: u.questions[0] ?? u.id }));
  const index = deps.knowledge;
  const indexed = index ? (await index.listUnits(agencyId)).filter((u) => u.kind !== "custom").map((u) => ({ id: u.id, title: u.questions[0] ?? u.id })) : [];
  const seen = new Set<string>();
  return [...custom, ...builtInUnits(), ...indexed].filter((c) => !seen.has(c.id) && seen.add(c.id));
}

export function learnedRoutes(app: AppContext, deps: Pick<Services, "learned" | "knowledge" | "staff">): Router {
  const r = new Router();
  const store = () => deps.learned;

  r.get("/api/staff/bot/misses", requireStaff(deps.staff, mayReadMisses), async (ctx) => {
    const q = parseInput(listSchema, ctx.query);
    ctx.body = { misses: await store().listMisses(currentStaff(ctx).agencyId, { status: q.status ?? "open" }) };
  });

  r.get("/api/staff/bot/units", requireStaff(deps.staff, mayReadMisses), async (ctx) => {
    ctx.body = { units: await unitCandidates(deps, currentStaff(ctx).agencyId) };
  });

  r.post("/api/staff/bot/misses/:id/attach", requireStaff(deps.staff, mayCurateAnswers), async (ctx) => {
    const body = parseInput(attachSchema, ctx.request.body);
    ctx.body = { miss: await store().attach(currentStaff(ctx), String(ctx.params.id), body.unitId) };
  });

  r.post("/api/staff/bot/answers", requireStaff(deps.staff, mayCurateAnswers), async (ctx) => {
    const body = parseInput(answerSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { unit: await store().writeAnswer(currentStaff(ctx), body) };
  });

  return r;
}

// HTTP routes of applications: citizen intake and status, staff registration, queue, detail, actions, letters.
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { DomainError } from "../../domain/errors";
import { currentStaff, requireStaff } from "../../http/auth";
import { parseInput } from "../../http/validate";
import { Agency } from "../../infra/entities/agency.entity";
import { APPLICANT_CATEGORIES } from "./application.entity";
import { ALL_CHANNELS } from "./intake-schema";
import { ACTIONS, STATUSES, type ApplicationAction } from "./lifecycle";
import { mayHandleApplications } from "./policy";
import { renderReplyLetter, renderReplyLetterDocx } from "./reply-letter";

const statusQuerySchema = z.object({
  queryCode: z.string({ error: "请填写查询码" }).trim().min(1, { error: "请填写查询码" }).max(20, { error: "查询码格式不正确" }),
});

const boolParam = z.enum(["true", "false", "1", "0"], { error: "应为 true 或 false" }).transform((v) => v === "true" || v === "1");
const listQuerySchema = z.object({
  status: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(STATUSES, { error: `状态应为 ${STATUSES.join("、")} 之一` })))
    .optional(),
  assignee: z.string().max(64).optional(),
  overdue: boolParam.optional(),
  dueWithin: z.coerce.number({ error: "dueWithin 应为工作日天数" }).int().min(0).max(60).optional(),
  channel: z.enum(ALL_CHANNELS, { error: "渠道不正确" }).optional(),
  category: z.enum(APPLICANT_CATEGORIES as unknown as [string, ...string[]], { error: "申请人类型不正确" }).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const agencyCodeSchema = z
  .string({ error: "机关代码应为文字，例如 zdrmt" })
  .trim()
  .regex(/^[a-z0-9-]{1,40}$/, { error: "机关代码格式不正确（小写字母、数字和连字符），请从机关目录 /api/agencies 中选择" });

/** The agency a citizen files to: the given code (unknown → a 400 naming the field), else the default agency. */
async function filingAgency(app: AppContext, raw: unknown): Promise<string | undefined> {
  if (raw === undefined || raw === null || raw === "") return undefined;
  const r = agencyCodeSchema.safeParse(raw);
  const bad = (message: string) => new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [{ field: "agency", message }]);
  if (!r.success) throw bad(r.error.issues[0]?.message ?? "机关代码格式不正确");
  const agency = await app.db.getRepository(Agency).findOneBy({ code: r.data });
  if (!agency) throw bad(`本平台没有代码为“${r.data}”的机关，请从机关目录 /api/agencies 中选择受理机关`);
  return agency.id;
}

function idempotencyKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  if (header.length > 200)
    throw new DomainError("VALIDATION.INVALID_INPUT", "Idempotency-Key 过长", [{ field: "Idempotency-Key", message: "Idempotency-Key 不能超过200个字符" }]);
  return header;
}

export function applicationRoutes(app: AppContext, deps: Pick<Services, "applications" | "staff">): Router[] {
  const svc = () => deps.applications;

  const citizen = new Router({ prefix: "/api/applications" });
  citizen.post("/", async (ctx) => {
    // "agency": the code of the agency the citizen files to (the directory, GET /api/agencies); default agency without it.
    const body = ctx.request.body as Record<string, unknown> | undefined;
    const agencyId = await filingAgency(app, body && typeof body === "object" && !Array.isArray(body) ? body.agency : undefined);
    const answer = await svc().submit(body, { agencyId, idempotencyKey: idempotencyKey(ctx.get("Idempotency-Key") || undefined), clientKey: `ip:${ctx.ip}` });
    ctx.status = 201;
    ctx.body = answer;
  });
  // Art. 36(5): the holder of the number and query code re-files a 不属于本机关 application to the competent agency.
  citizen.post("/:applicationNo/refile", async (ctx) => {
    const q = parseInput(statusQuerySchema, ctx.request.body ?? {});
    const answer = await svc().refileByCode(ctx.params.applicationNo, q.queryCode, `ip:${ctx.ip}`);
    ctx.status = answer.alreadyRefiled ? 200 : 201;
    ctx.body = answer;
  });
  citizen.get("/:applicationNo", async (ctx) => {
    const q = parseInput(statusQuerySchema, ctx.query);
    ctx.body = await svc().citizenStatus(ctx.params.applicationNo, q.queryCode, `ip:${ctx.ip}`);
  });

  const staff = new Router({ prefix: "/api/staff/applications" });
  staff.use(requireStaff(deps.staff, mayHandleApplications));
  staff.post("/", async (ctx) => {
    const s = currentStaff(ctx);
    const answer = await svc().register(ctx.request.body, s, idempotencyKey(ctx.get("Idempotency-Key") || undefined));
    ctx.status = 201;
    ctx.body = answer;
  });
  staff.get("/", async (ctx) => {
    const f = parseInput(listQuerySchema, ctx.query);
    ctx.body = await svc().list(currentStaff(ctx), f);
  });
  staff.get("/:applicationNo", async (ctx) => {
    const reveal = ctx.query.reveal === "idNumber";
    ctx.body = await svc().detail(currentStaff(ctx), ctx.params.applicationNo, { revealIdNumber: reveal });
  });
  staff.get("/:applicationNo/allowed-actions", async (ctx) => {
    ctx.body = await svc().allowedActionsFor(currentStaff(ctx), ctx.params.applicationNo);
  });
  staff.get("/:applicationNo/reply-letter", async (ctx) => {
    const { app: a, agency, competent } = await svc().forLetter(currentStaff(ctx).agencyId, ctx.params.applicationNo);
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = renderReplyLetter(a, agency, competent);
  });
  staff.get("/:applicationNo/reply-letter.docx", async (ctx) => {
    const { app: a, agency, competent } = await svc().forLetter(currentStaff(ctx).agencyId, ctx.params.applicationNo);
    ctx.type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    ctx.attachment(`答复告知书-${a.applicationNo}.docx`);
    ctx.body = await renderReplyLetterDocx(renderReplyLetter(a, agency, competent));
  });
  staff.post("/:applicationNo/:action", async (ctx) => {
    const action = ctx.params.action as ApplicationAction;
    if (!ACTIONS.includes(action)) throw new DomainError("ROUTE.NOT_FOUND", `未知操作：${ctx.params.action}`);
    ctx.body = await svc().act(currentStaff(ctx), ctx.params.applicationNo, action, ctx.request.body);
  });

  return [citizen, staff];
}

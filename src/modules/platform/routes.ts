// The platform API (issue 17), bearer token like the rest of the staff API:
//   /api/staff/platform/…  agencies as data (platform admins only): list, add, read, update, create an account;
//   /api/staff/district/…  the supervisor's read-only district views (supervisors and platform admins), scoped
//                          to the agencies under the supervisor's agency. Agency staff get 403 on both.
import Router from "@koa/router";
import type { Context } from "koa";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { yearOf } from "../../domain/china-time";
import { DomainError } from "../../domain/errors";
import { currentStaff, requireStaff } from "../../http/auth";
import { parseInput } from "../../http/validate";
import { assertYear } from "../reports/report-service";
import { ALL_ROLES } from "../staff/staff-service";
import { agencyAddSchema, agencyUpdateSchema } from "./agency-schema";
import { mayManageAgencies, mayOverseeDistrict } from "./policy";

const userSchema = z.object({
  username: z.string().min(3).max(64),
  password: z.string().min(1).max(200),
  role: z.enum(ALL_ROLES as [string, ...string[]], { message: "角色须为 clerk、approver、admin、supervisor 或 platform_admin" }),
  displayName: z.string().max(100).optional(),
});

function yearOfParam(raw: string): number {
  const year = Number(raw);
  if (!/^\d{4}$/.test(raw)) throw new DomainError("REPORT.INVALID_YEAR", "年度须为四位数字");
  assertYear(year);
  return year;
}

export function platformRoutes(app: AppContext, deps: Pick<Services, "agencies" | "district" | "staff">): Router[] {
  const agencies = () => deps.agencies;
  const district = () => deps.district;

  const platform = new Router({ prefix: "/api/staff/platform" });
  platform.use(requireStaff(deps.staff, mayManageAgencies));

  platform.get("/agencies", async (ctx) => {
    ctx.body = { agencies: await agencies().list() };
  });
  platform.post("/agencies", async (ctx) => {
    const body = parseInput(agencyAddSchema, ctx.request.body);
    const r = await agencies().add(body, currentStaff(ctx));
    ctx.status = 201;
    ctx.body = { agency: r.agency, admin: r.admin, guide: r.guide, catalogue: r.catalogue };
  });
  platform.get("/agencies/:code", async (ctx) => {
    ctx.body = { agency: await agencies().get(ctx.params.code) };
  });
  platform.patch("/agencies/:code", async (ctx) => {
    const body = parseInput(agencyUpdateSchema, ctx.request.body);
    ctx.body = { agency: await agencies().update(ctx.params.code, body, currentStaff(ctx)) };
  });
  // An agency's first admin (or a supervisor of the office): the platform admin names the agency.
  platform.post("/agencies/:code/users", async (ctx) => {
    const body = parseInput(userSchema, ctx.request.body);
    const a = await agencies().get(ctx.params.code);
    ctx.status = 201;
    ctx.body = { user: await deps.staff.createUser({ ...body, role: body.role as never, agencyCode: a.code }, currentStaff(ctx)) };
  });

  const d = new Router({ prefix: "/api/staff/district" });
  d.use(requireStaff(deps.staff, mayOverseeDistrict));
  const scope = (ctx: Context) => agencies().scopeOf(currentStaff(ctx));

  // Deadlines by agency, the overdue applications, and the state of last year's reports.
  d.get("/overview", async (ctx) => {
    const ids = await scope(ctx);
    const today = app.today();
    const reportYear = yearOf(today) - 1;
    const [deadlines, overdue, pubs] = await Promise.all([
      district().deadlines(ids, today),
      district().overdueList(ids, today),
      district().publications(ids, reportYear, today),
    ]);
    ctx.body = {
      today,
      deadlines,
      overdue,
      reports: { year: reportYear, agencies: deadlines.rows.map((a) => ({ code: a.code, name: a.name, ...pubs.get(a.id)!, publishedChecks: undefined })) },
    };
  });
  d.get("/reports/:year", async (ctx) => {
    const year = yearOfParam(ctx.params.year);
    const rows = await district().reports(await scope(ctx), year, app.today());
    ctx.body = { year, agencies: rows.map(({ id: _id, parentId: _p, ...r }) => r) };
  });
  d.get("/table/:year", async (ctx) => {
    const year = yearOfParam(ctx.params.year);
    const t = await district().districtTable(await scope(ctx), year, app.today());
    ctx.body = {
      year: t.year,
      format: t.format,
      total: t.total,
      agencies: t.agencies.map((a) => ({ code: a.code, name: a.name, table: a.table, checks: a.checks, checksOk: a.checksOk, publication: a.publication })),
    };
  });

  return [platform, d];
}

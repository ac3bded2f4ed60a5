// The mini-program API (/api/miniprogram/*): login, my applications (list, detail, file, attach a file),
// status by number and query code, guide, catalogue search, reports and figures, subscription consent,
// notifications. Every route is declared with apiRoute() so the OpenAPI document is generated from the
// schemas the route validates with. "My applications" are the signed-in openid's, across every agency.
import Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { WechatApiError } from "../../channels/wechat-api";
import { DomainError } from "../../domain/errors";
import { agencyByCode } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import { createLimiter } from "../../infra/rate-limiter";
import { Application } from "../applications/application.entity";
import { miniprogramIntakeSchema } from "../applications/intake-schema";
import { ACCEPTED_TYPES } from "../attachments/file-check";
import { readUpload } from "../attachments/multipart";
import { ReportPublication } from "../reports/entities";
import { assertYear } from "../reports/report-service";
import { apiRoute, declare } from "./api-route";
import { chatSchema } from "../conversation/routes";
import { newMpSession } from "./mp-session";
import * as s from "./schemas";
import { parseInput } from "../../http/validate";

const NOT_YOURS = "未找到该申请（只能查看本微信账号在小程序中提交的申请；其他申请请用申请编号和查询码查询）";

export function miniprogramRoutes(app: AppContext, deps: Pick<Services, "applications" | "attachments" | "catalogue" | "conversation" | "reports">): Router {
  const r = new Router();
  const apps = () => deps.applications;
  const conv = () => deps.conversation;
  const attachments = () => deps.attachments;
  const citizen = (openId: string) => `mp:${openId}`;
  const searchLimit = createLimiter(app.kv, {
    name: "search",
    points: app.config.CATALOGUE_SEARCH_RATE_PER_MINUTE,
    durationSeconds: 60,
    message: "搜索过于频繁，请稍后再试。",
  });

  const agencyNames = async (ids: string[]) => {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await app.db.getRepository(Agency).createQueryBuilder("a").where("a.id IN (:...ids)", { ids: unique }).getMany() : [];
    return new Map(rows.map((a) => [a.id, { code: a.code, name: a.name }]));
  };
  /** The application if it was filed by this openid; the same 404 as a missing number otherwise. */
  const mine = async (openId: string, applicationNo: string) => {
    const a = await app.db.getRepository(Application).findOneBy({ applicationNo: applicationNo.toUpperCase(), citizenKey: citizen(openId) });
    if (!a) throw new DomainError("APPLICATION.NOT_FOUND", NOT_YOURS);
    return a;
  };
  const view = async (a: Application, agencies: Map<string, { code: string; name: string }>) => ({
    ...(await apps().citizenView(a)),
    agency: agencies.get(a.agencyId) ?? { code: "", name: "" },
    submittedAt: a.submittedAt,
  });

  apiRoute(
    app,
    r,
    {
      method: "POST",
      path: "/api/miniprogram/login",
      tag: "account",
      auth: "none",
      summary: "登录：用 wx.login() 的 code 换取会话令牌（code2session）",
      body: s.loginBody,
      success: { status: 200, description: "会话令牌（7天），之后放在 Authorization: Bearer <token>", schema: s.loginAnswer },
      errors: { 503: "小程序登录未开通（MINIPROGRAM_APPID / MINIPROGRAM_SECRET 未配置）" },
    },
    async (ctx, { body }) => {
      const { code } = body as z.infer<typeof s.loginBody>;
      if (!app.config.MINIPROGRAM_APPID || !app.config.MINIPROGRAM_SECRET) {
        throw new DomainError("MINIPROGRAM.UNAVAILABLE", "小程序登录暂未开通（MINIPROGRAM_APPID / MINIPROGRAM_SECRET 未配置）");
      }
      let openId: string;
      try {
        ({ openId } = await conv().wechat.code2Session(code));
      } catch (e) {
        if (e instanceof WechatApiError) throw new DomainError("AUTH.INVALID_CREDENTIALS", "小程序登录失败，请重试");
        throw e;
      }
      ctx.body = await newMpSession(app, openId);
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/notifications",
      tag: "account",
      auth: "mp",
      summary: "未读通知（申请状态变化、工作人员回复），取走即标记为已送达",
      success: { status: 200, description: "通知文字", schema: s.notificationsAnswer },
    },
    async (ctx, { openId }) => {
      ctx.body = { notifications: await conv().takeInbox(citizen(openId)) };
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/applications",
      tag: "applications",
      auth: "mp",
      summary: "我的申请：本微信账号提交的申请（所有机关），最新的在前，最多50件",
      success: { status: 200, description: "申请列表", schema: s.myApplicationsAnswer },
    },
    async (ctx, { openId }) => {
      const rows = await app.db.getRepository(Application).find({ where: { citizenKey: citizen(openId) }, order: { createdAt: "DESC" }, take: 50 });
      const names = await agencyNames(rows.map((a) => a.agencyId));
      ctx.body = { applications: await Promise.all(rows.map((a) => view(a, names))) };
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "POST",
      path: "/api/miniprogram/applications",
      tag: "applications",
      auth: "mp",
      summary: "提交申请（与 POST /api/applications 相同的字段和规则，渠道为小程序；agency 为受理机关代码，不填为默认机关）",
      description: "同一 Idempotency-Key 的重试返回同一申请和查询码（24小时内），不会重复提交。",
      headers: { "Idempotency-Key": "可选，最多200个字符：重试时带同一个值" },
      body: miniprogramIntakeSchema,
      success: { status: 201, description: "申请编号和查询码（查询码只显示这一次）", schema: s.filingAnswer },
      errors: { 409: "同一 Idempotency-Key 用于不同内容，或重试已超过保存期限" },
    },
    async (ctx, { openId, body }) => {
      const key = ctx.get("Idempotency-Key") || undefined;
      if (key && key.length > 200)
        throw new DomainError("VALIDATION.INVALID_INPUT", "Idempotency-Key 过长", [{ field: "Idempotency-Key", message: "Idempotency-Key 不能超过200个字符" }]);
      const { agency: code, ...fields } = body as z.infer<typeof miniprogramIntakeSchema>;
      const agency = code ? await app.db.getRepository(Agency).findOneBy({ code }) : null;
      if (code && !agency)
        throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [
          { field: "agency", message: `本平台没有代码为“${code}”的机关，请从机关目录 /api/agencies 中选择受理机关` },
        ]);
      const answer = await apps().submit(
        { ...fields, channel: "miniprogram" },
        { agencyId: agency?.id, idempotencyKey: key, citizenKey: citizen(openId), clientKey: citizen(openId) },
      );
      ctx.status = 201;
      ctx.body = answer;
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/applications/:applicationNo",
      tag: "applications",
      auth: "mp",
      summary: "我的申请详情：状态、期限、结果、所需信息描述和已上传的附件（不含附件内容）",
      params: s.applicationNoParams,
      success: { status: 200, description: "申请详情和上传限制", schema: s.myApplicationDetail },
      errors: { 404: "没有这件申请，或不是本账号提交的" },
    },
    async (ctx, { openId, params }) => {
      const a = await mine(openId, String(params.applicationNo));
      const names = await agencyNames([a.agencyId]);
      ctx.body = {
        application: { ...(await view(a, names)), description: a.description, attachments: await attachments().listFor(a.id) },
        limits: { maxBytes: app.config.ATTACHMENT_MAX_BYTES, maxFiles: app.config.ATTACHMENT_MAX_PER_APPLICATION, types: Object.keys(ACCEPTED_TYPES) },
      };
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "POST",
      path: "/api/miniprogram/applications/:applicationNo/attachments",
      tag: "applications",
      auth: "mp",
      summary: '上传附件（身份证明或其他材料）：multipart/form-data，文件放在 file 字段（wx.uploadFile 的 name: "file"）',
      description: "只接受 JPG、PNG、PDF（按文件内容判断）；单个文件和每件申请的文件数有上限（见申请详情的 limits）。只能上传到本账号提交的、尚未办结的申请。",
      params: s.applicationNoParams,
      multipart: s.uploadFields,
      success: { status: 201, description: "已保存的附件", schema: z.object({ attachment: s.attachmentAnswer }) },
      errors: { 404: "没有这件申请，或不是本账号提交的", 409: "附件数已达上限，或申请已办结", 413: "文件过大", 415: "不是 multipart/form-data" },
    },
    async (ctx, { openId, params }) => {
      const a = await mine(openId, String(params.applicationNo));
      const upload = await readUpload(ctx, app.config.ATTACHMENT_MAX_BYTES);
      const fields = parseInput(s.uploadFields, upload.fields);
      if (!upload.file)
        throw new DomainError("VALIDATION.INVALID_INPUT", "请选择要上传的文件", [{ field: "file", message: "请选择要上传的文件（JPG、PNG 或 PDF）" }]);
      const saved = await attachments().add(
        a,
        { kind: fields.kind, bytes: upload.file.bytes, truncated: upload.file.truncated, source: "miniprogram", uploadedBy: citizen(openId) },
        { type: "citizen", id: citizen(openId) },
      );
      ctx.status = 201;
      ctx.body = { attachment: saved };
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/status",
      tag: "applications",
      auth: "mp",
      summary: "按申请编号和查询码查询任一申请的办理状态（例如在网页或公众号提交的）",
      query: s.statusQuery,
      success: { status: 200, description: "办理状态", schema: s.citizenStatus },
      errors: { 404: "申请编号或查询码不对" },
    },
    async (ctx, { openId, query }) => {
      const q = query as z.infer<typeof s.statusQuery>;
      ctx.body = await apps().citizenStatus(q.applicationNo.toUpperCase(), q.queryCode, citizen(openId));
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/guide",
      tag: "information",
      auth: "none",
      summary: "政府信息公开指南（已发布版本）",
      query: s.guideQuery,
      success: { status: 200, description: "指南各节" },
      errors: { 404: "机关不存在或尚未发布指南" },
    },
    async (ctx, { query }) => {
      const agency = await agencyByCode(app, (query as z.infer<typeof s.guideQuery>).agency);
      const g = await deps.catalogue.guide(agency.id);
      ctx.body = { agency: { code: agency.code, name: agency.name }, ...g, agencyId: undefined };
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/catalogue",
      tag: "information",
      auth: "none",
      summary: "政府信息公开目录搜索（与 /api/catalogue 相同的结果和限制；多个机关且不指定 agency 时搜索全部机关）",
      query: s.catalogueQuery,
      success: { status: 200, description: "目录条目和指南中的相关内容" },
    },
    async (ctx, { query }) => {
      const q = query as z.infer<typeof s.catalogueQuery>;
      const max = app.config.CATALOGUE_QUERY_MAX_CHARS;
      if (q.q && q.q.length > max)
        throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [
          { field: "q", message: `搜索词不能超过${max}个字，请精简后再搜索` },
        ]);
      await searchLimit.consume(ctx.ip);
      const num = (v?: string) => (v ? Number(v) : undefined);
      const pageSize = num(q.pageSize);
      if (pageSize !== undefined && (pageSize < 1 || pageSize > 50))
        throw new DomainError("VALIDATION.INVALID_INPUT", "提交的内容有误，请按提示修改后重试", [{ field: "pageSize", message: "每页条数应在1至50之间" }]);
      const params = { q: q.q, category: q.category, year: num(q.year), page: num(q.page) || undefined, pageSize };
      const facade = deps.catalogue;
      // As /api/catalogue: without ?agency= on a platform of several agencies, every catalogue, each hit naming its agency.
      if (!q.agency) {
        const agencies = await app.db.getRepository(Agency).find({ select: { id: true, code: true, name: true } });
        if (agencies.length > 1) {
          const byId = new Map(agencies.map((a) => [a.id, a]));
          const all = await facade.searchAll(params);
          ctx.body = {
            agency: null,
            ...all,
            items: all.items.map(({ agencyId, ...it }) => ({
              ...it,
              agencyCode: byId.get(agencyId ?? "")?.code ?? null,
              agencyName: byId.get(agencyId ?? "")?.name ?? null,
            })),
          };
          return;
        }
      }
      const agency = await agencyByCode(app, q.agency);
      const r2 = await facade.search(agency.id, params);
      ctx.body = { agency: { code: agency.code, name: agency.name }, ...r2 };
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/reports",
      tag: "information",
      auth: "none",
      summary: "已发布的政府信息公开工作年度报告（每年的最新版本）",
      query: s.reportsQuery,
      success: { status: 200, description: "年度和版本", schema: s.reportsAnswer },
    },
    async (ctx, { query }) => {
      const agency = await agencyByCode(app, (query as z.infer<typeof s.reportsQuery>).agency);
      // One aggregate: the latest version per year, then that version's publication time.
      const latest = (await app.db
        .getRepository(ReportPublication)
        .createQueryBuilder("p")
        .select("p.year", "year")
        .addSelect("MAX(p.version)", "version")
        .where("p.agency_id = :id", { id: agency.id })
        .groupBy("p.year")
        .orderBy("p.year", "DESC")
        .getRawMany()) as Array<{ year: number | string; version: number | string }>;
      const reports = [];
      for (const l of latest) {
        const p = await app.db.getRepository(ReportPublication).findOne({
          select: { year: true, version: true, publishedAt: true },
          where: { agencyId: agency.id, year: Number(l.year), version: Number(l.version) },
        });
        if (p) reports.push({ year: p.year, version: p.version, publishedAt: p.publishedAt });
      }
      ctx.body = { agency: { code: agency.code, name: agency.name }, reports };
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/reports/:year",
      tag: "information",
      auth: "none",
      summary: "某年度报告的数字：申请情况表各行合计、复议诉讼、一句话概述（DOCX/XLSX 见 /api/reports/{year}?format=docx|xlsx）",
      params: s.yearParams,
      query: s.reportsQuery,
      success: { status: 200, description: "年度数字" },
      errors: { 404: "该年度报告尚未发布" },
    },
    async (ctx, { params, query }) => {
      const year = Number(params.year);
      assertYear(year);
      const agency = await agencyByCode(app, (query as z.infer<typeof s.reportsQuery>).agency);
      const figures = await deps.reports.figures(agency.id, year);
      if (!figures) throw new DomainError("REPORT.NOT_FOUND", `${agency.name}${year}年政府信息公开工作年度报告尚未发布`);
      ctx.body = figures;
    },
  );

  const templates = () => {
    const t = app.config.MINIPROGRAM_STATUS_TEMPLATE_ID;
    return t ? [{ templateId: t, purpose: "申请办理状态变化通知" }] : [];
  };
  const consentView = async (openId: string) => ({ templates: templates(), consents: await conv().subscriptions.list(citizen(openId)) });

  apiRoute(
    app,
    r,
    {
      method: "GET",
      path: "/api/miniprogram/subscriptions",
      tag: "notifications",
      auth: "mp",
      summary: "订阅消息：服务使用的模板 ID（用 wx.requestSubscribeMessage 请求这些）和本账号剩余的可发送次数",
      success: { status: 200, description: "模板和剩余次数", schema: s.subscriptionsAnswer },
    },
    async (ctx, { openId }) => {
      ctx.body = await consentView(openId);
    },
  );

  apiRoute(
    app,
    r,
    {
      method: "POST",
      path: "/api/miniprogram/subscriptions",
      tag: "notifications",
      auth: "mp",
      summary: "记录 wx.requestSubscribeMessage 的结果：每个 accept 允许发送一条该模板的消息，ban 清零",
      description: "把 wx.requestSubscribeMessage 成功回调里每个模板 ID 的值原样放进 results（去掉 errMsg）。只记录服务使用的模板，其他模板 ID 被忽略。",
      body: s.subscribeBody,
      success: { status: 200, description: "记录后的模板和剩余次数", schema: s.subscriptionsAnswer },
    },
    async (ctx, { openId, body }) => {
      const { results } = body as z.infer<typeof s.subscribeBody>;
      const known = new Set(templates().map((t) => t.templateId));
      const kept = Object.fromEntries(Object.entries(results).filter(([id]) => known.has(id)));
      if (Object.keys(kept).length) await conv().subscriptions.record(citizen(openId), kept);
      ctx.body = await consentView(openId);
    },
  );

  // The chat API is the conversation module's route; documented here for the mini-program's chat page.
  declare({
    method: "POST",
    path: "/api/chat",
    tag: "account",
    auth: "mp",
    summary: "与机器人对话（小程序：带会话令牌，userId 和 session 不用填）；待收的通知随回复一起返回",
    body: chatSchema,
    success: { status: 200, description: "回复", schema: z.object({ replies: z.array(z.string()) }) },
  });

  return r;
}

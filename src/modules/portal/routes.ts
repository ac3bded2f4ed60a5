// The public portal's router: the agency's front page, guide, catalogue, annual reports, status lookup, online
// application and web chat, all server-rendered HTML. Pages whose service is absent from the typed services given are not mounted.
// Every refusal is an HTML page in Chinese (never the JSON error, never a 500 with internals).
import Router from "@koa/router";
import type { Context, Next } from "koa";
import path from "node:path";
import fs from "node:fs";
import type { AppContext } from "../../context";
import type { Services } from "../services";
import { DomainError, ValidationError, statusForCode } from "../../domain/errors";
import { loadAsset, staticAssetRoute } from "../../http/static-assets";
import { isStatementTimeout, isDependencyDown, TIMEOUT_MESSAGE, BUSY_MESSAGE } from "../../infra/unavailable";
import { isPublicEntry, toView } from "../catalogue/catalogue-service";
import type { CatalogueFacade } from "../catalogue/facade";
import { catalogueFacets, catalogueSearchLimit, one, publicSearchSchema, queryObject } from "../catalogue/routes";
import { CHAT_SESSION_COOKIE, chatSession, setChatCookie } from "../conversation/chat-sessions";
import { chatMessageLimit } from "../conversation/routes";
import type { Speaker } from "../conversation/runner";
import { SESSION_TTL_SECONDS } from "../conversation/session-store";
import type { ReportJson } from "../reports/narrative";
import { ReportPublication } from "../reports/entities";
import { agencySearchLimit } from "../directory/routes";
import { checkFormKey, issueFormKey } from "./form-key";
import { Agency } from "../../infra/entities/agency.entity";
import { agencyFor, portalErrorPage, type PortalAgency } from "./layout";
import { applyChoicePage, platformHomePage, type AgencyFinder } from "./pages/agencies";
import { applyDonePage, applyPage, applyValues, intakeBody } from "./pages/apply";
import { chatPage } from "./pages/chat";
import { busyPage, cataloguePage, entryNotFoundPage, entryPage, guidePage, noGuidePage } from "./pages/guide";
import { homePage } from "./pages/home";
import { reportPage, reportsIndexPage, type PublishedYear } from "./pages/reports";
import { refiledPage, statusFormSchema, statusPage } from "./pages/status";
import { Application } from "../applications/application.entity";
import { attachFormFiles, fileProblem, readFormWithFiles, type FormFile } from "../attachments/form-upload";
import { isMultipart } from "../attachments/multipart";

function assetDir(): string {
  const here = path.join(__dirname, "assets");
  return fs.existsSync(here) ? here : path.resolve("src/modules/portal/assets");
}

const html = (ctx: Context, status: number, body: string) => {
  ctx.status = status;
  ctx.type = "text/html; charset=utf-8";
  ctx.body = body;
};

/** Chinese HTML for every error of a portal page; the agency (when known) keeps its header. */
function portalGuard(app: AppContext) {
  return async (ctx: Context, next: Next) => {
    // Forms of other sites are refused (anonymous forms carry no cookie, but a filing must be the citizen's own act).
    if (ctx.method === "POST") {
      const origin = ctx.get("Origin");
      const site = ctx.get("Sec-Fetch-Site");
      let host: string | null = null;
      try {
        host = origin && origin !== "null" ? new URL(origin).host : null;
      } catch {
        host = "invalid";
      }
      if ((host && host !== ctx.host) || (site && site !== "same-origin" && site !== "none")) {
        return html(ctx, 403, portalErrorPage(null, "无法提交", "跨站提交被拒绝，请在本网站的页面上填写并提交。"));
      }
    }
    // Same-origin referrers, so this site's own forms send their real Origin.
    ctx.set("Referrer-Policy", "same-origin");
    try {
      await next();
    } catch (err) {
      const agency = (ctx.state.portalAgency as PortalAgency | undefined) ?? null;
      if (err instanceof DomainError) {
        const status = statusForCode(err.code);
        const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (typeof retry === "number") ctx.set("Retry-After", String(Math.ceil(retry)));
        const title = status === 404 ? "未找到" : status === 429 ? "请稍后再试" : status >= 500 ? "暂时无法处理" : "请求有误";
        const text = err instanceof ValidationError ? `${err.message}：${err.problems.map((p) => p.message).join("；")}` : err.message;
        return html(ctx, status, portalErrorPage(agency, title, text));
      }
      if (isStatementTimeout(err) || isDependencyDown(err)) {
        ctx.set("Retry-After", "5");
        return html(ctx, 503, portalErrorPage(agency, "请稍后再试", isStatementTimeout(err) ? TIMEOUT_MESSAGE : BUSY_MESSAGE));
      }
      (ctx.state.log ?? app.logger).error({ err }, "portal error");
      return html(ctx, 500, portalErrorPage(agency, "出错了", "服务器内部错误，请稍后再试。"));
    }
  };
}

/** Every published year with its latest version (a GROUP BY, not the snapshots). */
async function publishedYears(app: AppContext, agencyId: string): Promise<PublishedYear[]> {
  const rows = await app.db
    .getRepository(ReportPublication)
    .createQueryBuilder("p")
    .select("p.year", "year")
    .addSelect("MAX(p.version)", "version")
    .addSelect("MAX(p.published_at)", "publishedAt")
    .where("p.agency_id = :agencyId", { agencyId })
    .groupBy("p.year")
    .orderBy("p.year", "DESC")
    .limit(100)
    .getRawMany<{ year: number; version: number; publishedAt: string }>();
  return rows.map((r) => ({ year: Number(r.year), version: Number(r.version), publishedAt: String(r.publishedAt) }));
}

export function portalRoutes(
  app: AppContext,
  deps: Pick<Services, "applications" | "attachments" | "catalogue" | "conversation" | "directory" | "reports">,
): Router {
  const r = new Router();
  const has = (name: keyof typeof deps) => deps[name] !== undefined;
  const agency = async (ctx: Context, fromForm?: unknown, opts?: { needsOne?: boolean }) => {
    const a = await agencyFor(app, ctx, fromForm, opts);
    ctx.state.portalAgency = a;
    return a;
  };
  // Guide, reports and entries are one agency's: without ?agency= on a platform of several, the default's.
  const oneAgency = (ctx: Context) => agency(ctx, undefined, { needsOne: true });
  const canChoose = (a: PortalAgency) => a.platform === true && has("directory");

  /** The directory's answer to ?q= (bounded, limited per address like GET /api/agencies, one counter). */
  const findAgency = async (ctx: Context): Promise<AgencyFinder> => {
    const dir = deps.directory;
    const raw = one(ctx.query.q as string | string[] | undefined);
    const q = typeof raw === "string" ? raw.trim() : "";
    const all = (await dir.all()).slice(0, 500);
    if (q.length > 100) return { q: q.slice(0, 100), suggested: null, hits: [], all, error: "请简要描述，不超过100个字（如机关名称，或“学校的事找谁”）。" };
    if (!q) return { q, suggested: null, hits: [], all };
    await agencySearchLimit(app).consume(`ip:${ctx.ip}`);
    const [hits, suggested] = await Promise.all([dir.search(q, 10), dir.suggest(q)]);
    return { q, suggested: suggested?.agency ?? null, hits: hits.map((h) => ({ agency: h.agency, by: h.by })), all };
  };
  r.use(portalGuard(app));

  staticAssetRoute(r, "/assets/:name", () => ({
    "portal.css": loadAsset(path.join(assetDir(), "portal.css"), "text/css; charset=utf-8"),
    "chat.js": loadAsset(path.join(assetDir(), "chat.js"), "application/javascript; charset=utf-8"),
  }));

  r.get("/", async (ctx) => {
    const a = await agency(ctx);
    if (canChoose(a)) return html(ctx, 200, platformHomePage(a, await findAgency(ctx)));
    // No published guide yet is a state of the agency, not an error of the page.
    const guide = has("catalogue")
      ? await deps.catalogue.guides.guide(a.id).catch((e: unknown) => {
          if (e instanceof DomainError) return null;
          throw e;
        })
      : null;
    const years = has("reports") ? await publishedYears(app, a.id) : [];
    html(ctx, 200, homePage(a, { guide, years }));
  });

  if (has("catalogue")) {
    const facade = () => deps.catalogue;
    const searchSchema = publicSearchSchema(app);
    const maxChars = app.config.CATALOGUE_QUERY_MAX_CHARS;

    r.get("/guide", async (ctx) => {
      const a = await oneAgency(ctx);
      const v = await facade().guides.publishedVersion(a.id);
      if (!v) return html(ctx, 404, noGuidePage(a));
      html(ctx, 200, guidePage(a, facade().guides.toPublished(v)));
    });

    r.get("/catalogue", async (ctx) => {
      const raw = queryObject(ctx);
      const parsed = searchSchema.safeParse(raw);
      // A malformed search keeps what it can: the words (cut to the limit), not the broken filters.
      const q = parsed.success ? parsed.data : { q: raw.q?.slice(0, maxChars), category: undefined, year: undefined, page: undefined };
      const a = await agency(ctx);
      // No agency chosen on a platform of several: every agency's catalogue, each hit naming its agency.
      const everyAgency = a.platform === true;
      let result: Awaited<ReturnType<CatalogueFacade["search"]>>;
      let facets: Awaited<ReturnType<typeof catalogueFacets>>;
      let owners: Map<string, { code: string; name: string }> | undefined;
      try {
        await catalogueSearchLimit(app).consume(ctx.ip);
        const params = { q: q.q, category: q.category, year: q.year, page: q.page, pageSize: 20 };
        result = everyAgency ? await facade().searchAll(params) : await facade().search(a.id, params);
        facets = await catalogueFacets(app, everyAgency ? null : a.id);
        if (everyAgency)
          owners = new Map(
            (await app.db.getRepository(Agency).find({ select: { id: true, code: true, name: true } })).map((x) => [x.id, { code: x.code, name: x.name }]),
          );
      } catch (err) {
        const limited = err instanceof DomainError && err.code === "RATE_LIMITED";
        if (!limited && !isStatementTimeout(err)) throw err;
        const retry = limited ? Number((err.details as { retryAfterSeconds?: number }).retryAfterSeconds ?? 60) : 5;
        ctx.set("Retry-After", String(retry));
        return html(ctx, limited ? 429 : 503, busyPage(a, limited ? `搜索过于频繁，请${retry}秒后再试。` : TIMEOUT_MESSAGE));
      }
      html(
        ctx,
        200,
        cataloguePage(a, {
          q: q.q ?? "",
          category: q.category ?? "",
          year: q.year ? String(q.year) : "",
          categories: facets.categories,
          years: facets.years,
          result,
          owners,
          error: parsed.success ? undefined : "部分搜索条件格式不正确，已忽略。",
        }),
      );
    });

    r.get("/catalogue/item", async (ctx) => {
      const a = await oneAgency(ctx);
      const indexNo = one(ctx.query.indexNo as string | string[] | undefined) ?? "";
      const e = indexNo && indexNo.length <= 100 ? await facade().entries.byIndexNo(a.id, indexNo) : null;
      if (!isPublicEntry(e)) return html(ctx, 404, entryNotFoundPage(a));
      html(ctx, 200, entryPage(a, toView(e)));
    });
  }

  if (has("reports")) {
    r.get("/reports", async (ctx) => {
      const a = await oneAgency(ctx);
      html(ctx, 200, reportsIndexPage(a, await publishedYears(app, a.id)));
    });

    r.get("/reports/:year", async (ctx) => {
      const a = await oneAgency(ctx);
      const yearText = String(ctx.params.year);
      const versionText = one(ctx.query.version as string | string[] | undefined);
      const notFound = (why: string) => html(ctx, 404, portalErrorPage(a, "未找到", why));
      if (!/^\d{4}$/.test(yearText)) return notFound("年度格式不正确，应为四位年份，如 /reports/2019。");
      if (versionText !== undefined && !/^[1-9]\d{0,5}$/.test(versionText)) return notFound("版本号格式不正确。");
      const year = Number(yearText);
      const repo = app.db.getRepository(ReportPublication);
      const versions = (await repo.find({ where: { agencyId: a.id, year }, select: { version: true }, order: { version: "ASC" } })).map((v) => v.version);
      if (!versions.length) return notFound(`${a.name}${year}年政府信息公开工作年度报告尚未发布。`);
      const version = versionText ? Number(versionText) : versions[versions.length - 1];
      const pub = versions.includes(version) ? await repo.findOneBy({ agencyId: a.id, year, version }) : null;
      if (!pub) return notFound(`${year}年度报告没有第${version}版。`);
      ctx.set("X-Report-Version", String(pub.version));
      html(ctx, 200, reportPage(a, pub.snapshot as ReportJson, { year, version: pub.version, publishedAt: pub.publishedAt }, versions));
    });
  }

  if (has("applications")) {
    const svc = () => deps.applications;

    r.get("/status", async (ctx) => {
      html(ctx, 200, statusPage(await agency(ctx)));
    });

    r.post("/status", async (ctx) => {
      const form = (ctx.request.body ?? {}) as Record<string, unknown>;
      const a = await agency(ctx, form.agency);
      const shown = typeof form.applicationNo === "string" ? form.applicationNo.slice(0, 40) : "";
      const parsed = statusFormSchema.safeParse(form);
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
        return html(ctx, 400, statusPage(a, { applicationNo: shown, errors }));
      }
      try {
        const result = await svc().citizenStatus(parsed.data.applicationNo, parsed.data.queryCode, `ip:${ctx.ip}`);
        // The page carries the typed code in a hidden field of the re-filing form (never in a URL).
        html(ctx, 200, statusPage(a, { applicationNo: result.applicationNo, result, queryCode: parsed.data.queryCode }));
      } catch (err) {
        if (!(err instanceof DomainError) || (err.code !== "APPLICATION.NOT_FOUND" && err.code !== "RATE_LIMITED")) throw err;
        const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retry) ctx.set("Retry-After", String(retry));
        html(ctx, statusForCode(err.code), statusPage(a, { applicationNo: shown, message: err.message }));
      }
    });

    // Art. 36(5) from the status page: the holder of number and code re-files to the agency named in the answer
    // (the service's refileByCode: same wrong-code limit as the lookup; once only, a second post finds the first).
    r.post("/status/refile", async (ctx) => {
      const form = (ctx.request.body ?? {}) as Record<string, unknown>;
      const a = await agency(ctx, form.agency);
      const parsed = statusFormSchema.safeParse(form);
      if (!parsed.success) return html(ctx, 400, statusPage(a, { message: "转交需要申请编号和查询码，请先查询该申请。" }));
      try {
        const answer = await svc().refileByCode(parsed.data.applicationNo, parsed.data.queryCode, `ip:${ctx.ip}`);
        html(ctx, answer.alreadyRefiled ? 200 : 201, refiledPage(a, answer));
      } catch (err) {
        if (!(err instanceof DomainError) || statusForCode(err.code) >= 500) throw err;
        const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retry) ctx.set("Retry-After", String(retry));
        html(ctx, statusForCode(err.code), statusPage(a, { applicationNo: parsed.data.applicationNo, message: err.message }));
      }
    });

    // Attachments (issue 15): the form carries files when the feature is there; limits as everywhere else.
    const attachments = has("attachments") ? () => deps.attachments : null;
    const uploads = attachments ? { maxBytes: app.config.ATTACHMENT_MAX_BYTES, maxFiles: app.config.ATTACHMENT_MAX_PER_APPLICATION } : undefined;

    r.get("/apply", async (ctx) => {
      const a = await agency(ctx);
      // Several agencies and none chosen: ask which one first (the form then names it and files to it).
      if (canChoose(a)) return html(ctx, 200, applyChoicePage(a, await findAgency(ctx)));
      html(ctx, 200, applyPage(a, { key: issueFormKey(app, a.code), uploads }));
    });

    r.post("/apply", async (ctx) => {
      let form = (ctx.request.body ?? {}) as Record<string, unknown>;
      let files: FormFile[] = [];
      if (isMultipart(ctx)) {
        try {
          const read = await readFormWithFiles(app, ctx);
          form = read.fields;
          files = attachments ? read.files : [];
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          const at = await agency(ctx);
          return html(ctx, 400, applyPage(at, { key: issueFormKey(app, at.code), uploads, message: `${err.message}。` }));
        }
      }
      const a = await agency(ctx, form.agency);
      const values = applyValues(form);
      const key = checkFormKey(app, form.key, a.code);
      if (!key) {
        // Not a form this server issued (or an old page): nothing is filed; the citizen's input comes back.
        return html(ctx, 400, applyPage(a, { key: issueFormKey(app, a.code), values, uploads, message: "表单已失效，请核对内容后再次点击“提交申请”。" }));
      }
      // A refused file sends the page back before anything is filed; the typed input stays (files must be chosen again).
      const problem = attachments && files.length ? fileProblem(app, attachments(), files) : null;
      if (problem) return html(ctx, 400, applyPage(a, { key, values, uploads, message: `${problem}。您填写的内容已保留，请重新选择文件后提交。` }));
      try {
        const answer = await svc().submit(intakeBody(values), { agencyId: a.id, idempotencyKey: `portal:${key}`, clientKey: `ip:${ctx.ip}` });
        let done: { attached: number; problem?: string } | undefined;
        if (attachments && files.length) {
          // Filed already: whatever happens to the files, the page shows the number and query code. A resubmitted
          // page (same key) finds the application and the files already stored, and adds only what is missing.
          try {
            const filed = await app.db.getRepository(Application).findOneByOrFail({ applicationNo: answer.applicationNo });
            done = { attached: (await attachFormFiles(attachments(), filed, files)).length };
          } catch (err) {
            ctx.state.log?.warn({ err: err instanceof Error ? err.message : String(err) }, "portal attachments not stored");
            done = {
              attached: 0,
              problem: `申请已提交，但附件未能保存${err instanceof DomainError ? `：${err.message}` : ""}。请记下查询码；如需补交材料，请联系受理机关。`,
            };
          }
        }
        html(ctx, 201, applyDonePage(a, answer, done));
      } catch (err) {
        if (err instanceof ValidationError) {
          const errors: Record<string, string> = {};
          for (const p of err.problems) errors[p.field] ??= p.message;
          return html(ctx, 400, applyPage(a, { key, values, errors, uploads }));
        }
        if (!(err instanceof DomainError) || statusForCode(err.code) >= 500) throw err;
        const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retry) ctx.set("Retry-After", String(retry));
        // A limit, or this key already used for other content: the input stays; a conflict gets a fresh key.
        const fresh = err.code === "IDEMPOTENCY.CONFLICT" ? issueFormKey(app, a.code) : key;
        const message =
          err.code === "IDEMPOTENCY.CONFLICT" ? "此表单已经提交过一份内容不同的申请。如确需再提交一份新的申请，请核对后再次点击“提交申请”。" : err.message;
        html(ctx, statusForCode(err.code), applyPage(a, { key: fresh, values, message, uploads }));
      }
    });
  }

  if (has("conversation")) {
    r.get("/chat", async (ctx) => {
      html(ctx, 200, chatPage(await agency(ctx)));
    });

    // Without JavaScript the chat form posts here: the same session (cookie), limit and engine as POST /api/chat.
    r.post("/chat", async (ctx) => {
      const a = await agency(ctx);
      const form = (ctx.request.body ?? {}) as Record<string, unknown>;
      const raw = typeof form.say === "string" && form.say.trim() ? form.say : form.text;
      const text = typeof raw === "string" ? raw.trim().slice(0, 500) : "";
      if (!text) return html(ctx, 200, chatPage(a));
      try {
        const session = await chatSession(app, ctx, undefined);
        const speaker: Speaker = { channel: "chat", userId: session.conversationId, citizenKey: null, clientAddress: ctx.ip };
        await chatMessageLimit(app).consume(`${speaker.channel}:${speaker.userId}`);
        const out = await deps.conversation.handle(speaker, text);
        if (session.isNew) {
          setChatCookie(ctx, session.token);
          // The page's own copy of the cookie, so the next form post continues the conversation (same name,
          // another path: overwrite would drop the API's copy set just above).
          ctx.cookies.set(CHAT_SESSION_COOKIE, session.token, {
            httpOnly: true,
            sameSite: "strict",
            path: "/chat",
            maxAge: SESSION_TTL_SECONDS * 1000,
            overwrite: false,
            secure: ctx.secure,
          });
        }
        html(ctx, 200, chatPage(a, { text, replies: out.replies }));
      } catch (err) {
        if (!(err instanceof DomainError) || statusForCode(err.code) >= 500) throw err;
        const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
        if (retry) ctx.set("Retry-After", String(retry));
        html(ctx, statusForCode(err.code), chatPage(a, { text, replies: [], error: err.message }));
      }
    });
  }

  return r;
}

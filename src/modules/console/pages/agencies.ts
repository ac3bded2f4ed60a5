// Agencies as data in the console (platform admins, issue 17): the district tree, adding an agency with its
// contact details, duties (keywords + a sentence, used to route citizens) and first admin, editing an agency, and
// creating an account in an agency (another admin, or a supervisor of the office). The same schema and service as
// the CLI and the platform API. Guides and catalogues are then written by the agency's own staff (指南与目录).
import type Router from "@koa/router";
import { z } from "zod";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { parseInput } from "../../../http/validate";
import { agencyAddSchema, agencyUpdateSchema } from "../../platform/agency-schema";
import type { AgencyView } from "../../platform/agency-service";
import { html, options } from "../../../http/html";
import { page, ROLE_LABELS } from "../layout";
import { requireRole, setFlash, takeFlash } from "../session";
import { mayManageAgencies } from "../../platform/policy";
import { ALL_ROLES } from "../../staff/policy";

const CONTACT: Array<[string, string]> = [
  ["office", "受理机构"],
  ["address", "地址"],
  ["officeHours", "办公时间"],
  ["phone", "电话"],
  ["fax", "传真"],
  ["email", "电子邮箱"],
];

/** The form's flat fields as the schema's input (keywords split on commas or 、; empty fields left out). */
function fromForm(body: Record<string, unknown>): Record<string, unknown> {
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string).trim() : undefined);
  const out: Record<string, unknown> = {};
  if (s("code")) out.code = s("code");
  if (s("name")) out.name = s("name");
  if (body.parent !== undefined) out.parent = s("parent") || null;
  for (const k of ["shortName", "region", "indexCode"]) if (s(k)) out[k] = s(k);
  const contact: Record<string, string> = {};
  for (const [k] of CONTACT) if (typeof body[`contact.${k}`] === "string") contact[k] = s(`contact.${k}`)!;
  if (Object.keys(contact).length) out.contact = contact;
  if (body.dutiesKeywords !== undefined || body.dutiesSummary !== undefined) {
    out.duties = { keywords: (s("dutiesKeywords") ?? "").split(/[,，、\s]+/).filter(Boolean), summary: s("dutiesSummary") ?? "" };
  }
  if (s("adminUsername"))
    out.admin = {
      username: s("adminUsername"),
      password: typeof body.adminPassword === "string" ? body.adminPassword : "",
      displayName: s("adminName") || undefined,
    };
  return out;
}

function agencyFields(a: AgencyView | null, all: AgencyView[]) {
  const parents: Array<[string, string]> = [
    ["", "（无，顶层机关）"],
    ...all.filter((x) => x.code !== a?.code).map((x) => [x.code, `${"　".repeat(x.depth)}${x.name}`] as [string, string]),
  ];
  const p = a?.profile;
  return html`
  <label for="f-name">名称</label><input id="f-name" name="name" required maxlength="200" value="${a?.name ?? ""}">
  <label for="f-parent">上级机关</label><select id="f-parent" name="parent">${options(parents, a?.parentCode ?? "")}</select>
  <label for="f-short">简称</label><input id="f-short" name="shortName" maxlength="50" value="${p?.shortName ?? ""}">
  <label for="f-index">索引号机关代码</label><input id="f-index" name="indexCode" maxlength="40" value="${p?.indexCode ?? ""}">
  ${CONTACT.map(([k, label]) => html`<label for="f-c-${k}">${label}</label><input id="f-c-${k}" name="contact.${k}" maxlength="200" value="${p?.contact?.[k] ?? ""}">`)}
  <label for="f-kw">职责关键词（用逗号或顿号分隔，用于把群众引导到本机关）</label><input id="f-kw" name="dutiesKeywords" maxlength="1000" value="${(p?.duties?.keywords ?? []).join("、")}">
  <label for="f-sum">职责说明（一句话）</label><textarea id="f-sum" name="dutiesSummary" maxlength="300" rows="2">${p?.duties?.summary ?? ""}</textarea>`;
}

export function agencyRoutes(app: AppContext, r: Router, deps: Pick<Services, "agencies" | "staff">): void {
  const agencies = () => deps.agencies;

  r.get("/platform/agencies", async (ctx) => {
    requireRole(ctx, mayManageAgencies);
    const all = await agencies().list();
    const body = html`
<section class="card" aria-labelledby="h-tree">
<h2 id="h-tree">平台上的机关</h2>
<div class="table-wrap"><table id="agencies">
<thead><tr><th scope="col">机关</th><th scope="col">代码</th><th scope="col">职责关键词</th><th scope="col">电话</th><th scope="col">操作</th></tr></thead>
<tbody>${all.map(
      (
        a,
      ) => html`<tr><th scope="row">${"　".repeat(a.depth)}${a.name}</th><td>${a.code}</td><td>${(a.profile.duties?.keywords ?? []).join("、")}</td><td>${a.profile.contact?.phone ?? "待机关补充"}</td>
<td><a href="/console/platform/agencies/${a.code}">编辑</a></td></tr>`,
    )}</tbody></table></div>
</section>
<section class="card" aria-labelledby="h-add">
<h2 id="h-add">新增机关</h2>
<p>新增后即可使用，无需重启：其管理员用机关代码登录工作台，编写指南、导入目录、办理申请。</p>
<form method="post" action="/console/platform/agencies" class="grid-form">
  <label for="f-code">机关代码（小写字母、数字或 -）</label><input id="f-code" name="code" required pattern="[a-z0-9\\-]{2,40}">
  ${agencyFields(null, all)}
  <label for="f-admin">首位管理员用户名</label><input id="f-admin" name="adminUsername" pattern="[A-Za-z0-9._\\-]{3,64}" autocomplete="off">
  <label for="f-admin-name">管理员姓名</label><input id="f-admin-name" name="adminName" maxlength="100">
  <label for="f-admin-pw">管理员初始密码</label><input id="f-admin-pw" name="adminPassword" type="password" autocomplete="new-password">
  <div class="form-actions"><button type="submit" class="primary">新增机关</button></div>
</form>
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "机关管理", active: "agencies", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/platform/agencies", async (ctx) => {
    const me = requireRole(ctx, mayManageAgencies);
    const input = parseInput(agencyAddSchema, fromForm(ctx.request.body as Record<string, unknown>));
    const res = await agencies().add(input, me);
    setFlash(ctx, { kind: "ok", text: `已新增机关 ${res.agency.name}（${res.agency.code}）${res.admin ? `，管理员 ${res.admin.username}` : ""}` });
    ctx.redirect(`/console/platform/agencies/${res.agency.code}`);
  });

  r.get("/platform/agencies/:code", async (ctx) => {
    requireRole(ctx, mayManageAgencies);
    const a = await agencies().get(ctx.params.code);
    const all = await agencies().list();
    const users = await deps.staff.listUsers(a.id, ALL_ROLES);
    const roleOptions = ALL_ROLES.map((x) => [x, ROLE_LABELS[x] ?? x] as [string, string]);
    const body = html`
<p><a href="/console/platform/agencies">返回机关列表</a></p>
<section class="card" aria-labelledby="h-edit">
<h2 id="h-edit">${a.name}（${a.code}）</h2>
<form method="post" action="/console/platform/agencies/${a.code}" class="grid-form">
  ${agencyFields(a, all)}
  <div class="form-actions"><button type="submit" class="primary">保存</button></div>
</form>
</section>
<section class="card" aria-labelledby="h-users">
<h2 id="h-users">账号</h2>
<ul>${users.map((u) => html`<li>${u.username}（${ROLE_LABELS[u.role] ?? u.role}${u.active === false ? "，已停用" : ""}）</li>`)}</ul>
<form method="post" action="/console/platform/agencies/${a.code}/users" class="grid-form">
  <label for="u-name">用户名</label><input id="u-name" name="username" required pattern="[A-Za-z0-9._\\-]{3,64}" autocomplete="off">
  <label for="u-display">姓名</label><input id="u-display" name="displayName" maxlength="100">
  <label for="u-pw">初始密码</label><input id="u-pw" name="password" type="password" required autocomplete="new-password">
  <label for="u-role">角色</label><select id="u-role" name="role">${options(roleOptions, "admin")}</select>
  <div class="form-actions"><button type="submit">创建账号</button></div>
</form>
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `机关：${a.name}`, active: "agencies", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/platform/agencies/:code", async (ctx) => {
    const me = requireRole(ctx, mayManageAgencies);
    const patch = parseInput(agencyUpdateSchema, fromForm(ctx.request.body as Record<string, unknown>));
    const a = await agencies().update(ctx.params.code, patch, me);
    setFlash(ctx, { kind: "ok", text: `已保存 ${a.name}` });
    ctx.redirect(`/console/platform/agencies/${a.code}`);
  });

  const userForm = z.object({
    username: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._-]{3,64}$/, "用户名须为3–64位字母、数字或 . _ -"),
    displayName: z.string().trim().max(100).optional(),
    password: z.string().min(1, "请填写初始密码").max(200),
    role: z.enum(ALL_ROLES as [string, ...string[]], { message: "请选择角色" }),
  });
  r.post("/platform/agencies/:code/users", async (ctx) => {
    const me = requireRole(ctx, mayManageAgencies);
    const a = await agencies().get(ctx.params.code);
    const f = parseInput(userForm, ctx.request.body);
    const u = await deps.staff.createUser(
      { username: f.username, password: f.password, role: f.role as never, displayName: f.displayName || undefined, agencyCode: a.code },
      me,
    );
    setFlash(ctx, { kind: "ok", text: `已在 ${a.name} 创建账号 ${u.username}（${ROLE_LABELS[u.role] ?? u.role}）` });
    ctx.redirect(`/console/platform/agencies/${a.code}`);
  });
}

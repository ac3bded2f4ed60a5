// Content: the disclosure guide (edit sections and contact in a draft, publish it) and the catalogue (add,
// edit, withdraw/restore entries; upload a CSV/XLSX file for import and see every row error). All through
// the catalogue service; the guide is published by approvers/admins as in the staff API.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { DomainError } from "../../../domain/errors";
import type { ImportRow } from "../../catalogue/catalogue-service";
import { ENTRY_FIELDS, toView, type EntryView } from "../../catalogue/catalogue-service";
import { CONTACT_LABELS, type Actor } from "../../catalogue/guide-service";
import { DISCLOSURE_MODES, NORMATIVE_TYPES, VALIDITIES } from "../../catalogue/entry-schema";
import { fieldLabel, parseCsv, parseXlsx, sheetLimits } from "../../catalogue/import-export";
import { html, options, qs, type SafeHtml } from "../../../http/html";
import { localTime, page } from "../layout";
import { IMPORT_LIMIT_BYTES } from "../../catalogue/routes";
import { consoleStaff, describeError, requireRole, setFlash, takeFlash } from "../session";
import { mayPublishContent } from "../../catalogue/policy";

const PAGE_SIZE = 20;

const actorOf = (ctx: Context): Actor => ({ type: "staff", id: consoleStaff(ctx).id });

/** Non-empty string fields of a form; empty inputs are left out (the service treats absent as unchanged/none). */
function formBody(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((ctx.request.body ?? {}) as Record<string, unknown>)) if (typeof v === "string") out[k] = v.trim();
  return out;
}

const ENTRY_FORM: Array<{
  field: (typeof ENTRY_FIELDS)[number];
  label: string;
  type?: "date" | "textarea" | "select" | "url";
  options?: readonly string[];
  required?: boolean;
}> = [
  { field: "title", label: "信息名称", required: true },
  { field: "publisher", label: "发布机构", required: true },
  { field: "docNo", label: "文号（如 张政办发〔2019〕12号）" },
  { field: "writtenDate", label: "生成日期", type: "date" },
  { field: "publishedDate", label: "发布日期", type: "date" },
  { field: "subjectCategory", label: "主题分类", required: true },
  { field: "agencyCategory", label: "组配分类" },
  { field: "disclosureMode", label: "公开方式", type: "select", options: DISCLOSURE_MODES, required: true },
  { field: "disclosureTimeLimit", label: "公开时限" },
  { field: "disclosureScope", label: "公开范围" },
  { field: "validity", label: "有效性", type: "select", options: VALIDITIES },
  { field: "normativeType", label: "文件类型", type: "select", options: ["", ...NORMATIVE_TYPES] },
  { field: "summary", label: "内容概述", type: "textarea" },
  { field: "url", label: "链接", type: "url" },
  { field: "body", label: "正文", type: "textarea" },
  { field: "keywords", label: "关键词" },
  { field: "indexNo", label: "索引号（新增时留空自动编号）" },
];

function entryFields(prefix: string, e: Partial<EntryView> | null): SafeHtml {
  return html`${ENTRY_FORM.map((f) => {
    const id = `${prefix}-${f.field}`;
    const v = (e?.[f.field as keyof EntryView] as string | null | undefined) ?? "";
    const req = f.required ? html` required` : "";
    let input: SafeHtml;
    if (f.type === "textarea") input = html`<textarea id="${id}" name="${f.field}" rows="3">${v}</textarea>`;
    else if (f.type === "select")
      input = html`<select id="${id}" name="${f.field}"${req}>${options(
        (f.options ?? []).map((o) => [o, o || "（无）"] as [string, string]),
        v || (f.field === "validity" ? "有效" : f.field === "disclosureMode" ? "主动公开" : ""),
      )}</select>`;
    else input = html`<input id="${id}" name="${f.field}" type="${f.type ?? "text"}" value="${v}"${req}>`;
    return html`<label for="${id}">${f.label}</label>${input}`;
  })}`;
}

/** Form values → entry input: empty strings become null so a cleared field is cleared. */
function entryInput(body: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ENTRY_FORM) if (f.field in body) out[f.field] = body[f.field] === "" ? null : body[f.field];
  return out;
}

async function readUpload(ctx: Context): Promise<{ name: string; bytes: Buffer }> {
  const type = ctx.get("Content-Type");
  if (!/^multipart\/form-data/i.test(type)) throw new DomainError("CATALOGUE.IMPORT_INVALID", "请选择要上传的文件");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > IMPORT_LIMIT_BYTES) throw new DomainError("REQUEST.TOO_LARGE", `文件过大（不超过${IMPORT_LIMIT_BYTES / 1024 / 1024}MB）`);
    chunks.push(chunk as Buffer);
  }
  // The WHATWG Request of Node parses multipart bodies; no extra dependency for one file field.
  let form: FormData;
  try {
    form = await new Request("http://console.local/upload", { method: "POST", headers: { "content-type": type }, body: Buffer.concat(chunks) }).formData();
  } catch {
    // A truncated or hand-made multipart body: the user's problem, not a server error.
    throw new DomainError("CATALOGUE.IMPORT_INVALID", "上传的内容无法读取，请重新选择文件上传");
  }
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) throw new DomainError("CATALOGUE.IMPORT_INVALID", "请选择要上传的文件");
  return { name: file.name, bytes: Buffer.from(await file.arrayBuffer()) };
}

interface ImportOutcome {
  fileName: string;
  ok: boolean;
  message: string;
  problems: Array<{ row: number; field: string; message: string }>;
}

function importCard(outcome: ImportOutcome | null): SafeHtml {
  return html`<section class="card" aria-labelledby="h-import" id="import">
<h2 id="h-import">导入目录文件</h2>
<p class="muted">CSV（UTF-8）或 XLSX，第一行为表头（索引号、信息名称、发布机构、主题分类、公开方式等）。按索引号新增或更新；有任何一行出错则整个文件不导入。</p>
${
  outcome
    ? html`<div class="flash ${outcome.ok ? "ok" : "error"}" role="${outcome.ok ? "status" : "alert"}">${outcome.fileName}：${outcome.message}</div>
${
  outcome.problems.length
    ? html`<div class="table-wrap"><table id="import-errors"><caption>错误明细</caption><thead><tr><th scope="col">行号</th><th scope="col">列</th><th scope="col">问题</th></tr></thead>
<tbody>${outcome.problems.map((p) => html`<tr><td>${p.row || "—"}</td><td>${fieldLabel(p.field)}</td><td>${p.message}</td></tr>`)}</tbody></table></div>`
    : ""
}`
    : ""
}
<form method="post" action="/console/content/catalogue/import" enctype="multipart/form-data" class="inline">
  <label for="import-file">选择文件</label>
  <input id="import-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required>
  <button type="submit" class="primary">上传并导入</button>
</form>
<p><a href="/api/staff/catalogue/export?format=csv">导出当前目录（CSV）</a> · <a href="/api/staff/catalogue/export?format=xlsx">导出（XLSX）</a></p>
</section>`;
}

export function contentRoutes(app: AppContext, r: Router, deps: Pick<Services, "catalogue">): void {
  const svc = () => deps.catalogue;

  const render = async (ctx: Context, outcome: ImportOutcome | null = null) => {
    const staff = consoleStaff(ctx);
    const status = ctx.query.status === "withdrawn" ? "withdrawn" : "active";
    // Capped so a hand-edited ?page= cannot become an offset the database rejects.
    const pageNo = Math.min(100_000, Math.max(1, Number.parseInt(String(ctx.query.page ?? "1"), 10) || 1));
    const draft = await svc().guides.draft(staff.agencyId);
    const published = await svc().guides.publishedVersion(staff.agencyId);
    const guide = draft ?? published;
    // The draft revision the forms edit (0: none yet); saving after someone else did is refused, not overwritten.
    const revision = draft?.revision ?? 0;
    const list = await svc().entries.list(staff.agencyId, { status, page: pageNo, pageSize: PAGE_SIZE });
    const mayPublish = mayPublishContent(staff);
    const body = html`
<section class="card" aria-labelledby="h-guide" id="guide">
  <h2 id="h-guide">政府信息公开指南</h2>
  <p>${published ? html`已发布第 ${published.version} 版（${localTime(app, published.publishedAt ?? published.updatedAt)}）。` : "尚未发布。"}
  ${draft ? html`<strong id="guide-draft">有未发布的草稿（第 ${draft.version} 版）。</strong>` : "修改任何栏目会生成草稿，发布后对外生效。"}
  <a href="/guide" target="_blank" rel="noopener">查看公开页面</a></p>
  ${
    draft
      ? html`<div class="actions">
      ${mayPublish ? html`<form method="post" action="/console/content/guide/publish" class="inline"><label for="guide-note">修改说明</label><input id="guide-note" name="note" maxlength="500"><button type="submit" class="primary">发布草稿</button></form>` : html`<span class="muted">草稿须由审批人或管理员发布。</span>`}
      <form method="post" action="/console/content/guide/discard" class="inline"><button type="submit" data-confirm="放弃草稿中的全部修改？">放弃草稿</button></form></div>`
      : ""
  }
  ${
    guide
      ? html`${guide.content.sections.map(
          (s) => html`<details class="action" id="section-${s.key}"><summary>${s.title}</summary>
<form method="post" action="/console/content/guide/sections/${s.key}" class="stack">
  <input type="hidden" name="revision" value="${revision}">
  <label for="gs-title-${s.key}">栏目标题</label><input id="gs-title-${s.key}" name="title" value="${s.title}" required maxlength="100">
  <label for="gs-body-${s.key}">栏目内容（{{contact}} 处显示联系方式）</label><textarea id="gs-body-${s.key}" name="body" rows="8" required>${s.body}</textarea>
  <button type="submit">保存到草稿</button>
</form></details>`,
        )}
<details class="action" id="guide-contact"><summary>联系方式</summary>
<form method="post" action="/console/content/guide/contact" class="grid-form">
  <input type="hidden" name="revision" value="${revision}">
  ${CONTACT_LABELS.map(([k, label]) => html`<label for="gc-${k}">${label}</label><input id="gc-${k}" name="${k}" value="${guide.content.contact[k] ?? ""}">`)}
  <div class="form-actions"><button type="submit">保存到草稿</button></div>
</form></details>`
      : html`<p class="muted">尚无指南。</p>`
  }
</section>

${mayPublish ? importCard(outcome) : html`<p class="muted" id="import">导入目录文件须由审批人或管理员操作。</p>`}

<section class="card" aria-labelledby="h-catalogue" id="catalogue">
  <h2 id="h-catalogue">政府信息公开目录</h2>
  <p><a href="/console/content${qs({ status: status === "active" ? "withdrawn" : undefined })}">${status === "active" ? "查看已撤回的条目" : "查看公开中的条目"}</a> · 共 ${list.total} 条</p>
  <div class="table-wrap"><table id="entries">
  <thead><tr><th scope="col">索引号</th><th scope="col">信息名称</th><th scope="col">文号</th><th scope="col">生成日期</th><th scope="col">主题分类</th><th scope="col">操作</th></tr></thead>
  <tbody>${list.items.map(
    (
      e,
    ) => html`<tr data-index="${e.indexNo}"><td>${e.indexNo}</td><td>${e.title}</td><td>${e.docNo ?? ""}</td><td>${e.writtenDate ?? ""}</td><td>${e.subjectCategory}</td>
<td class="actions"><a href="/console/content/catalogue/${e.id}">编辑</a>
${
  e.status === "active"
    ? html`<form method="post" action="/console/content/catalogue/${e.id}/withdraw" class="inline"><label class="sr-only" for="wr-${e.id}">撤回理由</label><input id="wr-${e.id}" name="reason" placeholder="撤回理由" required maxlength="500" size="10"><button type="submit">撤回</button></form>`
    : html`<span class="muted">${e.withdrawnReason ?? ""}</span><form method="post" action="/console/content/catalogue/${e.id}/restore" class="inline"><button type="submit">恢复</button></form>`
}</td></tr>`,
  )}</tbody></table></div>
  <nav class="pager" aria-label="目录分页">
    ${pageNo > 1 ? html`<a href="/console/content${qs({ status: status === "withdrawn" ? status : undefined, page: pageNo - 1 })}#catalogue">上一页</a>` : ""}
    ${pageNo * PAGE_SIZE < list.total ? html`<a href="/console/content${qs({ status: status === "withdrawn" ? status : undefined, page: pageNo + 1 })}#catalogue">下一页</a>` : ""}
  </nav>
  <details class="action" id="new-entry"><summary>新增目录条目</summary>
  <form method="post" action="/console/content/catalogue" class="grid-form">
    ${entryFields("ne", null)}
    <div class="form-actions"><button type="submit" class="primary">新增</button></div>
  </form></details>
</section>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "指南与目录", active: "content", body, flash: takeFlash(ctx) }).value;
  };

  r.get("/content", (ctx) => render(ctx));

  r.post("/content/guide/sections/:key", async (ctx) => {
    const staff = consoleStaff(ctx);
    const b = formBody(ctx);
    await svc().guides.patchSection(
      staff.agencyId,
      ctx.params.key,
      { title: b.title, body: b.body?.replace(/\r\n/g, "\n"), revision: revisionOf(b.revision) },
      actorOf(ctx),
    );
    setFlash(ctx, { kind: "ok", text: "已保存到指南草稿（发布后生效）" });
    ctx.redirect("/console/content#guide");
  });

  r.post("/content/guide/contact", async (ctx) => {
    const staff = consoleStaff(ctx);
    const b = formBody(ctx);
    const contact = Object.fromEntries(CONTACT_LABELS.map(([k]) => [k, b[k] ? b[k] : null]));
    await svc().guides.saveDraft(staff.agencyId, { contact, revision: revisionOf(b.revision) }, actorOf(ctx));
    setFlash(ctx, { kind: "ok", text: "联系方式已保存到指南草稿（发布后生效）" });
    ctx.redirect("/console/content#guide");
  });

  r.post("/content/guide/publish", async (ctx) => {
    const staff = requireRole(ctx, mayPublishContent);
    const v = await svc().guides.publish(staff.agencyId, actorOf(ctx), formBody(ctx).note || undefined);
    setFlash(ctx, { kind: "ok", text: `指南第 ${v.version} 版已发布` });
    ctx.redirect("/console/content#guide");
  });

  r.post("/content/guide/discard", async (ctx) => {
    const staff = consoleStaff(ctx);
    await svc().guides.discardDraft(staff.agencyId, actorOf(ctx));
    setFlash(ctx, { kind: "ok", text: "已放弃指南草稿" });
    ctx.redirect("/console/content#guide");
  });

  r.post("/content/catalogue", async (ctx) => {
    const staff = consoleStaff(ctx);
    const e = await svc().entries.create(staff.agencyId, entryInput(formBody(ctx)), actorOf(ctx));
    setFlash(ctx, { kind: "ok", text: `已新增目录条目 ${e.indexNo}` });
    ctx.redirect("/console/content#catalogue");
  });

  r.get("/content/catalogue/:id", async (ctx) => {
    const staff = consoleStaff(ctx);
    const e = toView(await svc().entries.get(staff.agencyId, ctx.params.id));
    const body = html`<p><a href="/console/content#catalogue">← 返回目录</a></p>
<p>${e.status === "withdrawn" ? html`<strong>已撤回</strong>（${e.withdrawnReason ?? ""}）。` : "公开中。"}最后修改 ${localTime(app, e.updatedAt)}。</p>
<form method="post" action="/console/content/catalogue/${e.id}" class="grid-form card">
  <input type="hidden" name="version" value="${e.version}">
  ${entryFields("ee", e)}
  <div class="form-actions"><button type="submit" class="primary">保存</button></div>
</form>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `编辑目录条目 ${e.indexNo}`, active: "content", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/content/catalogue/import", async (ctx) => {
    // The API allows only approvers and admins to import (a file rewrites many entries at once): so does the console.
    const staff = requireRole(ctx, mayPublishContent);
    let outcome: ImportOutcome;
    let fileName = "上传的文件";
    try {
      const file = await readUpload(ctx);
      fileName = file.name;
      const lower = file.name.toLowerCase();
      let rows: ImportRow[];
      if (lower.endsWith(".csv")) rows = parseCsv(file.bytes, sheetLimits(app.config));
      else if (lower.endsWith(".xlsx")) rows = await parseXlsx(file.bytes, sheetLimits(app.config));
      else throw new DomainError("CATALOGUE.INVALID_FORMAT", "只支持 .csv 和 .xlsx 文件");
      const res = await svc().entries.importRows(staff.agencyId, rows, actorOf(ctx));
      outcome = { fileName, ok: true, message: `导入完成：新增 ${res.created} 条，更新 ${res.updated} 条，未变 ${res.unchanged} 条`, problems: [] };
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const details = Array.isArray(err.details) ? (err.details as Array<{ row?: number; field?: string; message?: string }>) : [];
      outcome = {
        fileName,
        ok: false,
        message: details.length ? err.message : describeError(err),
        problems: details.map((d) => ({ row: Number(d.row ?? 0), field: String(d.field ?? ""), message: String(d.message ?? "") })),
      };
      ctx.status = 422;
    }
    // The row errors can be long: the result is shown on the page itself rather than carried by a redirect.
    await render(ctx, outcome);
  });

  r.post("/content/catalogue/:id", async (ctx) => {
    const staff = consoleStaff(ctx);
    const b = formBody(ctx);
    const version = /^\d+$/.test(b.version ?? "") ? Number(b.version) : undefined;
    const e = await svc().entries.update(staff.agencyId, ctx.params.id, { ...entryInput(b), version }, actorOf(ctx));
    setFlash(ctx, { kind: "ok", text: `目录条目 ${e.indexNo} 已保存` });
    ctx.redirect(`/console/content/catalogue/${e.id}`);
  });

  r.post("/content/catalogue/:id/withdraw", async (ctx) => {
    const staff = consoleStaff(ctx);
    const reason = formBody(ctx).reason;
    if (!reason) throw new DomainError("VALIDATION.INVALID_INPUT", "请填写撤回理由");
    const e = await svc().entries.withdraw(staff.agencyId, ctx.params.id, reason, actorOf(ctx));
    setFlash(ctx, { kind: "ok", text: `目录条目 ${e.indexNo} 已撤回` });
    ctx.redirect("/console/content#catalogue");
  });

  r.post("/content/catalogue/:id/restore", async (ctx) => {
    const staff = consoleStaff(ctx);
    const e = await svc().entries.restore(staff.agencyId, ctx.params.id, actorOf(ctx));
    setFlash(ctx, { kind: "ok", text: `目录条目 ${e.indexNo} 已恢复公开` });
    ctx.redirect("/console/content?status=withdrawn#catalogue");
  });
}

/** The draft revision a guide form was rendered at (absent or malformed: none, the server's read decides). */
function revisionOf(v: string | undefined): number | undefined {
  return /^\d+$/.test(v ?? "") ? Number(v) : undefined;
}

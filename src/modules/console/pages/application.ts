// One application: the applicant (ID number masked, an audited reveal), the description, the clock explained,
// the audit timeline, the bot consultations about it, and a form for each action the role may take now.
// Actions not offered are absent from the page; the service refuses them anyway.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { DomainError } from "../../../domain/errors";
import { agencyById } from "../../../infra/agencies";
import { Application } from "../../applications/application.entity";
import type { ApplicationService } from "../../applications/application-service";
import { renderReplyLetter } from "../../applications/reply-letter";
import { ANSWER_DISPOSITIONS, dispositionLabel } from "../../applications/dispositions";
import { ACTIONS, statusLabel, type ApplicationAction } from "../../applications/lifecycle";
import type { StaffPrincipal } from "../../staff/staff-service";
import { html, options, type HtmlValue, type SafeHtml } from "../../../http/html";
import { localTime, page } from "../layout";
import { CATEGORY_LABELS } from "../../applications/intake-schema";
import { ACTION_LABELS, ACTOR_LABELS, AUDIT_LABELS, CLOSE_REASON_LABELS, DELIVERY_FORM_LABELS, DELIVERY_METHOD_LABELS } from "../labels";
import { consoleStaff, setFlash, takeFlash } from "../session";
import { mayAnswerWith, mayApproveWithholding } from "../../applications/policy";
import { clockBadge } from "./queue";
import { consultationsFor, type ConsultationView } from "./consultations";
import type { AttachmentView } from "../../attachments/attachment-service";
import { sendAttachment } from "../../attachments/routes";

type Detail = Awaited<ReturnType<ApplicationService["detail"]>>;

const fact = (label: string, value: HtmlValue) => (value === null || value === undefined || value === "" ? "" : html`<dt>${label}</dt><dd>${value}</dd>`);

function applicantCard(d: Detail, base: string): SafeHtml {
  const a = d.applicant;
  return html`<section class="card" aria-labelledby="h-applicant">
<h2 id="h-applicant">申请人</h2>
<dl class="facts">
  ${fact("姓名/名称", a.name)}
  ${fact("类别", a.categoryLabel)}
  ${fact("证件类型", a.idTypeLabel)}
  ${
    a.idNumber
      ? html`<dt>证件号码</dt><dd><span id="id-number">${a.idNumber}</span>
      ${
        a.idNumberMasked
          ? html`<form method="post" action="${base}/reveal" class="inline"><button type="submit" class="link" aria-describedby="reveal-note">显示完整号码</button></form>
      <span id="reveal-note" class="muted">（查看将记入审计日志）</span>`
          : html` <span class="muted">（已记录本次查看）</span>`
      }</dd>`
      : ""
  }
  ${fact("统一社会信用代码", a.creditCode)}
  ${fact("联系人", a.contactName)}
  ${fact("电话", a.phone)}
  ${fact("电子邮箱", a.email)}
  ${fact("通信地址", a.address)}
  ${fact("邮编", a.postcode)}
</dl>
</section>`;
}

function requestCard(app: AppContext, d: Detail): SafeHtml {
  return html`<section class="card" aria-labelledby="h-request">
<h2 id="h-request">申请内容</h2>
<p class="pre" id="description">${d.description}</p>
<dl class="facts">
  ${fact("文号", d.documentNo)}
  ${fact("用途", d.purpose)}
  ${fact("提供形式", DELIVERY_FORM_LABELS[d.deliveryForm] ?? d.deliveryForm)}
  ${fact("获取方式", DELIVERY_METHOD_LABELS[d.deliveryMethod] ?? d.deliveryMethod)}
  ${fact("提交渠道", html`${d.channelLabel}${d.oral ? "（口头提出，工作人员代填）" : ""}`)}
  ${fact("提交时间", localTime(app, d.submittedAt))}
  ${fact("承办人", d.assignee ? (d.assignee.displayName ?? d.assignee.username) : "未分配")}
  ${fact("原申请", d.parentNo ? html`<a href="/console/applications/${encodeURIComponent(d.parentNo)}">${d.parentNo}</a>` : null)}
  ${fact("拆分出的申请", d.splitInto.length ? d.splitInto.map((n, i) => html`${i ? "、" : ""}<a href="/console/applications/${encodeURIComponent(n)}">${n}</a>`) : null)}
  ${fact(
    "疑似重复",
    d.possibleRepeatOf
      ? html`<a href="/console/applications/${encodeURIComponent(d.possibleRepeatOf.applicationNo)}">${d.possibleRepeatOf.applicationNo}</a>${d.possibleRepeatOf.disposition ? `（${dispositionLabel(d.possibleRepeatOf.disposition)}，${d.possibleRepeatOf.dispositionDate}）` : ""}`
      : null,
  )}
  ${fact("答复", d.dispositionLabel ? `${d.dispositionLabel}（${d.dispositionDate}）` : null)}
  ${fact("答复说明", d.dispositionNote)}
  ${fact("负责机关（第三十六条第五项）", d.referral ? `${d.referral.agencyName}（${d.referral.contact}）${d.referral.refiledAs ? `，申请人已转交：${d.referral.refiledAs}` : "，申请人尚未转交"}` : null)}
  ${fact("转交自", d.refiledFrom ? `${d.refiledFrom.agencyName} ${d.refiledFrom.applicationNo}（该机关答复不属于其公开职责，申请人一步转交）` : null)}
</dl>
${d.replyLetterAvailable ? html`<p><a href="/console/applications/${encodeURIComponent(d.applicationNo)}/reply-letter">查看答复告知书</a></p>` : ""}
</section>`;
}

function clockCard(d: Detail): SafeHtml {
  const c = d.clock;
  const startText = c.clockStart
    ? c.clockStartReason === "correction_received"
      ? `自收到补正材料之日（${c.clockStart}）起重新计算`
      : `自收到申请之日（${c.clockStart}）起计算`
    : "尚未开始计时";
  return html`<section class="card" aria-labelledby="h-clock" id="clock">
<h2 id="h-clock">答复期限</h2>
<dl class="facts">
  ${fact("收到申请日期", c.receivedAt ?? "尚未确认收到（网上、传真、平信提交须双方确认，以确认之日为收到日期）")}
  ${fact("起算", `${startText}；${c.countReceiptDay ? "收到当日计入" : "收到当日不计入，从次一工作日起算"}，${c.replyWorkingDays}个工作日内答复（条例第三十三条）`)}
  ${c.corrections.map((k, i) =>
    fact(
      `补正告知${c.corrections.length > 1 ? `（第${i + 1}次）` : ""}`,
      html`${k.requestedOn} 发出，补正期限至 ${k.correctionDueDate}；${k.receivedOn ? `${k.receivedOn} 收到补正材料，期限重新计算` : "尚未收到补正材料"}<br><span class="muted pre">${k.items}</span>`,
    ),
  )}
  ${c.pauses.map((p) =>
    fact(
      "暂停计时",
      `征求“${p.party}”意见：${p.from} 起${p.to ? `至 ${p.to}，共 ${p.workingDays ?? 0} 个工作日不计入期限` : "，尚未结束（期间不计入答复期限，条例第三十三条第三款）"}`,
    ),
  )}
  ${c.extension ? fact("延期", `${c.extension.date} 经 ${c.extension.approvedBy} 批准延长 ${c.extension.workingDays} 个工作日；理由：${c.extension.reason}`) : ""}
  ${fact("答复期限", c.dueDate ? html`<strong>${c.dueDate}</strong>${c.dueDateFlag ? html` <span class="badge due-soon">暂定</span>` : ""}` : "—")}
  ${fact("说明", c.dueDateNote)}
  ${fact("已用工作日", c.workingDaysUsed)}
  ${fact("剩余", clockBadge({ workingDaysLeft: c.workingDaysLeft, paused: !!c.pausedSince }) || null)}
</dl>
</section>`;
}

const shownStatus = (s: string | null) => (s ? statusLabel(s) : "—");

function auditCard(app: AppContext, d: Detail): SafeHtml {
  return html`<section class="card" aria-labelledby="h-audit">
<h2 id="h-audit">办理记录</h2>
<ol class="timeline" id="audit">
${d.audit.map(
  (e) => html`<li><strong>${AUDIT_LABELS[e.action] ?? e.action}</strong>
  <span class="muted">${localTime(app, e.createdAt)} · ${e.actorType === "staff" ? e.actor : (ACTOR_LABELS[e.actorType] ?? e.actorType)}</span>
  ${e.fromStatus !== e.toStatus && e.toStatus ? html`<br><span class="muted">状态：${shownStatus(e.fromStatus)} → ${shownStatus(e.toStatus)}</span>` : ""}
  ${e.reason ? html`<br><span class="pre">${e.reason}</span>` : ""}</li>`,
)}
</ol>
</section>`;
}

function actionForm(
  d: Detail,
  action: ApplicationAction,
  staff: StaffPrincipal,
  users: Array<{ id: string; username: string; displayName: string | null }>,
  today: string,
): SafeHtml | "" {
  const base = `/console/applications/${encodeURIComponent(d.applicationNo)}`;
  const id = (f: string) => `${action}-${f}`;
  const note = html`<label for="${id("note")}">备注（可选）</label><textarea id="${id("note")}" name="note" maxlength="2000" rows="2"></textarea>`;
  let fields: SafeHtml;
  let submit = ACTION_LABELS[action];
  switch (action) {
    case "confirm-receipt":
      fields = html`<label for="${id("receivedAt")}">确认收到日期</label><input id="${id("receivedAt")}" name="receivedAt" type="date" value="${today}" required>
<label for="${id("evidence")}">确认方式</label><input id="${id("evidence")}" name="evidence" required maxlength="500" placeholder="如：电话确认、回执">${note}`;
      break;
    case "assign":
      fields = html`<label for="${id("assignee")}">承办人</label><select id="${id("assignee")}" name="assignee">${options(
        users.map((u) => [u.username, `${u.displayName ?? u.username}${u.id === staff.id ? "（我）" : ""}`] as [string, string]),
        staff.username,
      )}</select>${note}`;
      break;
    case "request-correction":
      fields = html`<label for="${id("items")}">需要补正的事项（一次性告知全部内容）</label><textarea id="${id("items")}" name="items" required maxlength="2000" rows="3"></textarea>
<label for="${id("period")}">补正期限（工作日，留空用默认值）</label><input id="${id("period")}" name="periodWorkingDays" type="number" min="1" max="60" inputmode="numeric">${note}`;
      submit = "发出补正告知";
      break;
    case "record-correction":
      fields = html`<label for="${id("receivedAt")}">收到补正材料的日期</label><input id="${id("receivedAt")}" name="receivedAt" type="date" value="${today}" required>
<label for="${id("description")}">补正后的申请内容（内容有变化时填写）</label><textarea id="${id("description")}" name="description" maxlength="2000" rows="3"></textarea>${note}`;
      submit = "登记收到补正";
      break;
    case "start-consultation":
      fields = html`<label for="${id("party")}">征求意见对象（第三方或其他机关）</label><input id="${id("party")}" name="party" required maxlength="200">${note}`;
      submit = "开始征求意见";
      break;
    case "end-consultation":
      fields = note;
      break;
    case "extend":
      fields = html`<label for="${id("days")}">延长工作日数（1–20）</label><input id="${id("days")}" name="workingDays" type="number" min="1" max="20" value="20" required inputmode="numeric">
<label for="${id("reason")}">延期理由</label><textarea id="${id("reason")}" name="reason" required maxlength="1000" rows="2"></textarea>`;
      submit = "批准延期";
      break;
    case "answer": {
      const codes = ANSWER_DISPOSITIONS.filter((c) => mayAnswerWith(staff, c));
      fields = html`<label for="${id("disposition")}">答复类型</label><select id="${id("disposition")}" name="disposition" required>${options(
        [["", "请选择…"], ...codes.map((c) => [c, dispositionLabel(c) ?? c] as [string, string])],
        "",
      )}</select>
${mayApproveWithholding(staff) ? "" : html`<p class="muted">不予公开、部分公开须由审批人答复。</p>`}
<label for="${id("competent")}">负责公开该信息的机关代码（仅“不属于本机关公开职责”时填写，告知书写明其名称和联系方式，申请人可一步转交）</label><input id="${id("competent")}" name="competentAgency" maxlength="40" pattern="[a-z0-9\-]{1,40}">
<label for="${id("note")}">答复说明（写入告知书）</label><textarea id="${id("note")}" name="note" maxlength="2000" rows="3"></textarea>
<div class="actions"><button type="submit" formaction="${base}/reply-letter/preview" formtarget="_blank" formnovalidate>预览答复告知书（新窗口）</button></div>`;
      submit = "提交答复";
      break;
    }
    case "close":
      fields = html`<label for="${id("reason")}">办结原因</label><select id="${id("reason")}" name="reason" required>${options(Object.entries(CLOSE_REASON_LABELS), "withdrawn")}</select>${note}`;
      submit = "办结";
      break;
    case "split":
      fields = html`<label for="${id("items")}">拆分后的各项内容（每行一项，第一项保留在本申请）</label><textarea id="${id("items")}" name="items" required rows="4"></textarea>${note}`;
      submit = "拆分";
      break;
    case "set-category": {
      const current = d.applicant.category;
      const org = current !== "natural_person";
      const choices = Object.entries(CATEGORY_LABELS).filter(([c]) => c !== current && (c !== "natural_person") === org);
      if (!choices.length) return "";
      fields = html`<label for="${id("category")}">更正为</label><select id="${id("category")}" name="category">${options(choices, choices[0][0])}</select>
<label for="${id("reason")}">更正理由</label><input id="${id("reason")}" name="reason" required maxlength="500">`;
      submit = "更正申请人类型";
      break;
    }
    default:
      // An action this console does not know yet is left out rather than shown without its fields.
      return "";
  }
  return html`<details class="action" id="action-${action}"${action === "answer" ? html` open` : ""}>
<summary>${ACTION_LABELS[action]}</summary>
<form method="post" action="${base}/actions/${action}" class="stack">
${fields}
<button type="submit" class="primary">${submit}</button>
</form>
</details>`;
}

const SOURCE_LABELS: Record<string, string> = { miniprogram: "小程序", wechat: "公众号", online: "网站" };
const sizeLabel = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** The application's files: each opened through an audited link (the file is never at a public address). */
function attachmentsCard(app: AppContext, base: string, files: AttachmentView[] | null): SafeHtml | "" {
  if (files === null) return "";
  return html`<section class="card" aria-labelledby="h-files" id="attachments">
<h2 id="h-files">附件（身份证明与其他材料）</h2>
${
  files.length
    ? html`<ol class="attachments">${files.map(
        (
          f,
          i,
        ) => html`<li id="file-${f.id}"><strong>${f.kindLabel} ${i + 1}</strong> <span class="muted">${f.mime === "application/pdf" ? "PDF" : f.mime === "image/png" ? "PNG 图片" : "JPG 图片"} · ${sizeLabel(f.sizeBytes)} · 来自${SOURCE_LABELS[f.source] ?? f.source} · ${localTime(app, f.createdAt)}</span><br>
  <a href="${base}/attachments/${f.id}" target="_blank" rel="noopener">查看</a> · <a href="${base}/attachments/${f.id}/download">下载</a></li>`,
      )}</ol>
<p class="muted">每次查看或下载都记入审计日志。</p>`
    : html`<p class="muted">申请人没有上传附件。</p>`
}
</section>`;
}

function consultationsCard(app: AppContext, list: ConsultationView[] | null): SafeHtml | "" {
  if (list === null) return "";
  return html`<section class="card" aria-labelledby="h-consult">
<h2 id="h-consult">咨询留言（来自机器人）</h2>
${
  list.length
    ? html`<ol class="timeline">${list.map(
        (c) => html`<li><span class="muted">${localTime(app, c.createdAt)} · ${c.channelLabel}</span><br><span class="pre">${c.question}</span>
  ${c.reply ? html`<br><strong>答复：</strong><span class="pre">${c.reply}</span>` : html`<br><a href="/console/consultations#c-${c.id}">去回复</a>`}</li>`,
      )}</ol>`
    : html`<p class="muted">没有与本申请相关的咨询留言。</p>`
}
</section>`;
}

/** Form fields arrive as strings; the action schemas want numbers, arrays and absent optionals. */
export function actionBody(action: ApplicationAction, form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) {
    if (typeof v !== "string" || k === "back") continue;
    const t = v.trim();
    if (t === "") continue;
    out[k] = t;
  }
  for (const k of ["periodWorkingDays", "workingDays"]) if (typeof out[k] === "string") out[k] = /^\d+$/.test(out[k] as string) ? Number(out[k]) : out[k];
  if (action === "split" && typeof out.items === "string")
    out.items = (out.items as string)
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
  return out;
}

export function applicationRoutes(app: AppContext, r: Router, deps: Pick<Services, "applications" | "attachments" | "staff">): void {
  const apps = () => deps.applications;

  const render = async (ctx: Context, reveal: boolean) => {
    const staff = consoleStaff(ctx);
    const d = await apps().detail(staff, ctx.params.no, { revealIdNumber: reveal });
    const users = d.allowedActions.includes("assign") ? await deps.staff.listUsers(staff.agencyId) : [];
    const consultations = await consultationsFor(app, staff, d.applicationNo);
    const files = deps.attachments ? await deps.attachments.staffList(staff, d.applicationNo) : null;
    const base = `/console/applications/${encodeURIComponent(d.applicationNo)}`;
    const today = app.today();
    const body = html`
<p><a href="/console">← 返回队列</a></p>
<p class="status-line"><span class="badge">${d.statusLabel}</span> ${clockBadge({ workingDaysLeft: d.workingDaysLeft, paused: !!d.clock.pausedSince })}
${d.dueDate ? html` 答复期限 <strong>${d.dueDate}</strong>` : ""} · <a href="#actions">办理操作</a></p>
<div class="columns">
  <div>
    ${applicantCard(d, base)}
    ${requestCard(app, d)}
    ${attachmentsCard(app, base, files)}
    ${clockCard(d)}
    ${auditCard(app, d)}
  </div>
  <div>
    <section class="card" aria-labelledby="h-actions" id="actions">
      <h2 id="h-actions">可执行的操作</h2>
      ${d.allowedActions.length ? d.allowedActions.map((a) => actionForm(d, a, staff, users, today)) : html`<p class="muted">当前状态下没有可执行的操作。</p>`}
    </section>
    ${consultationsCard(app, consultations)}
  </div>
</div>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `申请 ${d.applicationNo}`, active: "queue", body, flash: takeFlash(ctx) }).value;
  };

  r.get("/applications/:no", (ctx) => render(ctx, false));
  // A POST so the reveal is a deliberate act (audited by the service); the answer is the page itself, not cached.
  r.post("/applications/:no/reveal", (ctx) => render(ctx, true));

  // One file of the application, for staff of its agency; the service writes the audit row before it is sent.
  const openFile = (how: "view" | "download") => async (ctx: Context) => {
    const staff = consoleStaff(ctx);
    sendAttachment(ctx, await deps.attachments.staffOpen(staff, ctx.params.no, ctx.params.id, how), how);
  };
  if (deps.attachments) {
    r.get("/applications/:no/attachments/:id", openFile("view"));
    r.get("/applications/:no/attachments/:id/download", openFile("download"));
  }

  // The letter as it stands (answered) with the DOCX download of the applications API (same session cookie).
  r.get("/applications/:no/reply-letter", async (ctx) => {
    const staff = consoleStaff(ctx);
    const { app: a, agency, competent } = await apps().forLetter(staff.agencyId, ctx.params.no);
    const no = encodeURIComponent(a.applicationNo);
    const body = html`<p><a href="/console/applications/${no}">← 返回申请</a> · <a href="/api/staff/applications/${no}/reply-letter.docx">下载 DOCX</a></p>
<div class="preview-frame pre" id="letter">${renderReplyLetter(a, agency, competent)}</div>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `答复告知书 ${a.applicationNo}`, active: "queue", body }).value;
  });

  // Preview before answering: the letter rendered with the chosen disposition, nothing saved. A POST (the
  // answer form's second button) so the note never travels in a URL or the access log.
  r.post("/applications/:no/reply-letter/preview", async (ctx) => {
    const staff = consoleStaff(ctx);
    const form = (ctx.request.body ?? {}) as Record<string, unknown>;
    const disposition = typeof form.disposition === "string" ? form.disposition : "";
    if (!ANSWER_DISPOSITIONS.includes(disposition)) throw new DomainError("VALIDATION.INVALID_INPUT", "请先选择答复类型，再预览告知书");
    const stored = await app.db.getRepository(Application).findOneBy({ agencyId: staff.agencyId, applicationNo: ctx.params.no });
    if (!stored) throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请");
    const agency = await agencyById(app, staff.agencyId);
    const note = typeof form.note === "string" ? form.note.slice(0, 2000).trim() : "";
    const draft = Object.assign(new Application(), stored, { disposition, dispositionDate: app.today(), dispositionNote: note || null });
    const no = encodeURIComponent(stored.applicationNo);
    const body = html`<p class="flash ok" role="status">这是预览，尚未答复。答复类型：${dispositionLabel(disposition)}</p>
<p><a href="/console/applications/${no}">← 返回申请</a></p>
<div class="preview-frame pre" id="letter">${renderReplyLetter(draft, agency)}</div>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: `答复告知书预览 ${stored.applicationNo}`, active: "queue", body }).value;
  });

  r.post("/applications/:no/actions/:action", async (ctx) => {
    const action = ctx.params.action as ApplicationAction;
    if (!(ACTIONS as readonly string[]).includes(action)) throw new DomainError("APPLICATION.NOT_FOUND", "没有这个操作");
    const staff = consoleStaff(ctx);
    const body = actionBody(action, (ctx.request.body ?? {}) as Record<string, unknown>);
    const d = await apps().act(staff, ctx.params.no, action, body);
    setFlash(ctx, { kind: "ok", text: `已完成：${ACTION_LABELS[action]}。当前状态：${d.statusLabel}` });
    ctx.redirect(`/console/applications/${encodeURIComponent(d.applicationNo)}`);
  });
}

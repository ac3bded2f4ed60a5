// The status lookup (/status): application number + query code, through the same service call and limits as
// GET /api/applications/:no (wrong codes counted per client address). The form POSTs, so the query code never
// sits in a URL, the browser history or the access log.
import { z } from "zod";
import type { CitizenStatusView, RefileAnswer } from "../../applications/application-service";
import { html, type SafeHtml } from "../../../http/html";
import { link, portalPage, type PortalAgency } from "../layout";

export const statusFormSchema = z.object({
  applicationNo: z
    .string({ error: "请填写申请编号" })
    .trim()
    .min(1, { error: "请填写申请编号" })
    .max(40, { error: "申请编号格式不正确，应如 ZDRMT-2026-00001" })
    .transform((v) => v.toUpperCase()),
  queryCode: z.string({ error: "请填写查询码" }).trim().min(1, { error: "请填写查询码" }).max(20, { error: "查询码格式不正确，应为提交申请时得到的12位数字" }),
});

export interface StatusFormState {
  applicationNo?: string;
  errors?: Record<string, string>;
  /** A message for the whole form (not found, too many attempts). */
  message?: string;
  result?: CitizenStatusView;
  /** The code the citizen just typed: only for the re-filing form of a 不属于本机关 answer (hidden field, POST). */
  queryCode?: string;
}

/** Art. 36(5): the answer names the competent agency; the citizen re-files there in one step (or did already). */
function referralBlock(agency: PortalAgency, r: CitizenStatusView, queryCode: string | undefined): SafeHtml | "" {
  const ref = r.referral;
  if (!ref) return "";
  const action = ref.refiledAs
    ? html`<p>您已转交此申请，新申请编号：<strong>${ref.refiledAs}</strong>（查询码不变）。</p>`
    : queryCode
      ? html`<form method="post" action="${link(agency, "/status/refile")}" id="refile-form">
<input type="hidden" name="applicationNo" value="${r.applicationNo}"><input type="hidden" name="queryCode" value="${queryCode}">
<p>可以把这份申请一步转交给${ref.agencyName}：以您原来填写的内容提出新申请，收到申请日期为转交当日，查询码不变。</p>
<button type="submit">向${ref.agencyName}转交申请</button></form>`
      : "";
  return html`<div class="notice" id="referral"><p>受理机关答复：本机关不掌握该信息。负责公开该信息的机关：<strong>${ref.agencyName}</strong>（${ref.contact}）。</p>${action}</div>`;
}

/** The re-filing's answer: the new application at the competent agency (same query code). */
export function refiledPage(agency: PortalAgency, a: RefileAnswer): string {
  const body = html`<h1>${a.alreadyRefiled ? "此申请已经转交" : "申请已转交"}</h1>
<div class="notice" role="status">
<p>已向${a.agencyName}转交申请${a.refiledFrom}。</p>
<p>新申请编号：<strong id="refiled-no">${a.applicationNo}</strong></p>
<p>查询码与原申请相同。凭新申请编号和查询码可以<a href="${link(agency, "/status")}">查询办理进度</a>。</p>
</div>
<dl>
<dt>收到申请日期</dt><dd>${a.receivedAt ?? "待确认"}</dd>
<dt>答复期限</dt><dd>${a.dueDate ? html`${a.dueDate}${a.dueDateProvisional ? "（暂估）" : ""}` : "—"}</dd>
</dl>`;
  return portalPage(agency, { title: a.alreadyRefiled ? "此申请已经转交" : "申请已转交", active: "status", body });
}

function fieldError(errors: Record<string, string> | undefined, name: string): SafeHtml | string {
  return errors?.[name] ? html`<span class="field-error" id="st-${name}-error">${errors[name]}</span>` : "";
}

export function statusPage(agency: PortalAgency, s: StatusFormState = {}): string {
  const invalid = (name: string) => (s.errors?.[name] ? html` aria-invalid="true" aria-describedby="st-${name}-error"` : "");
  const r = s.result;
  const result = r
    ? html`<section class="card" aria-labelledby="h-result" id="status-result"><h2 id="h-result">申请 ${r.applicationNo} 的办理情况</h2>
<dl>
<dt>办理状态</dt><dd>${r.statusLabel}</dd>
<dt>收到申请日期</dt><dd>${r.receivedAt ?? "待确认（平信、传真等方式提交的申请需与申请人确认收到日期）"}</dd>
<dt>答复期限</dt><dd>${r.dueDate ? html`${r.dueDate}${r.dueDateProvisional ? "（暂估）" : ""}` : "—"}</dd>
${r.dispositionLabel ? html`<dt>答复结果</dt><dd>${r.dispositionLabel}${r.dispositionDate ? html`（${r.dispositionDate}）` : ""}</dd>` : ""}
</dl>
${r.dueDateNote ? html`<p class="meta">${r.dueDateNote}</p>` : ""}
${referralBlock(agency, r, s.queryCode)}
</section>`
    : "";
  const body = html`<h1>查询申请办理进度</h1>
${result}
<p>请输入提交申请后得到的申请编号和查询码。查询码只在提交成功时显示一次，请妥善保存。</p>
${s.message ? html`<p class="error-summary" role="alert">${s.message}</p>` : ""}
<form method="post" action="${link(agency, "/status")}" class="card" novalidate>
<div class="field${s.errors?.applicationNo ? " invalid" : ""}"><label for="st-applicationNo">申请编号</label>${fieldError(s.errors, "applicationNo")}<input id="st-applicationNo" name="applicationNo" value="${s.applicationNo ?? ""}" maxlength="40" autocomplete="off" autocapitalize="characters" spellcheck="false" placeholder="如 ZDRMT-2026-00001"${invalid("applicationNo")}></div>
<div class="field${s.errors?.queryCode ? " invalid" : ""}"><label for="st-queryCode">查询码</label>${fieldError(s.errors, "queryCode")}<input id="st-queryCode" name="queryCode" maxlength="20" inputmode="numeric" autocomplete="off"${invalid("queryCode")}></div>
<button type="submit">查询</button>
</form>
<p class="meta">忘记查询码？请联系受理机关（见<a href="${link(agency, "/guide#office")}">政府信息公开指南</a>）。也可以在<a href="${link(agency, "/chat")}">在线咨询</a>中回复“查询申请”。</p>`;
  return portalPage(agency, { title: r ? `申请 ${r.applicationNo} 的办理情况` : "查询申请办理进度", active: "status", body });
}

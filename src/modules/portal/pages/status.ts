// The status lookup (/status): application number + query code, through the same service call and limits as
// GET /api/applications/:no (wrong codes counted per client address). The form POSTs, so the query code never
// sits in a URL, the browser history or the access log.
import { z } from "zod";
import type { CitizenStatusView } from "../../applications/application-service";
import { html, type SafeHtml } from "../../console/html";
import { link, portalPage, type PortalAgency } from "../layout";

export const statusFormSchema = z.object({
  applicationNo: z.string({ error: "请填写申请编号" }).trim().min(1, { error: "请填写申请编号" }).max(40, { error: "申请编号格式不正确，应如 ZDRMT-2026-00001" }).transform((v) => v.toUpperCase()),
  queryCode: z.string({ error: "请填写查询码" }).trim().min(1, { error: "请填写查询码" }).max(20, { error: "查询码格式不正确，应为提交申请时得到的12位数字" }),
});

export interface StatusFormState {
  applicationNo?: string;
  errors?: Record<string, string>;
  /** A message for the whole form (not found, too many attempts). */
  message?: string;
  result?: CitizenStatusView;
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

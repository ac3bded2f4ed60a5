// Registering an application received offline (in person, by post, by fax) or transcribed from an oral
// request: the staff intake of the applications service, with the legal receipt date by channel (Art. 31).
// A one-time key in the form makes a double submit register the application once.
import { randomUUID } from "node:crypto";
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { APPLICANT_CATEGORIES } from "../../applications/application.entity";
import { CATEGORY_LABELS, CHANNEL_LABELS, DELIVERY_FORMS, DELIVERY_METHODS, ID_TYPE_LABELS } from "../../applications/intake-schema";
import { html, options } from "../../../http/html";
import { page } from "../layout";
import { DELIVERY_FORM_LABELS, DELIVERY_METHOD_LABELS } from "../labels";
import { consoleStaff, setFlash, takeFlash } from "../session";

const APPLICANT_FIELDS = ["category", "name", "idType", "idNumber", "creditCode", "contactName", "phone", "email", "address", "postcode"] as const;

/** Flat form fields (applicant.name …) → the nested intake body; empty fields are absent. */
export function registerBody(form: Record<string, unknown>): Record<string, unknown> {
  const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
  const s = (k: string) => str(form[k]);
  // The form parser may nest "applicant.name" into {applicant: {name}}; accept both shapes.
  const nested = typeof form.applicant === "object" && form.applicant ? (form.applicant as Record<string, unknown>) : {};
  const applicant: Record<string, unknown> = {};
  for (const f of APPLICANT_FIELDS) {
    const v = s(`applicant.${f}`) ?? str(nested[f]);
    if (v !== undefined) applicant[f] = v;
  }
  const body: Record<string, unknown> = { applicant };
  for (const k of ["description", "documentNo", "purpose", "deliveryForm", "deliveryMethod", "channel", "receivedAt", "receiptEvidence"])
    if (s(k) !== undefined) body[k] = s(k);
  if (form.oral === "1") body.oral = true;
  return body;
}

export function registerRoutes(app: AppContext, r: Router, deps: Pick<Services, "applications">): void {
  r.get("/applications/new", async (ctx: Context) => {
    const today = app.today();
    const body = html`<p class="muted">网上、微信、小程序提交的申请会自动进入队列；这里登记当面、邮寄、传真收到的申请，或代为填写口头申请。</p>
<form method="post" action="/console/applications/new" class="grid-form card" id="register">
  <input type="hidden" name="key" value="${randomUUID()}">
  <label for="rg-channel">收到方式</label><select id="rg-channel" name="channel">${options(
    (["in_person", "mail_registered", "mail", "fax", "online"] as const).map((c) => [c, CHANNEL_LABELS[c]] as [string, string]),
    "in_person",
  )}</select>
  <label for="rg-received">收到日期（平信、传真可待与申请人确认后再填）</label><input id="rg-received" name="receivedAt" type="date" value="${today}" max="${today}">
  <label for="rg-evidence">收到日期依据（非当面提交时必填，如签收日期）</label><input id="rg-evidence" name="receiptEvidence" maxlength="500">
  <label for="rg-oral">口头申请</label><span><input id="rg-oral" name="oral" type="checkbox" value="1"> 申请人书面申请确有困难，由工作人员代为填写</span>
  <label for="rg-category">申请人类别</label><select id="rg-category" name="applicant.category">${options(
    APPLICANT_CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]] as [string, string]),
    "natural_person",
  )}</select>
  <label for="rg-name">申请人姓名或单位名称</label><input id="rg-name" name="applicant.name" required maxlength="100">
  <label for="rg-idtype">证件类型（自然人）</label><select id="rg-idtype" name="applicant.idType">${options([["", "（法人或其他组织不填）"], ...Object.entries(ID_TYPE_LABELS)], "resident_id")}</select>
  <label for="rg-idnumber">证件号码（自然人）</label><input id="rg-idnumber" name="applicant.idNumber" maxlength="40" autocomplete="off">
  <label for="rg-credit">统一社会信用代码（法人或其他组织）</label><input id="rg-credit" name="applicant.creditCode" maxlength="18" autocomplete="off">
  <label for="rg-contact">联系人（法人或其他组织）</label><input id="rg-contact" name="applicant.contactName" maxlength="50">
  <label for="rg-phone">联系电话</label><input id="rg-phone" name="applicant.phone" required inputmode="tel" maxlength="20">
  <label for="rg-email">电子邮箱</label><input id="rg-email" name="applicant.email" type="email" maxlength="100">
  <label for="rg-address">通信地址</label><input id="rg-address" name="applicant.address" maxlength="200">
  <label for="rg-postcode">邮政编码</label><input id="rg-postcode" name="applicant.postcode" inputmode="numeric" maxlength="6">
  <label for="rg-description">所需信息的内容描述</label><textarea id="rg-description" name="description" required maxlength="2000" rows="4"></textarea>
  <label for="rg-docno">文号（如知道）</label><input id="rg-docno" name="documentNo" maxlength="100">
  <label for="rg-purpose">用途（可选）</label><input id="rg-purpose" name="purpose" maxlength="500">
  <label for="rg-form">提供形式</label><select id="rg-form" name="deliveryForm">${options(
    DELIVERY_FORMS.map((f) => [f, DELIVERY_FORM_LABELS[f]] as [string, string]),
    "paper",
  )}</select>
  <label for="rg-method">获取方式</label><select id="rg-method" name="deliveryMethod">${options(
    DELIVERY_METHODS.map((m) => [m, DELIVERY_METHOD_LABELS[m]] as [string, string]),
    "pickup",
  )}</select>
  <div class="form-actions"><button type="submit" class="primary">登记</button></div>
</form>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "登记申请", active: "queue", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/applications/new", async (ctx: Context) => {
    const staff = consoleStaff(ctx);
    const form = (ctx.request.body ?? {}) as Record<string, unknown>;
    const key = typeof form.key === "string" ? form.key.slice(0, 100) : undefined;
    const res = await deps.applications.register(registerBody(form), staff, key ? `console:${key}` : undefined);
    setFlash(ctx, { kind: "ok", text: `已登记申请 ${res.applicationNo}，查询码 ${res.queryCode}（请告知申请人）` });
    ctx.redirect(`/console/applications/${encodeURIComponent(res.applicationNo)}`);
  });
}

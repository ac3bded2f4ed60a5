// The online application form (/apply): the citizen's body of POST /api/applications as flat form fields, sent
// through the same service call (intake schema, rules, Chinese messages, per-client filing limit). A refused form
// comes back with everything the citizen typed and each message next to its field (and listed at the top, linked
// to the field); success shows the application number and the query code once. The hidden key (./form-key.ts)
// makes a double submit answer with the same application.
// Attachments (identity proof, issue 15): with the attachments feature the form is multipart and carries a file
// input for the identity proof and one for other files; the handler checks them before filing (src/modules/
// attachments/form-upload.ts) and attaches them after.
import { html, options, raw, type SafeHtml } from "../../../http/html";
import type { IntakeAnswer } from "../../applications/application-service";
import { APPLICANT_CATEGORIES } from "../../applications/application.entity";
import {
  CATEGORY_LABELS,
  DELIVERY_FORM_LABELS,
  DELIVERY_FORMS,
  DELIVERY_METHOD_LABELS,
  DELIVERY_METHODS,
  ID_TYPE_LABELS,
} from "../../applications/intake-schema";
import { link, portalPage, type PortalAgency } from "../layout";
import { receivingAgencyLine } from "./agencies";

const APPLICANT_FIELDS = ["category", "name", "idType", "idNumber", "creditCode", "contactName", "phone", "email", "address", "postcode"] as const;
const OTHER_FIELDS = ["description", "documentNo", "purpose", "deliveryForm", "deliveryMethod"] as const;

/** What the citizen typed, by form field name ("applicant.name", "description"…), each a bounded string. */
export type ApplyValues = Record<string, string>;

/** Form fields (flat "applicant.name" or nested by the parser) → the values to re-display; non-strings dropped. */
export function applyValues(form: Record<string, unknown>): ApplyValues {
  const nested = typeof form.applicant === "object" && form.applicant ? (form.applicant as Record<string, unknown>) : {};
  const out: ApplyValues = {};
  // Re-displayed input is capped well above every field's own limit, so a refused form is never huge.
  const str = (v: unknown) => (typeof v === "string" ? v.slice(0, 4000) : undefined);
  for (const f of APPLICANT_FIELDS) {
    const v = str(form[`applicant.${f}`]) ?? str(nested[f]);
    if (v !== undefined) out[`applicant.${f}`] = v;
  }
  for (const f of OTHER_FIELDS) {
    const v = str(form[f]);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** The intake body of POST /api/applications: empty fields absent, channel "online". */
export function intakeBody(v: ApplyValues): Record<string, unknown> {
  const s = (k: string) => (v[k] !== undefined && v[k].trim() !== "" ? v[k] : undefined);
  const applicant: Record<string, unknown> = {};
  for (const f of APPLICANT_FIELDS) if (s(`applicant.${f}`) !== undefined) applicant[f] = s(`applicant.${f}`);
  const body: Record<string, unknown> = { applicant, channel: "online" };
  for (const f of OTHER_FIELDS) if (s(f) !== undefined) body[f] = s(f);
  return body;
}

export interface ApplyFormState {
  key: string;
  values?: ApplyValues;
  /** Messages by form field name. */
  errors?: Record<string, string>;
  /** Messages not tied to a field (limits, an expired form). */
  message?: string;
  /** Set when attachments are accepted: the limits told next to the file inputs. */
  uploads?: { maxBytes: number; maxFiles: number };
}

const mb = (n: number) => (n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10}MB` : `${Math.round(n / 1024)}KB`);

/** The identity proof (Art. 29) and other files: a browser's plain file inputs, no script. */
function filesFieldset(u: { maxBytes: number; maxFiles: number }): SafeHtml {
  const accept = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf";
  return html`<fieldset><legend>身份证明和其他材料</legend>
<div class="field"><label for="ap-identity">身份证明（可不传）</label><span class="hint" id="ap-identity-hint">如身份证正反面照片；法人或其他组织可传营业执照等。JPG、PNG 或 PDF，每个不超过${mb(u.maxBytes)}</span><input id="ap-identity" name="identity" type="file" accept="${accept}" aria-describedby="ap-identity-hint"></div>
<div class="field"><label for="ap-supporting">其他材料（可不传，可多选）</label><span class="hint" id="ap-supporting-hint">所有文件合计不超过${u.maxFiles}个；提交后只有受理机关的工作人员能看到</span><input id="ap-supporting" name="supporting" type="file" multiple accept="${accept}" aria-describedby="ap-supporting-hint"></div>
</fieldset>
`;
}

const fieldId = (name: string) => `ap-${name.replace(/\./g, "-")}`;

interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  kind?: "text" | "textarea" | "select";
  choices?: Array<[string, string]>;
  attrs?: string;
}

const FIELDSETS: Array<{ legend: string; fields: FieldSpec[] }> = [
  {
    legend: "申请人信息",
    fields: [
      {
        name: "applicant.category",
        label: "申请人类型",
        kind: "select",
        choices: APPLICANT_CATEGORIES.map((c) => [c, CATEGORY_LABELS[c]] as [string, string]),
      },
      { name: "applicant.name", label: "申请人姓名或单位名称", attrs: 'maxlength="100" autocomplete="name"' },
      {
        name: "applicant.idType",
        label: "证件类型",
        hint: "自然人填写",
        kind: "select",
        choices: [["", "（法人或其他组织不填）"], ...Object.entries(ID_TYPE_LABELS)],
      },
      { name: "applicant.idNumber", label: "证件号码", hint: "自然人填写；居民身份证为18位", attrs: 'maxlength="40" autocomplete="off" spellcheck="false"' },
      {
        name: "applicant.creditCode",
        label: "统一社会信用代码",
        hint: "法人或其他组织填写，18位",
        attrs: 'maxlength="18" autocomplete="off" spellcheck="false"',
      },
      { name: "applicant.contactName", label: "联系人姓名", hint: "法人或其他组织填写", attrs: 'maxlength="50"' },
      { name: "applicant.phone", label: "联系电话", hint: "11位手机号或带区号的固定电话", attrs: 'maxlength="20" inputmode="tel" autocomplete="tel"' },
      { name: "applicant.email", label: "电子邮箱", hint: "选择电子邮件获取时必填", attrs: 'maxlength="100" type="email" autocomplete="email"' },
      { name: "applicant.address", label: "通信地址", hint: "选择邮寄时必填", attrs: 'maxlength="200" autocomplete="street-address"' },
      { name: "applicant.postcode", label: "邮政编码", attrs: 'maxlength="6" inputmode="numeric" autocomplete="postal-code"' },
    ],
  },
  {
    legend: "所需政府信息",
    fields: [
      {
        name: "description",
        label: "所需信息的内容描述",
        hint: "写明信息名称、文号、时间或其他能够指向该信息的特征（一次申请一件事）",
        kind: "textarea",
        attrs: 'maxlength="2000" rows="5"',
      },
      { name: "documentNo", label: "文号（如知道）", attrs: 'maxlength="100"' },
      { name: "purpose", label: "用途（可不填）", attrs: 'maxlength="500"' },
    ],
  },
  {
    legend: "获取信息的方式",
    fields: [
      { name: "deliveryForm", label: "提供形式", kind: "select", choices: DELIVERY_FORMS.map((f) => [f, DELIVERY_FORM_LABELS[f]] as [string, string]) },
      { name: "deliveryMethod", label: "获取方式", kind: "select", choices: DELIVERY_METHODS.map((m) => [m, DELIVERY_METHOD_LABELS[m]] as [string, string]) },
    ],
  },
];

const DEFAULTS: ApplyValues = {
  "applicant.category": "natural_person",
  "applicant.idType": "resident_id",
  deliveryForm: "electronic",
  deliveryMethod: "email",
};

/** Field names the form shows (the errors of other fields go to the summary only). */
export const FORM_FIELDS = new Set(FIELDSETS.flatMap((s) => s.fields.map((f) => f.name)));

function field(f: FieldSpec, values: ApplyValues, errors: Record<string, string>): SafeHtml {
  const id = fieldId(f.name);
  const value = values[f.name] ?? "";
  const err = errors[f.name];
  const described = [f.hint ? `${id}-hint` : "", err ? `${id}-error` : ""].filter(Boolean).join(" ");
  const aria = html`${described ? html` aria-describedby="${described}"` : ""}${err ? raw(' aria-invalid="true"') : ""}`;
  // attrs are constants of this file, never input.
  const attrs = raw(f.attrs ? ` ${f.attrs}` : "");
  const control =
    f.kind === "select"
      ? html`<select id="${id}" name="${f.name}"${aria}>${options(f.choices ?? [], value)}</select>`
      : f.kind === "textarea"
        ? html`<textarea id="${id}" name="${f.name}"${attrs}${aria}>${value}</textarea>`
        : html`<input id="${id}" name="${f.name}" value="${value}"${attrs}${aria}>`;
  return html`<div class="field${err ? " invalid" : ""}"><label for="${id}">${f.label}</label>${f.hint ? html`<span class="hint" id="${id}-hint">${f.hint}</span>` : ""}${
    err ? html`<span class="field-error" id="${id}-error">${err}</span>` : ""
  }${control}</div>`;
}

export function applyPage(agency: PortalAgency, s: ApplyFormState): string {
  const errors = s.errors ?? {};
  const values = s.values ?? DEFAULTS;
  const listed = Object.entries(errors);
  const summary =
    listed.length || s.message
      ? html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary"><h2>${listed.length ? "提交的内容有误，请按提示修改后重试" : "未能提交"}</h2>
${s.message ? html`<p>${s.message}</p>` : ""}${listed.length ? html`<ul>${listed.map(([name, m]) => html`<li>${FORM_FIELDS.has(name) ? html`<a href="#${fieldId(name)}">${m}</a>` : m}</li>`)}</ul>` : ""}</div>`
      : "";
  const body = html`<h1>申请政府信息公开</h1>
<p>根据《政府信息公开条例》第二十九条，请填写下列内容。本机关自收到申请之日起20个工作日内答复（可延长20个工作日）。${agency.name}受理的申请，也可以通过<a href="${link(agency, "/chat")}">在线咨询</a>一步一步填写。</p>
${summary}${receivingAgencyLine(agency)}
<form method="post" action="${link(agency, "/apply")}" novalidate id="apply-form"${s.uploads ? raw(' enctype="multipart/form-data"') : ""}>
<input type="hidden" name="key" value="${s.key}">
${FIELDSETS.map(
  (set) => html`<fieldset><legend>${set.legend}</legend>
${set.fields.map((f) => field(f, values, errors))}
</fieldset>
`,
)}${s.uploads ? filesFieldset(s.uploads) : ""}<p class="meta">提交即表示您确认所填信息真实。证件号码和联系电话只用于办理本申请。</p>
<button type="submit">提交申请</button>
</form>`;
  return portalPage(agency, { title: listed.length || s.message ? "申请政府信息公开（请修改后重新提交）" : "申请政府信息公开", active: "apply", body });
}

export function applyDonePage(agency: PortalAgency, a: IntakeAnswer, files?: { attached: number; problem?: string }): string {
  const body = html`<h1>申请已提交</h1>
<div class="notice" role="status">
<p>申请编号：<strong id="application-no">${a.applicationNo}</strong></p>
<p>查询码：<strong class="code" id="query-code">${a.queryCode}</strong></p>
<p><strong>查询码只在此显示一次，请立即记下或截图保存。</strong>凭申请编号和查询码可以<a href="${link(agency, "/status")}">查询办理进度</a>。</p>
</div>
<dl>
<dt>收到申请日期</dt><dd>${a.receivedAt ?? "待确认"}</dd>
<dt>答复期限</dt><dd>${a.dueDate ? html`${a.dueDate}${a.dueDateProvisional ? "（暂估）" : ""}` : "—"}</dd>
</dl>
${a.dueDateNote ? html`<p class="meta">${a.dueDateNote}</p>` : ""}
${files?.attached ? html`<p id="attached">已随申请提交${files.attached}个附件。</p>` : ""}
${files?.problem ? html`<p class="error-summary" role="alert" id="attach-problem">${files.problem}</p>` : ""}
<p><a href="${link(agency, "/")}">返回首页</a></p>`;
  return portalPage(agency, { title: "申请已提交", active: "apply", body });
}

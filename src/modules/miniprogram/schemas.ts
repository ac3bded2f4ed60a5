// Zod schemas of the mini-program API: what each route validates with and what it answers. The OpenAPI
// document is generated from these (openapi.ts), so they are the API's one description.
import { z } from "zod";
import { ATTACHMENT_KINDS } from "../attachments/attachment.entity";
import { SUBSCRIBE_RESULTS } from "../conversation/subscriptions";

export const agencyQuery = z.string().regex(/^[a-z0-9-]{1,40}$/, { error: "机关代码格式不正确" });

export const loginBody = z.object({
  code: z.string({ error: "请提供 code（wx.login 返回的临时登录凭证）" }).trim().min(1, { error: "请提供 code" }).max(200, { error: "code 过长" }),
});
export const loginAnswer = z.object({ token: z.string(), expiresIn: z.number().int() });

export const applicationNoParams = z.object({
  applicationNo: z.string().regex(/^[A-Za-z0-9-]{1,40}$/, { error: "申请编号格式不正确，如 ZDRMT-2026-00001" }),
});

export const statusQuery = z.object({
  applicationNo: z
    .string({ error: "请填写申请编号" })
    .trim()
    .regex(/^[A-Za-z0-9-]{1,40}$/, { error: "申请编号格式不正确，如 ZDRMT-2026-00001" }),
  queryCode: z.string({ error: "请填写查询码" }).trim().min(1, { error: "请填写查询码" }).max(20, { error: "查询码格式不正确" }),
});

export const citizenStatus = z.object({
  applicationNo: z.string(),
  status: z.string(),
  statusLabel: z.string(),
  receivedAt: z.string().nullable(),
  dueDate: z.string().nullable(),
  dueDateProvisional: z.boolean(),
  dueDateNote: z.string().nullable(),
  disposition: z.string().nullable(),
  dispositionLabel: z.string().nullable(),
  dispositionDate: z.string().nullable(),
  /** Only on a 不属于本机关 answer (Art. 36(5)): the competent agency, and the re-filing once made. */
  referral: z.object({ agencyCode: z.string(), agencyName: z.string(), contact: z.string(), refiledAs: z.string().nullable() }).optional(),
});

export const attachmentAnswer = z.object({
  id: z.string(),
  kind: z.enum(ATTACHMENT_KINDS),
  kindLabel: z.string(),
  mime: z.string(),
  sizeBytes: z.number().int(),
  source: z.string(),
  createdAt: z.string(),
});

const agencyRef = z.object({ code: z.string(), name: z.string() });
export const myApplication = citizenStatus.extend({ agency: agencyRef, submittedAt: z.string() });
export const myApplicationsAnswer = z.object({ applications: z.array(myApplication) });
export const myApplicationDetail = z.object({
  application: myApplication.extend({ description: z.string(), attachments: z.array(attachmentAnswer) }),
  limits: z.object({ maxBytes: z.number().int(), maxFiles: z.number().int(), types: z.array(z.string()) }),
});

export const filingAnswer = z.object({
  applicationNo: z.string(),
  queryCode: z.string(),
  status: z.string(),
  receivedAt: z.string().nullable(),
  dueDate: z.string().nullable(),
  dueDateProvisional: z.boolean().optional(),
  dueDateNote: z.string().nullable().optional(),
});

export const uploadFields = z.object({
  kind: z.enum(ATTACHMENT_KINDS, { error: "kind 应为 identity（身份证明）或 supporting（其他材料）" }),
});

export const guideQuery = z.object({ agency: agencyQuery.optional() });

export const catalogueQuery = z.object({
  q: z.string().max(200, { error: "搜索词不能超过200个字" }).optional(),
  category: z.string().max(200, { error: "分类不能超过200个字" }).optional(),
  year: z
    .string()
    .regex(/^\d{4}$/, { error: "年份应为四位数字" })
    .optional(),
  page: z
    .string()
    .regex(/^\d{1,5}$/, { error: "页码应为数字" })
    .optional(),
  pageSize: z
    .string()
    .regex(/^\d{1,3}$/, { error: "每页条数应为数字" })
    .optional(),
  agency: agencyQuery.optional(),
});

export const reportsQuery = z.object({ agency: agencyQuery.optional() });
export const yearParams = z.object({ year: z.string().regex(/^\d{4}$/, { error: "年度格式不正确，应为四位年份，如2019" }) });
export const reportsAnswer = z.object({
  agency: agencyRef,
  reports: z.array(z.object({ year: z.number().int(), version: z.number().int(), publishedAt: z.string() })),
});

export const subscribeBody = z.object({
  results: z
    .record(
      z.string().min(1).max(128, { error: "模板 ID 过长" }),
      z.enum(SUBSCRIBE_RESULTS, { error: "结果应为 accept、reject、ban 或 filter（wx.requestSubscribeMessage 的返回值）" }),
    )
    .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 10, { error: "results 应包含1至10个模板的结果" }),
});
export const subscriptionsAnswer = z.object({
  /** Template ids the service sends with (request consent for these). */
  templates: z.array(z.object({ templateId: z.string(), purpose: z.string() })),
  consents: z.array(z.object({ templateId: z.string(), remaining: z.number().int() })),
});

export const notificationsAnswer = z.object({ notifications: z.array(z.string()) });

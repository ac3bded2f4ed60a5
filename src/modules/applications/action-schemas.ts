// One zod schema per staff action body (POST /api/staff/applications/:no/<action>).
import { z } from "zod";
import { isIsoDate } from "../../domain/china-time";
import type { ApplicationAction } from "./lifecycle";
import { fieldSchemas } from "./intake-schema";

const date = (label: string) => z.string({ error: `请填写${label}` }).refine(isIsoDate, { error: `${label}格式不正确，应为 YYYY-MM-DD` });
const reason = (label: string, max = 1000) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, { error: `请填写${label}` })
    .max(max, { error: `${label}不能超过${max}个字` });
const note = z.string().trim().max(2000, { error: "备注不能超过2000个字" }).optional();

export const actionSchemas = {
  "confirm-receipt": z.object({ receivedAt: date("确认收到日期"), evidence: reason("确认方式（如电话确认、回执）", 500), note }),
  assign: z.object({ assignee: z.string().trim().min(1, { error: "请填写承办人（用户名或ID）" }).max(64).optional(), note }),
  "request-correction": z.object({
    items: reason("需要补正的事项（一次性告知全部内容）", 2000),
    periodWorkingDays: z
      .number({ error: "补正期限应为工作日天数" })
      .int()
      .min(1, { error: "补正期限至少1个工作日" })
      .max(60, { error: "补正期限不能超过60个工作日" })
      .optional(),
    note,
  }),
  "record-correction": z.object({ receivedAt: date("收到补正材料的日期"), description: fieldSchemas.description.optional(), note }),
  "start-consultation": z.object({ party: reason("征求意见对象（第三方或其他机关）", 200), note }),
  "end-consultation": z.object({ note }),
  extend: z.object({
    workingDays: z
      .number({ error: "延长天数应为1–20个工作日" })
      .int({ error: "延长天数应为整数" })
      .min(1, { error: "延长天数至少1个工作日" })
      .max(20, { error: "延长天数不能超过20个工作日" }),
    reason: reason("延期理由"),
  }),
  answer: z.object({
    disposition: z.string({ error: "请选择答复类型（处理结果代码）" }).min(1, { error: "请选择答复类型（处理结果代码）" }),
    note,
    /** Art. 36(5): the code of the agency on this platform that holds the information (only with unable.not_responsible). */
    competentAgency: z
      .string({ error: "负责机关应为机关代码" })
      .trim()
      .regex(/^[a-z0-9-]{1,40}$/, { error: "负责机关代码格式不正确（小写字母、数字和连字符）" })
      .optional(),
  }),
  close: z.object({
    reason: z.enum(["no_correction", "fee_unpaid", "withdrawn", "misc"], { error: "请选择办结原因：no_correction、fee_unpaid、withdrawn 或 misc" }),
    note,
  }),
  split: z.object({
    items: z
      .array(fieldSchemas.description, { error: "请列出拆分后的各项申请内容" })
      .min(2, { error: "拆分至少需要两项内容：第一项保留在原申请，其余各项成为新申请" })
      .max(50, { error: "一次最多拆分为50项" }),
    note,
  }),
  "set-category": z.object({ category: fieldSchemas.category, reason: reason("更正申请人类型的理由", 500) }),
} satisfies Record<ApplicationAction, z.ZodType>;

export type ActionBody<A extends ApplicationAction> = z.infer<(typeof actionSchemas)[A]>;

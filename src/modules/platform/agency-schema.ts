// The one description of an agency's data for adding and updating it (CLI, platform API, console): code, name,
// parent, profile and contact, duties (keywords + a sentence, the shape the citizen routing reads:
// profile.duties = { keywords, summary }), reply-letter bodies, and for a new agency its first admin.
import { z } from "zod";
import { DISPOSITION_CODES } from "../applications/dispositions";

const CONTACT_FIELDS = ["office", "address", "officeHours", "phone", "fax", "email", "postcode", "website"] as const;

export const dutiesSchema = z.object({
  keywords: z
    .array(z.string().trim().min(1, "职责关键词不能为空").max(20, "每个职责关键词不超过20字"))
    .max(50, "职责关键词至多50个")
    .transform((ks) => [...new Set(ks)]),
  summary: z.string().trim().max(300, "职责说明不超过300字"),
});

export const contactSchema = z
  .object(
    Object.fromEntries(CONTACT_FIELDS.map((f) => [f, z.string().trim().max(200, "联系方式每项不超过200字").nullable().optional()])) as Record<
      (typeof CONTACT_FIELDS)[number],
      z.ZodOptional<z.ZodNullable<z.ZodString>>
    >,
  )
  .strict();

const codeSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]{2,40}$/, "机关代码须为2–40位小写字母、数字或 -");

export const agencyFieldsSchema = z.object({
  name: z.string().trim().min(2, "请填写机关名称").max(200, "机关名称不超过200字"),
  /** The parent agency's code; null at the top of the tree. */
  parent: codeSchema.nullable().optional(),
  shortName: z.string().trim().max(50).optional(),
  region: z.string().trim().max(100).optional(),
  indexCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{1,40}$/, "索引号机关代码须为字母、数字或 -")
    .optional(),
  contact: contactSchema.optional(),
  duties: dutiesSchema.optional(),
  replyTemplates: z
    .record(z.string(), z.string().trim().min(1).max(4000, "答复正文不超过4000字"))
    .refine((r) => Object.keys(r).every((k) => (DISPOSITION_CODES as readonly string[]).includes(k)), "答复模板的键须为办理结果代码（见 report-formats.json）")
    .optional(),
});

export const agencyAddSchema = agencyFieldsSchema.extend({
  code: codeSchema,
  /** The agency's first admin; without one, create it later with `create-user --agency CODE`. */
  admin: z
    .object({ username: z.string().trim().min(3).max(64), password: z.string().min(1).max(200), displayName: z.string().trim().max(100).optional() })
    .optional(),
});

export const agencyUpdateSchema = agencyFieldsSchema.partial();

export type AgencyAddInput = z.infer<typeof agencyAddSchema>;
export type AgencyUpdateInput = z.infer<typeof agencyUpdateSchema>;

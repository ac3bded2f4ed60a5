// The intake form of a disclosure application (Art. 29): one zod schema for citizens, one for staff
// registration, and per-field validators the bot's guided form re-uses so both say the same thing.
import { z } from "zod";
import { isIsoDate } from "../../domain/china-time";
import { isValidCreditCode, isValidResidentId } from "../../domain/id-checks";
import { APPLICANT_CATEGORIES, CITIZEN_CHANNELS, STAFF_CHANNELS } from "./codes";

export const ID_TYPES = ["resident_id", "passport", "hk_macao_permit", "taiwan_permit", "foreign_permanent_id", "other"] as const;
export const ID_TYPE_LABELS: Record<(typeof ID_TYPES)[number], string> = {
  resident_id: "居民身份证",
  passport: "护照",
  hk_macao_permit: "港澳居民来往内地通行证",
  taiwan_permit: "台湾居民来往大陆通行证",
  foreign_permanent_id: "外国人永久居留身份证",
  other: "其他有效身份证件",
};
export const CATEGORY_LABELS: Record<(typeof APPLICANT_CATEGORIES)[number], string> = {
  natural_person: "自然人",
  "org.commercial": "商业企业",
  "org.research": "科研机构",
  "org.public_welfare": "社会公益组织",
  "org.legal_service": "法律服务机构",
  "org.other": "其他",
};
export const DELIVERY_FORMS = ["paper", "electronic"] as const;
export const DELIVERY_METHODS = ["pickup", "mail", "email", "wechat"] as const;
export const DELIVERY_FORM_LABELS: Record<string, string> = { paper: "纸质", electronic: "电子" };
export const DELIVERY_METHOD_LABELS: Record<string, string> = { pickup: "自行领取", mail: "邮寄", email: "电子邮件", wechat: "微信" };
export const ALL_CHANNELS = [...CITIZEN_CHANNELS, ...STAFF_CHANNELS] as const;
export const CHANNEL_LABELS: Record<(typeof ALL_CHANNELS)[number], string> = {
  online: "网上申请",
  wechat: "微信",
  miniprogram: "小程序",
  in_person: "当面提交",
  mail_registered: "挂号信/快递（需签收）",
  mail: "平信",
  fax: "传真",
};

const trimmed = (label: string, max: number) =>
  z
    .string({ error: `请填写${label}` })
    .trim()
    .min(1, { error: `请填写${label}` })
    .max(max, { error: `${label}不能超过${max}个字` });

const enumOf = <T extends readonly [string, ...string[]]>(values: T, label: string, hint: string) => z.enum(values, { error: `请选择${label}（${hint}）` });

/** Per-field validators, shared with the conversation's guided form. */
/** The Regulation (国务院令第492号) came into force on this day: no disclosure application was received earlier. */
export const EARLIEST_RECEIPT_DATE = "2008-05-01";

export const fieldSchemas = {
  category: enumOf(
    APPLICANT_CATEGORIES as unknown as readonly [string, ...string[]],
    "申请人类型",
    "自然人、商业企业、科研机构、社会公益组织、法律服务机构或其他",
  ) as z.ZodType<(typeof APPLICANT_CATEGORIES)[number]>,
  name: trimmed("申请人姓名或单位名称", 100),
  idType: enumOf(ID_TYPES, "证件类型", "居民身份证、护照、港澳通行证、台湾通行证、永久居留证或其他"),
  idNumber: z
    .string({ error: "请填写证件号码" })
    .trim()
    .min(1, { error: "请填写证件号码" })
    .max(40, { error: "证件号码不能超过40位" })
    .transform((v) => v.toUpperCase()),
  residentId: z
    .string({ error: "请填写身份证号码" })
    .trim()
    .transform((v) => v.toUpperCase())
    .refine(isValidResidentId, { error: "身份证号码格式不正确，应为18位且校验位正确（最后一位可为X）" }),
  creditCode: z
    .string({ error: "请填写统一社会信用代码" })
    .trim()
    .transform((v) => v.toUpperCase())
    .refine(isValidCreditCode, { error: "统一社会信用代码格式不正确，应为18位且校验位正确" }),
  contactName: trimmed("联系人姓名", 50),
  phone: z
    .string({ error: "请填写联系电话" })
    .trim()
    .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, { error: "联系电话格式不正确，应为11位手机号或带区号的固定电话（如0533-1234567）" }),
  email: z.string().trim().email({ error: "电子邮箱格式不正确，应为如 name@example.com" }).max(100, { error: "电子邮箱不能超过100个字符" }),
  address: trimmed("通信地址", 200),
  postcode: z
    .string()
    .trim()
    .regex(/^\d{6}$/, { error: "邮政编码格式不正确，应为6位数字" }),
  description: z
    .string({ error: "请填写所需信息的内容描述" })
    .trim()
    .min(5, { error: "所需信息描述过短，请写明信息名称、文号或其他能够指向该信息的特征（至少5个字）" })
    .max(2000, { error: "所需信息描述不能超过2000个字" }),
  documentNo: z.string().trim().max(100, { error: "文号不能超过100个字" }),
  purpose: z.string().trim().max(500, { error: "用途说明不能超过500个字" }),
  deliveryForm: enumOf(DELIVERY_FORMS, "信息提供形式", "纸质或电子"),
  deliveryMethod: enumOf(DELIVERY_METHODS, "获取方式", "自行领取、邮寄、电子邮件或微信"),
  citizenChannel: enumOf(CITIZEN_CHANNELS, "提交渠道", "online、wechat 或 miniprogram"),
  anyChannel: enumOf(ALL_CHANNELS, "提交渠道", "online、wechat、miniprogram、in_person、mail_registered、mail 或 fax"),
  receivedAt: z
    .string({ error: "请填写收到申请的日期" })
    .refine(isIsoDate, { error: "收到日期格式不正确，应为 YYYY-MM-DD", abort: true })
    .refine((d) => d >= EARLIEST_RECEIPT_DATE, { error: `收到日期不能早于${EARLIEST_RECEIPT_DATE}（政府信息公开条例施行之日）` }),
};

const applicantSchema = z
  .object(
    {
      category: fieldSchemas.category,
      name: fieldSchemas.name,
      idType: fieldSchemas.idType.optional(),
      idNumber: fieldSchemas.idNumber.optional(),
      creditCode: z.string().optional(),
      contactName: fieldSchemas.contactName.optional(),
      phone: fieldSchemas.phone,
      email: fieldSchemas.email.optional(),
      address: fieldSchemas.address.optional(),
      postcode: fieldSchemas.postcode.optional(),
    },
    { error: "请填写申请人信息" },
  )
  .superRefine((a, ctx) => {
    if (a.category === "natural_person") {
      if (!a.idType) ctx.addIssue({ code: "custom", path: ["idType"], message: "请选择证件类型" });
      if (!a.idNumber) ctx.addIssue({ code: "custom", path: ["idNumber"], message: "请填写证件号码" });
      else if (a.idType === "resident_id" && !isValidResidentId(a.idNumber))
        ctx.addIssue({ code: "custom", path: ["idNumber"], message: "身份证号码格式不正确，应为18位且校验位正确（最后一位可为X）" });
    } else {
      if (!a.creditCode) ctx.addIssue({ code: "custom", path: ["creditCode"], message: "法人或其他组织请填写统一社会信用代码" });
      else if (!isValidCreditCode(a.creditCode))
        ctx.addIssue({ code: "custom", path: ["creditCode"], message: "统一社会信用代码格式不正确，应为18位且校验位正确" });
      if (!a.contactName) ctx.addIssue({ code: "custom", path: ["contactName"], message: "法人或其他组织请填写联系人姓名" });
    }
  })
  .transform((a) => ({
    ...a,
    creditCode: a.category === "natural_person" ? undefined : a.creditCode?.trim().toUpperCase(),
    idType: a.category === "natural_person" ? a.idType : undefined,
    idNumber: a.category === "natural_person" ? a.idNumber : undefined,
  }));

const common = {
  applicant: applicantSchema,
  description: fieldSchemas.description,
  documentNo: fieldSchemas.documentNo.optional(),
  purpose: fieldSchemas.purpose.optional(),
  deliveryForm: fieldSchemas.deliveryForm,
  deliveryMethod: fieldSchemas.deliveryMethod,
};

const deliveryCheck = (v: { deliveryMethod: string; applicant: { email?: string; address?: string } }, ctx: z.RefinementCtx) => {
  if (v.deliveryMethod === "email" && !v.applicant.email)
    ctx.addIssue({ code: "custom", path: ["applicant", "email"], message: "选择电子邮件获取时请填写电子邮箱" });
  if (v.deliveryMethod === "mail" && !v.applicant.address)
    ctx.addIssue({ code: "custom", path: ["applicant", "address"], message: "选择邮寄时请填写通信地址" });
};

/** The citizen's body of POST /api/applications. */
export const intakeSchema = z.object({ ...common, channel: fieldSchemas.citizenChannel }).superRefine(deliveryCheck);

/**
 * The mini-program's body: the same fields and rules; the channel is the mini-program's own, and `agency` (a code
 * of the directory, GET /api/agencies) picks the agency filed to, the default one without it.
 */
export const miniprogramIntakeSchema = z
  .object({
    ...common,
    agency: z
      .string({ error: "机关代码应为文字，例如 zdrmt" })
      .trim()
      .regex(/^[a-z0-9-]{1,40}$/, { error: "机关代码格式不正确（小写字母、数字和连字符），请从机关目录 /api/agencies 中选择" })
      .optional(),
  })
  .superRefine(deliveryCheck);

/**
 * Staff registration of an application (any channel). `receivedAt` is the legal receipt date by the
 * channel's rule (Art. 31) with its evidence; for ordinary mail and fax it may be left out until the
 * applicant confirms (the record then waits in awaiting_confirmation).
 */
export const staffIntakeSchema = z
  .object({
    ...common,
    channel: fieldSchemas.anyChannel,
    receivedAt: fieldSchemas.receivedAt.optional(),
    receiptEvidence: z.string().trim().max(500, { error: "收到依据不能超过500个字" }).optional(),
    oral: z.boolean().optional(),
  })
  .superRefine(deliveryCheck)
  .superRefine((v, ctx) => {
    const confirmLater = v.channel === "mail" || v.channel === "fax" || v.channel === "online";
    if (!v.receivedAt && !confirmLater)
      ctx.addIssue({ code: "custom", path: ["receivedAt"], message: "请填写收到申请的日期（当面提交为递交当日，挂号信为签收日）" });
    if (v.receivedAt && v.channel !== "in_person" && !v.receiptEvidence)
      ctx.addIssue({ code: "custom", path: ["receiptEvidence"], message: "请写明确定收到日期的依据（如签收日期、与申请人确认的日期）" });
  });

export type IntakeInput = z.infer<typeof intakeSchema>;
export type StaffIntakeInput = z.infer<typeof staffIntakeSchema>;

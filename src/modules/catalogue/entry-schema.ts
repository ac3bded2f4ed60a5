// Validation of one catalogue entry (staff API and every imported row share it), with Chinese messages.
import { z } from "zod";
import { isIsoDate } from "../../domain/china-time";
import { parseDocNumber } from "./doc-number";

export const DISCLOSURE_MODES = ["主动公开", "依申请公开", "不予公开"] as const;
export const VALIDITIES = ["有效", "失效", "废止"] as const;
export const NORMATIVE_TYPES = ["规章", "行政规范性文件"] as const;

const optText = (label: string, max: number) =>
  z
    .string({ error: `${label}应为文字` })
    .trim()
    .max(max, `${label}不能超过${max}个字`)
    .nullish()
    .transform((v) => (v ? v : null));

/** Accepts 2019-03-05, 2019/3/5, 2019.3.5 and 2019年3月5日; stores YYYY-MM-DD. */
export function normalizeDate(v: string): string | null {
  const m = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$/.exec(v.normalize("NFKC"));
  if (!m) return null;
  const d = `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
  return isIsoDate(d) ? d : null;
}

const optDate = (label: string) =>
  z
    .string({ error: `${label}应为日期` })
    .nullish()
    .transform((v, c) => {
      if (!v || !v.trim()) return null;
      const d = normalizeDate(v);
      if (!d) {
        c.addIssue({ code: "custom", message: `${label}格式不正确，应为 YYYY-MM-DD，例如 2019-03-05` });
        return z.NEVER;
      }
      return d;
    });

/**
 * A link the public pages may show: an absolute http(s) URL with a host, or a path on this site. "//host" and
 * "/\\host" are protocol-relative to browsers (they leave the site), so a site path must not start so.
 */
export function isSafeLink(v: string): boolean {
  return /^https?:\/\/[^\s/\\?#@]+(?:[/?#]\S*)?$/i.test(v) || /^\/(?![/\\])\S*$/.test(v);
}

export const INDEX_NO_RE = /^[A-Za-z0-9][A-Za-z0-9./_-]{2,99}$/;

export const entryInputSchema = z.object({
  indexNo: z
    .string()
    .trim()
    .regex(INDEX_NO_RE, "索引号格式不正确，应为 机关代码/年份-顺序号，例如 ZDRMT/2019-00001")
    .nullish()
    .transform((v) => v || null),
  title: z.string({ error: "请填写信息名称" }).trim().min(1, "请填写信息名称").max(500, "信息名称不能超过500个字"),
  publisher: z.string({ error: "请填写发布机构" }).trim().min(1, "请填写发布机构").max(200, "发布机构不能超过200个字"),
  docNo: optText("文号", 100).transform((v, c) => {
    if (!v) return null;
    const d = parseDocNumber(v);
    if (!d) {
      c.addIssue({ code: "custom", message: "文号格式不正确，应为 发文机关代字〔年份〕序号号，例如 张政办发〔2019〕12号" });
      return z.NEVER;
    }
    return d.canonical;
  }),
  writtenDate: optDate("生成日期"),
  publishedDate: optDate("发布日期"),
  subjectCategory: z.string({ error: "请填写主题分类" }).trim().min(1, "请填写主题分类").max(200, "主题分类不能超过200个字"),
  agencyCategory: optText("组配分类", 200),
  disclosureMode: z
    .string({ error: "请填写公开方式" })
    .trim()
    .transform((v) => (v === "免予公开" ? "不予公开" : v))
    .pipe(z.enum(DISCLOSURE_MODES, { error: "公开方式应为 主动公开、依申请公开 或 不予公开" })),
  disclosureTimeLimit: optText("公开时限", 100),
  disclosureScope: optText("公开范围", 200),
  summary: optText("内容概述", 2000),
  body: optText("正文", 100000),
  url: optText("链接", 1000).refine((v) => v === null || isSafeLink(v), "链接格式不正确，应为 http:// 或 https:// 开头的完整网址，或以单个 / 开头的本站路径"),
  validity: z
    .string()
    .trim()
    .nullish()
    .transform((v) => v || "有效")
    .pipe(z.enum(VALIDITIES, { error: "有效性应为 有效、失效 或 废止" })),
  keywords: optText("关键词", 500),
  normativeType: z
    .string()
    .trim()
    .nullish()
    .transform((v) => v || null)
    .pipe(z.enum(NORMATIVE_TYPES, { error: "文件类型应为 规章 或 行政规范性文件" }).nullable()),
});

export type EntryInput = z.input<typeof entryInputSchema>;
export type ValidEntry = z.output<typeof entryInputSchema>;

export const entryPatchSchema = entryInputSchema.partial().extend({ version: z.number().int().positive().optional() });

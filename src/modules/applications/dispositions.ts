// Disposition codes (the annual report's rows) with their Chinese labels and legal basis; the codes and
// bases come from config/report-formats.json (dispositionMapping) so the report and the workflow agree.
import { reportFormatsFile } from "../../domain/report-formats-file";

const LABELS: Record<string, string> = {
  "granted.already_public": "予以公开（已主动公开，告知获取方式）",
  "granted.provided": "予以公开",
  partial: "部分公开",
  "withheld.state_secret": "不予公开（属于国家秘密）",
  "withheld.law_prohibited": "不予公开（其他法律行政法规禁止公开）",
  "withheld.security_stability": "不予公开（危及“三安全一稳定”）",
  "withheld.third_party": "不予公开（保护第三方合法权益）",
  "withheld.internal_affairs": "不予公开（属于三类内部事务信息）",
  "withheld.process_info": "不予公开（属于四类过程性信息）",
  "withheld.enforcement_file": "不予公开（属于行政执法案卷）",
  "withheld.admin_query": "不予公开（属于行政查询事项）",
  "unable.not_exist": "无法提供（本机关不掌握相关政府信息）",
  "unable.not_responsible": "无法提供（不属于本机关公开职责）",
  "unable.needs_creation": "无法提供（没有现成信息需要另行制作）",
  "unable.still_unclear": "无法提供（补正后申请内容仍不明确）",
  "not_processed.petition_complaint": "不予处理（信访举报投诉类申请）",
  "not_processed.repeat": "不予处理（重复申请）",
  "not_processed.publication": "不予处理（要求提供公开出版物）",
  "not_processed.mass_repeat": "不予处理（无正当理由大量反复申请）",
  "not_processed.confirm_or_reissue": "不予处理（要求行政机关确认或重新出具已获取信息）",
  "other.no_correction": "其他处理（逾期未补正，不再处理）",
  "other.fee_unpaid": "其他处理（逾期未缴纳信息处理费，不再处理）",
  "other.withdrawn": "其他处理（申请人撤回申请）",
  "other.misc": "其他处理",
};

const mapping = reportFormatsFile().dispositionMapping;
export const DISPOSITION_CODES: string[] = mapping.map((m) => m.disposition);
const basisByCode = new Map(mapping.map((m) => [m.disposition, m.basis]));
for (const code of DISPOSITION_CODES) if (!LABELS[code]) throw new Error(`disposition ${code} has no Chinese label`);

/** Dispositions given by answering (a reply under Arts. 36–39); the other.* closures come from `close`. */
export const ANSWER_DISPOSITIONS = DISPOSITION_CODES.filter((c) => !c.startsWith("other."));
/** Withholding dispositions need an approver (the head of the GI work unit). */
export const needsApprover = (code: string) => code === "partial" || code.startsWith("withheld.");

export const CLOSE_REASONS = {
  no_correction: "other.no_correction",
  fee_unpaid: "other.fee_unpaid",
  withdrawn: "other.withdrawn",
  misc: "other.misc",
} as const;
export type CloseReason = keyof typeof CLOSE_REASONS;

export const dispositionLabel = (code: string | null): string | null => (code ? (LABELS[code] ?? code) : null);
export const dispositionBasis = (code: string): string | null => basisByCode.get(code) ?? null;

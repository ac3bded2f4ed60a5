// Chinese labels the console prints for codes that only it shows (audit actions, delivery options).
export const AUDIT_LABELS: Record<string, string> = {
  "application.submit": "申请人提交申请",
  "attachment.add": "上传附件",
  "attachment.view": "查看附件",
  "attachment.download": "下载附件",
  "attachment.purge": "按保存期限删除附件",
  "application.register": "登记申请",
  "application.confirm-receipt": "确认收到",
  "application.assign": "分配承办人",
  "application.request-correction": "发出补正告知",
  "application.record-correction": "收到补正材料",
  "application.start-consultation": "开始征求意见",
  "application.end-consultation": "结束征求意见",
  "application.extend": "延长答复期限",
  "application.answer": "作出答复",
  "application.close": "办结",
  "application.split": "拆分申请",
  "application.split_from": "由原申请拆分而来",
  "application.reveal_id_number": "查看完整证件号码",
  "application.set-category": "更正申请人类型",
};

export const ACTION_LABELS: Record<string, string> = {
  "confirm-receipt": "确认收到",
  assign: "分配承办人",
  "request-correction": "发出补正告知",
  "record-correction": "登记收到补正",
  "start-consultation": "开始征求意见（暂停计时）",
  "end-consultation": "结束征求意见",
  extend: "延长答复期限",
  answer: "答复",
  close: "办结",
  split: "拆分申请",
  "set-category": "更正申请人类型",
};

export const CLOSE_REASON_LABELS: Record<string, string> = {
  no_correction: "逾期未补正，不再处理",
  fee_unpaid: "逾期未缴纳信息处理费，不再处理",
  withdrawn: "申请人撤回申请",
  misc: "其他原因（须写明）",
};

export { DELIVERY_FORM_LABELS, DELIVERY_METHOD_LABELS } from "../applications/intake-schema";
export const ACTOR_LABELS: Record<string, string> = { citizen: "申请人", system: "系统", staff: "工作人员" };

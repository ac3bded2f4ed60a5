// Valid intake bodies shared by the application tests (the ID number and credit code have correct check characters).
export const RESIDENT_ID = "11010519491231002X";
export const CREDIT_CODE = "91350100M000100Y43";

export function personBody(overrides: Record<string, unknown> = {}, applicant: Record<string, unknown> = {}) {
  return {
    applicant: {
      category: "natural_person",
      name: "张三",
      idType: "resident_id",
      idNumber: RESIDENT_ID,
      phone: "13800138000",
      email: "zhangsan@example.com",
      address: "山东省淄博市张店区人民西路1号",
      postcode: "255000",
      ...applicant,
    },
    description: "2025年张店区融媒体中心政府信息公开工作年度报告的纸质版",
    deliveryForm: "electronic",
    deliveryMethod: "email",
    channel: "online",
    ...overrides,
  };
}

export function orgBody(overrides: Record<string, unknown> = {}) {
  return {
    applicant: { category: "org.commercial", name: "淄博某某科技有限公司", creditCode: CREDIT_CODE, contactName: "李四", phone: "0533-2123456" },
    description: "关于2025年度融媒体中心采购项目的中标公告",
    deliveryForm: "paper",
    deliveryMethod: "pickup",
    channel: "wechat",
    ...overrides,
  };
}

// The intake schema and the per-field validators the bot's guided form re-uses.
import { fieldSchemas, intakeSchema, staffIntakeSchema } from "../../../src/modules/applications/intake-schema";
import { orgBody, personBody } from "../../integration/applications/fixtures";

const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("field validators", () => {
  it.each([
    ["phone", "13800138000", true],
    ["phone", "0533-2123456", true],
    ["phone", "1380013800", false],
    ["postcode", "255000", true],
    ["postcode", "25500a", false],
    ["email", "a@b.cn", true],
    ["email", "a@", false],
    ["residentId", "11010519491231002x", true],
    ["residentId", "110105194912310021", false],
    ["creditCode", "91350100m000100y43", true],
    ["creditCode", "91350100M000100Y44", false],
    ["description", "年报", false],
  ] as const)("%s %s → %s", (field, value, ok) => {
    expect(fieldSchemas[field].safeParse(value).success).toBe(ok);
  });

  it("normalises case of ID numbers and credit codes", () => {
    expect(fieldSchemas.residentId.parse("11010519491231002x")).toBe("11010519491231002X");
    expect(fieldSchemas.creditCode.parse(" 91350100m000100y43 ")).toBe("91350100M000100Y43");
  });
});

describe("intakeSchema", () => {
  it("accepts a natural person and an organisation, dropping identity fields of the other kind", () => {
    const p = intakeSchema.parse({ ...personBody(), applicant: { ...personBody().applicant, creditCode: "X" } });
    expect(p.applicant.creditCode).toBeUndefined();
    const o = intakeSchema.parse(orgBody());
    expect(o.applicant).toMatchObject({ creditCode: "91350100M000100Y43", contactName: "李四" });
    expect(o.applicant.idNumber).toBeUndefined();
  });

  it("says in Chinese what to fix", () => {
    const r = intakeSchema.safeParse({ ...personBody(), applicant: { ...personBody().applicant, phone: "1" } });
    expect(issues(r)).toEqual(["applicant.phone: 联系电话格式不正确，应为11位手机号或带区号的固定电话（如0533-1234567）"]);
    const empty = intakeSchema.safeParse({});
    expect(issues(empty)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^applicant: 请填写申请人信息/),
        expect.stringMatching(/^description: 请填写所需信息/),
        expect.stringMatching(/^deliveryForm: 请选择信息提供形式/),
      ]),
    );
  });

  it("staff registration needs the receipt date and its evidence, except in person", () => {
    expect(staffIntakeSchema.safeParse(personBody({ channel: "in_person", receivedAt: "2026-03-02" })).success).toBe(true);
    expect(issues(staffIntakeSchema.safeParse(personBody({ channel: "mail_registered", receivedAt: "2026-03-02" })))).toEqual([
      expect.stringMatching(/^receiptEvidence: /),
    ]);
    expect(issues(staffIntakeSchema.safeParse(personBody({ channel: "in_person", receivedAt: "2026-02-30" })))).toEqual([
      expect.stringMatching(/^receivedAt: 收到日期格式不正确/),
    ]);
    // Before the Regulation came into force nothing was received: such a date would be carried over into every report year.
    expect(issues(staffIntakeSchema.safeParse(personBody({ channel: "in_person", receivedAt: "1900-01-01" })))).toEqual([
      expect.stringMatching(/^receivedAt: 收到日期不能早于2008-05-01/),
    ]);
    expect(issues(staffIntakeSchema.safeParse(personBody({ channel: "in_person", receivedAt: "abc" })))).toEqual([
      expect.stringMatching(/^receivedAt: 收到日期格式不正确/),
    ]);
    expect(staffIntakeSchema.safeParse(personBody({ channel: "in_person", receivedAt: "2008-05-01" })).success).toBe(true);
    expect(staffIntakeSchema.safeParse(personBody({ channel: "fax" })).success).toBe(true);
  });
});

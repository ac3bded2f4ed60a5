// The one construction of a new application: what every new one starts with, and what the caller decides.
import { newApplication, normalizeDescription, requestOf } from "../../../src/modules/applications/new-application";

const base = {
  now: "2026-03-02T01:00:00.000Z",
  agencyId: "agency-1",
  queryCodeHash: "k1.test",
  channel: "online" as const,
  applicant: { category: "natural_person" as const, name: "张三", phone: "13800000000" },
  applicantKey: null,
  description: "２０２５年 财政预算！",
  deliveryForm: "electronic",
  deliveryMethod: "email",
  receiptEvidence: null,
  clockLog: [],
  clock: { clockStart: null, dueDate: null, dueDateFlag: null },
};

describe("newApplication", () => {
  it("starts untriaged, unnumbered, version 1, awaiting confirmation without a receipt date and received with one", () => {
    const a = newApplication({ ...base, receivedAt: null });
    expect(a).toMatchObject({
      status: "awaiting_confirmation",
      applicationNo: "",
      version: 1,
      assigneeId: null,
      disposition: null,
      extensionWorkingDays: 0,
      pausedWorkingDays: 0,
      oral: false,
    });
    expect(a).toMatchObject({ submittedAt: base.now, createdAt: base.now, updatedAt: base.now, applicantCategory: "natural_person", applicantName: "张三" });
    expect(newApplication({ ...base, receivedAt: "2026-03-02" }).status).toBe("received");
    expect(newApplication({ ...base, receivedAt: null }).id).not.toBe(a.id);
  });
  it("normalises the description for repeat detection unless the caller stores none (the history import)", () => {
    expect(newApplication({ ...base, receivedAt: null }).descriptionNormalized).toBe(normalizeDescription(base.description));
    expect(normalizeDescription(base.description)).toBe("2025年财政预算");
    expect(newApplication({ ...base, receivedAt: null, descriptionNormalized: null }).descriptionNormalized).toBeNull();
  });
  it("takes the links and a historical answer from the caller; a part or re-filing carries the original's request", () => {
    const original = newApplication({ ...base, receivedAt: "2026-03-02", documentNo: "某发〔2025〕1号", citizenKey: "mp:x" });
    const part = newApplication({
      ...base,
      ...requestOf(original),
      receivedAt: "2026-03-02",
      parentId: original.id,
      externalId: "h-1",
      disposition: "granted.provided",
      dispositionDate: "2026-03-20",
    });
    expect(part).toMatchObject({
      parentId: original.id,
      externalId: "h-1",
      disposition: "granted.provided",
      dispositionDate: "2026-03-20",
      documentNo: "某发〔2025〕1号",
      citizenKey: "mp:x",
      queryCodeHash: "k1.test",
    });
    expect(part.refiledFromId).toBeNull();
  });
});

// The decisions of the annual report without a database: reporting years, saving a draft over the version seen,
// what a text / section 二 / fee edit changes and refuses, the year-end run, the validity of a case and what its
// edit changes, and when a year may be published with which version and differences.
import { DomainError } from "../../../src/domain/errors";
import { getFormat } from "../../../src/modules/reports/formats";
import {
  assertChecksPassed,
  assertDisclosureValues,
  assertDraftVersion,
  assertFees,
  assertValidCase,
  assertYear,
  assertYearEnded,
  carriedForwardDifference,
  caseEdit,
  disclosureFor,
  disclosureProblems,
  generatedTexts,
  isPublishable,
  mayGenerate,
  mergeDisclosure,
  nextPublication,
  pendingDifferences,
  sectionsEdit,
  type CaseRecord,
} from "../../../src/modules/reports/report-rules";
import { sampleReport } from "../../helpers/sample-report";

/** The DomainError a call throws (code, message, details), or null when it does not throw. */
function refusal(fn: () => unknown): { code: string; message: string; details: unknown } | null {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, message: e.message, details: e.details };
    throw e;
  }
  return null;
}
const codeOf = (fn: () => unknown) => refusal(fn)?.code ?? null;

describe("reporting years", () => {
  it("accepts the Regulation's years only (2008 onwards, whole four-digit years)", () => {
    expect(codeOf(() => assertYear(2008))).toBeNull();
    expect(codeOf(() => assertYear(2200))).toBeNull();
    expect(codeOf(() => assertYear(2007))).toBe("REPORT.INVALID_YEAR");
    expect(codeOf(() => assertYear(2201))).toBe("REPORT.INVALID_YEAR");
    expect(codeOf(() => assertYear(2020.5))).toBe("REPORT.INVALID_YEAR");
  });
});

describe("saving a draft", () => {
  it("is refused over another version than the editor saw, naming the current one", () => {
    expect(refusal(() => assertDraftVersion(4, 3))).toEqual({
      code: "REPORT.CONFLICT",
      message: "草稿已被他人修改，请刷新后重试",
      details: { currentVersion: 4 },
    });
    expect(codeOf(() => assertDraftVersion(4, 5))).toBe("REPORT.CONFLICT");
    expect(codeOf(() => assertDraftVersion(4, 4))).toBeNull();
    expect(codeOf(() => assertDraftVersion(4, undefined))).toBeNull();
  });

  it("a text edit writes the fields it names (null clears), leaves the others, and names only the texts that differ", () => {
    const draft = { preamble: "前言", section1: "一", section5: null, section6: "无。" };
    const { changes, changed } = sectionsEdit(draft, { preamble: "前言", s1: "新的一", s5: "", s6: null });
    expect(changes).toEqual({ preamble: "前言", section1: "新的一", section5: "", section6: null });
    expect(changed).toEqual(["s1", "s5", "s6"]);
    expect(sectionsEdit(draft, { s5: null, s6: "无。" })).toEqual({ changes: { section5: null, section6: "无。" }, changed: [] });
    expect(sectionsEdit(draft, { s5: "五" })).toEqual({ changes: { section5: "五" }, changed: ["s5"] });
    expect(sectionsEdit(draft, {})).toEqual({ changes: {}, changed: [] });
  });
});

describe("section 二 figures", () => {
  const fmt19 = getFormat("2019");
  const fmt21 = getFormat("2021");
  const fields = (problems: Array<{ field: string; message: string }>) => problems.map((p) => `${p.field}: ${p.message}`);

  it("accept counts, signed changes, amounts and blanks in cells of the year's format", () => {
    const ok = {
      art20_1: { regulations: { new_made: 3, new_published: 0, total_published: null } },
      art20_5: { licensing: { change: -2 } },
      art20_9: { central_procurement: { purchase_amount: 12.5 } },
    };
    expect(disclosureProblems(fmt19, ok)).toEqual([]);
    expect(codeOf(() => assertDisclosureValues(fmt19, ok))).toBeNull();
  });

  it("refuse a table, row or column the format lacks (the stub column included)", () => {
    expect(fields(disclosureProblems(fmt21, { art20_9: { central_procurement: { purchase_amount: 1 } } }))).toEqual(["art20_9: 2021年版格式没有这一项"]);
    expect(fields(disclosureProblems(fmt21, { art20_5: { other_services: { decisions: 1 } } }))).toEqual([
      "art20_5.other_services: 第二十条第（五）项没有这一行",
    ]);
    expect(fields(disclosureProblems(fmt21, { art20_5: { licensing: { change: 1, content: 2 } } }))).toEqual([
      "art20_5.licensing.change: 第二十条第（五）项没有这一列",
      "art20_5.licensing.content: 第二十条第（五）项没有这一列",
    ]);
  });

  it("refuse counts that are negative or fractional, negative amounts and fractional changes", () => {
    expect(fields(disclosureProblems(fmt19, { art20_1: { regulations: { new_made: -1, new_published: 1.5 } } }))).toEqual([
      "art20_1.regulations.new_made: 应为非负整数",
      "art20_1.regulations.new_published: 应为非负整数",
    ]);
    expect(fields(disclosureProblems(fmt19, { art20_9: { central_procurement: { purchase_amount: -0.5 } } }))).toEqual([
      "art20_9.central_procurement.purchase_amount: 金额不能为负数",
    ]);
    expect(fields(disclosureProblems(fmt21, { art20_8: { admin_fees: { fee_amount: -3 } } }))).toEqual(["art20_8.admin_fees.fee_amount: 金额不能为负数"]);
    expect(fields(disclosureProblems(fmt19, { art20_6: { penalty: { change: 0.5 } } }))).toEqual(["art20_6.penalty.change: 本年增/减应为整数"]);
    const r = refusal(() => assertDisclosureValues(fmt19, { art20_1: { regulations: { new_made: -1 } } }));
    expect(r).toEqual({
      code: "VALIDATION.INVALID_INPUT",
      message: "第二十条数据有误",
      details: [{ field: "art20_1.regulations.new_made", message: "应为非负整数" }],
    });
  });

  it("an edit writes the entered cells over the stored ones and keeps the rest, without touching the stored object", () => {
    const before = { art20_1: { regulations: { new_made: 1, new_published: 2 } } };
    const merged = mergeDisclosure(before, { art20_1: { regulations: { new_made: 5, total_published: null }, normative_docs: { new_made: 3 } } });
    expect(merged).toEqual({ art20_1: { regulations: { new_made: 5, new_published: 2, total_published: null }, normative_docs: { new_made: 3 } } });
    expect(before).toEqual({ art20_1: { regulations: { new_made: 1, new_published: 2 } } });
    expect(mergeDisclosure(null, { art20_5: { licensing: { decisions: 4 } } })).toEqual({ art20_5: { licensing: { decisions: 4 } } });
  });

  it("the report shows every data cell of the format (blank = null) and the 2019 purchase unit", () => {
    const v = disclosureFor("2019", { activeDisclosure: { art20_1: { regulations: { new_made: 7 } } }, purchaseAmountUnit: "万元" });
    expect(v.art20_1.regulations).toEqual({ new_made: 7, new_published: null, total_published: null });
    expect(v.art20_9.central_procurement).toEqual({ purchase_items: null, purchase_amount: null });
    expect((v as Record<string, unknown>).units).toEqual({ art20_9: { purchase_amount: "万元" } });
    const none = disclosureFor("2021", null);
    expect(Object.keys(none)).toEqual(["art20_1", "art20_5", "art20_6", "art20_8"]);
    expect(none.art20_8.admin_fees).toEqual({ fee_amount: null });
    expect(disclosureFor("2021", { activeDisclosure: null, purchaseAmountUnit: "万元" })).not.toHaveProperty("units");
  });
});

describe("fees", () => {
  it("refuse figures the columns cannot hold, naming each", () => {
    expect(codeOf(() => assertFees(1_000_000, 1_000_000_000))).toBeNull();
    expect(refusal(() => assertFees(1_000_001, 1_000_000_001))?.details).toEqual([
      { field: "cases", message: "收费件数过大" },
      { field: "amountYuan", message: "收费金额过大" },
    ]);
    expect(codeOf(() => assertFees(0, 1_000_000_000.5))).toBe("VALIDATION.INVALID_INPUT");
  });
});

describe("the year-end run", () => {
  it("drafts a year once; again only when asked to overwrite", () => {
    expect(mayGenerate({ generatedAt: null }, false)).toBe(true);
    expect(mayGenerate({ generatedAt: "2026-01-01T00:00:00.000Z" }, false)).toBe(false);
    expect(mayGenerate({ generatedAt: "2026-01-01T00:00:00.000Z" }, true)).toBe(true);
  });

  it("keeps a section 一 staff wrote unless overwriting, and fills an empty section 六 with 无。", () => {
    expect(generatedTexts({ section1: null, section6: null }, "草拟", false)).toEqual({ section1: "草拟", section6: "无。" });
    expect(generatedTexts({ section1: "", section6: "其他" }, "草拟", false)).toEqual({ section1: "草拟", section6: "其他" });
    expect(generatedTexts({ section1: "人工撰写", section6: "" }, "草拟", false)).toEqual({ section1: "人工撰写", section6: "" });
    expect(generatedTexts({ section1: "人工撰写", section6: null }, "草拟", true)).toEqual({ section1: "草拟", section6: "无。" });
  });
});

describe("the case register", () => {
  const today = "2026-03-02";
  const valid = (c: { outcome: "upheld" | "pending"; filedAt: string; concludedAt: string | null }) => codeOf(() => assertValidCase(c, today));

  it("accepts a concluded case with its dates and a pending one without a conclusion date", () => {
    expect(valid({ outcome: "upheld", filedAt: "2025-03-01", concludedAt: "2025-06-01" })).toBeNull();
    expect(valid({ outcome: "upheld", filedAt: "2025-03-01", concludedAt: "2025-03-01" })).toBeNull();
    expect(valid({ outcome: "pending", filedAt: "2008-05-01", concludedAt: null })).toBeNull();
    expect(valid({ outcome: "pending", filedAt: today, concludedAt: null })).toBeNull();
  });

  it.each([
    ["a malformed filing date", { outcome: "pending", filedAt: "2025-02-30", concludedAt: null }, "立案日期格式不正确，应为YYYY-MM-DD"],
    ["a malformed conclusion date", { outcome: "upheld", filedAt: "2025-02-01", concludedAt: "2025/03/01" }, "审结日期格式不正确，应为YYYY-MM-DD"],
    ["a pending case with a conclusion date", { outcome: "pending", filedAt: "2025-02-01", concludedAt: "2025-03-01" }, "尚未审结的案件不能有审结日期"],
    ["a concluded case without one", { outcome: "upheld", filedAt: "2025-02-01", concludedAt: null }, "已审结的案件须填写审结日期"],
    ["a conclusion before the filing", { outcome: "upheld", filedAt: "2025-02-01", concludedAt: "2025-01-31" }, "审结日期不能早于立案日期"],
    [
      "a filing before the Regulation",
      { outcome: "pending", filedAt: "2008-04-30", concludedAt: null },
      "立案日期不能早于2008-05-01（政府信息公开条例施行之日）",
    ],
    ["a filing after today", { outcome: "pending", filedAt: "2026-03-03", concludedAt: null }, "立案日期不能晚于今天"],
    ["a conclusion after today", { outcome: "upheld", filedAt: "2026-03-01", concludedAt: "2026-03-03" }, "审结日期不能晚于今天"],
  ] as const)("refuses %s", (_what, c, message) => {
    expect(refusal(() => assertValidCase(c, today))).toEqual({ code: "REPORT.INVALID_CASE", message, details: undefined });
  });

  const stored: CaseRecord = {
    kind: "review",
    outcome: "pending",
    filedAt: "2025-03-01",
    concludedAt: null,
    applicationId: "app-1",
    reference: "复议〔2025〕1号",
    note: "备注",
  };

  it("an edit changes what it names and keeps the rest; the audit keeps the counted facts before and after", () => {
    const { next, before, after } = caseEdit(stored, { outcome: "corrected", concludedAt: "2025-06-30", note: null }, today);
    expect(next).toEqual({ ...stored, outcome: "corrected", concludedAt: "2025-06-30", note: null });
    expect(before).toEqual({ kind: "review", outcome: "pending", filedAt: "2025-03-01", concludedAt: null });
    expect(after).toEqual({ kind: "review", outcome: "corrected", filedAt: "2025-03-01", concludedAt: "2025-06-30" });
    expect(stored.outcome).toBe("pending");
  });

  it("kind, outcome and filing date cannot be blanked; link, reference and note are cleared by null and kept when absent", () => {
    expect(caseEdit(stored, { kind: undefined, filedAt: "", reference: undefined }, today).next).toEqual(stored);
    expect(caseEdit(stored, { applicationId: null, reference: null }, today).next).toEqual({ ...stored, applicationId: null, reference: null });
    expect(caseEdit(stored, { applicationId: "app-2", kind: "litigation_direct", filedAt: "2025-04-01" }, today).next).toEqual({
      ...stored,
      applicationId: "app-2",
      kind: "litigation_direct",
      filedAt: "2025-04-01",
    });
  });

  it("an edit that leaves the case invalid is refused", () => {
    expect(codeOf(() => caseEdit(stored, { outcome: "upheld" }, today))).toBe("REPORT.INVALID_CASE");
    const concluded = { ...stored, outcome: "upheld" as const, concludedAt: "2025-06-01" };
    expect(refusal(() => caseEdit(concluded, { outcome: "pending" }, today))?.message).toBe("尚未审结的案件不能有审结日期");
    expect(caseEdit(concluded, { outcome: "pending", concludedAt: null }, today).after).toEqual({
      kind: "review",
      outcome: "pending",
      filedAt: "2025-03-01",
      concludedAt: null,
    });
    expect(refusal(() => caseEdit(concluded, { filedAt: "2025-07-01" }, today))?.message).toBe("审结日期不能早于立案日期");
  });
});

describe("publication", () => {
  it("waits for the year to end (in the agency's calendar)", () => {
    expect(codeOf(() => assertYearEnded(2025, "2026-01-01"))).toBeNull();
    expect(refusal(() => assertYearEnded(2025, "2025-12-31"))).toEqual({
      code: "REPORT.YEAR_NOT_ENDED",
      message: "2025年尚未结束，不能发布该年度报告",
      details: undefined,
    });
    expect(codeOf(() => assertYearEnded(2027, "2026-06-01"))).toBe("REPORT.YEAR_NOT_ENDED");
  });

  it("is blocked by a failed check, which the refusal lists", () => {
    const failing = sampleReport("2021", { failing: true });
    expect(codeOf(() => assertChecksPassed(sampleReport("2021").checks))).toBeNull();
    expect(refusal(() => assertChecksPassed(failing.checks))).toEqual({
      code: "REPORT.CHECKS_FAILED",
      message: "报告校验未通过，不能发布",
      details: [failing.checks[0]],
    });
  });

  it("is offered to staff only when the year has ended and every check passes", () => {
    expect(isPublishable(2021, "2022-01-01", sampleReport("2021").checks)).toBe(true);
    expect(isPublishable(2021, "2021-12-31", sampleReport("2021").checks)).toBe(false);
    expect(isPublishable(2021, "2022-01-01", sampleReport("2021", { failing: true }).checks)).toBe(false);
  });

  it("numbers versions from 1; a new version lists what changed and the same report is not published twice", () => {
    const v1 = sampleReport("2021");
    expect(nextPublication(null, v1)).toEqual({ version: 1, differences: [] });
    const err = refusal(() => nextPublication({ version: 2, snapshot: v1 }, sampleReport("2021")));
    expect(err).toEqual({ code: "REPORT.UNCHANGED", message: "与已发布的第2版相比没有变化，无需重新发布", details: undefined });
    const corrected = { ...sampleReport("2021"), sections: { ...v1.sections, s5: "二是主动公开不够及时。" } };
    const next = nextPublication({ version: 2, snapshot: v1 }, corrected);
    expect(next.version).toBe(3);
    expect(next.differences).toEqual([
      { part: "sections", path: "sections.s5", label: expect.any(String), before: v1.sections.s5, after: "二是主动公开不够及时。" },
    ]);
    expect(pendingDifferences({ snapshot: v1 }, corrected)).toEqual(next.differences);
    expect(pendingDifferences(null, corrected)).toEqual([]);
  });

  it("compares the applications carried forward by the published previous year with those carried over now", () => {
    expect(carriedForwardDifference(["A1", "A2", "A3"], ["A2", "A3", "A4"])).toEqual({ added: ["A4"], missing: ["A1"] });
    expect(carriedForwardDifference(["A1"], ["A1"])).toEqual({ added: [], missing: [] });
  });
});

// The §6 checks as pure rules: each one passes on a consistent table and fails, naming rows, columns and the
// evidence it was given, when one cell is off.
import { noEvidence, runChecks, type CheckInput } from "../../../src/modules/reports/checks";
import { getFormat } from "../../../src/modules/reports/formats";
import { emptyTable } from "../../../src/modules/reports/statistics";

const fmt19 = getFormat("2019");
const fmt21 = getFormat("2021");

function consistent(fmt = fmt19) {
  const t = emptyTable(fmt);
  const set = (row: string, col: string, n: number) => {
    t.rows[row][t.columns.indexOf(col)] += n;
    t.rows[row][t.columns.indexOf("total")] += n;
  };
  set("received.new", "natural_person", 3);
  set("received.carried_over", "natural_person", 1);
  set("result.granted", "natural_person", 2);
  set("result.total", "natural_person", 2);
  set("carried_forward", "natural_person", 2);
  return t;
}

const rl = () => Object.fromEntries(fmt19.tables.reviewLitigation.columns.filter((c) => c.kind === "data").map((c) => [c.code, 0]));

function input(over: Partial<CheckInput> = {}): CheckInput {
  return {
    fmt: fmt19,
    year: 2020,
    applications: consistent(),
    reviewLitigation: rl(),
    activeDisclosure: null,
    previous: { year: 2019, source: "published", version: 1, carriedForward: [1, 0, 0, 0, 0, 0, 1] },
    evidence: noEvidence,
    ...over,
  };
}
const byId = async (i: CheckInput) => Object.fromEntries((await runChecks(i)).map((c) => [c.id, c]));

describe("report checks", () => {
  it("all pass on a consistent 2019-format year", async () => {
    const checks = await runChecks(input());
    expect(checks.map((c) => c.id)).toEqual([
      "stated.balance",
      "derived.result_total",
      "derived.column_total",
      "derived.cross_year",
      "derived.group_totals",
      "nonnegative",
    ]);
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it("balance names the column, the figures and the applications", async () => {
    const t = consistent();
    t.rows["received.new"][0] += 1;
    t.rows["received.new"][6] += 1;
    const c = await byId(input({ applications: t, evidence: { ...noEvidence, disposedBeforeReceived: async () => ["ZDRMT-2020-H000009"] } }));
    expect(c["stated.balance"].ok).toBe(false);
    expect(c["stated.balance"].detail).toContain("列“自然人”");
    expect(c["stated.balance"].detail).toContain("列“总计”");
    expect(c["stated.balance"].detail).toContain("＝5");
    expect(c["stated.balance"].detail).toContain("ZDRMT-2020-H000009");
    expect(c["derived.result_total"].ok).toBe(true);
  });

  it("result total and column total fail with the unmapped / unknown applications", async () => {
    const t = consistent();
    t.rows["result.total"][6] += 1; // an application whose category is not one of the six
    t.rows["result.granted"][1] += 1; // a result row without its (七)
    const c = await byId(
      input({ applications: t, evidence: { ...noEvidence, unknownCategory: async () => ["A-1"], unmappedDisposition: async () => ["A-2"] } }),
    );
    expect(c["derived.result_total"].ok).toBe(false);
    expect(c["derived.result_total"].detail).toContain("列“商业企业”");
    expect(c["derived.result_total"].detail).toContain("A-2");
    expect(c["derived.column_total"].ok).toBe(false);
    expect(c["derived.column_total"].detail).toContain("行“（七）总计”");
    expect(c["derived.column_total"].detail).toContain("A-1");
  });

  it("cross-year compares with last year's row 四 and lists the applications that moved", async () => {
    const c = await byId(
      input({
        previous: { year: 2019, source: "published", version: 2, carriedForward: [0, 0, 0, 0, 0, 0, 0] },
        evidence: { ...noEvidence, crossYearDifference: async () => ({ added: ["X-7"], missing: ["X-8"] }) },
      }),
    );
    expect(c["derived.cross_year"].ok).toBe(false);
    expect(c["derived.cross_year"].detail).toContain("2019年已发布报告（第2版）");
    expect(c["derived.cross_year"].detail).toContain("X-7");
    expect(c["derived.cross_year"].detail).toContain("X-8");
    const none = await byId(input({ previous: { year: 2007, source: null } }));
    expect(none["derived.cross_year"]).toEqual({ id: "derived.cross_year", ok: true, detail: "2007年无报告和申请记录，未核对" });
  });

  it("table 四 totals and negative counts", async () => {
    const r = rl();
    r["litigation.direct.upheld"] = 2;
    r["litigation.direct.total"] = 3;
    const t = consistent();
    t.rows["carried_forward"][0] = -1;
    const c = await byId(
      input({ reviewLitigation: r, applications: t, evidence: { ...noEvidence, inconsistentCases: async () => ["（2024）鲁0303行初1号"] } }),
    );
    expect(c["derived.group_totals"].ok).toBe(false);
    expect(c["derived.group_totals"].detail).toContain("行政诉讼·未经复议直接起诉·总计");
    expect(c["derived.group_totals"].detail).toContain("（2024）鲁0303行初1号");
    expect(c.nonnegative.ok).toBe(false);
    expect(c.nonnegative.detail).toContain("四、结转下年度继续办理");
  });

  it("2021 format checks 现行有效件数 against last year", async () => {
    const base = { fmt: fmt21, year: 2023, applications: consistent(fmt21) };
    const prev = {
      year: 2022,
      source: "published" as const,
      version: 1,
      carriedForward: [1, 0, 0, 0, 0, 0, 1],
      formatId: "2021",
      activeDisclosure: { art20_1: { regulations: { issued: 1, repealed: 0, in_force: 5 } } },
    };
    const bad = await byId(input({ ...base, previous: prev, activeDisclosure: { art20_1: { regulations: { issued: 2, repealed: 1, in_force: 5 } } } }));
    expect(bad["derived.in_force"].ok).toBe(false);
    expect(bad["derived.in_force"].detail).toContain("“规章”：现行有效件数为5，应为上年现行有效件数5＋本年制发件数2－本年废止件数1＝6");
    const good = await byId(input({ ...base, previous: prev, activeDisclosure: { art20_1: { regulations: { issued: 2, repealed: 1, in_force: 6 } } } }));
    expect(good["derived.in_force"].ok).toBe(true);
    const fromOldFormat = await byId(
      input({ ...base, previous: { ...prev, formatId: "2019" }, activeDisclosure: { art20_1: { regulations: { issued: 2, repealed: 1, in_force: 5 } } } }),
    );
    expect(fromOldFormat["derived.in_force"].ok).toBe(true);
    expect(fromOldFormat["derived.in_force"].detail).toContain("未核对");
    // 本年增/减 may be negative in the 2019 format.
    const signed = await byId(input({ activeDisclosure: { art20_5: { licensing: { prev_year_items: 3, change: -1, decisions: 0 } } } }));
    expect(signed.nonnegative.ok).toBe(true);
  });
});

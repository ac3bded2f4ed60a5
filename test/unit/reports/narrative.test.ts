// Year-end narrative, fee sentence, version differences, import validation and the year-end timer.
import { getFormat } from "../../../src/modules/reports/formats";
import { parseImportFile } from "../../../src/modules/reports/import";
import { diffReports, draftSection1, section6WithFees, type ReportJson } from "../../../src/modules/reports/narrative";
import { nextYearEndRun } from "../../../src/modules/reports/scheduler";
import { emptyTable } from "../../../src/modules/reports/statistics";

const fmt = getFormat("2021");
function table(values: Record<string, number>) {
  const t = emptyTable(fmt);
  for (const [row, n] of Object.entries(values)) t.rows[row][t.columns.indexOf("total")] = n;
  return t;
}

describe("narrative", () => {
  it("drafts section 一 from the figures, compared with last year, with the five aspects of the 2021 format", () => {
    const now = table({
      "received.new": 12,
      "received.carried_over": 1,
      "result.total": 11,
      "result.granted": 6,
      "result.partial": 1,
      "result.withheld.third_party": 2,
      "result.other.no_correction": 2,
      carried_forward: 2,
    });
    const before = table({ "received.new": 9, "result.total": 10 });
    const s1 = draftSection1("2021", 2025, "张店区融媒体中心", now, before);
    expect(s1).toContain(
      "2025年，本机关新收政府信息公开申请12件（上年9件，比上年增加3件），上年结转1件；本年度办结11件，其中予以公开6件，部分公开1件，不予公开2件，无法提供0件，不予处理0件，其他处理2件（上年办结10件，比上年增加1件）；结转下年度继续办理2件。",
    );
    for (const h of ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障"]) expect(s1).toContain(h);
    expect(draftSection1("2019", 2020, "某机关", table({ "received.new": 3 }), table({ "received.new": 5 }))).toContain("（上年5件，比上年减少2件）");
  });

  it("section 六 states the information-processing fees when any were collected", () => {
    expect(section6WithFees("无。", 0, 0)).toBe("无。");
    expect(section6WithFees("无。", 3, 1200)).toBe("本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费3件，共计1200元。");
    expect(section6WithFees("其他事项。", 1, 100.5)).toBe(
      "本年度依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费1件，共计100.50元。\n\n其他事项。",
    );
    expect(section6WithFees("已写明信息处理费情况。", 1, 100)).toBe("已写明信息处理费情况。");
  });

  it("lists every changed cell and text with its official label", () => {
    const base: ReportJson = {
      agency: { code: "x", name: "x" },
      year: 2025,
      format: "2021",
      applications: emptyTable(fmt),
      reviewLitigation: { "review.total": 0 },
      activeDisclosure: {},
      sections: { preamble: "", s1: "a", s5: "", s6: "无。" },
      checks: [],
    };
    const after: ReportJson = JSON.parse(JSON.stringify(base));
    after.applications.rows["result.granted"][0] = 1;
    after.reviewLitigation["review.total"] = 1;
    after.sections.s1 = "b";
    after.activeDisclosure = { art20_1: { regulations: { issued: 2 } } };
    expect(diffReports(base, after)).toEqual([
      { part: "applications", path: "applications.result.granted.natural_person", label: "（一）予以公开 / 自然人", before: 0, after: 1 },
      { part: "reviewLitigation", path: "reviewLitigation.review.total", label: "行政复议·总计", before: 0, after: 1 },
      {
        part: "activeDisclosure",
        path: "activeDisclosure.art20_1.regulations.issued",
        label: "第二十条第（一）项 / 规章 / 本年制发件数",
        before: null,
        after: 2,
      },
      { part: "sections", path: "sections.s1", label: "一、总体情况", before: "a", after: "b" },
    ]);
    expect(diffReports(base, base)).toEqual([]);
  });
});

describe("import validation", () => {
  const good = {
    externalId: "E1",
    receivedAt: "2021-03-01",
    channel: "online",
    applicantCategory: "natural_person",
    applicantName: "王五",
    description: "某文件",
  };
  it("lists every bad line with its number and reason", () => {
    const lines = [
      JSON.stringify(good),
      "{not json",
      JSON.stringify({ ...good, externalId: "E2", receivedAt: "2021-02-30" }),
      JSON.stringify({ ...good, externalId: "E3", disposition: "granted.maybe", disposedAt: "2021-03-02" }),
      JSON.stringify({ ...good, externalId: "E4", disposition: "partial" }),
      JSON.stringify({ ...good, externalId: "E5", disposition: "partial", disposedAt: "2021-02-01" }),
      "",
      JSON.stringify(good),
      JSON.stringify({ ...good, externalId: "E6", applicantCategory: "alien", channel: "pigeon" }),
    ];
    const r = parseImportFile(lines.join("\n"));
    expect(r.lines.map((l) => l.line)).toEqual([1]);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 8, 9]);
    expect(r.problems[0].reason).toBe("不是有效的JSON");
    expect(r.problems[1].reason).toContain("receivedAt（收到申请日期）格式不正确");
    expect(r.problems[2].reason).toContain("“granted.maybe”不是有效的办理结果代码");
    expect(r.problems[3].reason).toContain("有disposition时须填写disposedAt");
    expect(r.problems[4].reason).toContain("disposedAt不能早于receivedAt");
    expect(r.problems[5].reason).toBe("externalId“E1”与第1行重复");
    expect(r.problems[6].reason).toContain("applicantCategory");
    expect(r.problems[6].reason).toContain("channel");
  });

  it("refuses receipt dates before the Regulation and dates after today", () => {
    const lines = [
      JSON.stringify({ ...good, externalId: "O1", receivedAt: "1999-12-31" }),
      JSON.stringify({ ...good, externalId: "F1", receivedAt: "2052-01-05" }),
      JSON.stringify({ ...good, externalId: "F2", receivedAt: "2025-12-01", disposition: "partial", disposedAt: "2026-03-03" }),
      JSON.stringify({ ...good, externalId: "T1", receivedAt: "2026-03-02", disposition: "partial", disposedAt: "2026-03-02" }),
    ];
    const r = parseImportFile(lines.join("\n"), "2026-03-02");
    expect(r.lines.map((l) => l.value.externalId)).toEqual(["T1"]);
    expect(r.problems).toEqual([
      { line: 1, reason: expect.stringContaining("receivedAt不能早于2008-05-01") },
      { line: 2, reason: "receivedAt: receivedAt不能晚于今天（2026-03-02）" },
      { line: 3, reason: "disposedAt: disposedAt不能晚于今天（2026-03-02）" },
    ]);
  });
});

describe("year-end timer", () => {
  it("aims at 00:05 on 1 January China time", () => {
    expect(nextYearEndRun(new Date("2025-06-01T00:00:00Z")).toISOString()).toBe("2025-12-31T16:05:00.000Z");
    expect(nextYearEndRun(new Date("2025-12-31T16:04:59Z")).toISOString()).toBe("2025-12-31T16:05:00.000Z");
    expect(nextYearEndRun(new Date("2025-12-31T16:05:00Z")).toISOString()).toBe("2026-12-31T16:05:00.000Z");
  });
});

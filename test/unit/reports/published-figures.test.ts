// The published figures citizens and the bot quote, built from a snapshot without a database: the summary sentence,
// rows labelled with their parents, every column, and table 四 with absent cells as 0.
import { figuresOf } from "../../../src/modules/reports/published-figures";
import { sampleReport } from "../../helpers/sample-report";

describe("published figures", () => {
  const report = sampleReport("2021");
  const cols = report.applications.columns;
  const set = (row: string, total: number) => (report.applications.rows[row][cols.indexOf("total")] = total);
  set("received.carried_over", 1);
  set("result.total", 3);
  set("result.granted", 2);
  set("result.partial", 1);
  set("result.withheld.third_party", 5);
  set("carried_forward", 2);
  report.reviewLitigation = { "review.total": 3, "litigation.direct.total": 1, "litigation.after_review.total": 2 };
  const f = figuresOf(report, { version: 2, publishedAt: "2022-01-20T02:00:00.000Z" });

  it("names the version and sums the year up in one sentence", () => {
    expect(f).toMatchObject({ agency: report.agency, year: 2021, version: 2, publishedAt: "2022-01-20T02:00:00.000Z", format: "2021" });
    expect(f.summary).toBe(
      "2021年，张店区融媒体中心新收政府信息公开申请4件，上年结转1件，本年度办结3件（其中予以公开2件、部分公开1件），结转下年度继续办理2件；行政复议3件，行政诉讼3件。",
    );
  });

  it("labels a row with its parents and gives every column", () => {
    const row = f.applications.find((r) => r.code === "result.withheld.third_party")!;
    expect(row.label).toBe("三、本年度办理结果（三）不予公开4.保护第三方合法权益");
    expect(row.total).toBe(5);
    const received = f.applications.find((r) => r.code === "received.new")!;
    expect(received.byColumn).toEqual(Object.fromEntries(cols.map((c, i) => [c, report.applications.rows["received.new"][i]])));
    expect(f.columns.map((c) => c.code)).toEqual(cols);
    expect(f.columns.find((c) => c.code === "total")?.label).toBeTruthy();
  });

  it("lists table 四 with a count for every column, 0 where the snapshot has none", () => {
    expect(f.reviewLitigation.find((r) => r.code === "review.total")?.count).toBe(3);
    expect(f.reviewLitigation.length).toBeGreaterThan(3);
    expect(
      f.reviewLitigation
        .filter((r) => !["review.total", "litigation.direct.total", "litigation.after_review.total"].includes(r.code))
        .every((r) => r.count === 0),
    ).toBe(true);
  });
});

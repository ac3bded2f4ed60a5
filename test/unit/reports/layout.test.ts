// The official tables' merged cells, derived from report-formats.json, for both formats.
import { getFormat } from "../../../src/modules/reports/formats";
import { applicationGrid, disclosureGrid, placeCells, reviewGrid } from "../../../src/modules/reports/layout";
import { emptyTable } from "../../../src/modules/reports/statistics";

describe("table layout", () => {
  it("table 三 (2019): stub header, three-level columns, merged group labels", () => {
    const fmt = getFormat("2019");
    const g = applicationGrid(fmt, emptyTable(fmt));
    expect(g.width).toBe(10);
    expect(g.headerRows).toBe(3);
    expect(g.rows[0][0]).toMatchObject({ text: "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", colSpan: 3, rowSpan: 3 });
    expect(g.rows[0][1]).toMatchObject({ text: "申请人情况", colSpan: 7 });
    expect(g.rows[1].map((c) => [c.text, c.rowSpan ?? 1, c.colSpan ?? 1])).toEqual([
      ["自然人", 2, 1],
      ["法人或其他组织", 1, 5],
      ["总计", 2, 1],
    ]);
    expect(g.rows[2].map((c) => c.text)).toEqual(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]);
    const body = g.rows.slice(3);
    expect(body).toHaveLength(23);
    expect(body[0][0]).toMatchObject({ text: "一、本年新收政府信息公开申请数量", colSpan: 3 });
    expect(body[2][0]).toMatchObject({ text: "三、本年度办理结果", rowSpan: 20 });
    expect(body[2][1]).toMatchObject({ text: "（一）予以公开", colSpan: 2 });
    expect(body[4][0]).toMatchObject({ text: "（三）不予公开", rowSpan: 8 });
    expect(body[4][1].text).toBe("1.属于国家秘密");
    expect(body[5][0].text).toBe("2.其他法律行政法规禁止公开");
    expect(body[12][0]).toMatchObject({ text: "（四）无法提供", rowSpan: 3 });
    expect(body[15][0]).toMatchObject({ text: "（五）不予处理", rowSpan: 5 });
    expect(body[20][0]).toMatchObject({ text: "（六）其他处理", colSpan: 2 });
    expect(body[21][0]).toMatchObject({ text: "（七）总计", colSpan: 2 });
    expect(body[22][0]).toMatchObject({ text: "四、结转下年度继续办理", colSpan: 3 });
    // Every body row fills exactly the ten columns once spans are placed.
    const placed = placeCells(g);
    for (let r = 0; r < g.rows.length; r++) {
      const cover = placed.filter((c) => c.row <= r && r < c.row + (c.rowSpan ?? 1)).reduce((s, c) => s + (c.colSpan ?? 1), 0);
      expect(cover).toBe(10);
    }
  });

  it("table 三 (2021): （六）其他处理 is a group over three rows", () => {
    const fmt = getFormat("2021");
    const body = applicationGrid(fmt, emptyTable(fmt)).rows.slice(3);
    expect(body).toHaveLength(25);
    expect(body[2][0]).toMatchObject({ text: "三、本年度办理结果", rowSpan: 22 });
    expect(body[23][0]).toMatchObject({ text: "（七）总计", colSpan: 2 });
    expect(body[20][0]).toMatchObject({ text: "（六）其他处理", rowSpan: 3 });
    expect(body[20][1].text).toBe("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
    expect(body[22][0].text).toBe("3.其他");
  });

  it("table 四: 行政复议 over 5 columns, 行政诉讼 over 10 with two sub-groups", () => {
    const fmt = getFormat("2021");
    const g = reviewGrid(fmt, { "review.pending": 2, "review.total": 2 });
    expect(g.rows[0].map((c) => [c.text, c.colSpan ?? 1])).toEqual([
      ["行政复议", 5],
      ["行政诉讼", 10],
    ]);
    expect(g.rows[1].slice(0, 5).every((c) => c.rowSpan === 2)).toBe(true);
    expect(g.rows[1].slice(5).map((c) => [c.text, c.colSpan])).toEqual([
      ["未经复议直接起诉", 5],
      ["复议后起诉", 5],
    ]);
    expect(g.rows[3].map((c) => c.text)).toEqual(["0", "0", "0", "2", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]);
  });

  it("section 二 (2021): single-value columns span the spare width; signed changes print with sign (2019)", () => {
    const g21 = disclosureGrid(getFormat("2021"), { art20_8: { admin_fees: { fee_amount: 1.25 } } });
    expect(g21.width).toBe(4);
    const feeRow = g21.rows.find((r) => r[0].text === "行政事业性收费")!;
    expect(feeRow[1]).toMatchObject({ text: "1.25", colSpan: 3 });
    const g19 = disclosureGrid(getFormat("2019"), { art20_5: { licensing: { prev_year_items: 3, change: 2, decisions: 0 }, other_services: { change: -1 } } });
    expect(g19.rows.find((r) => r[0].text === "行政许可")!.map((c) => c.text)).toEqual(["行政许可", "3", "+2", "0"]);
    expect(g19.rows.find((r) => r[0].text === "其他对外管理服务事项")![2].text).toBe("-1");
  });
});

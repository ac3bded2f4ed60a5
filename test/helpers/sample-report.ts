// A report in the JSON contract built without a database, for the renderer tests: either format, some
// figures, a narrative long enough to run over a page, and optionally a failed check.
import { getFormat, type FormatId } from "../../src/modules/reports/formats";
import type { ReportJson } from "../../src/modules/reports/narrative";
import { emptyTable } from "../../src/modules/reports/statistics";

export const FAILED_DETAIL = "列“总计”：第一项加第二项之和为5，第三项加第四项之和为4";

export function sampleReport(format: FormatId, opts: { failing?: boolean } = {}): ReportJson {
  const fmt = getFormat(format);
  const applications = emptyTable(fmt);
  applications.rows["received.new"] = [2, 1, 0, 0, 1, 0, 4];
  applications.rows["result.granted"] = [1, 0, 0, 0, 0, 0, 1];
  const year = format === "2019" ? 2019 : 2021;
  const paragraph = `${year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开标准化规范化建设，主动公开政府信息，依法办理政府信息公开申请。`;
  return {
    agency: { code: "zdrmt", name: "张店区融媒体中心" },
    year,
    format,
    applications,
    reviewLitigation: {},
    activeDisclosure: {},
    sections: { preamble: "", s1: Array.from({ length: 12 }, () => paragraph).join("\n"), s5: "一是公开内容不够全面。", s6: "无。" },
    checks: [
      { id: "stated.balance", ok: !opts.failing, detail: opts.failing ? FAILED_DETAIL : "各列均满足" },
      { id: "nonnegative", ok: true, detail: "全部非负" },
    ],
  };
}

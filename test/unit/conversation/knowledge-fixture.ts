// A knowledge index for engine tests, built by the real producers from the shipped FAQ, the shipped guide of
// zdrmt, a small catalogue and two synthetic published reports (2023 and 2024, 2021 format) whose cells differ
// so a test can tell a row total from a column and one year from another.
import fs from "node:fs";
import path from "node:path";
import { KnowledgeIndex } from "../../../src/modules/conversation/knowledge/knowledge-index";
import { publishedReport } from "../../../src/modules/conversation/knowledge/report-adapter";
import { catalogueUnits, faqUnits, guideUnits, profileUnit, reportUnits, type AgencyLike } from "../../../src/modules/conversation/knowledge/units";
import type { AnswerUnit } from "../../../src/modules/conversation/knowledge/answer-unit";
import { getFormat } from "../../../src/modules/reports/formats";
import { sharedUnderstanding } from "../../../src/modules/conversation/understanding";

const root = path.resolve(__dirname, "../../..");
export const AGENCY = JSON.parse(fs.readFileSync(path.join(root, "config/agencies/zdrmt.json"), "utf8")) as AgencyLike;
const guideFile = JSON.parse(fs.readFileSync(path.join(root, "config/guide/zdrmt.json"), "utf8")) as {
  title: string;
  sections: Array<{ key: string; title: string; body: string; keywords?: string[] }>;
};
export const GUIDE = {
  title: guideFile.title,
  lastUpdated: "2026-01-05",
  sections: guideFile.sections.map((s) => ({
    ...s,
    body: s.body.replace("{{contact}}", "受理机构：区融媒体中心办公室\n办公时间：待机关补充\n联系电话：待机关补充"),
  })),
};
export const CATALOGUE = [
  { indexNo: "ZDRMT/2020-00001", title: "张店区融媒体中心2019年政府信息公开工作年度报告", writtenDate: "2020-01-20", subjectCategory: "年度报告", url: null },
  {
    indexNo: "ZDRMT/2025-00002",
    title: "张店区融媒体中心2024年政府信息公开工作年度报告",
    writtenDate: "2025-01-20",
    subjectCategory: "年度报告",
    url: "https://example.gov.cn/zdrmt/2024-report",
  },
  { indexNo: "ZDRMT/2021-00003", title: "张店区融媒体中心2021年部门预算公开", writtenDate: "2021-02-10", subjectCategory: "预算决算", url: null },
];

/** 2021-format snapshot: received.new by column, one withheld reason, review/litigation, section 二 and narratives. */
export function snapshot(year: number, k: number) {
  const format = year <= 2020 ? ("2019" as const) : ("2021" as const);
  const fmt = getFormat(format);
  const cols = fmt.tables.applications.columns.filter((c) => c.kind === "data").map((c) => c.code);
  const row = (byCol: Record<string, number>) => {
    const v = cols.map((c) => (c === "total" ? 0 : (byCol[c] ?? 0)));
    v[cols.indexOf("total")] = v.reduce((a, b) => a + b, 0);
    return v;
  };
  return {
    agency: { code: "zdrmt", name: "张店区融媒体中心" },
    year,
    format,
    applications: {
      columns: cols,
      rows: {
        "received.new": row({ natural_person: 5 * k, "org.commercial": 1 }),
        "result.granted": row({ natural_person: 3 * k }),
        "result.withheld.third_party": row({ natural_person: 1 }),
        "result.withheld.process_info": row({ "org.commercial": 1 }),
        "result.total": row({ natural_person: 5 * k, "org.commercial": 1 }),
      },
    },
    reviewLitigation: { "review.upheld": k, "review.total": k, "litigation.direct.upheld": 2, "litigation.direct.total": 2 },
    activeDisclosure:
      format === "2019"
        ? ({ art20_1: { normative_docs: { new_made: 3 * k, new_published: 2, total_published: 9 } } } as Record<
            string,
            Record<string, Record<string, number | null>>
          >)
        : ({ art20_1: { normative_docs: { issued: 3 * k, repealed: 1, in_force: 9 } } } as Record<string, Record<string, Record<string, number | null>>>),
    sections: {
      preamble: "",
      s1: `${year}年，本中心通过张店新闻网、“今日张店”微信公众号和“爱张店”APP等平台主动公开政府信息。`,
      s5: `存在的主要问题是信息公开的及时性还需提高。下一步将完善发布审核流程。`,
      s6: "",
    },
  };
}

export function knowledgeUnits(): AnswerUnit[] {
  return [
    ...faqUnits(AGENCY),
    profileUnit(AGENCY),
    ...guideUnits("zdrmt", GUIDE),
    ...catalogueUnits("zdrmt", CATALOGUE),
    ...reportUnits("zdrmt", publishedReport(snapshot(2019, 3))),
    ...reportUnits("zdrmt", publishedReport(snapshot(2023, 1))),
    ...reportUnits("zdrmt", publishedReport(snapshot(2024, 2))),
  ];
}

export function knowledgeIndex(extra: AnswerUnit[] = [], attached: Array<{ unitId: string; question: string }> = []): KnowledgeIndex {
  return new KnowledgeIndex(sharedUnderstanding(), { code: "zdrmt", name: "张店区融媒体中心" }, [...knowledgeUnits(), ...extra], attached);
}

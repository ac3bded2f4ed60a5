// The synonym tables of the text toolkit: the bot's concepts (config/conversation/synonyms.json: words → concepts,
// typos, fuzzy words, stop words) and search's ways of asking → the guide's own words ("怎么申请" → 申请方式).
import fs from "node:fs";
import path from "node:path";

export interface SynonymConfig {
  typos: Record<string, string>;
  concepts: Record<string, string[]>;
  fuzzy: string[];
  stopwords: string[];
}

export const DEFAULT_SYNONYMS = path.resolve(__dirname, "../../config/conversation/synonyms.json");

export function loadSynonyms(file = DEFAULT_SYNONYMS): SynonymConfig {
  return JSON.parse(fs.readFileSync(file, "utf8")) as SynonymConfig;
}

/** Each word of the concept table → the concepts it expresses (a word may express several: 复议 → REMEDY, REVIEW). */
export function conceptsByWord(config: SynonymConfig): Map<string, string[]> {
  const byWord = new Map<string, string[]>();
  for (const [concept, list] of Object.entries(config.concepts)) {
    for (const w of list) {
      const arr = byWord.get(w) ?? [];
      arr.push(concept);
      byWord.set(w, arr);
    }
  }
  return byWord;
}

/** The concept words segmentation keeps whole (Chinese, two characters or more), so 行政复议 is not 行政/复议. */
export function segmentationWords(config: SynonymConfig): string[] {
  const words = new Set(Object.values(config.concepts).flat());
  return [...words].filter((w) => /[\u4e00-\u9fff]/.test(w) && w.length >= 2);
}

interface SearchSynonym {
  when: RegExp;
  add: string[];
}

/** Ways citizens ask → the words the guide uses. Small on purpose; extend when the bot's logs show a gap. */
export const SEARCH_SYNONYMS: readonly SearchSynonym[] = [
  {
    when: /(怎么|如何|怎样|咋|怎么样|哪里|在哪|去哪|要|想|可以)(去|来)?(申请|提出申请|提交|办理|递交)|申请(流程|步骤|方法|途径|渠道|方式)|依申请/,
    add: ["申请方式", "依申请公开"],
  },
  { when: /申请表|表格|模板|范本|下载/, add: ["申请表"] },
  { when: /(写|填|提供|准备|包括|包含)(些)?(什么|哪些)|申请内容|材料|要素/, add: ["申请内容"] },
  { when: /多久|多长时间|几天|多少天|期限|时限|什么时候|何时|多快|答复时间|延期|延长/, add: ["时限", "期限", "办理流程"] },
  { when: /收费|费用|多少钱|要钱|花钱|免费|收钱|付费|处理费/, add: ["收费"] },
  { when: /电话|地址|邮箱|传真|邮编|邮政编码|联系|办公时间|上班时间|几点|受理机构|在哪办/, add: ["受理机构", "联系方式"] },
  { when: /投诉|举报|复议|起诉|诉讼|不服|不满意|救济|监督|告状/, add: ["监督", "救济"] },
  {
    when: /(哪里|在哪|哪儿|哪能|什么地方|怎么|如何).{0,3}(看|查|找|获取|了解)|渠道|平台|公众号|微博|微信|网站|app|客户端|电视|报纸/i,
    add: ["公开方式", "渠道"],
  },
  { when: /主动公开|公开范围|公开哪些|公开什么/, add: ["主动公开"] },
];

/** The guide's words a question's way of asking adds (each once, in table order). */
export function searchExpansions(text: string): string[] {
  return [...new Set(SEARCH_SYNONYMS.filter((r) => r.when.test(text)).flatMap((r) => r.add))];
}

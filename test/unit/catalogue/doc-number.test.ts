// 文号 in every notation reduces to one key; the canonical form uses 〔〕.
import { candidateKeys, findDocNumbers, parseDocNumber } from "../../../src/modules/catalogue/doc-number";

describe("document numbers", () => {
  const notations = [
    "张政办发〔2019〕12号",
    "张政办发[2019]12号",
    "张政办发(2019)12号",
    "张政办发（2019）12号",
    "张政办发［2019］12号",
    "张政办发【2019】12号",
    "张政办发201912号",
    "张政办发 〔2019〕 第12号",
  ];

  it.each(notations)("reads %s as 张政办发〔2019〕12号", (n) => {
    const d = parseDocNumber(n);
    expect(d).not.toBeNull();
    expect(d!.canonical).toBe("张政办发〔2019〕12号");
    expect(d!.key).toBe("张政办发|2019|12");
  });

  it("keeps different numbers, years and prefixes apart", () => {
    expect(parseDocNumber("张政办发〔2019〕120号")!.key).not.toBe(parseDocNumber("张政办发〔2019〕12号")!.key);
    expect(parseDocNumber("张政办发〔2020〕12号")!.key).not.toBe(parseDocNumber("张政办发〔2019〕12号")!.key);
    expect(parseDocNumber("张政发〔2019〕12号")!.key).not.toBe(parseDocNumber("张政办发〔2019〕12号")!.key);
    expect(parseDocNumber("张政办发〔2019〕012号")!.key).toBe("张政办发|2019|12");
  });

  it("rejects text that is not a document number", () => {
    for (const s of ["年度报告", "2019年12号楼", "张政办发", "张政办发〔19〕12号", ""]) expect(parseDocNumber(s)).toBeNull();
  });

  it("finds document numbers inside a sentence and offers every prefix suffix as a candidate", () => {
    const found = findDocNumbers("请帮我查一下张政办发[2019]12号文件和张民发（2019）21号");
    expect(found.map((d) => d.number)).toEqual([12, 21]);
    expect(candidateKeys(found[0])).toContain("张政办发|2019|12");
    expect(candidateKeys(found[1])).toContain("张民发|2019|21");
  });
});

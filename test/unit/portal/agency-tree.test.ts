// The platform's agency list as a tree (district government → departments, streets) when agencies have parents,
// flat without, and every agency drawn once whatever a broken parent chain says.
import type { DirectoryEntry } from "../../../src/modules/directory/agency-directory";
import { agencyTree } from "../../../src/modules/portal/pages/agencies";

const entry = (id: string, name: string, parentId: string | null = null): DirectoryEntry => ({
  id,
  code: id,
  name,
  parentId,
  shortName: null,
  fullName: null,
  duties: null,
  contact: "",
});
const target = { href: (code: string) => `/?agency=${code}`, verb: (name: string) => name };
const names = (htmlText: string) => [...htmlText.matchAll(/>([^<>]+)<\/a>/g)].map((m) => m[1]);

test("children nest under their parent; without parents the list is flat", () => {
  const tree = agencyTree(
    [entry("gov", "张店区人民政府"), entry("edu", "张店区教育和体育局", "gov"), entry("st", "马尚街道办事处", "gov"), entry("rmt", "张店区融媒体中心")],
    target,
  ).value;
  expect(tree).toMatch(
    /^<ul class="agency-list" id="agency-list"><li><a href="\/\?agency=gov">张店区人民政府<\/a><ul class="agency-list"><li><a href="\/\?agency=edu">/,
  );
  expect(tree.indexOf("马尚街道办事处")).toBeLessThan(tree.indexOf("</ul>"));
  expect(tree.indexOf("张店区融媒体中心")).toBeGreaterThan(tree.indexOf("</ul>"));
  const flat = agencyTree([entry("edu", "张店区教育和体育局"), entry("rmt", "张店区融媒体中心")], target).value;
  expect(flat.match(/<ul/g)).toHaveLength(1);
  expect(names(flat)).toEqual(["张店区教育和体育局", "张店区融媒体中心"]);
});

test("a parent cycle or a missing parent still shows every agency once", () => {
  const cycle = agencyTree([entry("a", "甲", "b"), entry("b", "乙", "a"), entry("c", "丙", "gone"), entry("d", "丁", "d")], target).value;
  expect(names(cycle).sort()).toEqual(["丁", "丙", "乙", "甲"].sort());
});

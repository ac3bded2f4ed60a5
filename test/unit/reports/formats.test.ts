// labelChain(): the one walk up a report layout's parents, shared by the published figures, the bot's report
// units and table 四's column labels.
import { labelChain, type LayoutNode } from "../../../src/modules/reports/formats";

const node = (code: string, label: string, parent: string | null): LayoutNode => ({ code, label, parent, kind: parent ? "data" : "group" });
const nodes = [node("a", "甲", null), node("a.b", "乙", "a"), node("a.b.c", "丙", "a.b"), node("d", "丁", null)];

test("lists the labels from the top of the layout down to the node itself", () => {
  expect(labelChain(nodes, "a.b.c")).toEqual(["甲", "乙", "丙"]);
  expect(labelChain(nodes, "d")).toEqual(["丁"]);
});

test("an unknown code has no labels", () => {
  expect(labelChain(nodes, "x")).toEqual([]);
});

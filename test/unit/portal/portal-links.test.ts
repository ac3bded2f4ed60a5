// The portal's agency-aware links and the chat's quick replies (the no-JavaScript page's copy of chat.js's rule).
import { link } from "../../../src/modules/portal/layout";
import { quickReplies } from "../../../src/modules/portal/pages/chat";

const byDefault = { code: "zdrmt", isDefault: true };
const other = { code: "zdqzf", isDefault: false };

test("links keep ?agency= only for a non-default agency, before the hash and after existing parameters", () => {
  expect(link(byDefault, "/guide#application")).toBe("/guide#application");
  expect(link(other, "/guide#application")).toBe("/guide?agency=zdqzf#application");
  expect(link(byDefault, "/catalogue", { q: "年度 报告", page: 2, year: "" })).toBe("/catalogue?q=%E5%B9%B4%E5%BA%A6+%E6%8A%A5%E5%91%8A&page=2");
  expect(link(other, "/catalogue/item?indexNo=ZDRMT%2F2019-00001")).toBe("/catalogue/item?indexNo=ZDRMT%2F2019-00001&agency=zdqzf");
});

test("quick replies: numbered lines first, else the quoted replies a message names", () => {
  expect(quickReplies("请选择证件类型（回复序号）：\n1. 居民身份证\n2. 护照")).toEqual([
    { send: "1", label: "1. 居民身份证" },
    { send: "2", label: "2. 护照" },
  ]);
  expect(quickReplies("我不太确定您想问哪一项。您是想问：\n1. 申请要收费吗\n2. 收费\n请回复序号")).toHaveLength(2);
  // One numbered line is not a menu; "修改 字段名" is an instruction, not a reply to send.
  expect(quickReplies("1. 只有一项\n回复“确认”提交；回复“修改 字段名”更改；回复“取消”放弃")).toEqual([
    { send: "确认", label: "确认" },
    { send: "取消", label: "取消" },
  ]);
  expect(quickReplies("好的，已记录。")).toEqual([]);
});

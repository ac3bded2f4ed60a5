// Teaching the bot (conversation/policy.ts): agency staff read the misses, approvers and admins decide answers.
import { mayCurateAnswers, mayReadMisses } from "../../../src/modules/conversation/policy";
import { admitted } from "./role-table";

test("an approver or the admin may attach and write answers; a clerk may not", () => {
  expect(mayCurateAnswers({ role: "approver" })).toBe(true);
  expect(mayCurateAnswers({ role: "clerk" })).toBe(false);
  expect(admitted(mayCurateAnswers)).toEqual(["approver", "admin"]);
});

test("every agency staff member reads the missed questions; a supervisor may not", () => {
  expect(mayReadMisses({ role: "clerk" })).toBe(true);
  expect(mayReadMisses({ role: "supervisor" })).toBe(false);
  expect(admitted(mayReadMisses)).toEqual(["clerk", "approver", "admin"]);
});

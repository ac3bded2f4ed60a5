// The annual report's role rules (reports/policy.ts): every agency staff member drafts, approvers and admins publish.
import { mayDraftReport, mayPublishReport } from "../../../src/modules/reports/policy";
import { admitted } from "./role-table";

test("an approver or the admin may publish the report; a clerk and the oversight roles may not", () => {
  expect(mayPublishReport({ role: "approver" })).toBe(true);
  expect(mayPublishReport({ role: "clerk" })).toBe(false);
  expect(admitted(mayPublishReport)).toEqual(["approver", "admin"]);
});

test("every agency staff member may draft the report; a supervisor or platform admin may not", () => {
  expect(mayDraftReport({ role: "clerk" })).toBe(true);
  expect(mayDraftReport({ role: "supervisor" })).toBe(false);
  expect(admitted(mayDraftReport)).toEqual(["clerk", "approver", "admin"]);
});

// The applications' role rules (applications/policy.ts): who handles them, takes an action, answers withholding.
import { ANSWER_DISPOSITIONS, needsApprover } from "../../../src/modules/applications/dispositions";
import { mayAnswerWith, mayApproveWithholding, mayHandleApplications, mayTakeAction } from "../../../src/modules/applications/policy";
import { admitted } from "./role-table";

const withholding = ANSWER_DISPOSITIONS.find((c) => needsApprover(c))!;
const granting = ANSWER_DISPOSITIONS.find((c) => !needsApprover(c))!;

test("every agency staff member handles applications; the oversight roles may not", () => {
  expect(mayHandleApplications({ role: "clerk" })).toBe(true);
  expect(mayHandleApplications({ role: "platform_admin" })).toBe(false);
  expect(admitted(mayHandleApplications)).toEqual(["clerk", "approver", "admin"]);
});

test("an approver may extend the time limit, a clerk may not (the procedure's table)", () => {
  expect(mayTakeAction({ role: "approver" }, "extend")).toBe(true);
  expect(mayTakeAction({ role: "clerk" }, "extend")).toBe(false);
  expect(mayTakeAction({ role: "clerk" }, "answer")).toBe(true);
});

test("a withholding answer needs an approver or the admin; a clerk may give only the others", () => {
  expect(admitted(mayApproveWithholding)).toEqual(["approver", "admin"]);
  expect(mayAnswerWith({ role: "approver" }, withholding)).toBe(true);
  expect(mayAnswerWith({ role: "clerk" }, withholding)).toBe(false);
  expect(mayAnswerWith({ role: "clerk" }, granting)).toBe(true);
  expect(mayAnswerWith({ role: "supervisor" }, granting)).toBe(false);
});

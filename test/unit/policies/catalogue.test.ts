// The guide's and the catalogue's role rules (catalogue/policy.ts): agency staff edit, approvers and admins publish.
import { mayEditContent, mayPublishContent } from "../../../src/modules/catalogue/policy";
import { admitted } from "./role-table";

test("an approver or the admin may publish the guide and catalogue entries; a clerk may not", () => {
  expect(mayPublishContent({ role: "admin" })).toBe(true);
  expect(mayPublishContent({ role: "clerk" })).toBe(false);
  expect(admitted(mayPublishContent)).toEqual(["approver", "admin"]);
});

test("every agency staff member may edit drafts and entries; the oversight roles may not", () => {
  expect(mayEditContent({ role: "clerk" })).toBe(true);
  expect(mayEditContent({ role: "platform_admin" })).toBe(false);
  expect(admitted(mayEditContent)).toEqual(["clerk", "approver", "admin"]);
});

// The platform's role rules (platform/policy.ts): who manages agencies and who reads the district views.
import { districtScope, mayManageAgencies, mayOverseeDistrict } from "../../../src/modules/platform/policy";
import { admitted } from "./role-table";

test("only the platform admin manages agencies; an agency admin may not", () => {
  expect(mayManageAgencies({ role: "platform_admin" })).toBe(true);
  expect(mayManageAgencies({ role: "admin" })).toBe(false);
  expect(admitted(mayManageAgencies)).toEqual(["platform_admin"]);
});

test("a supervisor or the platform admin reads the district views; agency staff may not", () => {
  expect(mayOverseeDistrict({ role: "supervisor" })).toBe(true);
  expect(mayOverseeDistrict({ role: "admin" })).toBe(false);
  expect(admitted(mayOverseeDistrict)).toEqual(["supervisor", "platform_admin"]);
});

test("the district scope: a platform admin reads every agency, a supervisor their subtree, agency staff none", () => {
  expect(districtScope({ role: "platform_admin" })).toBe("all");
  expect(districtScope({ role: "supervisor" })).toBe("subtree");
  expect(districtScope({ role: "admin" })).toBeNull();
});

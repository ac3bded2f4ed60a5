// The staff accounts' role rules (staff/policy.ts): the role groups, user management, TOTP.
import {
  ALL_ROLES,
  isAgencyStaff,
  isApprover,
  mayManageAccountOf,
  mayManageOversightAccounts,
  mayManageUsers,
  mayUseTotp,
  OVERSIGHT_ROLES,
  STAFF_ROLES,
} from "../../../src/modules/staff/policy";
import { admitted, EVERY_ROLE } from "./role-table";

test("agency staff are clerk, approver and admin; supervisor and platform admin oversee", () => {
  expect(STAFF_ROLES).toEqual(["clerk", "approver", "admin"]);
  expect(OVERSIGHT_ROLES).toEqual(["supervisor", "platform_admin"]);
  expect([...ALL_ROLES].sort()).toEqual([...EVERY_ROLE].sort());
  expect(isAgencyStaff({ role: "approver" })).toBe(true);
  expect(isAgencyStaff({ role: "supervisor" })).toBe(false);
  expect(admitted(isAgencyStaff)).toEqual(STAFF_ROLES);
});

test("only an agency admin manages accounts; an approver and a platform admin do not (through the agency pages)", () => {
  expect(mayManageUsers({ role: "admin" })).toBe(true);
  expect(mayManageUsers({ role: "approver" })).toBe(false);
  expect(admitted(mayManageUsers)).toEqual(["admin"]);
});

test("only an admin may turn on the TOTP second factor", () => {
  expect(mayUseTotp({ role: "admin" })).toBe(true);
  expect(mayUseTotp({ role: "clerk" })).toBe(false);
  expect(admitted(mayUseTotp)).toEqual(["admin"]);
});

test("only the platform admin manages the oversight accounts; an agency admin may not", () => {
  expect(mayManageOversightAccounts({ role: "platform_admin" })).toBe(true);
  expect(mayManageOversightAccounts({ role: "admin" })).toBe(false);
  expect(admitted(mayManageOversightAccounts)).toEqual(["platform_admin"]);
});

test("an approver or the admin signs off for the agency; a clerk and the oversight roles do not", () => {
  expect(isApprover({ role: "approver" })).toBe(true);
  expect(isApprover({ role: "clerk" })).toBe(false);
  expect(admitted(isApprover)).toEqual(["approver", "admin"]);
});

test("an agency admin manages their agency's staff accounts, not a supervisor's or platform admin's; the platform admin manages both", () => {
  expect(mayManageAccountOf({ role: "admin" }, { role: "clerk" })).toBe(true);
  expect(mayManageAccountOf({ role: "admin" }, { role: "supervisor" })).toBe(false);
  expect(mayManageAccountOf({ role: "admin" }, { role: "platform_admin" })).toBe(false);
  expect(mayManageAccountOf({ role: "platform_admin" }, { role: "supervisor" })).toBe(true);
  expect(mayManageAccountOf({ role: "platform_admin" }, { role: "admin" })).toBe(true);
});

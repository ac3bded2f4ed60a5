import { ACTIONS, allowedActions, isLegalFrom, nextStatus, roleMay, statusLabel, STATUSES } from "../../../src/modules/applications/lifecycle";

describe("lifecycle rules", () => {
  it("answered and closed are final: only the applicant category can still be corrected", () => {
    for (const a of ACTIONS) {
      expect(isLegalFrom(a, "answered")).toBe(a === "set-category");
      expect(isLegalFrom(a, "closed")).toBe(a === "set-category");
    }
  });
  it("only approvers and admins extend", () => {
    expect(roleMay("extend", "clerk")).toBe(false);
    expect(roleMay("extend", "approver")).toBe(true);
    expect(roleMay("extend", "admin")).toBe(true);
  });
  it("assigning a received application puts it in progress; reassigning keeps the status", () => {
    expect(nextStatus("assign", "received")).toBe("in_progress");
    expect(nextStatus("assign", "consultation")).toBe("consultation");
    expect(nextStatus("extend", "consultation")).toBe("consultation");
  });
  it("allowedActions hides what the role may not do, what the status forbids, and a used-up extension", () => {
    expect(allowedActions("correction_requested", "clerk", false)).toEqual(["assign", "record-correction", "close", "set-category"]);
    expect(allowedActions("consultation", "approver", false)).toEqual(["assign", "end-consultation", "extend", "close", "set-category"]);
    expect(allowedActions("consultation", "approver", true)).toEqual(["assign", "end-consultation", "close", "set-category"]);
    expect(allowedActions("awaiting_confirmation", "clerk", false)).toEqual(["confirm-receipt", "close", "split", "set-category"]);
    for (const s of STATUSES) expect(allowedActions(s, "clerk", false)).not.toContain("extend");
  });
});

test("a stored status reads as its Chinese label; an unknown one as it is", () => {
  expect(statusLabel("correction_requested")).toBe("待补正");
  expect(statusLabel("closed")).toBe("已办结");
  expect(statusLabel("archived")).toBe("archived");
});

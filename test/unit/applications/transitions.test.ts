// The statutory rules of the staff actions, without a database: each rule's allowed case and the case it refuses.
import { nationalCalendar as cal } from "../../../src/domain/working-days";
import { DomainError } from "../../../src/domain/errors";
import type { ApplicationRecord } from "../../../src/modules/applications/application-record";
import { computeClock, type ClockEntry } from "../../../src/modules/applications/clock";
import { newApplication } from "../../../src/modules/applications/new-application";
import { decide, withSplitNumbers, type Actor, type AgencyFact, type TransitionEnv } from "../../../src/modules/applications/transitions";

const settings = { replyWorkingDays: 20, countReceiptDay: false };
const AGENCY = "agency-1";
const clerk: Actor = { id: "u-clerk", username: "clerk", role: "clerk", agencyId: AGENCY };
const approver: Actor = { id: "u-boss", username: "boss", role: "approver", agencyId: AGENCY };
const other: AgencyFact = { id: "agency-2", code: "other", name: "另一机关", contact: "电话：010-1234" };

/** The action's day: 2026-03-02 is a Monday, March 2026 has no holidays. */
function env(today: string): TransitionEnv {
  return {
    now: `${today}T02:00:00.000Z`,
    today,
    timeZone: "Asia/Shanghai",
    calendar: cal,
    settings,
    limits: { correctionNoticeWorkingDays: 7, correctionPeriodWorkingDays: 15, maxExtensionWorkingDays: 20 },
  };
}

/** An application received on `date` (its clock running), as intake makes it, with the fields `over` says. */
function received(over: Partial<ApplicationRecord> = {}, date = "2026-03-02"): ApplicationRecord {
  const clockLog: ClockEntry[] = [{ kind: "receipt", date, evidence: "系统受理即确认（网上提交）" }];
  const app = newApplication({
    now: `${date}T01:00:00.000Z`,
    agencyId: AGENCY,
    queryCodeHash: "k1.test",
    channel: "online",
    applicant: { category: "natural_person", name: "张三", phone: "13800000000" },
    applicantKey: "applicant-key",
    description: "2025年本机关财政预算执行情况",
    deliveryForm: "electronic",
    deliveryMethod: "email",
    receivedAt: date,
    receiptEvidence: "系统受理即确认（网上提交）",
    clockLog,
    clock: computeClock(clockLog, settings, cal),
    citizenKey: "mp:citizen",
  });
  return { ...app, applicationNo: "OGI-2026-00001", ...over };
}

/** An application after a clock fact, as a committed action leaves it (clock fields recomputed). */
function withLog(app: ApplicationRecord, entries: ClockEntry[], over: Partial<ApplicationRecord> = {}): ApplicationRecord {
  const clockLog = [...(app.clockLog ?? []), ...entries];
  const c = computeClock(clockLog, settings, cal);
  return {
    ...app,
    clockLog,
    clockStartDate: c.clockStart,
    dueDate: c.dueDate,
    dueDateFlag: c.dueDateFlag,
    extensionWorkingDays: c.extensionWorkingDays,
    pausedWorkingDays: c.pausedWorkingDays,
    ...over,
  };
}

/** The DomainError a refused action throws (fails the test when the action is allowed). */
function refusal(f: () => unknown): { code: string; message: string; fields: string[]; problems: string[] } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const details = Array.isArray(e.details) ? e.details : [];
    return { code: e.code, message: e.message, fields: details.map((p) => String(p.field)), problems: details.map((p) => String(p.message)) };
  }
  throw new Error("the action was allowed");
}

describe("authorize: role and status", () => {
  it("only an approver extends; a clerk is refused", () => {
    expect(decide(received(), "extend", { workingDays: 5, reason: "需要检索档案" }, approver, env("2026-03-10")).to).toBe("received");
    expect(refusal(() => decide(received(), "extend", { workingDays: 5, reason: "需要检索档案" }, clerk, env("2026-03-10"))).code).toBe("AUTH.FORBIDDEN");
  });
  it("an action is refused from a status the procedure does not allow it in", () => {
    expect(decide(received(), "start-consultation", { party: "第三方" }, clerk, env("2026-03-03")).to).toBe("consultation");
    const answered = received({ status: "answered", disposition: "granted.provided" });
    expect(refusal(() => decide(answered, "start-consultation", { party: "第三方" }, clerk, env("2026-03-03")))).toMatchObject({
      code: "APPLICATION.INVALID_TRANSITION",
    });
  });
});

describe("confirm-receipt (Art. 31)", () => {
  const waiting = () =>
    received({
      status: "awaiting_confirmation",
      receivedAt: null,
      receiptEvidence: null,
      clockLog: [],
      clockStartDate: null,
      dueDate: null,
      submittedAt: "2026-03-02T01:00:00.000Z",
    });
  it("starts the clock on a receipt date between submission and today, and tells the citizen the due date", () => {
    const d = decide(waiting(), "confirm-receipt", { receivedAt: "2026-03-03", evidence: "电话确认" }, clerk, env("2026-03-04"));
    expect(d.to).toBe("received");
    expect(d.changes).toMatchObject({ receivedAt: "2026-03-03", clockStartDate: "2026-03-03", dueDate: "2026-03-31" });
    expect(d.clockEvent).toEqual({ kind: "receipt", date: "2026-03-03", evidence: "电话确认" });
    expect(d.notice?.message).toContain("答复期限至2026-03-31");
  });
  it("refuses a receipt date before the submission or after today", () => {
    expect(refusal(() => decide(waiting(), "confirm-receipt", { receivedAt: "2026-03-01", evidence: "电话确认" }, clerk, env("2026-03-04"))).fields).toEqual([
      "receivedAt",
    ]);
    expect(refusal(() => decide(waiting(), "confirm-receipt", { receivedAt: "2026-03-05", evidence: "电话确认" }, clerk, env("2026-03-04"))).fields).toEqual([
      "receivedAt",
    ]);
  });
});

describe("assign", () => {
  it("puts a received application in progress with an active colleague of the agency", () => {
    const d = decide(received(), "assign", { assignee: "li" }, clerk, env("2026-03-03"), {
      assignee: { id: "u-li", username: "li", active: true, agencyId: AGENCY },
    });
    expect(d).toMatchObject({ to: "in_progress", changes: { assigneeId: "u-li" }, notice: null });
  });
  it("refuses an unknown, deactivated or other agency's user", () => {
    for (const assignee of [
      null,
      { id: "u-li", username: "li", active: false, agencyId: AGENCY },
      { id: "u-x", username: "x", active: true, agencyId: "agency-2" },
    ]) {
      expect(refusal(() => decide(received(), "assign", { assignee: "li" }, clerk, env("2026-03-03"), { assignee })).fields).toEqual(["assignee"]);
    }
  });
});

describe("request-correction (Art. 30)", () => {
  it("within the notice window: stops the clock and gives a correction period", () => {
    const d = decide(received(), "request-correction", { items: "请写明文件名称" }, clerk, env("2026-03-11"));
    expect(d.to).toBe("correction_requested");
    expect(d.changes).toMatchObject({ correctionDueDate: cal.addWorkingDays("2026-03-11", 15), dueDate: null });
    expect(d.notice?.message).toContain("请写明文件名称");
  });
  it("refuses a notice after the window (7 working days from receipt)", () => {
    const r = refusal(() => decide(received(), "request-correction", { items: "请写明文件名称" }, clerk, env("2026-03-12")));
    expect(r).toMatchObject({ code: "APPLICATION.INVALID_TRANSITION", message: expect.stringContaining("2026-03-11") });
  });
  it("refuses a notice while the receipt is not confirmed (no clock start)", () => {
    expect(refusal(() => decide(received({ clockStartDate: null }), "request-correction", { items: "x" }, clerk, env("2026-03-03"))).code).toBe(
      "APPLICATION.INVALID_TRANSITION",
    );
  });
});

describe("record-correction", () => {
  const waiting = () =>
    withLog(received(), [{ kind: "correction_requested", date: "2026-03-05", correctionDueDate: "2026-03-26", items: "x" }], {
      status: "correction_requested",
      correctionDueDate: "2026-03-26",
    });
  it("restarts the period from the correction's arrival", () => {
    const d = decide(waiting(), "record-correction", { receivedAt: "2026-03-09" }, clerk, env("2026-03-10"));
    expect(d).toMatchObject({
      to: "received",
      changes: { clockStartDate: "2026-03-09", correctionDueDate: null, dueDate: cal.addWorkingDays("2026-03-09", 20) },
    });
    expect(decide({ ...waiting(), assigneeId: "u-li" }, "record-correction", { receivedAt: "2026-03-09" }, clerk, env("2026-03-10")).to).toBe("in_progress");
  });
  it("refuses a correction dated before the notice or after today", () => {
    expect(refusal(() => decide(waiting(), "record-correction", { receivedAt: "2026-03-04" }, clerk, env("2026-03-10"))).fields).toEqual(["receivedAt"]);
    expect(refusal(() => decide(waiting(), "record-correction", { receivedAt: "2026-03-11" }, clerk, env("2026-03-10"))).fields).toEqual(["receivedAt"]);
  });
});

describe("consultation (Art. 32): the pause does not count", () => {
  it("ending it moves the due date by the working days it lasted", () => {
    const started = decide(received(), "start-consultation", { party: "第三方" }, clerk, env("2026-03-03"));
    const paused = { ...received(), ...started.changes, status: started.to };
    const ended = decide(paused, "end-consultation", {}, clerk, env("2026-03-06"));
    expect(ended.to).toBe("received");
    expect(ended.changes).toMatchObject({ pausedSince: null, pausedWorkingDays: 3, dueDate: cal.addWorkingDays("2026-03-30", 3) });
  });
});

describe("extend (Art. 33 ¶2)", () => {
  it("moves the due date and tells the citizen", () => {
    const d = decide(received(), "extend", { workingDays: 10, reason: "需要检索档案" }, approver, env("2026-03-20"));
    expect(d.changes).toMatchObject({ dueDate: cal.addWorkingDays("2026-03-30", 10), extensionWorkingDays: 10 });
    expect(d.audit.data).toMatchObject({ previousDueDate: "2026-03-30", approvedBy: "boss" });
    expect(d.notice?.message).toContain("延长10个工作日");
  });
  it("refuses extensions over 20 working days in total", () => {
    const once = withLog(received(), [{ kind: "extension", date: "2026-03-05", workingDays: 15, reason: "r", approvedBy: "boss" }]);
    expect(decide(once, "extend", { workingDays: 5, reason: "再延" }, approver, env("2026-03-20")).changes.extensionWorkingDays).toBe(20);
    expect(refusal(() => decide(once, "extend", { workingDays: 6, reason: "再延" }, approver, env("2026-03-20"))).message).toContain("不得超过20个工作日");
  });
  it("refuses once the deadline has passed, unless the clock is paused", () => {
    expect(refusal(() => decide(received(), "extend", { workingDays: 5, reason: "晚了" }, approver, env("2026-03-31"))).message).toContain("已过");
    expect(
      decide(received({ status: "consultation", pausedSince: "2026-03-27" }), "extend", { workingDays: 5, reason: "征求意见中" }, approver, env("2026-03-31"))
        .to,
    ).toBe("consultation");
  });
  it("refuses without a due date", () => {
    expect(refusal(() => decide(received({ dueDate: null }), "extend", { workingDays: 5, reason: "r" }, approver, env("2026-03-10"))).message).toContain(
      "没有答复期限",
    );
  });
});

describe("answer (Arts. 36–39)", () => {
  it("records the disposition and the reply date", () => {
    const d = decide(received(), "answer", { disposition: "granted.provided" }, clerk, env("2026-03-10"));
    expect(d).toMatchObject({ to: "answered", changes: { disposition: "granted.provided", dispositionDate: "2026-03-10" } });
    expect(d.notice).toMatchObject({ status: "answered", disposition: "granted.provided", message: expect.stringContaining("已答复") });
  });
  it("refuses a code that is not an answer (closures go through 办结)", () => {
    expect(refusal(() => decide(received(), "answer", { disposition: "other.withdrawn" }, clerk, env("2026-03-10"))).fields).toEqual(["disposition"]);
  });
  it("withholding needs an approver", () => {
    expect(decide(received(), "answer", { disposition: "withheld.third_party" }, approver, env("2026-03-10")).to).toBe("answered");
    expect(refusal(() => decide(received(), "answer", { disposition: "withheld.third_party" }, clerk, env("2026-03-10"))).code).toBe("AUTH.FORBIDDEN");
    expect(refusal(() => decide(received(), "answer", { disposition: "partial" }, clerk, env("2026-03-10"))).code).toBe("AUTH.FORBIDDEN");
  });
  it("“still unclear after correction” only for a corrected application", () => {
    const corrected = withLog(received(), [
      { kind: "correction_requested", date: "2026-03-03", correctionDueDate: "2026-03-24", items: "x" },
      { kind: "correction_received", date: "2026-03-05" },
    ]);
    expect(decide(corrected, "answer", { disposition: "unable.still_unclear" }, clerk, env("2026-03-10")).to).toBe("answered");
    expect(refusal(() => decide(received(), "answer", { disposition: "unable.still_unclear" }, clerk, env("2026-03-10"))).fields).toEqual(["disposition"]);
  });
  it("names another agency of the platform only in a 不属于本机关 answer (Art. 36(5))", () => {
    const d = decide(received(), "answer", { disposition: "unable.not_responsible", competentAgency: "other" }, clerk, env("2026-03-10"), {
      competentAgency: other,
    });
    expect(d.changes.competentAgencyId).toBe("agency-2");
    expect(d.notice?.message).toContain("另一机关（电话：010-1234）");
    expect(
      refusal(() =>
        decide(received(), "answer", { disposition: "unable.not_exist", competentAgency: "other" }, clerk, env("2026-03-10"), { competentAgency: other }),
      ).fields,
    ).toEqual(["competentAgency"]);
    expect(
      refusal(() =>
        decide(received(), "answer", { disposition: "unable.not_responsible", competentAgency: "nope" }, clerk, env("2026-03-10"), { competentAgency: null }),
      ).problems,
    ).toEqual(["本平台没有代码为 nope 的机关"]);
    const self = { ...other, id: AGENCY };
    expect(
      refusal(() =>
        decide(received(), "answer", { disposition: "unable.not_responsible", competentAgency: "self" }, clerk, env("2026-03-10"), { competentAgency: self }),
      ).problems,
    ).toEqual(["负责机关不能是本机关"]);
  });
});

describe("close", () => {
  const waiting = () =>
    withLog(received(), [{ kind: "correction_requested", date: "2026-03-03", correctionDueDate: "2026-03-24", items: "x" }], {
      status: "correction_requested",
      correctionDueDate: "2026-03-24",
    });
  it("as lapsed (no correction) only after the correction period", () => {
    expect(decide(waiting(), "close", { reason: "no_correction" }, clerk, env("2026-03-25")).changes).toMatchObject({
      status: "closed",
      disposition: "other.no_correction",
    });
    expect(refusal(() => decide(waiting(), "close", { reason: "no_correction" }, clerk, env("2026-03-24"))).message).toContain("尚未届满");
    expect(refusal(() => decide(received(), "close", { reason: "no_correction" }, clerk, env("2026-03-25"))).code).toBe("APPLICATION.INVALID_TRANSITION");
  });
  it("for another reason only with a note", () => {
    expect(decide(received(), "close", { reason: "misc", note: "申请人去世" }, clerk, env("2026-03-05")).changes.disposition).toBe("other.misc");
    expect(refusal(() => decide(received(), "close", { reason: "misc" }, clerk, env("2026-03-05"))).fields).toEqual(["note"]);
  });
  it("an application never received is only withdrawn (or closed for another reason), and without a disposition", () => {
    const waitingReceipt = received({ status: "awaiting_confirmation", receivedAt: null, clockLog: [], clockStartDate: null, dueDate: null });
    const d = decide(waitingReceipt, "close", { reason: "withdrawn" }, clerk, env("2026-03-05"));
    expect(d).toMatchObject({ to: "closed" });
    expect(d.changes.disposition).toBeUndefined(); // stays null: the annual table does not count it
    expect(refusal(() => decide(waitingReceipt, "close", { reason: "fee_unpaid" }, clerk, env("2026-03-05"))).code).toBe("APPLICATION.INVALID_TRANSITION");
  });
});

describe("set-category", () => {
  const org = () => received({ applicantCategory: "org.commercial", applicant: { category: "org.commercial", name: "某公司", phone: "1" } });
  it("corrects one organisation category to another, applicant details included", () => {
    const d = decide(org(), "set-category", { category: "org.research", reason: "登记有误" }, clerk, env("2026-03-05"));
    expect(d.changes).toMatchObject({ applicantCategory: "org.research", applicant: { category: "org.research", name: "某公司" } });
  });
  it("refuses the same category, and a change between a person and an organisation", () => {
    expect(refusal(() => decide(org(), "set-category", { category: "org.commercial", reason: "r" }, clerk, env("2026-03-05"))).fields).toEqual(["category"]);
    expect(refusal(() => decide(received(), "set-category", { category: "org.other", reason: "r" }, clerk, env("2026-03-05"))).problems[0]).toContain(
      "自然人与法人或其他组织之间不能直接更正",
    );
  });
});

describe("split (one request, one application)", () => {
  it("keeps the first item, makes one new application per other item with the original's receipt, and names them all", () => {
    const app = received();
    const d = decide(app, "split", { items: ["预算", "决算", "三公经费"] }, clerk, env("2026-03-04"));
    expect(d.changes.description).toBe("预算");
    expect(d.split?.parts.map((p) => [p.description, p.parentId, p.status, p.receivedAt, p.dueDate])).toEqual([
      ["决算", app.id, "received", "2026-03-02", "2026-03-30"],
      ["三公经费", app.id, "received", "2026-03-02", "2026-03-30"],
    ]);
    expect(d.split?.parts[0].descriptionNormalized).toBe("决算");
    const numbered = withSplitNumbers(d, ["OGI-2026-00002", "OGI-2026-00003"]);
    expect(numbered.audit.data.splitInto).toEqual(["OGI-2026-00002", "OGI-2026-00003"]);
    expect(numbered.notice?.message).toContain("拆分为3件分别办理：OGI-2026-00001、OGI-2026-00002、OGI-2026-00003");
  });
});

describe("decide", () => {
  it("changes nothing in the application it is given, and lists only what changed", () => {
    const app = received();
    const before = JSON.stringify(app);
    const d = decide(app, "assign", {}, clerk, env("2026-03-03"), { assignee: { id: "u-clerk", username: "clerk", active: true, agencyId: AGENCY } });
    expect(JSON.stringify(app)).toBe(before);
    expect(Object.keys(d.changes).sort()).toEqual(["assigneeId", "status", "updatedAt"]);
    expect(d.audit).toMatchObject({ action: "application.assign", fromStatus: "received", toStatus: "in_progress", data: { dueDate: "2026-03-30" } });
  });
});

// The agency choice as pure rules (issue 17): matching agencies by name, typo and duties; the engine asks which
// agency only with several (one agency: exactly the old replies), takes a number, a name or "是", and offers
// the one-step re-filing after a status reply naming the competent agency.
import { matchAgencies, suggestAgency, type DirectoryAgency } from "../../../src/modules/directory/agency-match";
import { newSession, step, type Incoming, type Session, type StepResult } from "../../../src/modules/conversation/engine";
import { sharedUnderstanding } from "../../../src/modules/conversation/understanding";

const MEDIA: DirectoryAgency = {
  code: "zdrmt",
  name: "张店区融媒体中心",
  shortName: "区融媒体中心",
  fullName: "淄博市张店区融媒体中心",
  duties: { keywords: ["广播电视", "电视台", "新闻宣传", "融媒体", "今日张店"], summary: "负责全区新闻宣传、广播电视节目的制作与播出。" },
  contact: "区融媒体中心办公室",
};
const EDU: DirectoryAgency = {
  code: "zdjy",
  name: "张店区教育和体育局",
  shortName: "区教体局",
  fullName: "淄博市张店区教育和体育局",
  duties: { keywords: ["学校", "教育", "招生", "入学", "小学", "幼儿园"], summary: "负责全区中小学、幼儿园的教育管理和招生入学。" },
  contact: "电话：0533-2181234",
};
const nlu = sharedUnderstanding();
const NOW = "2026-03-02T02:00:00.000Z";
let seq = 0;

function say(s: Session, text: string, agencies?: DirectoryAgency[], verified = false): StepResult {
  const m: Incoming = { type: "text", text, now: NOW, messageId: `m${seq++}`, channel: "chat", verified, currentYear: 2026, ...(agencies ? { agencies } : {}) };
  return step(nlu, s, m);
}
const reply = (r: StepResult) => r.replies.join("\n");

describe("matching agencies", () => {
  it.each([
    ["学校的事找谁", "zdjy", "duties"],
    ["孩子上小学的事", "zdjy", "duties"],
    ["区教体局", "zdjy", "name"],
    ["教育局电话", "zdjy", "name"],
    ["融媒体中新", "zdrmt", "name"],
    ["张店区融每体中心", "zdrmt", "name"],
    ["电视台的节目", "zdrmt", "duties"],
  ])("%s → %s (by %s)", (text, code, by) => {
    const [first] = matchAgencies([MEDIA, EDU], text, (s) => nlu.normalize(s));
    expect(first).toMatchObject({ agency: { code }, by });
    expect(suggestAgency([MEDIA, EDU], text)?.agency.code).toBe(code);
  });

  it("suggests nothing for an unrelated message", () => {
    expect(matchAgencies([MEDIA, EDU], "今天天气怎么样")).toEqual([]);
    expect(suggestAgency([MEDIA, EDU], "今天天气怎么样")).toBeNull();
  });
});

describe("the engine asks which agency only when it matters", () => {
  it("with one agency (or no directory) “我要申请” opens the form exactly as before", () => {
    const plain = say(newSession(NOW), "我要申请");
    const one = say(newSession(NOW), "我要申请", [MEDIA]);
    expect(one.replies).toEqual(plain.replies);
    expect(one.session.mode).toBe("form");
    expect(one.session.form?.agency).toBeUndefined();
    expect(reply(say(newSession(NOW), "联系电话多少", [MEDIA]))).toEqual(reply(say(newSession(NOW), "联系电话多少")));
  });

  it("with two agencies asks first, takes a number, and the form carries the agency into its summary", () => {
    const ask = say(newSession(NOW), "我要申请", [MEDIA, EDU]);
    expect(ask.session.mode).toBe("choose_agency");
    expect(reply(ask)).toContain("您要向哪个机关申请");
    const options = ask.session.agencyChoice!.options;
    const pick = options.findIndex((o) => o.code === "zdjy") + 1;
    const chosen = say(ask.session, String(pick), [MEDIA, EDU]);
    expect(chosen.session.mode).toBe("form");
    expect(chosen.session.form?.agency).toEqual({ code: "zdjy", name: "张店区教育和体育局" });
    expect(reply(chosen)).toContain("向张店区教育和体育局申请");
    expect(reply(chosen)).toContain("以什么身份申请");
    const summary = say(chosen.session, "查看", [MEDIA, EDU]);
    expect(reply(summary)).toContain("受理机关：张店区教育和体育局");
  });

  it("suggests from what the citizen said (and from an earlier “找谁”), confirmed by “是”", () => {
    const direct = say(newSession(NOW), "我要申请公开学校招生的文件", [MEDIA, EDU]);
    expect(reply(direct)).toContain("您要找的是“张店区教育和体育局”吗");
    expect(say(direct.session, "是", [MEDIA, EDU]).session.form?.agency?.code).toBe("zdjy");

    const who = say(newSession(NOW), "学校的事找谁", [MEDIA, EDU]);
    expect(reply(who)).toContain("张店区教育和体育局");
    expect(reply(who)).toContain("0533-2181234");
    expect(who.session.agencyHint).toBe("zdjy");
    expect(reply(say(who.session, "我要申请", [MEDIA, EDU]))).toContain("您要找的是“张店区教育和体育局”吗");
  });

  it("a named agency in the reply is taken at once; “取消” leaves; two unclear replies drop the question", () => {
    const ask = say(newSession(NOW), "我要申请", [MEDIA, EDU]);
    expect(say(ask.session, "融媒体中心", [MEDIA, EDU]).session.form?.agency?.code).toBe("zdrmt");
    const cancel = say(ask.session, "取消", [MEDIA, EDU]);
    expect(cancel.session.mode).toBe("idle");
    expect(cancel.session.agencyChoice).toBeUndefined();
    const once = say(ask.session, "嗯嗯嗯嗯", [MEDIA, EDU]);
    expect(reply(once)).toContain("没有找到对应的机关");
    expect(once.session.mode).toBe("choose_agency");
    const twice = say(once.session, "多久能答复", [MEDIA, EDU]);
    expect(twice.session.mode).toBe("idle");
    // …and the message is handled as any other: here the guide's time limit.
    expect(twice.effects).toEqual([{ kind: "guide", topic: "time_limit" }]);
  });

  it("a status query while the question is open is answered as a status query", () => {
    const ask = say(newSession(NOW), "我要申请", [MEDIA, EDU]);
    const status = say(ask.session, "查询申请 ZDJY-2026-00001 123456789012", [MEDIA, EDU]);
    expect(status.session.mode).toBe("idle");
    expect(status.effects).toEqual([{ kind: "status", applicationNo: "ZDJY-2026-00001", queryCode: "123456789012" }]);
  });

  it("an agency's contacts when the question names it, and which agency when it does not", () => {
    const named = say(newSession(NOW), "教育局的联系电话", [MEDIA, EDU]);
    expect(named.effects).toEqual([{ kind: "agency_info", code: "zdjy" }]);
    const which = say(newSession(NOW), "你们的联系电话是多少", [MEDIA, EDU]);
    expect(which.session.mode).toBe("choose_agency");
    expect(reply(which)).toContain("您想了解哪个机关");
    const n = which.session.agencyChoice!.options.findIndex((o) => o.code === "zdrmt") + 1;
    expect(say(which.session, String(n), [MEDIA, EDU]).effects).toEqual([{ kind: "agency_info", code: "zdrmt" }]);
  });
});

describe("the one-step re-filing offer", () => {
  const statusWithReferral = (s: Session) =>
    step(nlu, s, {
      type: "result",
      now: NOW,
      channel: "chat",
      result: {
        kind: "status",
        result: {
          ok: true,
          applicationNo: "ZDRMT-2026-00007",
          statusLabel: "已答复",
          disposition: "无法提供（不属于本机关公开职责）",
          referral: { agencyName: "张店区教育和体育局", contact: "电话：0533-2181234", refiledAs: null, grant: "g".repeat(32) },
        },
      },
    });

  it("a status reply naming the competent agency offers it; “1” or “转交申请” re-files with the conversation's grant", () => {
    const shown = statusWithReferral(newSession(NOW));
    expect(reply(shown)).toContain("回复“转交申请”或“1”");
    expect(shown.session.refileOffer).toEqual({ applicationNo: "ZDRMT-2026-00007", grant: "g".repeat(32), agencyName: "张店区教育和体育局" });
    expect(say(shown.session, "1").effects).toEqual([{ kind: "refile", applicationNo: "ZDRMT-2026-00007", grant: "g".repeat(32) }]);
    expect(say(shown.session, "转交申请").effects).toEqual([{ kind: "refile", applicationNo: "ZDRMT-2026-00007", grant: "g".repeat(32) }]);
    // Another message drops the offer: a later "1" is not a re-filing.
    const moved = say(shown.session, "谢谢");
    expect(moved.session.refileOffer).toBeUndefined();
  });

  it("“转交申请” without an offer: a verified citizen's own latest, an anonymous one is told how", () => {
    expect(say(newSession(NOW), "转交申请", undefined, true).effects).toEqual([{ kind: "refile" }]);
    const anon = say(newSession(NOW), "转交申请");
    expect(anon.effects).toEqual([]);
    expect(reply(anon)).toContain("查询申请 申请编号 查询码");
  });
});

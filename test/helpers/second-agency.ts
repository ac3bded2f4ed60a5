// A second agency on the platform for the routing tests (issue 17): its row with profile and duties, a published
// guide, catalogue entries and a staff admin with a session — inserted directly, as the agency admin tools of
// another branch would create them.
import { randomUUID } from "node:crypto";
import { Agency } from "../../src/infra/entities/agency.entity";
import { sessionUntil2099, type TestEnv } from "./test-context";

export interface SecondAgency {
  id: string;
  code: string;
  name: string;
  /** Bearer token of an admin of this agency. */
  token: string;
}

export const EDU = {
  code: "zdjy",
  name: "张店区教育和体育局",
  profile: {
    fullName: "淄博市张店区教育和体育局",
    shortName: "区教体局",
    indexCode: "ZDJY",
    channels: [],
    contact: {
      office: "区教体局办公室",
      address: "张店区共青团西路88号",
      postcode: null,
      officeHours: "工作日 8:30–12:00、13:30–17:30",
      phone: "0533-2181234",
      fax: null,
      email: null,
    },
    duties: {
      keywords: ["学校", "教育", "招生", "入学", "学区", "小学", "初中", "幼儿园", "教师", "体育"],
      summary: "负责全区中小学、幼儿园的教育管理、招生入学和学区划分，以及全民健身和体育工作。",
    },
  },
};

export async function addAgency(
  env: TestEnv,
  data: { code: string; name: string; profile: Record<string, unknown> } = EDU,
  opts: { guide?: boolean; entries?: Array<{ title: string; summary?: string }> } = {},
): Promise<SecondAgency> {
  const now = env.ctx.clock.now().toISOString();
  const id = randomUUID();
  await env.ctx.db.getRepository(Agency).insert({ id, code: data.code, name: data.name, profile: data.profile as never, createdAt: now, updatedAt: now });
  const cat = env.services.catalogue;
  const actor = { type: "system" as const, id: "test" };
  if (opts.guide !== false) {
    await cat.guides.saveDraft(
      id,
      {
        title: `${data.name}政府信息公开指南`,
        sections: [
          {
            key: "office",
            title: "受理机构",
            body: `受理机构：${data.name}办公室\n办公地址：张店区共青团西路88号\n办公时间：工作日 8:30–12:00、13:30–17:30\n联系电话：0533-2181234`,
          },
          { key: "application", title: "申请方式", body: "申请人可以通过书面形式提出申请。" },
          { key: "proactive", title: "主动公开", body: "本机关通过政府网站主动公开政府信息。" },
          { key: "application-content", title: "申请内容", body: "申请应当包括申请人的姓名、联系方式和所需政府信息的描述。" },
          { key: "process", title: "办理流程", body: "本机关收到申请后，在20个工作日内答复。" },
          { key: "fees", title: "收费", body: "依申请提供政府信息不收取费用。" },
          { key: "remedies", title: "救济", body: "申请人可以依法申请行政复议或者提起行政诉讼。" },
        ],
      },
      actor,
    );
    await cat.guides.publish(id, actor);
  }
  for (const [i, e] of (opts.entries ?? [{ title: "关于做好2026年义务教育招生入学工作的通知", summary: "公布小学和初中的学区划分与报名时间。" }]).entries()) {
    await cat.entries.create(
      id,
      {
        indexNo: `${data.code.toUpperCase()}/2026-0000${i + 1}`,
        title: e.title,
        publisher: data.name,
        subjectCategory: "教育",
        disclosureMode: "主动公开",
        writtenDate: "2026-02-10",
        summary: e.summary ?? null,
      },
      actor,
    );
  }
  const username = `${data.code}-admin`;
  const staff = env.services.staff;
  await staff.createUser({ username, password: "correct-horse-battery", role: "admin", agencyCode: data.code });
  return { id, code: data.code, name: data.name, token: await sessionUntil2099(env, username, id) };
}

export { sessionUntil2099 };

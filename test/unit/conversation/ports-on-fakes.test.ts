// The bot's effects (realPorts) built from typed fakes of the modules they call, without a database: the wiring
// pattern of the composition root (each module gets the narrow typed parts it needs, so a test passes fakes).
import { loadConfig } from "../../../src/config";
import { fixedClock } from "../../../src/domain/china-time";
import { DomainError } from "../../../src/domain/errors";
import { Agency } from "../../../src/infra/entities/agency.entity";
import { createLogger } from "../../../src/infra/logger";
import type { CitizenStatusView, IntakeAnswer } from "../../../src/modules/applications/application-service";
import { intakeSchema } from "../../../src/modules/applications/intake-schema";
import type { DirectoryEntry } from "../../../src/modules/directory/agency-directory";
import { pendingAttachmentKey, realPorts, type ConversationDeps, type PortsContext } from "../../../src/modules/conversation/ports";
import type { Speaker } from "../../../src/modules/conversation/runner";
import type { Figures } from "../../../src/modules/reports/report-service";
import { personBody } from "../../integration/applications/fixtures";

const ctx: PortsContext = {
  config: loadConfig({ NODE_ENV: "test", DATABASE_URL: "sqlite::memory:", LOG_LEVEL: "silent" }),
  clock: fixedClock("2026-03-02T02:00:00.000Z"),
  logger: createLogger("silent"),
};

const home = Object.assign(new Agency(), { id: "a-home", code: "zdrmt", name: "张店区融媒体中心", profile: null });
const entry = (id: string, code: string, name: string): DirectoryEntry => ({
  id,
  parentId: null,
  code,
  name,
  shortName: null,
  fullName: null,
  duties: null,
  contact: "联系方式待机关补充",
});
const speaker: Speaker = { channel: "oa", userId: "o-1", citizenKey: "oa:o-1" };
const FORM = intakeSchema.parse(personBody());
const FILED: IntakeAnswer = {
  applicationNo: "ZDJYJ-2026-0001",
  queryCode: "123456789012",
  status: "received",
  receivedAt: "2026-03-02",
  dueDate: "2026-03-30",
};

/** Typed fakes of every module the bot calls; each records its calls. A field left out stays a throwing stub. */
function fakeDeps(over: Partial<ConversationDeps> = {}) {
  const calls: string[] = [];
  const never = (name: string) => async (): Promise<never> => {
    throw new Error(`${name} was not expected`);
  };
  const deps: ConversationDeps = {
    defaultAgency: async () => home,
    applications: {
      submit: async (_input, opts) => {
        calls.push(`submit ${opts?.agencyId} ${opts?.idempotencyNamespace}`);
        return FILED;
      },
      citizenStatus: never("citizenStatus"),
      listForCitizen: never("listForCitizen"),
      refileVerified: never("refileVerified"),
      refileForCitizen: never("refileForCitizen"),
    },
    directory: { recent: async () => [entry("a-home", "zdrmt", "张店区融媒体中心"), entry("a-edu", "zdjyj", "张店区教育局")] },
    attachments: {
      claimPending: async (key, no) => {
        calls.push(`claim ${key} ${no}`);
        return 2;
      },
    },
    consultations: { openConsultation: never("openConsultation") },
    ...over,
  };
  return { deps, calls };
}

const figures = (year: number, received: number): Figures => ({
  agency: { code: "zdrmt", name: "张店区融媒体中心" },
  year,
  version: 1,
  publishedAt: `${year + 1}-01-20T00:00:00.000Z`,
  format: "2021",
  summary: "",
  columns: [],
  applications: [{ code: "received.new", label: "一、本年新收政府信息公开申请数量", total: received, byColumn: {} }],
  reviewLitigation: [],
});

describe("the bot's effects on typed fakes", () => {
  it("files at the agency chosen in the conversation, in the conversation's namespace, and binds the dialogue's images", async () => {
    const { deps, calls } = fakeDeps();
    const r = await realPorts(ctx, deps).submit(FORM, "form-1", speaker, "zdjyj");
    expect(r).toMatchObject({ ok: true, applicationNo: FILED.applicationNo, attached: 2 });
    expect(calls).toEqual(["submit a-edu chat:oa:o-1", `claim ${pendingAttachmentKey("oa:o-1", "form-1")} ${FILED.applicationNo}`]);
  });

  it("files nothing for an agency no longer on the platform", async () => {
    const { deps, calls } = fakeDeps();
    const r = await realPorts(ctx, deps).submit(FORM, "form-2", speaker, "gone");
    expect(r).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  it("keeps the filing when binding the images fails", async () => {
    const { deps } = fakeDeps({
      attachments: {
        claimPending: async () => {
          throw new Error("storage down");
        },
      },
    });
    expect(await realPorts(ctx, deps).submit(FORM, "form-3", speaker)).toMatchObject({ ok: true, applicationNo: FILED.applicationNo, attached: 0 });
  });

  it("quotes the latest published year when none is named, asking each year once", async () => {
    const asked: number[] = [];
    const { deps } = fakeDeps({
      reports: {
        figures: async (_agencyId, year) => {
          asked.push(year);
          return year === 2023 ? figures(2023, 7) : null;
        },
        publishedReports: async () => [],
      },
    });
    const r = await realPorts(ctx, deps).figures(null, "received", 2026);
    expect(r).toMatchObject({ found: true, year: 2023, value: 7 });
    expect(asked).toEqual([2025, 2024, 2023]);
  });

  it("answers a refused status query with the domain error's message; other errors propagate", async () => {
    const status = (err: Error) =>
      fakeDeps({
        applications: {
          ...fakeDeps().deps.applications,
          citizenStatus: async (): Promise<CitizenStatusView> => {
            throw err;
          },
        },
      }).deps;
    expect(await realPorts(ctx, status(new DomainError("APPLICATION.NOT_FOUND", "未找到该申请"))).status("X", "Y", speaker)).toEqual({
      ok: false,
      message: "未找到该申请",
    });
    await expect(realPorts(ctx, status(new Error("database down"))).status("X", "Y", speaker)).rejects.toThrow("database down");
  });
});

// The engine's effects wired to the real services, each given as the narrow typed part the bot uses
// (ConversationDeps): the published guide and catalogue search (catalogue), report figures (reports), filing and
// status (applications), the platform's agencies (directory), dialogue images (attachments), consultations and
// staff-written answers (this module). A renamed provider method fails to compile here.
import fs from "node:fs";
import path from "node:path";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import type { Agency } from "../../infra/entities/agency.entity";
import type { ApplicationService } from "../applications/application-service";
import type { IntakeInput } from "../applications/intake-schema";
import type { AttachmentService } from "../attachments/attachment-service";
import type { GuideContact } from "../catalogue/entities";
import type { CatalogueFacade } from "../catalogue/facade";
import type { ReportsService } from "../reports/report-service";
import type { ConversationService } from "./conversation-service";
import type { CatalogueResult, FiguresResult, GuideResult, MineResult, StatusResult, SubmitResult } from "./engine";
import { figureName } from "./engine";

/** Key under which the images of one filing dialogue wait (the citizen and the form's idempotency key). */
export const pendingAttachmentKey = (citizenKey: string, formKey: string) => `${citizenKey}|${formKey}`.slice(0, 300);
import type { FigureTopic, GuideTopic } from "./intents";
import { clientKeyOf } from "./client-key";
import type { ConversationPorts, Speaker } from "./runner";
import type { AnswerUnit, LearnedKnowledge } from "./knowledge/answer-unit";
import { KnowledgeIndex } from "./knowledge/knowledge-index";
import { publishedReport } from "./knowledge/report-adapter";
import { catalogueUnits, faqUnits, guideUnits, profileUnit, reportUnits, type AgencyLike } from "./knowledge/units";
import type { ReportJson } from "../reports/narrative";
import { sharedUnderstanding } from "./understanding";
import { serverSecret } from "../../infra/server-secret";
import type { AgencyDirectory, DirectoryEntry } from "../directory/agency-directory";
import type { AgencyInfoResult } from "./agency-choice";
import { isRefileGrant, refileGrant } from "./refile-grant";
import type { RefileResult } from "./engine";

/**
 * What the bot needs of the other modules, each the narrow part it calls (a test passes typed fakes). Optional
 * ones may be absent: without the catalogue the built-in answers stand in, without the reports no figures, without
 * the directory a single agency, without attachments no dialogue images, without the learned store no custom units.
 */
export interface ConversationDeps {
  /** The default agency (the one the bot speaks for when the citizen has not chosen another). */
  defaultAgency(): Promise<Agency>;
  applications: Pick<ApplicationService, "submit" | "citizenStatus" | "listForCitizen" | "refileVerified" | "refileForCitizen">;
  catalogue?: Pick<CatalogueFacade, "guide" | "search" | "searchAll"> & { entries: Pick<CatalogueFacade["entries"], "list"> };
  reports?: Pick<ReportsService, "figures" | "publishedReports">;
  directory?: Pick<AgencyDirectory, "recent">;
  attachments?: Pick<AttachmentService, "claimPending">;
  consultations: Pick<ConversationService, "openConsultation">;
  learned?: LearnedKnowledge;
}

/** The knowledge index's units (the console's misses page offers them as answers to attach a miss to). */
export interface KnowledgeUnits {
  listUnits(agencyId: string): Promise<AnswerUnit[]>;
}

interface AnswerTopic {
  title: string;
  guideKeywords: string[];
  source: string;
  text: string;
}
const ANSWERS_FILE = path.resolve(__dirname, "../../../config/conversation/answers.json");
let answers: Record<string, AnswerTopic> | null = null;
function builtInAnswers(): Record<string, AnswerTopic> {
  answers ??= (JSON.parse(fs.readFileSync(ANSWERS_FILE, "utf8")) as { topics: Record<string, AnswerTopic> }).topics;
  return answers;
}

/** Guide section keys (config/guide/<code>.json) that answer each topic. */
const GUIDE_SECTIONS: Record<GuideTopic, string[]> = {
  how_to_apply: ["application", "application-content"],
  contact: ["office"],
  time_limit: ["process"],
  fees: ["fees"],
  withheld: ["withheld", "exemptions"],
  remedies: ["remedies"],
  overview: ["preamble", "proactive"],
};
/** Words that pick the relevant paragraphs of a long section. */
const TOPIC_WORDS: Record<GuideTopic, string[]> = {
  how_to_apply: ["书面", "口头", "电话", "电子邮箱", "受理"],
  contact: ["受理机构", "地址", "时间", "电话", "邮箱", "传真"],
  time_limit: ["20个工作日", "当场", "延长", "不计算"],
  fees: ["收费", "费用"],
  withheld: ["不予公开", "不公开"],
  remedies: ["复议", "诉讼", "投诉", "举报"],
  overview: ["公开", "渠道"],
};

interface PublishedGuideLike {
  title: string;
  lastUpdated?: string;
  sections: Array<{ key: string; title: string; body: string }>;
  contact?: Partial<GuideContact>;
}

/** A short section is quoted whole; from a long one, the paragraphs that say most about the topic. */
export function excerpt(body: string, words: string[], max = 360): string {
  const text = body.trim();
  if (text.length <= max) return text;
  const paras = text
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const score = (p: string) => words.filter((w) => p.includes(w)).length;
  const best = Math.max(...paras.map(score));
  const picked: string[] = [];
  paras.forEach((p, i) => {
    if (best === 0 || score(p) !== best) return;
    // keep the heading line ("三、答复时限") of a picked paragraph
    const prev = paras[i - 1];
    if (prev && prev.length <= 12 && !/[。；：]$/.test(prev) && !picked.includes(prev)) picked.push(prev);
    picked.push(p);
  });
  const out = (picked.length ? picked : paras).join("\n");
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

function fill(template: string, agency: Agency, guide: PublishedGuideLike | null): string {
  const profile = (agency.profile ?? {}) as unknown as Record<string, unknown>;
  const pc = (profile.contact ?? {}) as Record<string, string | null>;
  const contact = { ...pc, ...(guide?.contact ?? {}) };
  const v = (x: string | null | undefined) => x || "待机关补充";
  const channels = ((profile.channels ?? []) as Array<{ name: string; kind: string }>).map((c) =>
    c.kind === "print" ? `《${c.name}》` : c.kind === "app" ? `“${c.name}”APP` : c.name,
  );
  const map: Record<string, string> = {
    agency: agency.name,
    office: v(contact.office),
    address: v(contact.address),
    hours: v(contact.officeHours),
    phone: v(contact.phone),
    fax: v(contact.fax),
    email: v(contact.email),
    channels: channels.length ? channels.join("、") : "政府网站",
    applicationChannels: ((profile.applicationChannels ?? []) as string[]).join("、") || "书面形式",
  };
  return template.replace(/\{(\w+)\}/g, (_, k: string) => map[k] ?? `{${k}}`);
}

/** Applications' status label for the citizen, or the error message the citizen should read. */
function citizenError(e: unknown): string {
  if (e instanceof DomainError) return e.message;
  throw e;
}

const APPLICATION_TOPICS: Partial<Record<FigureTopic, string[]>> = {
  received: ["received.new"],
  carried_over: ["received.carried_over"],
  granted: ["result.granted"],
  partial: ["result.partial"],
  withheld: ["result.withheld"],
  unable: ["result.unable"],
  not_processed: ["result.not_processed"],
  total: ["result.total"],
  carried_forward: ["carried_forward"],
};

/** The reports service's published figures (src/modules/reports/report-service.ts, `figures`). */
export interface PublishedFigures {
  agency: { name: string };
  year: number;
  applications: Array<{ code: string; label: string; total: number }>;
  reviewLitigation: Array<{ code: string; label: string; count: number }>;
}

const APPLICATIONS_SECTION = "三、收到和处理政府信息公开申请情况";
const REVIEW_SECTION = "四、政府信息公开行政复议、行政诉讼情况";

/** The figure a topic asks for: a data row, or the sum of a group's rows (不予公开 = its eight reasons). */
export function pickFigure(
  topic: FigureTopic,
  f: PublishedFigures,
): { value: number; label: string; section: string; breakdown: Array<{ label: string; value: number }> } | null {
  if (topic === "review" || topic === "litigation") {
    const codes = topic === "review" ? ["review.total"] : ["litigation.direct.total", "litigation.after_review.total"];
    const hits = f.reviewLitigation.filter((r) => codes.includes(r.code));
    if (!hits.length) return null;
    const label = topic === "review" ? "行政复议·总计" : "行政诉讼（未经复议直接起诉、复议后起诉）·总计";
    return { value: hits.reduce((a, r) => a + r.count, 0), label, section: REVIEW_SECTION, breakdown: [] };
  }
  const code = APPLICATION_TOPICS[topic]?.[0];
  if (!code) return null;
  const row = f.applications.find((r) => r.code === code);
  const children = f.applications.filter((r) => r.code.startsWith(`${code}.`));
  if (!row && !children.length) return null;
  if (children.length) {
    const shortLabel = (l: string) => l.replace(/^.*?\d+\./, "");
    return {
      value: children.reduce((a, r) => a + r.total, 0),
      label: row?.label ?? figureName(topic),
      section: APPLICATIONS_SECTION,
      breakdown: children.map((c) => ({ label: shortLabel(c.label), value: c.total })),
    };
  }
  return { value: row!.total, label: row!.label, section: APPLICATIONS_SECTION, breakdown: [] };
}

/**
 * The agency and its published guide as the FAQ answers read them, shared by the messages of a few seconds:
 * every FAQ answer needs both, and reading them from the database for each message cost two queries and a
 * JSON parse of the whole guide per message. A newly published guide reaches the bot within GUIDE_CACHE_MS
 * (on every instance: the cache is per process and only time-bounded). Failures are not cached.
 */
export const GUIDE_CACHE_MS = 5000;
const guideCache = new WeakMap<PortsContext, { at: number; agency: Promise<Agency>; guide: Promise<PublishedGuideLike | null> }>();

/**
 * The agency's knowledge index, rebuilt at most every KNOWLEDGE_CACHE_MS (the same 5 seconds as the guide, so
 * a published guide, a new catalogue entry, a published report or a staff-written answer reaches the bot within
 * 5 s, on every instance, without a deploy). One build serves all messages meanwhile (≈15 ms for ~200 units);
 * concurrent messages share the build in flight. A failed build is not cached (the next message retries).
 */
export const KNOWLEDGE_CACHE_MS = GUIDE_CACHE_MS;
const knowledgeCache = new WeakMap<PortsContext, { at: number; index: Promise<KnowledgeIndex> }>();

/** Forgets this process's index (staff wrote or attached an answer): the next message rebuilds it. */
export function invalidateKnowledge(ctx: PortsContext): void {
  knowledgeCache.delete(ctx);
}

async function buildKnowledge(ctx: PortsContext, deps: ConversationDeps, agency: Agency, guide: PublishedGuideLike | null): Promise<KnowledgeIndex> {
  const a = agency as unknown as AgencyLike;
  const units: AnswerUnit[] = [...faqUnits(a, (guide?.contact ?? {}) as Record<string, string | null>), profileUnit(a)];
  if (guide) units.push(...guideUnits(agency.code, guide));
  const cat = deps.catalogue;
  const others = (await platformAgencies(deps)).filter((a) => a.id !== agency.id);
  if (cat?.entries) {
    const own = catalogueUnits(agency.code, (await cat.entries.list(agency.id, { status: "active", page: 1, pageSize: 2000 })).items);
    // Several agencies: the catalogue answers search them all and say whose entry it is (issue 17).
    units.push(...(others.length ? own.map((u) => namedCatalogueUnit(u, agency.name)) : own));
    for (const o of others) {
      const items = (await cat.entries.list(o.id, { status: "active", page: 1, pageSize: 2000 })).items;
      units.push(...catalogueUnits(o.code, items).map((u) => namedCatalogueUnit(u, o.name)));
    }
  }
  const reports = deps.reports;
  if (reports) {
    for (const p of await reports.publishedReports(agency.id)) units.push(...reportUnits(agency.code, publishedReport(p.snapshot as ReportJson)));
  }
  const lk = deps.learned;
  const [custom, attached] = lk ? await Promise.all([lk.customUnits(agency.id), lk.attachedQuestions(agency.id)]) : [[], []];
  units.push(...custom);
  const linked = withBaseUrl(units, ctx.config.PUBLIC_BASE_URL);
  return new KnowledgeIndex(sharedUnderstanding(), { code: agency.code, name: agency.name }, linked, attached, new Date().toISOString());
}

/**
 * Links sent to citizens are absolute when the service's public address is configured (PUBLIC_BASE_URL): a
 * site path such as /guide?agency=zdrmt#apply means nothing in a WeChat message. Without it they stay paths.
 * Absolute links (the Regulation on gov.cn, a catalogue entry's own URL) are left as they are.
 */
export function withBaseUrl(units: AnswerUnit[], base: string | undefined): AnswerUnit[] {
  if (!base) return units;
  const root = base.replace(/\/+$/, "");
  return units.map((u) => (u.source.url?.startsWith("/") ? { ...u, source: { ...u.source, url: `${root}${u.source.url}` } } : u));
}

/**
 * Whether a cache entry made at `at` is older than `ms` on the context's clock (the service's clock, so a test
 * moves time instead of sleeping through the period). A clock set back before the entry also expires it.
 */
function expired(ctx: PortsContext, at: number, ms: number): boolean {
  const now = ctx.clock.now().getTime();
  return now < at || now - at > ms;
}

/** The platform's agencies from the directory (none registered: the default agency alone, as before). */
async function platformAgencies(deps: ConversationDeps): Promise<DirectoryEntry[]> {
  const dir = deps.directory;
  // Checked against the table at most once per knowledge period: not a database round trip per message.
  return dir ? dir.recent(KNOWLEDGE_CACHE_MS) : [];
}

/** A catalogue unit that names its agency (answer and source), for a platform of several agencies. */
function namedCatalogueUnit(u: AnswerUnit, agencyName: string): AnswerUnit {
  return { ...u, answer: `${agencyName}${u.answer}`, source: { ...u.source, label: `${agencyName}·${u.source.label}` } };
}

/** The conversation a refile grant belongs to. */
const conversationOf = (speaker: Speaker) => `${speaker.channel}:${speaker.userId}`;

/** What the ports read of the context: configuration (links, the refile secret), the clock (cache periods), the logger. */
export type PortsContext = Pick<AppContext, "config" | "clock" | "logger">;

/** The bot's effects on the given services. The caches are per context: build once per context and keep it. */
export function realPorts(ctx: PortsContext, deps: ConversationDeps): ConversationPorts {
  const loadGuide = async (agency: Promise<Agency>): Promise<PublishedGuideLike | null> => {
    // Without the catalogue module there is no published guide: the built-in answers stand in.
    const s = deps.catalogue;
    if (!s) return null;
    try {
      return await s.guide((await agency).id);
    } catch (e) {
      if (e instanceof DomainError) return null;
      throw e;
    }
  };
  const cached = () => {
    let c = guideCache.get(ctx);
    if (!c || expired(ctx, c.at, GUIDE_CACHE_MS)) {
      const agencyP = deps.defaultAgency();
      const entry = { at: ctx.clock.now().getTime(), agency: agencyP, guide: loadGuide(agencyP) };
      const forget = () => guideCache.get(ctx) === entry && guideCache.delete(ctx);
      entry.agency.catch(forget);
      entry.guide.catch(forget);
      guideCache.set(ctx, (c = entry));
    }
    return c;
  };
  const agency = () => cached().agency;

  const ports: ConversationPorts = {
    knowledge(): Promise<KnowledgeIndex> {
      let c = knowledgeCache.get(ctx);
      if (!c || expired(ctx, c.at, KNOWLEDGE_CACHE_MS)) {
        // The guide is read afresh (not from the guide cache), so a change is at most KNOWLEDGE_CACHE_MS old.
        const agencyP = deps.defaultAgency();
        const entry = { at: ctx.clock.now().getTime(), index: Promise.all([agencyP, loadGuide(agencyP)]).then(([a, g]) => buildKnowledge(ctx, deps, a, g)) };
        entry.index.catch(() => knowledgeCache.get(ctx) === entry && knowledgeCache.delete(ctx));
        knowledgeCache.set(ctx, (c = entry));
      }
      return c.index;
    },

    async guide(topic: GuideTopic): Promise<GuideResult> {
      const { agency: agencyP, guide: guideP } = cached();
      const [a, guide] = await Promise.all([agencyP, guideP]);
      const fallback = builtInAnswers()[topic];
      const section = guide?.sections.find((s) => GUIDE_SECTIONS[topic].includes(s.key));
      if (guide && section) {
        return {
          title: section.title,
          text: excerpt(section.body, TOPIC_WORDS[topic]),
          source: `《${guide.title}》${guide.lastUpdated ? `（更新日期：${guide.lastUpdated}）` : ""}`,
        };
      }
      return { title: fallback.title, text: fill(fallback.text, a, guide), source: fill(fallback.source, a, guide) };
    },

    async catalogue(query: string, year: number | null): Promise<CatalogueResult> {
      const a = await agency();
      const svc = deps.catalogue;
      if (!svc) throw new Error("the catalogue is not wired");
      void year;
      const platform = await platformAgencies(deps);
      if (platform.length > 1) {
        const all = svc;
        const r = await all.searchAll({ q: query, pageSize: 5 });
        const names = new Map(platform.map((x) => [x.id, x.name]));
        return {
          total: r.total,
          items: r.items.slice(0, 5).map((i) => ({
            indexNo: i.indexNo,
            title: i.title,
            date: i.writtenDate ?? null,
            url: i.url ?? null,
            agencyName: names.get(i.agencyId ?? "") ?? "",
          })),
          guideSections: [],
          multiAgency: true,
        };
      }
      const r = await svc.search(a.id, { q: query, pageSize: 5 });
      return {
        total: r.total,
        items: r.items.slice(0, 5).map((i) => ({ indexNo: i.indexNo, title: i.title, date: i.writtenDate ?? null, url: i.url ?? null })),
        guideSections: (r.guideSections ?? []).slice(0, 2).map((g) => ({ title: g.title, snippet: g.snippet })),
      };
    },

    async figures(year: number | null, topic: FigureTopic, currentYear: number): Promise<FiguresResult> {
      const a = await agency();
      const svc = deps.reports;
      if (!svc) throw new Error("the reports are not wired");
      // Each year is asked once: the search for the latest published year below reuses the answers.
      const asked = new Map<number, Promise<PublishedFigures | null>>();
      const published = (y: number) => {
        let p = asked.get(y);
        if (!p) {
          p = svc.figures(a.id, y).catch((e: unknown) => {
            if (e instanceof DomainError) return null;
            throw e;
          });
          asked.set(y, p);
        }
        return p;
      };
      // Without a year: the most recent published report (last year's, else the latest of the years before).
      const years = year ? [year] : Array.from({ length: 8 }, (_, i) => currentYear - 1 - i);
      for (const y of years) {
        const data = await published(y);
        if (!data) continue;
        const hit = pickFigure(topic, data);
        if (!hit) continue;
        return {
          found: true,
          year: y,
          value: hit.value,
          name: figureName(topic),
          label: hit.label,
          source: `《${data.agency.name}${y}年政府信息公开工作年度报告》${hit.section}·${hit.label}`,
          breakdown: hit.breakdown,
        };
      }
      let latestYear: number | null = null;
      for (let y = currentYear - 1; y >= currentYear - 8 && latestYear === null; y--) if (await published(y)) latestYear = y;
      return { found: false, year, latestYear };
    },

    async submit(input: IntakeInput, idempotencyKey: string, speaker: Speaker, agencyCode?: string): Promise<SubmitResult> {
      const chosen = agencyCode ? (await platformAgencies(deps)).find((x) => x.code === agencyCode) : undefined;
      if (agencyCode && !chosen) return { ok: false, message: "所选机关已不在本平台，请回复“取消”后重新申请并选择机关" };
      const svc = deps.applications;
      try {
        const r = await svc.submit(input, {
          agencyId: chosen?.id ?? (await agency()).id,
          idempotencyKey,
          citizenKey: speaker.citizenKey,
          // The form's key belongs to this conversation: a REST caller (or another chat) using the same string files apart.
          idempotencyNamespace: `chat:${speaker.channel}:${speaker.userId}`,
          clientKey: clientKeyOf(speaker),
        });
        // Images the citizen sent during this dialogue (official account) join the application now; a failure
        // here must not undo the filing: the images stay waiting and the citizen can send them again.
        let attached = 0;
        if (speaker.citizenKey && deps.attachments) {
          const files = deps.attachments;
          attached = await files
            .claimPending(pendingAttachmentKey(speaker.citizenKey, idempotencyKey), r.applicationNo, speaker.citizenKey)
            .catch((err: unknown) => {
              ctx.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "binding the dialogue's images failed");
              return 0;
            });
        }
        return {
          ok: true,
          applicationNo: r.applicationNo,
          queryCode: r.queryCode,
          status: r.status,
          receivedAt: r.receivedAt,
          dueDate: r.dueDate,
          dueDateNote: r.dueDateNote ?? null,
          attached,
        };
      } catch (e) {
        return { ok: false, message: citizenError(e) };
      }
    },

    async status(applicationNo: string, queryCode: string, speaker: Speaker): Promise<StatusResult> {
      const svc = deps.applications;
      try {
        const r = await svc.citizenStatus(applicationNo, queryCode, clientKeyOf(speaker));
        // A 不属于本机关 answer naming the competent agency: this conversation may re-file it ("转交申请").
        const referral = r.referral
          ? {
              agencyName: r.referral.agencyName,
              contact: r.referral.contact,
              refiledAs: r.referral.refiledAs,
              ...(r.referral.refiledAs ? {} : { grant: refileGrant(serverSecret(ctx.config), r.applicationNo, conversationOf(speaker)) }),
            }
          : undefined;
        return {
          ok: true,
          applicationNo: r.applicationNo,
          statusLabel: r.statusLabel,
          dueDate: r.dueDate,
          dueDateNote: r.dueDateNote,
          disposition: r.dispositionLabel,
          dispositionDate: r.dispositionDate,
          ...(referral ? { referral } : {}),
        };
      } catch (e) {
        return { ok: false, message: citizenError(e) };
      }
    },

    async listMine(citizenKey: string): Promise<MineResult> {
      const svc = deps.applications;
      const rows = await svc.listForCitizen(citizenKey, { withAgency: true });
      return {
        items: rows.map((r) => ({
          applicationNo: r.applicationNo,
          statusLabel: r.statusLabel,
          dueDate: r.dueDate,
          dueDateNote: r.dueDateNote,
          disposition: r.dispositionLabel,
          ...(r.agencyName ? { agencyName: r.agencyName } : {}),
        })),
      };
    },

    async agencies() {
      return platformAgencies(deps);
    },

    async agencyInfo(code: string): Promise<AgencyInfoResult | null> {
      const a = (await platformAgencies(deps)).find((x) => x.code === code);
      if (!a) return null;
      const guide = await loadGuide(Promise.resolve({ id: a.id } as Agency));
      const section = guide?.sections.find((x) => GUIDE_SECTIONS.contact.includes(x.key));
      return {
        code: a.code,
        name: a.name,
        contact: a.contact,
        duties: a.duties?.summary ?? null,
        guide: guide && section ? { title: guide.title, text: excerpt(section.body, TOPIC_WORDS.contact) } : null,
      };
    },

    async refile({ applicationNo, grant, speaker }): Promise<RefileResult> {
      type Answer = Awaited<ReturnType<ConversationDeps["applications"]["refileVerified"]>>;
      const svc = deps.applications;
      try {
        let r: Answer;
        if (applicationNo && grant && isRefileGrant(serverSecret(ctx.config), applicationNo, conversationOf(speaker), grant))
          r = await svc.refileVerified(applicationNo);
        else if (speaker.citizenKey) r = await svc.refileForCitizen(speaker.citizenKey, applicationNo);
        else return { ok: false, message: "请先回复“查询申请 申请编号 查询码”查看答复，再回复“转交申请”。" };
        return {
          ok: true,
          applicationNo: r.applicationNo,
          refiledFrom: r.refiledFrom,
          agencyName: r.agencyName,
          receivedAt: r.receivedAt,
          dueDate: r.dueDate,
          dueDateNote: r.dueDateNote ?? null,
          alreadyRefiled: r.alreadyRefiled,
        };
      } catch (e) {
        return { ok: false, message: citizenError(e) };
      }
    },

    async handoff({ speaker, reason, question, transcript }) {
      const svc = deps.consultations;
      const c = await svc.openConsultation({ speaker, reason, question, transcript });
      return { consultationId: c.id };
    },

    async recordMiss(miss) {
      const store = deps.learned;
      if (!store) return;
      await store.recordMiss({ agencyId: (await agency()).id, ...miss });
    },
  };
  return ports;
}

/** Built-in FAQ topics as attachable units ("faq:<topic>"), for the misses page until the index lists its units. */
export function builtInUnits(): Array<{ id: string; title: string }> {
  return Object.entries(builtInAnswers()).map(([topic, a]) => ({ id: `faq:${topic}`, title: a.title }));
}

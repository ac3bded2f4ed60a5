// `import-applications`: historical application records from a JSON-lines file. Every line is validated
// first; the import is all or nothing; externalId makes a second import of the same file change nothing.
import { z } from "zod";
import type { AppContext } from "../../context";
import { isIsoDate } from "../../domain/china-time";
import { bumpCounter } from "../../infra/counters";
import { Agency } from "../../infra/entities/agency.entity";
import { AuditEvent, auditEvent } from "../../infra/entities/audit-event.entity";
import { asRows } from "../../infra/rows";
import { APPLICANT_CATEGORIES, Application, type ApplicantCategory } from "../applications/application.entity";
import { ALL_CHANNELS, EARLIEST_RECEIPT_DATE } from "../applications/intake-schema";
import { DISPOSITION_CODES } from "../applications/dispositions";
import { newApplication } from "../applications/new-application";
import { unusableQueryCodeHash } from "../applications/query-codes";
import { withStatementTimeout } from "../../infra/database";

const date = (what: string) => z.string({ error: `请填写${what}` }).refine(isIsoDate, `${what}格式不正确，应为YYYY-MM-DD`);

export const importLineSchema = z
  .object({
    externalId: z.string({ error: "请填写externalId" }).trim().min(1, "请填写externalId").max(100, "externalId不能超过100个字符"),
    receivedAt: date("receivedAt（收到申请日期）"),
    channel: z.enum(ALL_CHANNELS, { error: `channel应为以下之一：${ALL_CHANNELS.join("、")}` }),
    applicantCategory: z.enum(APPLICANT_CATEGORIES as [ApplicantCategory, ...ApplicantCategory[]], {
      error: `applicantCategory应为以下之一：${APPLICANT_CATEGORIES.join("、")}`,
    }),
    applicantName: z.string({ error: "请填写applicantName" }).trim().min(1, "请填写applicantName").max(200, "applicantName不能超过200个字符"),
    description: z.string({ error: "请填写description" }).trim().min(1, "请填写description"),
    disposition: z.string().optional().nullable(),
    disposedAt: date("disposedAt（答复日期）").optional().nullable(),
  })
  .superRefine((v, ctx) => {
    if (v.disposition && !DISPOSITION_CODES.includes(v.disposition))
      ctx.addIssue({ code: "custom", path: ["disposition"], message: `disposition“${v.disposition}”不是有效的办理结果代码` });
    if (v.disposition && !v.disposedAt) ctx.addIssue({ code: "custom", path: ["disposedAt"], message: "有disposition时须填写disposedAt" });
    if (!v.disposition && v.disposedAt) ctx.addIssue({ code: "custom", path: ["disposition"], message: "有disposedAt时须填写disposition" });
    if (v.disposedAt && v.receivedAt && v.disposedAt < v.receivedAt)
      ctx.addIssue({ code: "custom", path: ["disposedAt"], message: "disposedAt不能早于receivedAt" });
    if (v.receivedAt < EARLIEST_RECEIPT_DATE)
      ctx.addIssue({ code: "custom", path: ["receivedAt"], message: `receivedAt不能早于${EARLIEST_RECEIPT_DATE}（政府信息公开条例施行之日）` });
  });

export type ImportLine = z.infer<typeof importLineSchema>;

export interface LineProblem {
  line: number;
  reason: string;
}

export interface ImportResult {
  ok: boolean;
  imported: number;
  unchanged: number;
  problems: LineProblem[];
}

/** Parses and validates every line; blank lines are ignored. */
export function parseImportFile(content: string, today?: string): { lines: Array<{ line: number; value: ImportLine }>; problems: LineProblem[] } {
  const lines: Array<{ line: number; value: ImportLine }> = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  content.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1;
    if (!text.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push({ line, reason: "不是有效的JSON" });
      return;
    }
    const r = importLineSchema.safeParse(json);
    if (!r.success) {
      problems.push({ line, reason: r.error.issues.map((x) => (x.path.length ? `${x.path.join(".")}: ${x.message}` : x.message)).join("；") });
      return;
    }
    const future = today ? (["receivedAt", "disposedAt"] as const).filter((k) => (r.data[k] ?? "") > today) : [];
    if (future.length) {
      problems.push({ line, reason: future.map((k) => `${k}: ${k}不能晚于今天（${today}）`).join("；") });
      return;
    }
    const first = seen.get(r.data.externalId);
    if (first) {
      problems.push({ line, reason: `externalId“${r.data.externalId}”与第${first}行重复` });
      return;
    }
    seen.set(r.data.externalId, line);
    lines.push({ line, value: r.data });
  });
  return { lines, problems };
}

const statusFor = (disposition: string | null | undefined) => (!disposition ? "received" : disposition.startsWith("other.") ? "closed" : "answered");

export async function importApplications(ctx: AppContext, agency: Agency, content: string): Promise<ImportResult> {
  const { lines, problems } = parseImportFile(content, ctx.today());
  if (problems.length) return { ok: false, imported: 0, unchanged: 0, problems };
  const repo = ctx.db.getRepository(Application);
  const existing = new Set<string>();
  const ids = lines.map((l) => l.value.externalId);
  for (let i = 0; i < ids.length; i += 500) {
    const found = await repo
      .createQueryBuilder("a")
      .select("a.external_id", "external_id")
      .where("a.agency_id = :agency AND a.external_id IN (:...ids)", { agency: agency.id, ids: ids.slice(i, i + 500) })
      .getRawMany<{ external_id: string }>();
    found.forEach((f) => existing.add(f.external_id));
  }
  const fresh = lines.filter((l) => !existing.has(l.value.externalId));
  const now = ctx.clock.now().toISOString();
  const code = (agency.profile?.indexCode ?? agency.code).toUpperCase();
  await ctx.db.transaction(async (m) => {
    await withStatementTimeout(m, ctx.config.DB_IMPORT_STATEMENT_TIMEOUT_MS); // imports get their own, longer timeout
    // Numbers per receipt year from the shared counters table, under a name of our own ("import-no:<year>").
    const byYear = new Map<string, number>();
    for (const l of fresh) byYear.set(l.value.receivedAt.slice(0, 4), (byYear.get(l.value.receivedAt.slice(0, 4)) ?? 0) + 1);
    const nextNo = new Map<string, number>();
    for (const [year, count] of byYear) {
      const name = `import-no:${year}`;
      nextNo.set(year, (await bumpCounter(m, agency.id, name, count)) - count + 1);
    }
    const rows: Application[] = [];
    const audits: AuditEvent[] = [];
    for (const { value: v } of fresh) {
      const year = v.receivedAt.slice(0, 4);
      const seq = nextNo.get(year)!;
      nextNo.set(year, seq + 1);
      // Nobody holds a query code for an imported record (the hash is of random bytes); no clock runs on history.
      const row = Object.assign(
        new Application(),
        newApplication({
          now,
          agencyId: agency.id,
          applicationNo: `${code}-${year}-H${String(seq).padStart(6, "0")}`,
          queryCodeHash: unusableQueryCodeHash(),
          status: statusFor(v.disposition),
          channel: v.channel,
          applicant: { category: v.applicantCategory, name: v.applicantName, phone: "" },
          applicantKey: null,
          description: v.description,
          descriptionNormalized: null,
          deliveryForm: "unspecified",
          deliveryMethod: "unspecified",
          submittedAt: new Date(`${v.receivedAt}T00:00:00+08:00`).toISOString(),
          receivedAt: v.receivedAt,
          receiptEvidence: "historical import",
          clockLog: null,
          clock: { clockStart: v.receivedAt, dueDate: null, dueDateFlag: null },
          externalId: v.externalId,
          disposition: v.disposition ?? null,
          dispositionDate: v.disposedAt ?? null,
        }),
      );
      rows.push(row);
      audits.push(
        auditEvent({
          agencyId: agency.id,
          entityType: "application",
          entityId: row.id,
          action: "application.imported",
          toStatus: statusFor(v.disposition),
          data: { externalId: v.externalId },
          at: now,
        }),
      );
    }
    for (let i = 0; i < rows.length; i += 200) {
      await m.insert(Application, rows.slice(i, i + 200));
      await m.insert(AuditEvent, asRows(audits.slice(i, i + 200)));
    }
  });
  return { ok: true, imported: fresh.length, unchanged: lines.length - fresh.length, problems: [] };
}

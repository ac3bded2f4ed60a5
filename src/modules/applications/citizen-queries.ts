// What a citizen may see of their own applications: the status by number and query code (limited per client, the same
// work whether or not the number exists), 我的申请 for a verified citizen, and the referral of a 不属于本机关 answer.
import { timingSafeEqual } from "node:crypto";
import { DomainError } from "../../domain/errors";
import { dueDateFields } from "../../domain/provisional-date";
import { agencyContactLine } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import type { ApplicationDeps } from "./application-deps";
import { Application } from "./application.entity";
import { dispositionLabel } from "./dispositions";
import { statusLabel } from "./lifecycle";
import { isKeyedHash, keyedQueryCodeHash, keyLegacyHash, NO_APPLICATION_HASH } from "./query-codes";

export interface CitizenStatusView {
  applicationNo: string;
  status: string;
  statusLabel: string;
  receivedAt: string | null;
  dueDate: string | null;
  dueDateProvisional: boolean;
  dueDateNote: string | null;
  disposition: string | null;
  dispositionLabel: string | null;
  dispositionDate: string | null;
  /** Only on an answer naming the competent agency (Art. 36(5)): who holds it, and the re-filing if made. */
  referral?: Referral;
}

/** The competent agency named in a 不属于本机关 answer, and the citizen's re-filing to it (issue 17). */
export interface Referral {
  agencyCode: string;
  agencyName: string;
  contact: string;
  /** The new application's number once the citizen re-filed; null while they may still do so. */
  refiledAs: string | null;
}

export async function citizenStatus(d: ApplicationDeps, applicationNo: string, queryCode: string, clientKey?: string): Promise<CitizenStatusView> {
  // Wrong codes are counted per client (address, or verified citizen), never per application number: a
  // per-number lock let anyone lock a citizen out of their own status. Guessing stays hopeless through the
  // code's length (10^12 per number) under the per-client limit.
  const limit = d.limits.statusFailures;
  if (clientKey && (await limit.remaining(clientKey)) <= 0) {
    throw new DomainError("RATE_LIMITED", limit.rule.message, { retryAfterSeconds: limit.rule.durationSeconds });
  }
  // The same work whether or not the number exists, so neither the answer nor its timing tells a guesser
  // which application numbers are real: only the hash is read (loading the whole row made a real number
  // measurably slower), and a missing number is compared with a hash no code matches.
  const repo = d.ctx.db.getRepository(Application);
  const found = await repo.findOne({ select: { id: true, queryCodeHash: true }, where: { applicationNo } });
  const given = Buffer.from(keyedQueryCodeHash(d.secret(), String(queryCode ?? "").trim()));
  const stored = Buffer.from(found && isKeyedHash(found.queryCodeHash) ? found.queryCodeHash : NO_APPLICATION_HASH);
  const ok = given.length === stored.length && timingSafeEqual(given, stored) && !!found;
  if (!ok || !found) {
    // The failure that reaches the limit is still answered 404 like every wrong code; the next one is refused.
    if (clientKey) {
      await limit.consume(clientKey).catch((e) => {
        if (!(e instanceof DomainError)) throw e;
      });
    }
    throw new DomainError("APPLICATION.NOT_FOUND", "未找到该申请，请核对申请编号和查询码");
  }
  return citizenView(d, await repo.findOneByOrFail({ id: found.id }));
}

/** 我的申请: every application of this verified citizen, whatever agency it went to (and nobody else's). */
export async function listForCitizen(
  d: ApplicationDeps,
  citizenKey: string,
  opts: { withAgency?: boolean } = {},
): Promise<Array<CitizenStatusView & { agencyName?: string }>> {
  const rows = await d.ctx.db.getRepository(Application).find({ where: { citizenKey }, order: { createdAt: "DESC" }, take: 50 });
  const views = await Promise.all(rows.map((r) => citizenView(d, r)));
  if (!opts.withAgency) return views;
  const names = new Map((await d.ctx.db.getRepository(Agency).find({ select: { id: true, name: true } })).map((a) => [a.id, a.name]));
  return views.map((v, i) => ({ ...v, agencyName: names.get(rows[i].agencyId) ?? "" }));
}

/** What a citizen may see of their own application (no personal data; the 我的申请 list and status answers). */
export async function citizenView(d: ApplicationDeps, app: Application): Promise<CitizenStatusView> {
  const referral = app.competentAgencyId ? await referralOf(d, app) : null;
  return {
    applicationNo: app.applicationNo,
    status: app.status,
    statusLabel: statusLabel(app.status),
    receivedAt: app.receivedAt,
    dueDate: app.dueDate,
    ...dueDateFields(app.dueDateFlag),
    disposition: app.disposition,
    dispositionLabel: dispositionLabel(app.disposition),
    dispositionDate: app.dispositionDate,
    ...(referral ? { referral } : {}),
  };
}

/** The competent agency an answer named, with the re-filing once made (citizen view and staff detail alike). */
export async function referralOf(d: ApplicationDeps, app: Application): Promise<Referral | null> {
  if (!app.competentAgencyId) return null;
  const target = await d.ctx.db.getRepository(Agency).findOneBy({ id: app.competentAgencyId });
  if (!target) return null;
  const refiled = await d.ctx.db.getRepository(Application).findOne({ select: { id: true, applicationNo: true }, where: { refiledFromId: app.id } });
  return { agencyCode: target.code, agencyName: target.name, contact: agencyContactLine(target), refiledAs: refiled?.applicationNo ?? null };
}

/** Existing rows hashed the old, unsalted way become HMAC(secret, old hash): still verifiable, no code needed. */
export async function keyLegacyQueryCodes(d: ApplicationDeps): Promise<number> {
  const repo = d.ctx.db.getRepository(Application);
  const rows = await repo.createQueryBuilder("a").select(["a.id", "a.queryCodeHash"]).where("a.query_code_hash NOT LIKE 'k1.%'").getMany();
  for (const r of rows) {
    if (!isKeyedHash(r.queryCodeHash))
      await repo.update({ id: r.id, queryCodeHash: r.queryCodeHash }, { queryCodeHash: keyLegacyHash(d.secret(), r.queryCodeHash) });
  }
  return rows.length;
}

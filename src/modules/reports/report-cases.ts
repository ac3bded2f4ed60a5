// The register of administrative reconsiderations and lawsuits that feeds section 四: entering a case, editing it over
// the version it was read at, and listing the cases a year counts. The rules (valid case, what an edit changes) are
// report-rules.ts.
import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context";
import { DomainError } from "../../domain/errors";
import { AuditEvent, auditEvent, staffOrSystem } from "../../infra/entities/audit-event.entity";
import { updateVersioned, versionConflict } from "../../infra/versioned-update";
import { Application } from "../applications/application.entity";
import type { StaffPrincipal } from "../staff/staff-service";
import { ReviewCase, type CaseKind, type CaseOutcome } from "./entities";
import { assertValidCase, caseEdit } from "./report-rules";
import { yearBounds } from "./statistics";

export interface CaseInput {
  kind: CaseKind;
  outcome: CaseOutcome;
  filedAt: string;
  concludedAt?: string | null;
  applicationNo?: string | null;
  reference?: string | null;
  note?: string | null;
}

/** A case as the staff API and the console show it (the linked application by its number). */
export interface CaseView {
  id: string;
  kind: CaseKind;
  outcome: CaseOutcome;
  filedAt: string;
  concludedAt: string | null;
  applicationId: string | null;
  applicationNo: string | null;
  reference: string | null;
  note: string | null;
  version: number;
  updatedAt: string;
}

const caseView = (c: ReviewCase, applicationNo: string | null): CaseView => ({
  id: c.id,
  kind: c.kind,
  outcome: c.outcome,
  filedAt: c.filedAt,
  concludedAt: c.concludedAt,
  applicationId: c.applicationId,
  applicationNo,
  reference: c.reference,
  note: c.note,
  version: c.version,
  updatedAt: c.updatedAt,
});

export class ReportCases {
  constructor(private readonly ctx: AppContext) {}

  private now() {
    return this.ctx.clock.now().toISOString();
  }

  private async applicationIdByNo(agencyId: string, no: string | null | undefined): Promise<string | null> {
    if (!no) return null;
    const app = await this.ctx.db.getRepository(Application).findOne({ where: { agencyId, applicationNo: no }, select: { id: true } });
    if (!app) throw new DomainError("APPLICATION.NOT_FOUND", `申请编号 ${no} 不存在`);
    return app.id;
  }

  async createCase(agencyId: string, input: CaseInput, actor: StaffPrincipal): Promise<CaseView> {
    const concludedAt = input.concludedAt ?? null;
    assertValidCase({ outcome: input.outcome, filedAt: input.filedAt, concludedAt }, this.ctx.today());
    const applicationId = await this.applicationIdByNo(agencyId, input.applicationNo);
    const now = this.now();
    const c = Object.assign(new ReviewCase(), {
      id: randomUUID(),
      agencyId,
      kind: input.kind,
      outcome: input.outcome,
      filedAt: input.filedAt,
      concludedAt,
      applicationId,
      reference: input.reference ?? null,
      note: input.note ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await this.ctx.db.transaction(async (m) => {
      await m.insert(ReviewCase, c);
      const data = { kind: c.kind, outcome: c.outcome, filedAt: c.filedAt, concludedAt };
      await m.save(
        AuditEvent,
        auditEvent({ agencyId, entityType: "report_case", entityId: c.id, action: "report.case_created", actor: staffOrSystem(actor), data, at: now }),
      );
    });
    return caseView(c, input.applicationNo ?? null);
  }

  async updateCase(agencyId: string, id: string, patch: Partial<CaseInput>, actor: StaffPrincipal): Promise<CaseView> {
    const c = await this.ctx.db.getRepository(ReviewCase).findOneBy({ id, agencyId });
    if (!c) throw new DomainError("REPORT_CASE.NOT_FOUND", "案件不存在");
    const { applicationNo, ...rest } = patch;
    const applicationId = applicationNo !== undefined ? await this.applicationIdByNo(agencyId, applicationNo) : undefined;
    const { next, before, after } = caseEdit(c, { ...rest, applicationId }, this.ctx.today());
    const readVersion = c.version;
    Object.assign(c, next);
    c.updatedAt = this.now();
    await this.ctx.db.transaction(async (m) => {
      c.version = await updateVersioned(
        m,
        ReviewCase,
        c.id,
        readVersion,
        { ...next, updatedAt: c.updatedAt },
        versionConflict("REPORT.CONFLICT", "案件已被他人修改，请刷新后重试"),
      );
      const data = { before, after };
      await m.save(
        AuditEvent,
        auditEvent({ agencyId, entityType: "report_case", entityId: c.id, action: "report.case_updated", actor: staffOrSystem(actor), data, at: c.updatedAt }),
      );
    });
    const linked = c.applicationId
      ? await this.ctx.db.getRepository(Application).findOne({ where: { id: c.applicationId }, select: { applicationNo: true } })
      : null;
    return caseView(c, linked?.applicationNo ?? null);
  }

  /** Cases counted in a year's table 四 (filed by 31 Dec, not concluded before 1 Jan), or all when no year. */
  async listCases(agencyId: string, year?: number): Promise<CaseView[]> {
    const qb = this.ctx.db
      .getRepository(ReviewCase)
      .createQueryBuilder("c")
      .leftJoin(Application, "a", "a.id = c.application_id")
      .select("c")
      .addSelect("a.application_no", "application_no")
      .where("c.agency_id = :agencyId", { agencyId })
      .orderBy("c.filed_at", "ASC");
    if (year !== undefined) qb.andWhere("c.filed_at <= :end AND (c.concluded_at IS NULL OR c.concluded_at >= :start)", yearBounds(year));
    const { entities, raw } = await qb.getRawAndEntities();
    return entities.map((c, i) => caseView(c, (raw[i] as { application_no?: string | null }).application_no ?? null));
  }
}

// The LearnedKnowledge port on TypeORM (answer-unit.ts): misses recorded with one upsert that counts
// repeats, the answers staff write from the misses list (units "custom:<uuid>"), and missed questions
// attached to an existing unit. Everything is scoped by agency; staff changes write an audit event.
// Registered as the "learned-knowledge" service: the knowledge index reads customUnits/attachedQuestions
// and calls recordMiss for its low scores; the console's misses page and the staff API write through it.
import { randomUUID } from "node:crypto";
import { In, IsNull, Not } from "typeorm";
import type { AppContext } from "../../../context";
import { DomainError } from "../../../domain/errors";
import { auditEvent } from "../../../infra/entities/audit-event.entity";
import { Agency } from "../../../infra/entities/agency.entity";
import type { StaffPrincipal } from "../../staff/staff-service";
import type { AnswerUnit, LearnedKnowledge } from "./answer-unit";
import { BotCustomAnswer, BotMiss, type MissStatus } from "./learned-entities";
import { foldQuestion } from "./fold-question";
import { maskMissText } from "./mask-miss";

/** Ids an attachment may point to: the kinds of AnswerUnit ids. */
export const UNIT_ID_RE = /^(faq|guide|catalogue|report|custom):[^\s<>"']{1,190}$/;

export interface MissView {
  id: string;
  text: string;
  count: number;
  lastReply: string | null;
  score: number | null;
  channel: string;
  status: MissStatus;
  unitId: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

const view = (m: BotMiss): MissView => ({
  id: m.id,
  text: m.text,
  count: m.count,
  lastReply: m.lastReply,
  score: m.scorePermille === null ? null : m.scorePermille / 1000,
  channel: m.channel,
  status: m.status,
  unitId: m.unitId,
  firstSeenAt: m.firstSeenAt,
  lastSeenAt: m.lastSeenAt,
});

export class LearnedStore implements LearnedKnowledge {
  constructor(
    private readonly ctx: AppContext,
    /** Called after staff change an answer, so this process's knowledge index is rebuilt at once (others within its cache time). */
    private readonly changed: () => void = () => undefined,
  ) {}

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  /** One statement: a new row, or the repeat counted on the existing row of the same folded text. */
  async recordMiss(miss: { agencyId: string; text: string; reply: string; score: number | null; channel: string }): Promise<void> {
    const text = [...maskMissText(miss.text.trim())].slice(0, 500).join("");
    const key = [...foldQuestion(text)].slice(0, 200).join("");
    if (!key) return;
    const score = miss.score === null || !Number.isFinite(miss.score) ? null : Math.round(miss.score * 1000);
    const now = this.now();
    const q = this.ctx.sql.params();
    const row = {
      id: randomUUID(),
      agency_id: miss.agencyId,
      text_key: key,
      text,
      last_reply: maskMissText(miss.reply).slice(0, 2000),
      score_permille: score,
      channel: miss.channel.slice(0, 16),
      count: 1,
      status: "open",
      first_seen_at: now,
      last_seen_at: now,
    };
    const update =
      "count = bot_misses.count + 1, last_reply = excluded.last_reply, score_permille = excluded.score_permille, channel = excluded.channel, last_seen_at = excluded.last_seen_at";
    await this.ctx.db.query(this.ctx.sql.upsert(q, { table: "bot_misses", row, conflict: ["agency_id", "text_key"], update }), q.values);
  }

  async customUnits(agencyId: string): Promise<AnswerUnit[]> {
    const [agency, rows] = await Promise.all([
      this.ctx.db.getRepository(Agency).findOne({ select: { id: true, code: true, name: true }, where: { id: agencyId } }),
      this.ctx.db.getRepository(BotCustomAnswer).find({ where: { agencyId }, order: { createdAt: "ASC" } }),
    ]);
    return rows.map((r) => ({
      id: `custom:${r.id}`,
      kind: "custom" as const,
      agencyCode: agency?.code ?? "",
      questions: [r.question],
      answer: r.answer,
      source: { label: `${agency?.name ?? ""}工作人员解答（${r.updatedAt.slice(0, 10)}）` },
    }));
  }

  async attachedQuestions(agencyId: string): Promise<Array<{ unitId: string; question: string }>> {
    const rows = await this.ctx.db.getRepository(BotMiss).find({
      select: { unitId: true, text: true },
      where: { agencyId, status: In(["attached", "answered"]), unitId: Not(IsNull()) },
    });
    return rows.map((r) => ({ unitId: r.unitId!, question: r.text }));
  }

  /** The misses list: most frequent first, then most recent. */
  async listMisses(agencyId: string, o: { status?: MissStatus | "all"; limit?: number } = {}): Promise<MissView[]> {
    const where: Record<string, unknown> = { agencyId };
    if (o.status && o.status !== "all") where.status = o.status;
    const rows = await this.ctx.db.getRepository(BotMiss).find({ where, order: { count: "DESC", lastSeenAt: "DESC" }, take: Math.min(o.limit ?? 100, 500) });
    return rows.map(view);
  }

  private async miss(agencyId: string, id: string): Promise<BotMiss> {
    const m = await this.ctx.db.getRepository(BotMiss).findOneBy({ id, agencyId });
    if (!m) throw new DomainError("BOT_MISS.NOT_FOUND", "未找到该条未答问题");
    return m;
  }

  /** Attaches a missed question to an existing unit: the question becomes one more phrasing of that unit. */
  async attach(staff: StaffPrincipal, missId: string, unitId: string): Promise<MissView> {
    const id = unitId.trim();
    if (!UNIT_ID_RE.test(id)) throw new DomainError("VALIDATION.INVALID_INPUT", "答案编号格式不正确（如 faq:fees、custom:…）");
    if (id.startsWith("custom:")) {
      const exists = await this.ctx.db.getRepository(BotCustomAnswer).existsBy({ id: id.slice(7), agencyId: staff.agencyId });
      if (!exists) throw new DomainError("VALIDATION.INVALID_INPUT", "没有这条工作人员解答");
    }
    const m = await this.miss(staff.agencyId, missId);
    const now = this.now();
    await this.ctx.db.transaction(async (tx) => {
      await tx.update(BotMiss, { id: m.id, agencyId: staff.agencyId }, { status: "attached", unitId: id, handledBy: staff.id });
      await tx.save(
        auditEvent({
          agencyId: staff.agencyId,
          entityType: "bot_miss",
          entityId: m.id,
          actor: { type: "staff", id: staff.id },
          action: "bot_miss.attach",
          fromStatus: m.status,
          toStatus: "attached",
          data: { unitId: id },
          at: now,
        }),
      );
    });
    this.changed();
    return view({ ...m, status: "attached", unitId: id, handledBy: staff.id });
  }

  /** A new staff-written answer, optionally written for a missed question (which is then marked answered). */
  async writeAnswer(staff: StaffPrincipal, a: { missId?: string | null; question: string; answer: string }): Promise<AnswerUnit> {
    const question = a.question.trim();
    const answer = a.answer.trim();
    if (!question || !answer) throw new DomainError("VALIDATION.INVALID_INPUT", "请填写问题和答案");
    const m = a.missId ? await this.miss(staff.agencyId, a.missId) : null;
    const now = this.now();
    const row = Object.assign(new BotCustomAnswer(), {
      id: randomUUID(),
      agencyId: staff.agencyId,
      question: question.slice(0, 500),
      answer: answer.slice(0, 2000),
      createdBy: staff.id,
      createdAt: now,
      updatedAt: now,
    });
    await this.ctx.db.transaction(async (tx) => {
      await tx.save(row);
      if (m) await tx.update(BotMiss, { id: m.id, agencyId: staff.agencyId }, { status: "answered", unitId: `custom:${row.id}`, handledBy: staff.id });
      await tx.save(
        auditEvent({
          agencyId: staff.agencyId,
          entityType: "bot_answer",
          entityId: row.id,
          actor: { type: "staff", id: staff.id },
          action: "bot_answer.create",
          data: m ? { missId: m.id } : null,
          at: now,
        }),
      );
    });
    this.changed();
    return (await this.customUnits(staff.agencyId)).find((u) => u.id === `custom:${row.id}`)!;
  }
}

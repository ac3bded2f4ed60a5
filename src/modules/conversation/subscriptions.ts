// Subscription-message consents, counted as WeChat counts them: every "accept" the citizen gave in
// wx.requestSubscribeMessage (mini-program) or the 订阅通知 pop-up (official account) allows one message of
// that template; each message sent uses one; "ban" (switched off in the settings) and WeChat's own refusal
// for want of consent leave none. The counter lives in subscription_consents, one row per recipient+template.
import { randomUUID } from "node:crypto";
import { Column, Entity, PrimaryColumn, type DataSource } from "typeorm";
import { sqlDialect } from "../../infra/sql-dialect";

@Entity({ name: "subscription_consents" })
export class SubscriptionConsent {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  /** "mp:<openid>" or "oa:<openid>". */
  @Column({ type: "varchar", length: 200 })
  recipient!: string;

  @Column({ name: "template_id", type: "varchar", length: 128 })
  templateId!: string;

  @Column({ type: "integer", default: 0 })
  remaining!: number;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

/** The values wx.requestSubscribeMessage (and the official account's pop-up event) report per template id. */
export const SUBSCRIBE_RESULTS = ["accept", "reject", "ban", "filter"] as const;
export type SubscribeResult = (typeof SUBSCRIBE_RESULTS)[number];

/** WeChat's errcode for "the user has not subscribed / used up the consent". */
export const NO_CONSENT_ERRCODE = 43101;
/** A single mini-program user cannot bank more than this many consents per template (WeChat keeps no cap we could read; this bounds a hostile client). */
export const MAX_REMAINING = 100;

export class SubscriptionStore {
  constructor(
    private readonly db: DataSource,
    private readonly now: () => string,
  ) {}

  private get sql() {
    return sqlDialect(this.db);
  }

  /** Records one wx.requestSubscribeMessage result; returns the counts after it. */
  async record(recipient: string, results: Record<string, SubscribeResult>): Promise<Array<{ templateId: string; remaining: number }>> {
    const at = this.now();
    await this.db.transaction(async (m) => {
      for (const [templateId, result] of Object.entries(results)) {
        if (result === "accept") {
          const q = this.sql.params();
          const row = { id: randomUUID(), recipient, template_id: templateId, remaining: 1, updated_at: at };
          const update = `remaining = CASE WHEN subscription_consents.remaining >= ${MAX_REMAINING} THEN ${MAX_REMAINING} ELSE subscription_consents.remaining + 1 END, updated_at = excluded.updated_at`;
          await m.query(this.sql.upsert(q, { table: "subscription_consents", row, conflict: ["recipient", "template_id"], update }), q.values);
        } else if (result === "ban") {
          await this.zero(recipient, templateId, m);
        }
      }
    });
    return this.list(recipient);
  }

  async list(recipient: string): Promise<Array<{ templateId: string; remaining: number }>> {
    const rows = await this.db.getRepository(SubscriptionConsent).find({ where: { recipient }, order: { templateId: "ASC" } });
    return rows.map((r) => ({ templateId: r.templateId, remaining: r.remaining }));
  }

  /** Uses one consent, atomically; false when there is none left (two deliveries cannot both take the last). */
  async take(recipient: string, templateId: string): Promise<boolean> {
    const q = this.sql.params();
    const res: unknown = await this.db.query(
      `UPDATE subscription_consents SET remaining = remaining - 1, updated_at = ${q.p(this.now())} WHERE recipient = ${q.p(recipient)} AND template_id = ${q.p(templateId)} AND remaining > 0 RETURNING remaining`,
      q.values,
    );
    return this.sql.returnedRows(res).length > 0;
  }

  /** Gives a consent back when the message never reached WeChat (network failure, not a refusal). */
  async giveBack(recipient: string, templateId: string): Promise<void> {
    const q = this.sql.params();
    await this.db.query(
      `UPDATE subscription_consents SET remaining = remaining + 1, updated_at = ${q.p(this.now())} WHERE recipient = ${q.p(recipient)} AND template_id = ${q.p(templateId)}`,
      q.values,
    );
  }

  async zero(recipient: string, templateId: string, m: { query(sql: string, params?: unknown[]): Promise<unknown> } = this.db): Promise<void> {
    const q = this.sql.params();
    await m.query(
      `UPDATE subscription_consents SET remaining = 0, updated_at = ${q.p(this.now())} WHERE recipient = ${q.p(recipient)} AND template_id = ${q.p(templateId)}`,
      q.values,
    );
  }
}

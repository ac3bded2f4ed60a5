// A notification written in the same transaction as the change it reports; channels deliver it later.
import { Column, Entity, PrimaryColumn } from "typeorm";

export type OutboxStatus = "pending" | "sent" | "failed" | "expired";

@Entity({ name: "outbox" })
export class OutboxMessage {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ name: "application_id", type: "varchar", length: 36, nullable: true })
  applicationId!: string | null;

  /** The channel the application came from (online, wechat, miniprogram, in_person…). */
  @Column({ type: "varchar", length: 32 })
  channel!: string;

  /** Verified citizen key (e.g. "oa:<openid>", "mp:<openid>", "wx:<contact id>") or null. */
  @Column({ type: "varchar", length: 200, nullable: true })
  recipient!: string | null;

  @Column({ type: "varchar", length: 64 })
  kind!: string;

  @Column({ type: "simple-json" })
  payload!: Record<string, unknown>;

  @Column({ type: "varchar", length: 16, default: "pending" })
  status!: OutboxStatus;

  @Column({ type: "integer", default: 0 })
  attempts!: number;

  @Column({ name: "last_error", type: "text", nullable: true })
  lastError!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "delivered_at", type: "varchar", length: 30, nullable: true })
  deliveredAt!: string | null;
}

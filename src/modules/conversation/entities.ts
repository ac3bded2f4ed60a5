// Conversation records: a consultation handed to staff, and each attempt to deliver a notification.
import { Column, Entity, PrimaryColumn } from "typeorm";

export type ConsultationStatus = "open" | "answered";

@Entity({ name: "consultations" })
export class Consultation {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  /** oa | mp | wx | chat */
  @Column({ type: "varchar", length: 16 })
  channel!: string;

  /** Where the answer is delivered ("oa:<openid>", "wx:<contact>", "chat:<userId>"…). */
  @Column({ type: "varchar", length: 200 })
  recipient!: string;

  /** "yes" when the recipient is a verified identity. */
  @Column({ type: "varchar", length: 8 })
  verified!: string;

  /** requested | misunderstood */
  @Column({ type: "varchar", length: 16 })
  reason!: string;

  @Column({ type: "text" })
  question!: string;

  @Column({ type: "simple-json", nullable: true })
  transcript!: Array<{ from: string; text: string; at: string }> | null;

  @Column({ type: "varchar", length: 16, default: "open" })
  status!: ConsultationStatus;

  @Column({ type: "text", nullable: true })
  answer!: string | null;

  @Column({ name: "answered_by", type: "varchar", length: 36, nullable: true })
  answeredBy!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "answered_at", type: "varchar", length: 30, nullable: true })
  answeredAt!: string | null;
}

export type DeliveryMethod = "cs_message" | "template" | "subscribe" | "bizsend" | "bot" | "inbox";
/** sent; refused by WeChat (errcode kept); no_consent (no subscription left, nothing sent); failed (not reached); expired (48-hour window). */
export type DeliveryStatus = "sent" | "refused" | "no_consent" | "failed" | "expired";

@Entity({ name: "notification_deliveries" })
export class NotificationDelivery {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ name: "outbox_id", type: "varchar", length: 36 })
  outboxId!: string;

  @Column({ type: "varchar", length: 200 })
  recipient!: string;

  @Column({ type: "varchar", length: 16 })
  method!: DeliveryMethod;

  @Column({ type: "varchar", length: 16 })
  status!: DeliveryStatus;

  @Column({ type: "text", nullable: true })
  error!: string | null;

  /** WeChat's errcode when it refused the message (43101: no consent; 43116/47003: template or data problems). */
  @Column({ type: "integer", nullable: true })
  errcode!: number | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}

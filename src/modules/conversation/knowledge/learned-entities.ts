// What the bot learns from staff: every message it could not answer (one row per agency and folded text,
// counting repeats), and the answers staff wrote from that list. Both scoped by agency.
import { Column, Entity, PrimaryColumn } from "typeorm";

export type MissStatus = "open" | "attached" | "answered";

@Entity({ name: "bot_misses" })
export class BotMiss {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  /** The folded text (no spaces, punctuation or case) that groups repeats of one question. */
  @Column({ name: "text_key", type: "varchar", length: 200 })
  textKey!: string;

  /** The message as first seen, personal data masked. */
  @Column({ type: "text" })
  text!: string;

  /** What the bot answered the last time. */
  @Column({ name: "last_reply", type: "text", nullable: true })
  lastReply!: string | null;

  /** The index's score of its best unit (null: the intents found nothing). */
  @Column({ type: "integer", nullable: true, name: "score_permille" })
  scorePermille!: number | null;

  @Column({ type: "varchar", length: 16 })
  channel!: string;

  @Column({ type: "integer", default: 1 })
  count!: number;

  @Column({ type: "varchar", length: 16, default: "open" })
  status!: MissStatus;

  /** The answer unit staff attached it to, or the custom unit written for it. */
  @Column({ name: "unit_id", type: "varchar", length: 200, nullable: true })
  unitId!: string | null;

  @Column({ name: "handled_by", type: "varchar", length: 36, nullable: true })
  handledBy!: string | null;

  @Column({ name: "first_seen_at", type: "varchar", length: 30 })
  firstSeenAt!: string;

  @Column({ name: "last_seen_at", type: "varchar", length: 30 })
  lastSeenAt!: string;
}

@Entity({ name: "bot_custom_answers" })
export class BotCustomAnswer {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ type: "text" })
  question!: string;

  @Column({ type: "text" })
  answer!: string;

  @Column({ name: "created_by", type: "varchar", length: 36 })
  createdBy!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

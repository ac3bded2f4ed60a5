// Stored first answers of idempotent requests, written in the same transaction as what they created.
import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "idempotency_keys" })
export class IdempotencyKey {
  @PrimaryColumn({ type: "varchar", length: 64 })
  scope!: string;

  @PrimaryColumn({ name: "idem_key", type: "varchar", length: 200 })
  idemKey!: string;

  @Column({ name: "request_hash", type: "varchar", length: 64 })
  requestHash!: string;

  @Column({ type: "simple-json", nullable: true })
  response!: Record<string, unknown> | null;

  /** The query code of the first answer, sealed (src/modules/applications/retry-answers.ts); purged after the retry window. */
  @Column({ name: "sealed_code", type: "varchar", length: 200, nullable: true })
  sealedCode!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}

@Entity({ name: "counters" })
export class Counter {
  @PrimaryColumn({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @PrimaryColumn({ type: "varchar", length: 64 })
  name!: string;

  @Column({ type: "integer", default: 0 })
  value!: number;
}

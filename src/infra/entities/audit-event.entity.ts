// One row of the audit trail shared by every feature (applications, guide, catalogue, reports, users).
import { Column, Entity, PrimaryColumn } from "typeorm";

export type ActorType = "citizen" | "staff" | "system";

@Entity({ name: "audit_events" })
export class AuditEvent {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ name: "entity_type", type: "varchar", length: 40 })
  entityType!: string;

  @Column({ name: "entity_id", type: "varchar", length: 64 })
  entityId!: string;

  @Column({ name: "actor_type", type: "varchar", length: 16 })
  actorType!: ActorType;

  @Column({ name: "actor_id", type: "varchar", length: 64, nullable: true })
  actorId!: string | null;

  @Column({ type: "varchar", length: 64 })
  action!: string;

  @Column({ name: "from_status", type: "varchar", length: 32, nullable: true })
  fromStatus!: string | null;

  @Column({ name: "to_status", type: "varchar", length: 32, nullable: true })
  toStatus!: string | null;

  @Column({ type: "text", nullable: true })
  reason!: string | null;

  @Column({ type: "simple-json", nullable: true })
  data!: Record<string, unknown> | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}

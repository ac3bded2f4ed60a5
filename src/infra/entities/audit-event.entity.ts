// One row of the audit trail shared by every feature (applications, guide, catalogue, reports, users).
import { randomUUID } from "node:crypto";
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

export interface AuditInput {
  agencyId: string;
  entityType: string;
  entityId: string;
  action: string;
  /** Who did it; omitted or null = the system. */
  actor?: { type: ActorType; id: string | null } | null;
  fromStatus?: string | null;
  toStatus?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
  /** ISO instant (ctx.clock.now().toISOString()). */
  at: string;
}

/** The audit actor for a staff principal, else the system (`systemId`: "cli", "seed", "scheduler"…; null = unnamed). */
export function staffOrSystem(principal: { id: string } | null | undefined, systemId: string | null = null): { type: ActorType; id: string | null } {
  return principal ? { type: "staff", id: principal.id } : { type: "system", id: systemId };
}

/** Builds one audit row; every feature writes its audit trail through this (no module keeps a wrapper of its own). */
export function auditEvent(i: AuditInput): AuditEvent {
  return Object.assign(new AuditEvent(), {
    id: randomUUID(),
    agencyId: i.agencyId,
    entityType: i.entityType,
    entityId: i.entityId,
    actorType: i.actor?.type ?? "system",
    actorId: i.actor?.id ?? null,
    action: i.action,
    fromStatus: i.fromStatus ?? null,
    toStatus: i.toStatus ?? null,
    reason: i.reason ?? null,
    data: i.data ?? null,
    createdAt: i.at,
  });
}

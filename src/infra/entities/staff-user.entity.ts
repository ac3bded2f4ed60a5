// Staff accounts (clerk, approver, admin) and their revocable login sessions.
import { Column, Entity, PrimaryColumn } from "typeorm";
import type { StaffRole } from "../../domain/staff-roles";

export type { StaffRole } from "../../domain/staff-roles";

@Entity({ name: "staff_users" })
export class StaffUser {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  @Column({ type: "varchar", length: 64 })
  username!: string;

  @Column({ name: "display_name", type: "varchar", length: 100, nullable: true })
  displayName!: string | null;

  @Column({ name: "password_hash", type: "varchar", length: 200 })
  passwordHash!: string;

  @Column({ type: "varchar", length: 16 })
  role!: StaffRole;

  @Column({ type: "boolean", default: true })
  active!: boolean;

  /** Base32 TOTP secret (admins' optional second factor); in force only once totpEnabledAt is set. */
  @Column({ name: "totp_secret", type: "varchar", length: 64, nullable: true })
  totpSecret!: string | null;

  @Column({ name: "totp_enabled_at", type: "varchar", length: 30, nullable: true })
  totpEnabledAt!: string | null;

  @Column({ name: "password_changed_at", type: "varchar", length: 30, nullable: true })
  passwordChangedAt!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

@Entity({ name: "staff_sessions" })
export class StaffSession {
  /** SHA-256 of the bearer token; the token itself is never stored. */
  @PrimaryColumn({ name: "token_hash", type: "varchar", length: 64 })
  tokenHash!: string;

  @Column({ name: "user_id", type: "varchar", length: 36 })
  userId!: string;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "expires_at", type: "varchar", length: 30 })
  expiresAt!: string;

  @Column({ name: "revoked_at", type: "varchar", length: 30, nullable: true })
  revokedAt!: string | null;

  @Column({ name: "user_agent", type: "varchar", length: 200, nullable: true })
  userAgent!: string | null;
}

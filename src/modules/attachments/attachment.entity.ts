// A file on an application (identity proof or supporting file): the metadata row; the bytes live behind
// AttachmentStorage (attachment-storage.ts).
import { Column, Entity, PrimaryColumn } from "typeorm";

export const ATTACHMENT_KINDS = ["identity", "supporting"] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
export const KIND_LABELS: Record<AttachmentKind, string> = { identity: "身份证明", supporting: "其他材料" };
export type AttachmentSource = "miniprogram" | "wechat" | "online";

@Entity({ name: "attachments" })
export class Attachment {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ name: "agency_id", type: "varchar", length: 36 })
  agencyId!: string;

  /** Null while an official-account image waits for its filing dialogue to create the application. */
  @Column({ name: "application_id", type: "varchar", length: 36, nullable: true })
  applicationId!: string | null;

  @Column({ name: "pending_key", type: "varchar", length: 300, nullable: true })
  pendingKey!: string | null;

  @Column({ type: "varchar", length: 16 })
  kind!: AttachmentKind;

  /** Detected from the content, never taken from the client. */
  @Column({ type: "varchar", length: 64 })
  mime!: string;

  @Column({ name: "size_bytes", type: "integer" })
  sizeBytes!: number;

  @Column({ type: "varchar", length: 64 })
  sha256!: string;

  @Column({ type: "varchar", length: 16 })
  source!: AttachmentSource;

  /** The verified citizen key that uploaded it ("mp:<openid>", "oa:<openid>"), null for the portal form. */
  @Column({ name: "uploaded_by", type: "varchar", length: 200, nullable: true })
  uploadedBy!: string | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;
}

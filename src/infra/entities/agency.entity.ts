// An agency (机关) owning every domain record; the service is multi-agency from day one.
import { Column, Entity, PrimaryColumn } from "typeorm";

export interface AgencyChannel {
  name: string;
  kind: string;
  note?: string;
  url?: string;
}

export interface AgencyDuties {
  keywords: string[];
  summary: string;
}

export interface AgencyProfile {
  shortName?: string;
  fullName?: string;
  region?: string;
  established?: string;
  /** Code used in index numbers (索引号) and application numbers. */
  indexCode?: string;
  channels: AgencyChannel[];
  /** Contact details the agency has not yet given are null and shown as “待机关补充”. */
  contact: Record<string, string | null>;
  /** What the agency handles, for routing citizens to it (issue 17): keywords and one sentence. */
  duties?: AgencyDuties;
  /** Reply-letter bodies of this agency by disposition code, over config/reply-templates/bodies.json. */
  replyTemplates?: Record<string, string>;
  [key: string]: unknown;
}

@Entity({ name: "agencies" })
export class Agency {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id!: string;

  @Column({ type: "varchar", length: 40 })
  code!: string;

  @Column({ type: "varchar", length: 200 })
  name!: string;

  /** The agency above it in the district's tree (district government → departments, streets); null at the top. */
  @Column({ name: "parent_id", type: "varchar", length: 36, nullable: true })
  parentId!: string | null;

  @Column({ type: "simple-json", nullable: true })
  profile!: AgencyProfile | null;

  @Column({ name: "created_at", type: "varchar", length: 30 })
  createdAt!: string;

  @Column({ name: "updated_at", type: "varchar", length: 30 })
  updatedAt!: string;
}

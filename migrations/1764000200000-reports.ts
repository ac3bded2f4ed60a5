// Schema for annual reports (issue 4: report drafts, snapshots, review/litigation cases, section 二 figures…).
import type { MigrationInterface, QueryRunner } from "typeorm";

export class Reports1764000200000 implements MigrationInterface {
  name = "Reports1764000200000";

  async up(_qr: QueryRunner): Promise<void> {
    // Tables of this feature are added here.
  }

  async down(_qr: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}

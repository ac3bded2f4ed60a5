// Schema for applications (issue 3: clock pauses, corrections, consultations, splits…).
import type { MigrationInterface, QueryRunner } from "typeorm";

export class Applications1764000100000 implements MigrationInterface {
  name = "Applications1764000100000";

  async up(_qr: QueryRunner): Promise<void> {
    // Tables of this feature are added here.
  }

  async down(_qr: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}

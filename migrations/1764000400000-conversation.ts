// Schema for conversation (issue 6: consultations/handoff, notification deliveries, message dedupe…).
import type { MigrationInterface, QueryRunner } from "typeorm";

export class Conversation1764000400000 implements MigrationInterface {
  name = "Conversation1764000400000";

  async up(_qr: QueryRunner): Promise<void> {
    // Tables of this feature are added here.
  }

  async down(_qr: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}

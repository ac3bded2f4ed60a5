// Schema for guide and catalogue (issue 5: guide versions, catalogue entries, search index…).
import type { MigrationInterface, QueryRunner } from "typeorm";

export class Catalogue1764000300000 implements MigrationInterface {
  name = "Catalogue1764000300000";

  async up(_qr: QueryRunner): Promise<void> {
    // Tables of this feature are added here.
  }

  async down(_qr: QueryRunner): Promise<void> {
    // Reverse of up().
  }
}

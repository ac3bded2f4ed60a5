// Guide drafts get an edit counter (`revision`): two staff saving the same draft at once no longer overwrite each
// other — the write is conditional on the revision read (src/infra/versioned-update.ts), the later one is refused.
import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { int } from "./lib";

export class GuideRevision1764101800000 implements MigrationInterface {
  name = "GuideRevision1764101800000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn("guide_versions", new TableColumn(int("revision", 0)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("guide_versions", "revision");
  }
}

// Issue 17 (citizens routed to the right agency): an application answered 无法提供·不属于本机关 may name the
// competent agency on the platform (Art. 36(5)), and a re-filing to it is a new application linked to the
// original. At most one re-filing per original (unique index): re-filing twice finds the same application.
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

export class CitizenRouting1764100900000 implements MigrationInterface {
  name = "CitizenRouting1764100900000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn("applications", new TableColumn({ name: "competent_agency_id", type: "varchar", length: "36", isNullable: true }));
    await qr.addColumn("applications", new TableColumn({ name: "refiled_from_id", type: "varchar", length: "36", isNullable: true }));
    await qr.createIndex("applications", new TableIndex({ name: "uq_applications_refiled_from", columnNames: ["refiled_from_id"], isUnique: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("applications", "uq_applications_refiled_from");
    await qr.dropColumn("applications", "refiled_from_id");
    await qr.dropColumn("applications", "competent_agency_id");
  }
}

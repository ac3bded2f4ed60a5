// Schema for applications (issue 3): the clock's facts (receipt, corrections, consultations, extension),
// the open pause, the correction period, and the Art. 29 fields not in the foundation table.
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { bool, date, int, json, str, text } from "./lib";

const columns = () => [
  new TableColumn(json("clock_log")),
  new TableColumn(date("paused_since")),
  new TableColumn(int("paused_working_days", 0)),
  new TableColumn(date("correction_due_date")),
  new TableColumn(str("document_no", 100, true)),
  new TableColumn(text("purpose")),
  new TableColumn(bool("oral", false)),
];

export class Applications1764000100000 implements MigrationInterface {
  name = "Applications1764000100000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumns("applications", columns());
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_parent", columnNames: ["parent_id"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("applications", "ix_applications_parent");
    await qr.dropColumns(
      "applications",
      columns().map((c) => c.name),
    );
  }
}

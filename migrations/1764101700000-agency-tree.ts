// Issue 17 (one platform, many agencies): an agency's place in the district's tree (its parent agency), and
// the indexes the supervisor's district views need over every agency's applications at once (the plans of
// bench/district.bench.ts: open applications by due date, and answers by disposition date with their due date).
// The district table itself reads a year's scope of every agency: a parallel sequential scan is its plan (index
// ranges read through three unions were tried and measured slower, bench/district.bench.ts notes).
import { TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { ref } from "./lib";

/** The statuses of an open application (src/modules/applications/lifecycle.ts OPEN_STATUSES), fixed here as data. */
const OPEN = ["awaiting_confirmation", "received", "correction_requested", "in_progress", "consultation"];

export class AgencyTree1764101700000 implements MigrationInterface {
  name = "AgencyTree1764101700000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn("agencies", new TableColumn(ref("parent_id", true)));
    // RESTRICT: an agency with sub-agencies is not deleted from under them.
    await qr.createForeignKey(
      "agencies",
      new TableForeignKey({
        name: "fk_agencies_parent",
        columnNames: ["parent_id"],
        referencedTableName: "agencies",
        referencedColumnNames: ["id"],
        onDelete: "RESTRICT",
      }),
    );
    await qr.createIndex("agencies", new TableIndex({ name: "ix_agencies_parent", columnNames: ["parent_id"] }));
    // Overdue and at-risk applications of many agencies: only open rows (a few per cent of the table) are indexed.
    await qr.createIndex(
      "applications",
      new TableIndex({
        name: "ix_applications_open_due",
        columnNames: ["due_date", "agency_id", "paused_since"],
        where: `status IN (${OPEN.map((s) => `'${s}'`).join(", ")})`,
      }),
    );
    // On-time rates: the year's answers by disposition date, with the due date they are compared with.
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_answered_due", columnNames: ["disposition_date", "agency_id", "due_date"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("applications", "ix_applications_answered_due");
    await qr.dropIndex("applications", "ix_applications_open_due");
    await qr.dropIndex("agencies", "ix_agencies_parent");
    await qr.dropForeignKey("agencies", "fk_agencies_parent");
    await qr.dropColumn("agencies", "parent_id");
  }
}

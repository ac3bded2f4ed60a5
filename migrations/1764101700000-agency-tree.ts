// Issue 17 (one platform, many agencies): an agency's place in the district's tree (its parent agency), and
// the indexes the supervisor's district views need over every agency's applications at once (the plans of
// bench/district.bench.ts: open applications by due date, and answers by disposition date with their due date).
import { TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { ref } from "./lib";

/** The statuses of an open application (src/modules/applications/lifecycle.ts OPEN_STATUSES), fixed here as data. */
const OPEN = ["awaiting_confirmation", "received", "correction_requested", "in_progress", "consultation"];

export class AgencyTree1764101700000 implements MigrationInterface {
  name = "AgencyTree1764101700000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn("agencies", new TableColumn(ref("parent_id", true)));
    // RESTRICT: an agency with sub-agencies is not deleted from under them.
    await qr.createForeignKey("agencies", new TableForeignKey({ name: "fk_agencies_parent", columnNames: ["parent_id"], referencedTableName: "agencies", referencedColumnNames: ["id"], onDelete: "RESTRICT" }));
    await qr.createIndex("agencies", new TableIndex({ name: "ix_agencies_parent", columnNames: ["parent_id"] }));
    // Overdue and at-risk applications of many agencies: only open rows (a few per cent of the table) are indexed.
    await qr.createIndex(
      "applications",
      new TableIndex({ name: "ix_applications_open_due", columnNames: ["due_date", "agency_id", "paused_since"], where: `status IN (${OPEN.map((s) => `'${s}'`).join(", ")})` }),
    );
    // The district table of many agencies reads a report year's scope in three disjoint index ranges instead of
    // the whole table (src/modules/reports/statistics.ts agencyTablesSql): received in the year (by receipt date),
    // received before and concluded in or after the year, and received before and still open (by disposition date,
    // NULL included). Both carry every column the table needs, so the scans are index-only; the second also
    // serves the on-time rates (the year's answers by disposition date, with their due date).
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_received_scope", columnNames: ["received_at", "agency_id", "disposition_date", "applicant_category", "disposition"] }));
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_disposed_scope", columnNames: ["disposition_date", "received_at", "agency_id", "applicant_category", "disposition", "due_date"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("applications", "ix_applications_disposed_scope");
    await qr.dropIndex("applications", "ix_applications_received_scope");
    await qr.dropIndex("applications", "ix_applications_open_due");
    await qr.dropIndex("agencies", "ix_agencies_parent");
    await qr.dropForeignKey("agencies", "fk_agencies_parent");
    await qr.dropColumn("agencies", "parent_id");
  }
}

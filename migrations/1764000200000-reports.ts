// Schema for annual reports (issue 4): the editable draft of a report year (narratives, section 二 figures,
// information-processing fees), the register of review/litigation cases (section 四), the immutable published
// versions, and a covering index that lets the application table be computed by an index-only scan.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { date, id, instant, int, json, numeric, ref, str, text } from "./lib";

const fk = (col: string, table: string, onDelete = "CASCADE") => ({ columnNames: [col], referencedTableName: table, referencedColumnNames: ["id"], onDelete });

export class Reports1764000200000 implements MigrationInterface {
  name = "Reports1764000200000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: "report_drafts",
        columns: [
          id(),
          ref("agency_id"),
          int("year"),
          str("format_id", 8),
          text("preamble"),
          text("section1"),
          text("section5"),
          text("section6"),
          // Section 二 figures entered by staff: {subTableCode: {rowCode: {columnCode: number|null}}}.
          json("active_disclosure"),
          str("purchase_amount_unit", 20, true),
          // Information-processing fees collected in the year (stored per year, printed in section 六).
          int("fee_cases", 0),
          numeric("fee_amount_yuan"),
          instant("generated_at", true),
          int("version", 1),
          instant("created_at"),
          instant("updated_at"),
        ],
        uniques: [{ name: "uq_report_drafts_year", columnNames: ["agency_id", "year"] }],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );

    await qr.createTable(
      new Table({
        name: "report_cases",
        columns: [
          id(),
          ref("agency_id"),
          str("kind", 32),
          str("outcome", 16),
          date("filed_at", false),
          date("concluded_at"),
          ref("application_id", true),
          str("reference", 100, true),
          text("note"),
          int("version", 1),
          instant("created_at"),
          instant("updated_at"),
        ],
        foreignKeys: [fk("agency_id", "agencies"), fk("application_id", "applications", "SET NULL")],
      }),
    );
    await qr.createIndex("report_cases", new TableIndex({ name: "ix_report_cases_filed", columnNames: ["agency_id", "filed_at"] }));

    await qr.createTable(
      new Table({
        name: "report_publications",
        columns: [
          id(),
          ref("agency_id"),
          int("year"),
          int("version"),
          str("format_id", 8),
          // The full report JSON (the public contract) frozen at publication, plus internal evidence.
          json("snapshot", false),
          // Application numbers carried into the next year (row 四), to name them if a later year disagrees.
          json("carried_forward_nos"),
          json("differences"),
          str("source", 16),
          ref("published_by", true),
          instant("published_at"),
        ],
        uniques: [{ name: "uq_report_publications_version", columnNames: ["agency_id", "year", "version"] }],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );

    // Covering index for the annual table: the WHERE uses (agency_id, received_at, disposition_date) and the
    // aggregation reads applicant_category and disposition, so PostgreSQL can answer from the index alone.
    await qr.createIndex(
      "applications",
      new TableIndex({ name: "ix_applications_report", columnNames: ["agency_id", "received_at", "disposition_date", "applicant_category", "disposition"] }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("applications", "ix_applications_report");
    await qr.dropTable("report_publications");
    await qr.dropTable("report_cases");
    await qr.dropTable("report_drafts");
  }
}

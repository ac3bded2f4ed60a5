// Schema for conversation (issue 6): consultations handed to staff, and the delivery record of every
// notification (outbox message) on the citizen's channel.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, instant, json, ref, str, text } from "./lib";

export class Conversation1764000400000 implements MigrationInterface {
  name = "Conversation1764000400000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: "consultations",
        columns: [
          id(),
          ref("agency_id"),
          str("channel", 16),
          // Where the answer goes: "oa:<openid>", "mp:<openid>", "wx:<contact>" or "chat:<userId>".
          str("recipient", 200),
          str("verified", 8),
          str("reason", 16),
          text("question", false),
          json("transcript"),
          str("status", 16, false, "open"),
          text("answer"),
          ref("answered_by", true),
          instant("created_at"),
          instant("answered_at", true),
        ],
        foreignKeys: [{ columnNames: ["agency_id"], referencedTableName: "agencies", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createIndex("consultations", new TableIndex({ name: "ix_consultations_status", columnNames: ["agency_id", "status", "created_at"] }));

    await qr.createTable(
      new Table({
        name: "notification_deliveries",
        columns: [
          id(),
          ref("agency_id"),
          ref("outbox_id"),
          str("recipient", 200),
          // cs_message | template | subscribe | bot | inbox
          str("method", 16),
          // sent | failed | expired
          str("status", 16),
          text("error"),
          instant("created_at"),
        ],
        foreignKeys: [{ columnNames: ["outbox_id"], referencedTableName: "outbox", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createIndex("notification_deliveries", new TableIndex({ name: "ix_deliveries_outbox", columnNames: ["outbox_id", "created_at"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("notification_deliveries");
    await qr.dropTable("consultations");
  }
}

// Schema for what the bot learns (issue 14): messages it missed (one row per agency and folded text, with a
// repeat count, so recording a miss is one upsert) and the answers staff wrote from the misses list.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, instant, int, ref, str, text } from "./lib";

const agencyFk = { columnNames: ["agency_id"], referencedTableName: "agencies", referencedColumnNames: ["id"], onDelete: "CASCADE" };

export class BotLearning1764100700000 implements MigrationInterface {
  name = "BotLearning1764100700000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: "bot_misses",
        columns: [
          id(),
          ref("agency_id"),
          str("text_key", 200),
          text("text", false),
          text("last_reply"),
          { name: "score_permille", type: "integer", isNullable: true },
          str("channel", 16),
          int("count", 1),
          // open | attached | answered
          str("status", 16, false, "open"),
          str("unit_id", 200, true),
          ref("handled_by", true),
          instant("first_seen_at"),
          instant("last_seen_at"),
        ],
        // The upsert of a repeated miss conflicts on this.
        uniques: [{ name: "uq_bot_misses_text", columnNames: ["agency_id", "text_key"] }],
        foreignKeys: [agencyFk],
      }),
    );
    await qr.createIndex("bot_misses", new TableIndex({ name: "ix_bot_misses_count", columnNames: ["agency_id", "status", "count"] }));

    await qr.createTable(
      new Table({
        name: "bot_custom_answers",
        columns: [id(), ref("agency_id"), text("question", false), text("answer", false), ref("created_by"), instant("created_at"), instant("updated_at")],
        foreignKeys: [agencyFk],
      }),
    );
    await qr.createIndex("bot_custom_answers", new TableIndex({ name: "ix_bot_custom_answers_agency", columnNames: ["agency_id"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("bot_custom_answers");
    await qr.dropTable("bot_misses");
  }
}

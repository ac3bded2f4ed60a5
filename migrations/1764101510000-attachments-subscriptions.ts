// Schema of issue 15's mini-program side and attachments: the files on an application (metadata here, the
// bytes in attachment_blobs behind the storage interface so object storage can replace that one table),
// the subscription-message consents (one row per recipient and template, counted down per message), and
// the WeChat errcode of a refused delivery.
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { id, instant, int, isPostgres, ref, str } from "./lib";

export class AttachmentsSubscriptions1764101510000 implements MigrationInterface {
  name = "AttachmentsSubscriptions1764101510000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: "attachments",
        columns: [
          id(),
          ref("agency_id"),
          // Null while an official-account image waits for the filing dialogue that will create the application.
          ref("application_id", true),
          str("pending_key", 300, true),
          // identity | supporting
          str("kind", 16),
          str("mime", 64),
          int("size_bytes"),
          str("sha256", 64),
          // miniprogram | wechat | online
          str("source", 16),
          str("uploaded_by", 200, true),
          instant("created_at"),
        ],
        foreignKeys: [{ columnNames: ["agency_id"], referencedTableName: "agencies", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createIndex("attachments", new TableIndex({ name: "ix_attachments_application", columnNames: ["application_id"] }));
    await qr.createIndex("attachments", new TableIndex({ name: "ix_attachments_pending", columnNames: ["pending_key"] }));

    await qr.createTable(
      new Table({
        name: "attachment_blobs",
        columns: [id(), { name: "content", type: isPostgres(qr) ? "bytea" : "blob", isNullable: false }],
      }),
    );

    await qr.createTable(
      new Table({
        name: "subscription_consents",
        columns: [
          id(),
          // "mp:<openid>" (mini-program) or "oa:<openid>" (official account 订阅通知)
          str("recipient", 200),
          str("template_id", 128),
          int("remaining", 0),
          instant("updated_at"),
        ],
        uniques: [{ name: "uq_subscription_consents", columnNames: ["recipient", "template_id"] }],
      }),
    );

    await qr.addColumn("notification_deliveries", new TableColumn({ name: "errcode", type: "integer", isNullable: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("notification_deliveries", "errcode");
    await qr.dropTable("subscription_consents");
    await qr.dropTable("attachment_blobs");
    await qr.dropTable("attachments");
  }
}

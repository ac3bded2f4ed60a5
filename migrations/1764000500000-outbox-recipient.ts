// Issue 8: the chat asks the outbox with every message whether something waits for this citizen
// (recipient + status). Without an index of its own that probe scanned every pending notification, a set
// that grows with undelivered official-account messages.
import { TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

export class OutboxRecipient1764000500000 implements MigrationInterface {
  name = "OutboxRecipient1764000500000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex("outbox", new TableIndex({ name: "ix_outbox_recipient", columnNames: ["recipient", "status", "created_at"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("outbox", "ix_outbox_recipient");
  }
}

// Issue 13 (citizen hardening): stored retry answers keep the query code sealed in a column of its own, purged
// after the retry window; the plain codes kept so far are removed. Old keys were not namespaced by channel
// and client, so no new request can match them anyway: their stored answers are dropped (the rows stay, as
// the record of which keys were used). Runs unchanged on PostgreSQL and SQLite.
import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";

export class CitizenHardening1764100500000 implements MigrationInterface {
  name = "CitizenHardening1764100500000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn("idempotency_keys", new TableColumn({ name: "sealed_code", type: "varchar", length: "200", isNullable: true }));
    await qr.query(`UPDATE idempotency_keys SET response = NULL`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("idempotency_keys", "sealed_code");
  }
}

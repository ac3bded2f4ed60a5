// Foundation schema: agencies, staff accounts and sessions, applications, the shared audit trail,
// the notification outbox, idempotency keys and per-agency counters.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { bool, date, id, instant, int, json, ref, str, text } from "./lib";

const fk = (col: string, table: string, onDelete = "CASCADE") => ({ columnNames: [col], referencedTableName: table, referencedColumnNames: ["id"], onDelete });

export class Foundation1764000000000 implements MigrationInterface {
  name = "Foundation1764000000000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: "agencies",
        columns: [id(), str("code", 40), str("name", 200), json("profile"), instant("created_at"), instant("updated_at")],
        uniques: [{ name: "uq_agencies_code", columnNames: ["code"] }],
      }),
    );

    await qr.createTable(
      new Table({
        name: "staff_users",
        columns: [
          id(),
          ref("agency_id"),
          str("username", 64),
          str("display_name", 100, true),
          str("password_hash", 200),
          str("role", 16),
          bool("active", true),
          instant("created_at"),
          instant("updated_at"),
        ],
        uniques: [{ name: "uq_staff_users_username", columnNames: ["username"] }],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );

    await qr.createTable(
      new Table({
        name: "staff_sessions",
        columns: [
          { ...str("token_hash", 64), isPrimary: true },
          ref("user_id"),
          instant("created_at"),
          instant("expires_at"),
          instant("revoked_at", true),
          str("user_agent", 200, true),
        ],
        foreignKeys: [fk("user_id", "staff_users")],
      }),
    );
    await qr.createIndex("staff_sessions", new TableIndex({ name: "ix_staff_sessions_user", columnNames: ["user_id"] }));

    await qr.createTable(
      new Table({
        name: "applications",
        columns: [
          id(),
          ref("agency_id"),
          str("application_no", 40),
          str("query_code_hash", 64),
          str("status", 32),
          str("channel", 32),
          str("applicant_category", 32),
          str("applicant_name", 200),
          // Identity and contact details (ID number, phone, address…) as JSON: never logged, never in list responses.
          json("applicant", false),
          str("applicant_key", 64, true),
          text("description", false),
          text("description_normalized", true),
          str("delivery_form", 16),
          str("delivery_method", 16),
          instant("submitted_at"),
          date("received_at"),
          text("receipt_evidence"),
          date("clock_start_date"),
          date("due_date"),
          str("due_date_flag", 100, true),
          int("extension_working_days", 0),
          ref("assignee_id", true),
          str("disposition", 64, true),
          date("disposition_date"),
          text("disposition_note"),
          ref("parent_id", true),
          ref("possible_repeat_of", true),
          str("external_id", 100, true),
          str("citizen_key", 200, true),
          int("version", 1),
          instant("created_at"),
          instant("updated_at"),
        ],
        uniques: [
          { name: "uq_applications_no", columnNames: ["application_no"] },
          { name: "uq_applications_external", columnNames: ["agency_id", "external_id"] },
        ],
        foreignKeys: [fk("agency_id", "agencies"), fk("assignee_id", "staff_users", "SET NULL")],
      }),
    );
    // The annual table aggregates by receipt date and by disposition date within one agency.
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_received", columnNames: ["agency_id", "received_at", "applicant_category"] }));
    await qr.createIndex(
      "applications",
      new TableIndex({ name: "ix_applications_disposed", columnNames: ["agency_id", "disposition_date", "applicant_category"] }),
    );
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_status", columnNames: ["agency_id", "status", "due_date"] }));
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_citizen", columnNames: ["citizen_key"] }));
    await qr.createIndex("applications", new TableIndex({ name: "ix_applications_applicant", columnNames: ["agency_id", "applicant_key"] }));

    await qr.createTable(
      new Table({
        name: "audit_events",
        columns: [
          id(),
          ref("agency_id"),
          str("entity_type", 40),
          str("entity_id", 64),
          str("actor_type", 16),
          str("actor_id", 64, true),
          str("action", 64),
          str("from_status", 32, true),
          str("to_status", 32, true),
          text("reason"),
          json("data"),
          instant("created_at"),
        ],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );
    await qr.createIndex("audit_events", new TableIndex({ name: "ix_audit_entity", columnNames: ["entity_type", "entity_id", "created_at"] }));

    await qr.createTable(
      new Table({
        name: "outbox",
        columns: [
          id(),
          ref("agency_id"),
          ref("application_id", true),
          str("channel", 32),
          str("recipient", 200, true),
          str("kind", 64),
          json("payload", false),
          str("status", 16, false, "pending"),
          int("attempts", 0),
          text("last_error"),
          instant("created_at"),
          instant("delivered_at", true),
        ],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );
    await qr.createIndex("outbox", new TableIndex({ name: "ix_outbox_status", columnNames: ["status", "created_at"] }));

    await qr.createTable(
      new Table({
        name: "idempotency_keys",
        columns: [
          { ...str("scope", 64), isPrimary: true },
          { ...str("idem_key", 200), isPrimary: true },
          str("request_hash", 64),
          json("response"),
          instant("created_at"),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: "counters",
        columns: [{ ...ref("agency_id"), isPrimary: true }, { ...str("name", 64), isPrimary: true }, int("value", 0)],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ["counters", "idempotency_keys", "outbox", "audit_events", "applications", "staff_sessions", "staff_users", "agencies"]) {
      await qr.dropTable(t);
    }
  }
}

// Issue 13 (staff hardening): usernames are unique per agency, not globally (a global constraint told one
// agency's admin which usernames another agency uses); admins may add a TOTP second factor.
import { TableColumn, TableUnique, type MigrationInterface, type QueryRunner } from "typeorm";
import { instant, str } from "./lib";

export class StaffLifecycle1764100400000 implements MigrationInterface {
  name = "StaffLifecycle1764100400000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.dropUniqueConstraint("staff_users", "uq_staff_users_username");
    await qr.createUniqueConstraint("staff_users", new TableUnique({ name: "uq_staff_users_agency_username", columnNames: ["agency_id", "username"] }));
    // The base32 TOTP secret (set while enrolling, active once totp_enabled_at is set) and when the password changed.
    await qr.addColumn("staff_users", new TableColumn(str("totp_secret", 64, true)));
    await qr.addColumn("staff_users", new TableColumn(instant("totp_enabled_at", true)));
    await qr.addColumn("staff_users", new TableColumn(instant("password_changed_at", true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("staff_users", "password_changed_at");
    await qr.dropColumn("staff_users", "totp_enabled_at");
    await qr.dropColumn("staff_users", "totp_secret");
    await qr.dropUniqueConstraint("staff_users", "uq_staff_users_agency_username");
    await qr.createUniqueConstraint("staff_users", new TableUnique({ name: "uq_staff_users_username", columnNames: ["username"] }));
  }
}

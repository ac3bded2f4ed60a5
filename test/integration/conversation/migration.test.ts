// The conversation migration runs and reverts on both databases.
import { Conversation1764000400000 } from "../../../migrations/1764000400000-conversation";
import { createTestEnv } from "../../helpers/test-context";

describe.each(["postgres", "sqlite"] as const)("conversation migration on %s", (db) => {
  it("creates consultations and notification_deliveries, and down() removes them", async () => {
    const env = await createTestEnv({ db, redis: false, prepare: false });
    try {
      await env.ctx.db.runMigrations({ transaction: "each" });
      const qr = env.ctx.db.createQueryRunner();
      try {
        expect(await qr.hasTable("consultations")).toBe(true);
        expect(await qr.hasTable("notification_deliveries")).toBe(true);
        expect(await qr.hasColumn("consultations", "recipient")).toBe(true);
        await new Conversation1764000400000().down(qr);
        expect(await qr.hasTable("consultations")).toBe(false);
        expect(await qr.hasTable("notification_deliveries")).toBe(false);
        expect(await qr.hasTable("outbox")).toBe(true);
        await new Conversation1764000400000().up(qr);
        expect(await qr.hasTable("consultations")).toBe(true);
      } finally {
        await qr.release();
      }
    } finally {
      await env.close();
    }
  });
});

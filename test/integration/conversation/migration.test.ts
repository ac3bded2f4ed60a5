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

describe.each(["postgres", "sqlite"] as const)("outbox recipient index on %s", (db) => {
  it("the chat's inbox probe (recipient + pending) is answered from ix_outbox_recipient, not by scanning pending rows", async () => {
    const env = await createTestEnv({ db, redis: false });
    try {
      const probe = `SELECT 1 FROM outbox WHERE recipient = ${db === "postgres" ? "$1" : "?"} AND status = 'pending' LIMIT 1`;
      const plan =
        db === "postgres"
          ? await env.ctx.db.transaction(async (m) => {
              await m.query("SET LOCAL enable_seqscan = off");
              return m.query(`EXPLAIN ${probe}`, ["chat:u1"]);
            })
          : await env.ctx.db.query(`EXPLAIN QUERY PLAN ${probe}`, ["chat:u1"]);
      expect(JSON.stringify(plan)).toContain("ix_outbox_recipient");
    } finally {
      await env.close();
    }
  });
});

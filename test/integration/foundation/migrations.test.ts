// Migrations run up and down cleanly on both databases; the default agency is loaded at first start.
import { createTestEnv, type DbKind } from "../../helpers/test-context";
import { migrations } from "../../../migrations";
import { prepare } from "../../../src/bootstrap";
import { Agency } from "../../../src/infra/entities/agency.entity";

describe.each<DbKind>(["postgres", "sqlite"])("migrations on %s", (db) => {
  it("applies every migration, loads the default agency once, and reverts to an empty schema", async () => {
    const env = await createTestEnv({ db, prepare: false });
    try {
      const { ctx } = env;
      await prepare(env.app);
      const applied = await ctx.db.query(`SELECT name FROM schema_migrations ORDER BY id`);
      expect(applied.map((r: { name: string }) => r.name)).toEqual(migrations.map((m) => new m().name));

      const agencies = await ctx.db.getRepository(Agency).find();
      expect(agencies).toHaveLength(1);
      expect(agencies[0].name).toBe("张店区融媒体中心");
      const channelNames = agencies[0].profile!.channels.map((c) => c.name);
      expect(channelNames).toEqual(expect.arrayContaining(["张店新闻网", "今日张店", "爱张店"]));
      expect(
        agencies[0]
          .profile!.channels.filter((c) => c.name === "今日张店")
          .map((c) => c.kind)
          .sort(),
      ).toEqual(["wechat", "weibo"]);

      // A second start changes nothing.
      await prepare(env.app);
      expect(await ctx.db.getRepository(Agency).count()).toBe(1);

      for (let i = 0; i < migrations.length; i++) await ctx.db.undoLastMigration({ transaction: "each" });
      const left = await ctx.db.query(`SELECT COUNT(*) AS n FROM schema_migrations`);
      expect(Number(left[0].n)).toBe(0);
      expect(await ctx.db.createQueryRunner().hasTable("applications")).toBe(false);
      expect(await ctx.db.createQueryRunner().hasTable("agencies")).toBe(false);

      // And up again from nothing.
      await ctx.db.runMigrations({ transaction: "each" });
      expect(await ctx.db.createQueryRunner().hasTable("applications")).toBe(true);
    } finally {
      await env.close();
    }
  });
});

// The applications migration adds its columns and down() removes exactly them, on PostgreSQL and SQLite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DataSource } from "typeorm";
import { Foundation1764000000000 } from "../../../migrations/1764000000000-foundation";
import { Applications1764000100000 } from "../../../migrations/1764000100000-applications";
import { createPgSchema, PG_URL } from "../../helpers/test-context";

async function columns(ds: DataSource): Promise<string[]> {
  const t = await ds.createQueryRunner().getTable("applications");
  return (t?.columns ?? []).map((c) => c.name).sort();
}

async function roundTrip(ds: DataSource) {
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: "each" });
    const up = await columns(ds);
    expect(up).toEqual(expect.arrayContaining(["clock_log", "paused_since", "paused_working_days", "correction_due_date", "document_no", "purpose", "oral"]));
    await ds.undoLastMigration({ transaction: "each" });
    const down = await columns(ds);
    expect(down).not.toContain("clock_log");
    expect(down).toContain("received_at");
    expect(up.length - down.length).toBe(7);
  } finally {
    await ds.destroy();
  }
}

it("runs up and down on PostgreSQL", async () => {
  const s = await createPgSchema();
  try {
    await roundTrip(
      new DataSource({
        type: "postgres",
        url: PG_URL,
        schema: s.schema,
        migrations: [Foundation1764000000000, Applications1764000100000],
        extra: { options: `-c search_path=${s.schema}` },
      }),
    );
  } finally {
    await s.drop();
  }
});

it("runs up and down on SQLite", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-mig-"));
  try {
    await roundTrip(
      new DataSource({ type: "better-sqlite3", database: path.join(dir, "m.sqlite"), migrations: [Foundation1764000000000, Applications1764000100000] }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

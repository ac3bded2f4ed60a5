// Schema for the disclosure guide (versioned per agency) and the disclosure catalogue with its search index:
// PostgreSQL keeps a generated tsvector over the pre-segmented token columns (GIN), SQLite an FTS5 table.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { date, id, instant, int, isPostgres, json, ref, str, text } from "./lib";

const fk = (col: string, table: string, onDelete = "CASCADE") => ({ columnNames: [col], referencedTableName: table, referencedColumnNames: ["id"], onDelete });

export class Catalogue1764000300000 implements MigrationInterface {
  name = "Catalogue1764000300000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createTable(
      new Table({
        name: "guide_versions",
        columns: [
          id(),
          ref("agency_id"),
          int("version"),
          str("status", 16),
          json("content", false),
          text("note"),
          str("created_by", 64, true),
          str("published_by", 64, true),
          instant("created_at"),
          instant("updated_at"),
          instant("published_at", true),
        ],
        uniques: [{ name: "uq_guide_versions_version", columnNames: ["agency_id", "version"] }],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );
    await qr.createIndex("guide_versions", new TableIndex({ name: "ix_guide_versions_status", columnNames: ["agency_id", "status"] }));

    await qr.createTable(
      new Table({
        name: "catalogue_entries",
        columns: [
          id(),
          ref("agency_id"),
          str("index_no", 100),
          str("title", 500),
          str("publisher", 200),
          str("doc_no", 100, true),
          str("doc_no_key", 100, true),
          date("written_date"),
          date("published_date"),
          int("year", undefined, true),
          str("subject_category", 200),
          str("agency_category", 200, true),
          str("disclosure_mode", 16),
          str("disclosure_time_limit", 100, true),
          str("disclosure_scope", 200, true),
          text("summary"),
          text("body"),
          str("url", 1000, true),
          str("validity", 8, false, "有效"),
          str("keywords", 500, true),
          str("normative_type", 20, true),
          str("status", 16, false, "active"),
          instant("withdrawn_at", true),
          text("withdrawn_reason"),
          text("title_tokens", false),
          text("body_tokens", false),
          int("version", 1),
          str("created_by", 64, true),
          str("updated_by", 64, true),
          instant("created_at"),
          instant("updated_at"),
        ],
        uniques: [{ name: "uq_catalogue_index_no", columnNames: ["agency_id", "index_no"] }],
        foreignKeys: [fk("agency_id", "agencies")],
      }),
    );
    await qr.createIndex("catalogue_entries", new TableIndex({ name: "ix_catalogue_doc_no_key", columnNames: ["agency_id", "doc_no_key"] }));
    await qr.createIndex("catalogue_entries", new TableIndex({ name: "ix_catalogue_year", columnNames: ["agency_id", "status", "year"] }));

    if (isPostgres(qr)) {
      // Tokens are segmented by jieba in the application; 'simple' only splits on the spaces between them.
      await qr.query(
        `ALTER TABLE catalogue_entries ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (` +
          `setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')) STORED`,
      );
      await qr.query(`CREATE INDEX ix_catalogue_search ON catalogue_entries USING GIN (search_vector)`);
      // Newest-first lists and the bounded ranking of broad queries walk this index and stop early.
      await qr.query(`CREATE INDEX ix_catalogue_list ON catalogue_entries (agency_id, status, written_date DESC NULLS LAST, index_no)`);
    } else {
      await qr.createIndex(
        "catalogue_entries",
        new TableIndex({ name: "ix_catalogue_list", columnNames: ["agency_id", "status", "written_date", "index_no"] }),
      );
      await qr.query(
        `CREATE VIRTUAL TABLE catalogue_fts USING fts5(title_tokens, body_tokens, entry_id UNINDEXED, agency_id UNINDEXED, tokenize = 'unicode61')`,
      );
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    if (isPostgres(qr)) {
      // The generated column goes first, by SQL: TypeORM's dropTable would look it up in typeorm_metadata,
      // which only exists for generated columns created through TypeORM's own API.
      await qr.query(`DROP INDEX IF EXISTS ix_catalogue_search`);
      await qr.query(`ALTER TABLE catalogue_entries DROP COLUMN IF EXISTS search_vector`);
    } else {
      await qr.query(`DROP TABLE IF EXISTS catalogue_fts`);
    }
    await qr.dropTable("catalogue_entries");
    await qr.dropTable("guide_versions");
  }
}

// The catalogue's GIN index with a small pending list (issue 13, item 1): a search reads at most 64 kB of it.
import type { MigrationInterface, QueryRunner } from "typeorm";
import { isPostgres } from "./lib";

/**
 * GIN adds new entries to a pending list that every search reads in full until it is merged into the index,
 * which happens when it outgrows gin_pending_list_limit (4 MB by default) or at VACUUM. This server runs
 * without autovacuum: after loading the benchmark's 100,000 entries the list held ~2 MB, 6.5 ms of each
 * 8-word match whose index part took 0.15 ms (EXPLAIN ANALYZE). 64 kB keeps that part near 0.2 ms while
 * writes are still merged in batches (fastupdate off made the 100,000-entry load 4.5 times slower). The list
 * left by earlier writes is merged here.
 */
export class CatalogueSearchGin1764101300000 implements MigrationInterface {
  name = "CatalogueSearchGin1764101300000";

  async up(qr: QueryRunner): Promise<void> {
    if (!isPostgres(qr)) return;
    await qr.query(`ALTER INDEX ix_catalogue_search SET (gin_pending_list_limit = 64)`);
    await qr.query(`SELECT gin_clean_pending_list('ix_catalogue_search'::regclass)`);
  }

  async down(qr: QueryRunner): Promise<void> {
    if (!isPostgres(qr)) return;
    await qr.query(`ALTER INDEX ix_catalogue_search RESET (gin_pending_list_limit)`);
  }
}

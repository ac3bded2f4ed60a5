// Where attachment bytes live. One interface so object storage can replace the database table: the
// service only puts, gets and deletes by attachment id. The database implementation keeps them in
// attachment_blobs (PostgreSQL bytea, SQLite blob) through plain parameterised SQL, because TypeORM has no
// column type that means "bytes" on both dialects.
import type { DataSource, EntityManager } from "typeorm";
import { sqlDialect } from "../../infra/sql-dialect";

export interface AttachmentStorage {
  /** `m`: the transaction writing the metadata row, for a store that can join it (the database one does). */
  put(id: string, content: Buffer, m?: EntityManager): Promise<void>;
  get(id: string): Promise<Buffer | null>;
  delete(ids: string[], m?: EntityManager): Promise<void>;
  /** Ids stored here whose metadata row is gone (a crash between put and the row insert). */
  orphans(limit: number): Promise<string[]>;
}

export class DatabaseAttachmentStorage implements AttachmentStorage {
  constructor(private readonly db: DataSource) {}

  private get sql() {
    return sqlDialect(this.db);
  }

  async put(id: string, content: Buffer, m?: EntityManager): Promise<void> {
    const q = this.sql.params();
    await (m ?? this.db.manager).query(`INSERT INTO attachment_blobs (id, content) VALUES (${q.p(id)}, ${q.p(content)})`, q.values);
  }

  async get(id: string): Promise<Buffer | null> {
    const q = this.sql.params();
    const rows = (await this.db.query(`SELECT content FROM attachment_blobs WHERE id = ${q.p(id)}`, q.values)) as Array<{ content: Buffer | Uint8Array }>;
    if (!rows.length) return null;
    const c = rows[0].content;
    return Buffer.isBuffer(c) ? c : Buffer.from(c);
  }

  async delete(ids: string[], m?: EntityManager): Promise<void> {
    if (!ids.length) return;
    const q = this.sql.params();
    await (m ?? this.db.manager).query(`DELETE FROM attachment_blobs WHERE id IN (${ids.map((id) => q.p(id)).join(", ")})`, q.values);
  }

  async orphans(limit: number): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT b.id FROM attachment_blobs b LEFT JOIN attachments a ON a.id = b.id WHERE a.id IS NULL LIMIT ${Math.max(1, Math.floor(limit))}`,
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }
}

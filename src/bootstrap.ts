// Builds the context and prepares the database the same way for the server, the CLI, the bot relay and tests:
// connect, run migrations, initialise the feature modules (built by src/composition.ts), load the default
// agency's data.
import type { Config } from "./config";
import type { Composition } from "./composition";
import type { AppContext } from "./context";
import { localDate, systemClock, type Clock } from "./domain/china-time";
import { ensureAgency } from "./infra/agencies";
import { createDataSource, databaseType } from "./infra/database";
import { Agency } from "./infra/entities/agency.entity";
import { AuditEvent } from "./infra/entities/audit-event.entity";
import { Counter, IdempotencyKey } from "./infra/entities/idempotency-key.entity";
import { OutboxMessage } from "./infra/entities/outbox-message.entity";
import { StaffSession, StaffUser } from "./infra/entities/staff-user.entity";
import { createKeyValueStore } from "./infra/kv";
import { createLogger, type Logger } from "./infra/logger";
import { sqlDialect } from "./infra/sql-dialect";
import { moduleEntities } from "./modules";

export const coreEntities = [Agency, AuditEvent, OutboxMessage, StaffUser, StaffSession, IdempotencyKey, Counter];

export interface BootstrapOptions {
  clock?: Clock;
  logger?: Logger;
}

export async function createContext(config: Config, opts: BootstrapOptions = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  const entities = [...coreEntities, ...moduleEntities];
  const db = createDataSource(config, entities);
  await db.initialize();
  const kv = createKeyValueStore(config.REDIS_URL, config.REDIS_KEY_PREFIX, logger);
  return {
    config,
    logger,
    db,
    dbType: databaseType(db),
    sql: sqlDialect(db),
    kv,
    redisUrl: config.REDIS_URL,
    clock,
    today: () => localDate(clock.now(), config.APP_TIMEZONE),
  };
}

/** Migrations, then the default agency and every module's seed data; safe to run on every start. */
export async function prepare(app: Composition): Promise<void> {
  const { ctx } = app;
  if (ctx.dbType !== "postgres") return prepareUnlocked(app);
  // Several instances starting at once on one schema would run the same migrations side by side (one then
  // fails on a duplicate table): one prepares, the others wait for it and then find nothing left to do.
  const qr = ctx.db.createQueryRunner();
  await qr.connect();
  try {
    // The wait lasts as long as the other's migrations and seed may (the import timeout), not the request
    // timeout: several instances, or the workers of one (WEB_CONCURRENCY), start together on a busy machine.
    await qr.query(`SET statement_timeout = ${Math.floor(ctx.config.DB_IMPORT_STATEMENT_TIMEOUT_MS)}`);
    await qr.query(`SELECT pg_advisory_lock(hashtext('ogi:prepare:' || coalesce(current_schema(), '')))`);
    try {
      await prepareUnlocked(app);
    } finally {
      await qr.query(`SELECT pg_advisory_unlock(hashtext('ogi:prepare:' || coalesce(current_schema(), '')))`);
      await qr.query("RESET statement_timeout");
    }
  } finally {
    await qr.release();
  }
}

async function prepareUnlocked({ ctx, modules }: Composition): Promise<void> {
  const ran = await runMigrations(ctx);
  if (ran.length) ctx.logger.info({ migrations: ran.map((m) => m.name) }, "migrations applied");
  for (const m of modules) await m.init?.();
  const { agency, created } = await ensureAgency(ctx, ctx.config.DEFAULT_AGENCY_CODE);
  if (created) ctx.logger.info({ agency: agency.code }, `default agency loaded: ${agency.name}`);
  for (const m of modules) await m.seed?.(agency);
}

/** Migrations may rewrite large tables: on PostgreSQL they run on a short-lived pool with the import timeout, not the request one. */
async function runMigrations(ctx: AppContext) {
  if (ctx.dbType !== "postgres" || !ctx.config.DB_STATEMENT_TIMEOUT_MS) return ctx.db.runMigrations({ transaction: "each" });
  const ds = createDataSource({ ...ctx.config, DB_STATEMENT_TIMEOUT_MS: ctx.config.DB_IMPORT_STATEMENT_TIMEOUT_MS }, ctx.db.options.entities ?? []);
  await ds.initialize();
  try {
    return await ds.runMigrations({ transaction: "each" });
  } finally {
    await ds.destroy();
  }
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.kv.close();
  if (ctx.db.isInitialized) await ctx.db.destroy();
}

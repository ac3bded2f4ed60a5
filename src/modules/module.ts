// The shape of a feature module: its entities, routes, CLI commands, seed data and background workers.
import type Router from "@koa/router";
import type { AppContext } from "../context";
import type { Agency } from "../infra/entities/agency.entity";

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(ctx: AppContext, argv: string[], out: CliOutput): Promise<number>;
}

export interface CliOutput {
  info(line: string): void;
  error(line: string): void;
}

export interface FeatureModule {
  name: string;
  /** TypeORM entity classes of this feature. */
  entities?: Array<new () => unknown>;
  /** Registers services in ctx.services; called once after the database is ready, in module order. */
  init?(ctx: AppContext): Promise<void> | void;
  routes?(ctx: AppContext): Router[];
  commands?: CliCommand[];
  /** Loads the default agency's data at first start; must be idempotent. */
  seed?(ctx: AppContext, agency: Agency): Promise<void>;
  /** Starts per-process work (warming caches) in every server process; returns a stopper. */
  start?(ctx: AppContext): Promise<(() => Promise<void>) | void>;
  /**
   * Starts work that must run once per deployment's server (year-end scheduler, outbox delivery, purges): in the
   * only process, or in the one cluster worker the primary chose (WEB_CONCURRENCY > 1). Returns a stopper.
   */
  startSingletons?(ctx: AppContext): Promise<(() => Promise<void>) | void>;
}

// The shape of a feature module: what its factory (createX(ctx, deps) in <module>/module.ts) returns besides its
// typed services — routes, start-up work, seed data, background workers — plus the CLI command shape.
import type Router from "@koa/router";
import type { AppContext } from "../context";
import type { Agency } from "../infra/entities/agency.entity";
import type { Services } from "./services";

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /**
   * Returns the process exit code. `services`: the composition root's services; a command declares the part it
   * uses (e.g. `{ reports }: Pick<Services, "reports">`).
   */
  run(ctx: AppContext, argv: string[], out: CliOutput, services: Services): Promise<number>;
}

export interface CliOutput {
  info(line: string): void;
  error(line: string): void;
}

/** A stopper of background work. */
export type Stop = () => Promise<void>;

export interface FeatureModule {
  name: string;
  /** Start-up work once the database is migrated (before the seeds), in module order. */
  init?(): Promise<void> | void;
  routes?(): Router[];
  /** Loads an agency's data (the default agency at first start, a new agency when added); must be idempotent. */
  seed?(agency: Agency): Promise<void>;
  /** Starts per-process work (warming caches) in every server process; returns a stopper. */
  start?(): Promise<Stop | void>;
  /**
   * Starts work that must run once per deployment's server (year-end scheduler, outbox delivery, purges): in the
   * only process, or in the one cluster worker the primary chose (WEB_CONCURRENCY > 1). Returns a stopper.
   */
  startSingletons?(): Promise<Stop | void>;
}

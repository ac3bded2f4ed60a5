// The one optimistic-update helper: UPDATE … SET …, version = expected + 1 WHERE id = … AND version = expected, in
// the caller's transaction. A row changed by someone else since it was read is refused, never overwritten.
import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { DomainError } from "../domain/errors";

export interface VersionedRow extends ObjectLiteral {
  id: string;
  version: number;
}

/** The integer properties of E: the one that counts a row's writes is named when it is not `version`. */
export type CounterColumn<E> = { [K in keyof E]-?: E[K] extends number ? K : never }[keyof E] & string;

/**
 * Writes `changes` to the row `id` only if its version is still `expectedVersion`, and bumps the version by one.
 * Throws `conflict` (a DomainError with the citizen-facing or staff-facing message) when the row moved on or is gone.
 * Returns the new version. `column` names the counter when it is not `version` (the guide's `version` is its edition,
 * its draft's writes are counted by `revision`); its property and column names are the same.
 */
export async function updateVersioned<E extends VersionedRow>(
  m: EntityManager,
  entity: EntityTarget<E>,
  id: string,
  expectedVersion: number,
  changes: QueryDeepPartialEntity<E>,
  conflict: DomainError,
  column: CounterColumn<E> | "version" = "version",
): Promise<number> {
  const next = expectedVersion + 1;
  const res = await m
    .createQueryBuilder()
    .update(entity)
    .set({ ...changes, [column]: next } as QueryDeepPartialEntity<E>)
    .where(`id = :id AND ${column} = :expected`, { id, expected: expectedVersion })
    .execute();
  if (!res.affected) throw conflict;
  return next;
}

/** A conflict error with the given code and message (and the current version, when the caller knows it). */
export function versionConflict(code: string, message: string, currentVersion?: number): DomainError {
  return new DomainError(code, message, currentVersion === undefined ? undefined : { currentVersion });
}

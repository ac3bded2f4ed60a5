// Whole entity rows for TypeORM's insert(): its QueryDeepPartialEntity typing rejects simple-json fields of entity
// instances (audit data, outbox payloads, stored answers), though the rows are complete. The one place that says so.
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";

/** One complete row (an entity instance or a value of its shape) as insert() and update() take it. */
export const asRow = <T>(x: T) => x as QueryDeepPartialEntity<T>;

/** Complete rows, for one multi-row insert(). */
export const asRows = <T>(xs: T[]) => xs as Array<QueryDeepPartialEntity<T>>;

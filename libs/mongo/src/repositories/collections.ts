import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import {
  COLLECTIONS,
  type CatalogueSnapshotDoc,
  type CatalogueVersionDoc,
  type CatalogueYearDoc,
  type ProjectIndexDoc,
  type DlqDoc,
  type DlqRedriveDoc,
  type EventIdSegmentDoc,
  type IndicatorDoc,
  type OwnersDoc,
  type ProgressDoc,
  type ProgressVersionDoc,
  type ProjectDoc,
} from '../documents';

/** Typed driver collections of the mongoose connection; repositories use the driver for bulk writes. */
export function collection<T extends Document>(conn: Connection, name: string): Collection<T> {
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection is not open');
  return db.collection<T>(name);
}

export const projectsOf = (c: Connection) => collection<ProjectDoc>(c, COLLECTIONS.projects);
export const indicatorsOf = (c: Connection) => collection<IndicatorDoc>(c, COLLECTIONS.indicators);
export const progressOf = (c: Connection) => collection<ProgressDoc>(c, COLLECTIONS.progress);
export const progressVersionsOf = (c: Connection) => collection<ProgressVersionDoc>(c, COLLECTIONS.progressVersions);
export const eventIdsOf = (c: Connection) => collection<EventIdSegmentDoc>(c, COLLECTIONS.eventIds);
export const dlqOf = (c: Connection) => collection<DlqDoc>(c, COLLECTIONS.dlq);
export const dlqRedrivesOf = (c: Connection) => collection<DlqRedriveDoc>(c, COLLECTIONS.dlqRedrives);
export const ownersOf = (c: Connection) => collection<OwnersDoc>(c, COLLECTIONS.owners);
export const catalogueSnapshotOf = (c: Connection) =>
  collection<CatalogueSnapshotDoc>(c, COLLECTIONS.catalogueSnapshot);
export const catalogueVersionOf = (c: Connection) => collection<CatalogueVersionDoc>(c, COLLECTIONS.catalogueVersion);
export const catalogueYearsOf = (c: Connection) => collection<CatalogueYearDoc>(c, COLLECTIONS.catalogueYears);
export const projectIndexOf = (c: Connection) => collection<ProjectIndexDoc>(c, COLLECTIONS.projectIndex);

/** True for a duplicate-key error (E11000), from MongoDB or FerretDB. */
export function isDuplicateKey(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    ((e as { code?: number }).code === 11000 || /E11000|duplicate key/i.test(String((e as Error).message)))
  );
}

/**
 * Indexes the services rely on. `_id` carries every idempotency key (eventId, DLQ position,
 * notification key), so uniqueness needs no extra index; these only speed up reads.
 */
export async function ensureIndexes(conn: Connection): Promise<void> {
  await indicatorsOf(conn).createIndex({ projectId: 1 });
  await progressOf(conn).createIndex({ projectId: 1 });
  // The DLQ page and `iw dlq list` page newest first.
  await dlqOf(conn).createIndex({ at: -1 });
  await dlqRedrivesOf(conn).createIndex({ dlqId: 1 });
}

/**
 * Most write statements sent in one command. Unpatched FerretDB 1.24 (SQLite) held a pooled
 * connection for each statement of an update command until the command ended, and deadlocked
 * once a database's 100 were taken (a 267-statement re-import; eight concurrent 50-statement
 * commands). Our build frees each statement's connection (infra/ferretdb-patches.js); chunks
 * still keep a command small on a server built without that patch.
 */
export const MAX_STATEMENTS_PER_COMMAND = 50;

/**
 * `bulkWrite` in chunks of MAX_STATEMENTS_PER_COMMAND, one after another. Returns the summed
 * matchedCount; a duplicate-key failure in any chunk is rethrown after all chunks ran, so a
 * compare-and-set caller still sees every write that landed.
 */
export async function bulkWriteChunked<T extends Document>(
  col: Collection<T>,
  ops: AnyBulkWriteOperation<T>[],
  options: { ordered: boolean },
): Promise<{ matchedCount: number }> {
  let matchedCount = 0;
  let failure: Error | null = null;
  for (let i = 0; i < ops.length; i += MAX_STATEMENTS_PER_COMMAND) {
    try {
      const res = await col.bulkWrite(ops.slice(i, i + MAX_STATEMENTS_PER_COMMAND), options);
      matchedCount += res.matchedCount;
    } catch (e) {
      if (options.ordered) throw e;
      failure ??= e instanceof Error ? e : new Error(String(e));
    }
  }
  if (failure) throw failure;
  return { matchedCount };
}

import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Progress } from '@iw/measures';
import type { ProgressDoc } from '../documents';
import { bulkWriteChunked, isDuplicateKey, progressOf } from './collections';

export interface ProgressWrite {
  progress: Progress;
  indicatorId: string | null;
  projectId: string;
  /** Version the progress was computed from; null when it did not exist. */
  expectedVersion: number | null;
}

export function toProgress(doc: ProgressDoc): Progress {
  const { _id, indicatorId: _i, projectId: _p, updatedAt: _u, ...rest } = doc;
  return { ...(rest as unknown as Omit<Progress, 'id'>), id: _id };
}

/**
 * Progress of tracked units. Writes are compare-and-set on `version` (one document each, atomic
 * on FerretDB too): a writer that lost a race gets the ids back, reloads and recomputes.
 */
export class ProgressRepository {
  constructor(private readonly conn: Connection) {}

  async find(ids: readonly string[]): Promise<Map<string, Progress>> {
    const out = new Map<string, Progress>();
    if (ids.length === 0) return out;
    const docs = await progressOf(this.conn).find({ _id: { $in: ids.map(String) } }).toArray();
    for (const d of docs) out.set(d._id, toProgress(d));
    return out;
  }

  async one(id: string): Promise<Progress | null> {
    const d = await progressOf(this.conn).findOne({ _id: String(id) });
    return d ? toProgress(d) : null;
  }

  async byProject(projectId: string): Promise<Progress[]> {
    return (await progressOf(this.conn).find({ projectId: String(projectId) }).toArray()).map(toProgress);
  }

  async all(): Promise<Progress[]> {
    return (await progressOf(this.conn).find({}).toArray()).map(toProgress);
  }

  /** Writes every change in one round trip; returns the ids whose version moved meanwhile. */
  async save(writes: readonly ProgressWrite[], now: Date): Promise<string[]> {
    if (writes.length === 0) return [];
    const ops: AnyBulkWriteOperation<ProgressDoc>[] = writes.map((w) => {
      const { id, ...rest } = w.progress;
      const doc = { ...rest, _id: id, indicatorId: w.indicatorId, projectId: w.projectId, updatedAt: now } as ProgressDoc;
      return w.expectedVersion === null
        ? { insertOne: { document: doc } }
        : { replaceOne: { filter: { _id: id, version: w.expectedVersion }, replacement: doc } };
    });
    try {
      const res = await bulkWriteChunked(progressOf(this.conn), ops, { ordered: false });
      const replaces = writes.filter((w) => w.expectedVersion !== null).length;
      if (res.matchedCount === replaces) return [];
    } catch (e) {
      if (!isDuplicateKey(e) && !hasWriteErrors(e)) throw e;
      const others = (e as { writeErrors?: Array<{ code?: number }> }).writeErrors?.filter((x) => x.code !== 11000) ?? [];
      if (others.length) throw e;
    }
    // Someone else moved at least one unit. Which writes landed does not matter: the caller
    // reloads all of them and re-applies, and the offset fence skips what already counted.
    return writes.map((w) => w.progress.id);
  }
}

function hasWriteErrors(e: unknown): boolean {
  return typeof e === 'object' && e !== null && Array.isArray((e as { writeErrors?: unknown }).writeErrors);
}

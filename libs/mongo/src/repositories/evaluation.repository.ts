import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection } from 'mongoose';
import type { EvaluationSummary, Status } from '@iw/risk';
import { COLLECTIONS } from '../documents';
import { bulkWriteChunked, collection, isDuplicateKey } from './collections';

/**
 * The settled status of one tracked unit, written by alerting after every evaluation and read
 * by the status app: `status`/`likelihood`/`since` are what counts (after IW_PENDING_FOR);
 * the other fields are the engine's latest verdict on its own.
 */
export interface EvaluationDoc extends EvaluationSummary {
  _id: string; // tracked unit id
  kind: 'indicator' | 'part' | 'budget';
  projectId: string;
  /** null for a budget track. */
  indicatorId: string | null;
  /** Settled status: what the dashboard and the 绩效监控表 show (the engine's is `evaluatedStatus`). */
  status: Status;
  /** When the settled status began to hold. */
  since: Date;
  /** A different status waiting out IW_PENDING_FOR; re-evaluated at `dueAt`. */
  pending: { status: Status; since: Date; dueAt: Date } | null;
  /** The engine's latest verdict before anti-flap (equals `status` unless pending). */
  evaluatedStatus: Status;
  warningDays: number | null;
  /** Progress version evaluated (null: no progress yet). */
  progressVersion: number | null;
  /**
   * Domain time ("now" of the one clock) of the evaluation that wrote this document: an
   * evaluation that says the same thing on the same local day is not written (needsWrite).
   */
  evaluatedAt: Date;
  /**
   * The domain time the unit was judged as of: the earliest watermark of the sources that feed
   * it, at most `evaluatedAt` (earlier while ingest lags). Absent in documents written before.
   */
  asOf?: Date;
  /** Compare-and-set counter: one more with every write. */
  rev: number;
}

export interface EvaluationWrite {
  doc: EvaluationDoc;
  /** `rev` the doc was computed from; null when none existed. */
  expectedRev: number | null;
}

export class EvaluationRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<EvaluationDoc>(this.conn, COLLECTIONS.evaluations);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ projectId: 1 });
  }

  async find(ids: readonly string[]): Promise<Map<string, EvaluationDoc>> {
    const out = new Map<string, EvaluationDoc>();
    if (ids.length === 0) return out;
    for (const d of await this.col.find({ _id: { $in: ids.map(String) } }).toArray()) out.set(d._id, d);
    return out;
  }

  async one(id: string): Promise<EvaluationDoc | null> {
    return this.col.findOne({ _id: String(id) });
  }

  async list(filter: { projectId?: string; indicatorId?: string } = {}): Promise<EvaluationDoc[]> {
    const q: Record<string, string> = {};
    if (filter.projectId !== undefined) q.projectId = String(filter.projectId);
    if (filter.indicatorId !== undefined) q.indicatorId = String(filter.indicatorId);
    return this.col.find(q).sort({ _id: 1 }).toArray();
  }

  /** Units whose pending status is due to be decided at `now` (domain time). */
  async pendingDue(now: Date): Promise<string[]> {
    const docs = await this.col.find({ 'pending.dueAt': { $lte: now } }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }

  /** Settled statuses counted in the app (FerretDB's $group is limited). */
  async countByStatus(filter: { projectId?: string } = {}): Promise<Partial<Record<Status, number>>> {
    const out: Partial<Record<Status, number>> = {};
    const q = filter.projectId !== undefined ? { projectId: String(filter.projectId) } : {};
    for await (const d of this.col.find(q, { projection: { status: 1 } })) out[d.status] = (out[d.status] ?? 0) + 1;
    return out;
  }

  /** Compare-and-set on `rev`, one round trip; returns the ids someone else moved meanwhile. */
  async save(writes: readonly EvaluationWrite[]): Promise<string[]> {
    if (writes.length === 0) return [];
    const ops: AnyBulkWriteOperation<EvaluationDoc>[] = writes.map((w) =>
      w.expectedRev === null
        ? { insertOne: { document: w.doc } }
        : { replaceOne: { filter: { _id: w.doc._id, rev: w.expectedRev }, replacement: w.doc } },
    );
    return casResult(
      writes.map((w) => ({ id: w.doc._id, replace: w.expectedRev !== null })),
      () => bulkWriteChunked(this.col, ops, { ordered: false }),
    );
  }
}

/**
 * Runs a bulk of inserts/replaces guarded by a version: [] when every replace matched and no
 * insert hit a duplicate key, else every id of the bulk (which ones landed is not known).
 */
export async function casResult(
  writes: ReadonlyArray<{ id: string; replace: boolean }>,
  run: () => Promise<{ matchedCount: number }>,
): Promise<string[]> {
  try {
    const res = await run();
    if (res.matchedCount === writes.filter((w) => w.replace).length) return [];
  } catch (e) {
    const errors = (e as { writeErrors?: Array<{ code?: number }> }).writeErrors;
    if (!isDuplicateKey(e) && !Array.isArray(errors)) throw e;
    if ((errors ?? []).some((x) => x.code !== 11000)) throw e;
  }
  // The caller re-reads them all and recomputes; for a write that did land, recomputing from
  // its own result changes nothing.
  return writes.map((w) => w.id);
}

import type { Filter } from 'mongodb';
import { WALL_CLOCK } from '@iw/clock';
import { isRedrivable, type DlqRecord } from '@iw/events';
import type { Connection } from 'mongoose';
import type { DlqDoc, DlqRedriveDoc } from '../documents';
import { claimByInsert } from './claims';
import { bulkWriteChunked, dlqOf, dlqRedrivesOf } from './collections';

/** What `iw dlq list`, `GET /api/dlq` and the DLQ page select by (all optional, combined with AND). */
export interface DlqFilter {
  /** Reason classes (`unknown_project` …); any of them. */
  reasons?: readonly string[];
  /** Topics as stored (with their prefix); any of them. */
  topics?: readonly string[];
  /** Rejected at or after this instant. */
  since?: Date;
  /** `pending`: never republished; `redriven`: republished (or being); absent: both. */
  state?: 'pending' | 'redriven';
  /** These records only (`topic:partition:offset`). */
  ids?: readonly string[];
}

export interface DlqPage {
  total: number;
  items: DlqDoc[];
}

/** Most records one page may hold. */
export const DLQ_PAGE_MAX = 500;

/** Rejected messages, one record per Kafka position however often it is replayed. */
export class DlqRepository {
  constructor(private readonly conn: Connection) {}

  /**
   * Records each rejected message once: an insert under its position (claimByInsert); a
   * position already recorded (a replayed batch, or a rebalance's other owner) is left as it is.
   */
  async record(entries: readonly Omit<DlqDoc, '_id' | 'storedAt'>[]): Promise<void> {
    if (entries.length === 0) return;
    const storedAt = new Date(WALL_CLOCK.now()); // wall clock, for retention
    await claimByInsert(
      dlqOf(this.conn),
      entries.map((e) => ({ ...e, _id: dlqId(e), storedAt })),
    );
  }

  async count(): Promise<number> {
    return dlqOf(this.conn).countDocuments({});
  }

  async countByReason(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    // Counted in the app: FerretDB's $group is limited, and the DLQ is small.
    for await (const d of dlqOf(this.conn).find({}, { projection: { reasonClass: 1 } }))
      out[d.reasonClass] = (out[d.reasonClass] ?? 0) + 1;
    return out;
  }

  /**
   * count(), countByReason() and latest(limit) in one pass over the collection (reason class and
   * time only), then the newest records read by `_id`: on FerretDB each of the three reads the
   * whole collection.
   */
  async overview(limit = 10): Promise<{ count: number; byReason: Record<string, number>; latest: DlqDoc[] }> {
    const byReason: Record<string, number> = {};
    let count = 0;
    let newest: Array<{ _id: string; at: Date }> = [];
    const newer = (a: { _id: string; at: Date }, b: { _id: string; at: Date }) =>
      b.at.getTime() - a.at.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);
    for await (const d of dlqOf(this.conn).find({}, { projection: { reasonClass: 1, at: 1 } })) {
      count += 1;
      byReason[d.reasonClass] = (byReason[d.reasonClass] ?? 0) + 1;
      newest.push({ _id: d._id, at: new Date(d.at) });
      if (newest.length > limit * 4) newest = newest.sort(newer).slice(0, limit);
    }
    newest = newest.sort(newer).slice(0, limit);
    if (newest.length === 0) return { count, byReason, latest: [] };
    const docs = await dlqOf(this.conn)
      .find({ _id: { $in: newest.map((n) => n._id) } })
      .toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    return { count, byReason, latest: newest.flatMap((n) => byId.get(n._id) ?? []) };
  }

  async latest(limit = 10): Promise<DlqDoc[]> {
    return dlqOf(this.conn).find({}).sort({ at: -1, _id: -1 }).limit(limit).toArray();
  }

  /** One page, newest first, and how many records match in all. Pages count from 1. */
  async list(filter: DlqFilter, page = 1, limit = 50): Promise<DlqPage> {
    const size = Math.max(1, Math.min(DLQ_PAGE_MAX, Math.floor(limit)));
    const q = query(filter);
    const [total, items] = await Promise.all([
      dlqOf(this.conn).countDocuments(q),
      dlqOf(this.conn)
        .find(q)
        .sort({ at: -1, _id: -1 })
        .skip((Math.max(1, Math.floor(page)) - 1) * size)
        .limit(size)
        .toArray(),
    ]);
    return { total, items };
  }

  /** Every record matching `filter`, oldest first (the order a redrive republishes in). */
  async select(filter: DlqFilter, max = 100_000): Promise<DlqDoc[]> {
    return dlqOf(this.conn).find(query(filter)).sort({ at: 1, _id: 1 }).limit(max).toArray();
  }

  async one(id: string): Promise<DlqDoc | null> {
    return dlqOf(this.conn).findOne({ _id: String(id) });
  }

  /** The redrive claims of these records, by record id (newest attempt last). */
  async redrives(ids: readonly string[]): Promise<Map<string, DlqRedriveDoc[]>> {
    const out = new Map<string, DlqRedriveDoc[]>();
    if (ids.length === 0) return out;
    for (let i = 0; i < ids.length; i += 500) {
      const docs = await dlqRedrivesOf(this.conn)
        .find({ dlqId: { $in: ids.slice(i, i + 500).map(String) } })
        .toArray();
      for (const d of docs) out.set(d.dlqId, [...(out.get(d.dlqId) ?? []), d]);
    }
    for (const list of out.values()) list.sort((a, b) => a.attempt - b.attempt);
    return out;
  }

  /**
   * Claims attempt `attempt` of the redrive of `dlqId` by inserting it under a unique `_id`.
   * False when someone else holds that attempt (a concurrent redrive of the same record).
   */
  async claimRedrive(dlqId: string, attempt: number, by: string, at: Date): Promise<boolean> {
    return (await this.claimRedrives([{ dlqId, attempt }], by, at)).has(dlqId);
  }

  /**
   * Claims many at once (one insert of all, claimByInsert): the record ids whose claim this call
   * won. A lost one is held by a concurrent redrive.
   */
  async claimRedrives(
    claims: ReadonlyArray<{ dlqId: string; attempt: number }>,
    by: string,
    at: Date,
  ): Promise<Set<string>> {
    const docs = claims.map((c) => ({
      _id: `${c.dlqId}#${c.attempt}`,
      dlqId: c.dlqId,
      attempt: c.attempt,
      state: 'claimed' as const,
      at,
      by,
    }));
    const won = new Set<string>();
    for (let i = 0; i < docs.length; i += 500) {
      const part = docs.slice(i, i + 500);
      const claimed = new Set((await claimByInsert(dlqRedrivesOf(this.conn), part)).won);
      const mine = part.filter((d) => claimed.has(d._id));
      // What `dlq list` shows; the claims above decide.
      await bulkWriteChunked(
        dlqOf(this.conn),
        mine.map((d) => ({
          updateOne: {
            filter: { _id: d.dlqId },
            update: { $set: { redrive: { state: 'claimed', attempt: d.attempt, at, by } } },
          },
        })),
        { ordered: false },
      );
      for (const d of mine) won.add(d.dlqId);
    }
    return won;
  }

  /** Records that the claimed attempts were republished (acknowledged by the brokers). */
  async markRedriven(claims: ReadonlyArray<{ dlqId: string; attempt: number; by: string }>, at: Date): Promise<void> {
    if (claims.length === 0) return;
    await bulkWriteChunked(
      dlqRedrivesOf(this.conn),
      claims.map((c) => ({
        updateOne: {
          filter: { _id: `${c.dlqId}#${c.attempt}` },
          update: { $set: { state: 'published', publishedAt: at } },
        },
      })),
      { ordered: false },
    );
    await bulkWriteChunked(
      dlqOf(this.conn),
      claims.map((c) => ({
        updateOne: {
          filter: { _id: c.dlqId },
          update: { $set: { redrive: { state: 'published', attempt: c.attempt, at, by: c.by } } },
        },
      })),
      { ordered: false },
    );
  }
}

/** What the `dlq` collection keeps of a DLQ record: the original bytes only when a redrive can use them. */
export function dlqDocOf(r: DlqRecord, rejectedAt: Date, redriveOf?: string): Omit<DlqDoc, '_id' | 'storedAt'> {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    reasonClass: r.reason.class,
    reason: r.reason.message,
    preview: r.preview,
    at: rejectedAt,
    originalSize: r.originalSize,
    ...(isRedrivable(r) ? { originalBase64: r.originalBase64 } : {}),
    ...(r.firstSeen ? { firstSeen: r.firstSeen } : {}),
    ...(redriveOf ? { redriveOf } : {}),
  };
}

export function dlqId(e: Pick<DlqDoc, 'topic' | 'partition' | 'offset'>): string {
  return `${e.topic}:${e.partition}:${e.offset}`;
}

function query(f: DlqFilter): Filter<DlqDoc> {
  const q: Filter<DlqDoc> = {};
  // Values are strings (never operators): they come from query strings and command lines.
  if (f.reasons?.length) q.reasonClass = { $in: f.reasons.map(String) };
  if (f.topics?.length) q.topic = { $in: f.topics.map(String) };
  if (f.ids?.length) q._id = { $in: f.ids.map(String) };
  if (f.since) q.at = { $gte: f.since };
  if (f.state === 'pending') q.redrive = { $exists: false };
  if (f.state === 'redriven') q.redrive = { $exists: true };
  return q;
}

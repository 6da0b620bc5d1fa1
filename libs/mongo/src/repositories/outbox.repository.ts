import type { Connection } from 'mongoose';
import type { Notice, Notification } from '@iw/alerts';
import { COLLECTIONS } from '../documents';
import { collection, isDuplicateKey } from './collections';

/**
 * The outbox: every notification, written before anything is sent, keyed by its notification
 * key (so it is never enqueued twice). Its life:
 *
 *   pending ──claim (digestId + messageId stored)──► claimed ──accepted──► sent
 *      └──mute (ack / silence / stale / superseded)──► muted        │
 *                                                   failed: attempts, nextAttemptAt, lastError
 *
 * A claimed digest is re-sent as it is until the server accepts it, also after a crash: the
 * Message-ID is stored with it, so a duplicate carries the same one. Real (wall-clock) times
 * drive retries; `createdAt` (domain time) drives the group wait.
 */
export type OutboxState = 'pending' | 'claimed' | 'sent' | 'muted';

export interface OutboxDoc {
  _id: string; // notification key
  recipient: string;
  alertId: string;
  notice: Notice;
  /** ISO, domain time the notification was routed: the group wait counts from it. */
  createdAt: string;
  state: OutboxState;
  enqueuedAt: Date;
  digestId: string | null;
  messageId: string | null;
  claimedAt: Date | null;
  /** Failed sends of its digest so far. */
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** The last failure was permanent (5xx): still retried, at the longest backoff. */
  permanentFailure: boolean;
  sentAt: Date | null;
  /** The server's reply when accepted. */
  response: string | null;
  mutedReason: string | null;
}

export interface OutboxStats {
  /** Waiting to be grouped, or claimed and not yet accepted. */
  pending: number;
  /** Claimed and failed at least once. */
  failing: number;
  /** Of those, the last failure was permanent. */
  permanentFailures: number;
  oldestPendingAt: Date | null;
  sent: number;
  muted: number;
}

export interface FailedSend {
  attempts: number;
  nextAttemptAt: Date;
  error: string;
  permanent: boolean;
}

export function toNotification(doc: OutboxDoc): Notification {
  return { key: doc._id, recipient: doc.recipient, notice: doc.notice, createdAt: doc.createdAt };
}

export class OutboxRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<OutboxDoc>(this.conn, COLLECTIONS.outbox);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ state: 1 });
    await this.col.createIndex({ digestId: 1 });
  }

  /** Inserts the notifications not yet in the outbox; returns how many were new. */
  async enqueue(notifications: readonly Notification[], now: Date): Promise<number> {
    if (notifications.length === 0) return 0;
    const docs: OutboxDoc[] = notifications.map((n) => ({
      _id: n.key,
      recipient: n.recipient,
      alertId: n.notice.alertId,
      notice: n.notice,
      createdAt: n.createdAt,
      state: 'pending',
      enqueuedAt: now,
      digestId: null,
      messageId: null,
      claimedAt: null,
      attempts: 0,
      nextAttemptAt: null,
      lastError: null,
      permanentFailure: false,
      sentAt: null,
      response: null,
      mutedReason: null,
    }));
    try {
      const res = await this.col.insertMany(docs, { ordered: false });
      return res.insertedCount;
    } catch (e) {
      // The unique _id is the dedup: a key already there was enqueued before (a replay).
      const errors = (e as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      if (!isDuplicateKey(e) && !Array.isArray(errors)) throw e;
      if ((errors ?? []).some((x) => x.code !== 11000)) throw e;
      const inserted = (e as { insertedCount?: number; result?: { insertedCount?: number } }).insertedCount;
      return inserted ?? docs.length - (errors?.length ?? 0);
    }
  }

  async pending(): Promise<OutboxDoc[]> {
    return this.col.find({ state: 'pending' }).toArray();
  }

  /** Claimed digests whose next attempt is due at `now` (first attempts are due at once). */
  async dueDigests(now: Date): Promise<string[]> {
    const docs = await this.col.find({ state: 'claimed', nextAttemptAt: { $lte: now } }, { projection: { digestId: 1 } }).toArray();
    return [...new Set(docs.map((d) => d.digestId).filter((d): d is string => d !== null))];
  }

  /** When the earliest claimed digest is due, or null. */
  async nextAttemptAt(): Promise<Date | null> {
    const [d] = await this.col.find({ state: 'claimed' }, { projection: { nextAttemptAt: 1 } }).sort({ nextAttemptAt: 1 }).limit(1).toArray();
    return d?.nextAttemptAt ?? null;
  }

  async byDigest(digestId: string): Promise<OutboxDoc[]> {
    return this.col.find({ digestId: String(digestId), state: 'claimed' }).toArray();
  }

  async find(filter: { recipient?: string; alertId?: string; state?: OutboxState } = {}): Promise<OutboxDoc[]> {
    const q: Record<string, string> = {};
    if (filter.recipient !== undefined) q.recipient = String(filter.recipient);
    if (filter.alertId !== undefined) q.alertId = String(filter.alertId);
    if (filter.state !== undefined) q.state = filter.state;
    return this.col.find(q).sort({ enqueuedAt: 1, _id: 1 }).toArray();
  }

  /**
   * Stores the digest's id and Message-ID on its (still pending) notifications before anything
   * is sent; returns how many it claimed. A notification claimed by another sender stays theirs.
   */
  async claim(keys: readonly string[], digestId: string, messageId: string, now: Date): Promise<number> {
    if (keys.length === 0) return 0;
    const res = await this.col.updateMany(
      { _id: { $in: keys.map(String) }, state: 'pending' },
      { $set: { state: 'claimed', digestId, messageId, claimedAt: now, nextAttemptAt: now } },
    );
    return res.modifiedCount;
  }

  async markSent(digestId: string, now: Date, response: string): Promise<void> {
    await this.col.updateMany(
      { digestId: String(digestId), state: 'claimed' },
      { $set: { state: 'sent', sentAt: now, response, nextAttemptAt: null, lastError: null, permanentFailure: false } },
    );
  }

  async markFailed(digestId: string, failure: FailedSend): Promise<void> {
    await this.col.updateMany(
      { digestId: String(digestId), state: 'claimed' },
      {
        $set: {
          attempts: failure.attempts,
          nextAttemptAt: failure.nextAttemptAt,
          lastError: failure.error.slice(0, 500),
          permanentFailure: failure.permanent,
        },
      },
    );
  }

  /** Pending notifications that will never be sent, with why. */
  async markMuted(entries: ReadonlyArray<{ key: string; reason: string }>): Promise<void> {
    for (const e of entries) {
      await this.col.updateOne({ _id: e.key, state: 'pending' }, { $set: { state: 'muted', mutedReason: e.reason } });
    }
  }

  /** The backlog is counted in the app (it is small, and FerretDB's $group is limited). */
  async stats(): Promise<OutboxStats> {
    const [sent, muted] = await Promise.all([this.col.countDocuments({ state: 'sent' }), this.col.countDocuments({ state: 'muted' })]);
    const out: OutboxStats = { pending: 0, failing: 0, permanentFailures: 0, oldestPendingAt: null, sent, muted };
    const backlog = this.col.find({ state: { $in: ['pending', 'claimed'] } }, { projection: { attempts: 1, permanentFailure: 1, enqueuedAt: 1 } });
    for await (const d of backlog) {
      out.pending += 1;
      if (d.attempts > 0) out.failing += 1;
      if (d.permanentFailure) out.permanentFailures += 1;
      if (!out.oldestPendingAt || d.enqueuedAt < out.oldestPendingAt) out.oldestPendingAt = d.enqueuedAt;
    }
    return out;
  }
}

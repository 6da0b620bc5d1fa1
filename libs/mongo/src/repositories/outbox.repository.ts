import type { AnyBulkWriteOperation, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Notice, NoticeHead, Notification, NotificationHead } from '@iw/alerts';
import { COLLECTIONS } from '../documents';
import { claimByInsert } from './claims';
import { bulkWriteChunked, collection, isDuplicateKey } from './collections';

/**
 * The outbox: every notification, written before anything is sent, keyed by its notification
 * key (so it is never enqueued twice). Its life:
 *
 *   pending ──claim──► (sending) ──accepted──► sent
 *      │                   └──failed──► claimed: attempts, nextAttemptAt, lastError ──► retried
 *      └──mute (ack / silence / stale / superseded)──► muted
 *
 * A claim is an insert into `outbox_claims` under the notification key (atomic, see
 * OUTBOX_CLAIMS) holding the digest id and Message-ID; the send's outcome is then written: an
 * accepted mail as an insert into outbox_sent (SentDoc), marked on the notifications by `_id`
 * later (settleSent), a failure on the notifications by `_id`. A claimed digest is re-sent as it
 * is until the server accepts it, also after a crash (adoptClaims): the Message-ID is stored
 * with the claim, so a duplicate carries the same one. Real (wall-clock) times drive retries;
 * `createdAt` (domain time) drives the group wait, `sentDomainAt` (domain time) a person's
 * group interval (lastSent).
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
  /** Wall-clock time the server accepted its mail. */
  sentAt: Date | null;
  /** ISO, domain time the server accepted its mail: the recipient's group interval counts from it (absent on mails sent before it was kept). */
  sentDomainAt?: string | null;
  /** The server's reply when accepted. */
  response: string | null;
  mutedReason: string | null;
}

/** What identifies the pending set cheaply (OutboxRepository.pendingStamp). */
export interface PendingStamp {
  count: number;
  /** Equal keys: the same set, as far as one sender can tell. */
  key: string;
}

/** What a sender pass looks at first (sendQueue). */
export interface SendQueue {
  /** The pending notifications' stamp (as pendingStamp). */
  stamp: PendingStamp;
  /** Claimed digests due at the given time (as dueClaimed). */
  dueClaimed: ClaimedDigest[];
  /** When the earliest claimed notification not yet due is due, or null. */
  nextAttemptAt: Date | null;
  /** Notifications accepted and not yet marked sent on the outbox (settleSent). */
  unmarked: number;
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

/**
 * What the sender keeps of a pending notification until it claims it: the notification's head
 * (NotificationHead: what due, mute and group read) and the outbox's own fields. A province's
 * first sweep leaves tens of thousands pending, each about 3 kB whole once read.
 */
export interface OutboxHead extends NotificationHead {
  state: OutboxState;
  /** When it was enqueued (ms): a number, not a Date (a Date object per head cost about 100 B). */
  enqueuedAt: number;
  attempts: number;
}

/** Heads read per round trip (a read of the pending notifications streams them). */
const HEADS_BATCH = 2_000;

/** The fields of an OutboxHead, as a projection (the same list as headOf copies). */
const HEAD_PROJECTION = {
  _id: 1,
  recipient: 1,
  alertId: 1,
  createdAt: 1,
  state: 1,
  enqueuedAt: 1,
  attempts: 1,
  'notice.kind': 1,
  'notice.alertId': 1,
  'notice.version': 1,
  'notice.at': 1,
  'notice.severity': 1,
  'notice.repeat': 1,
  'notice.unit.projectId': 1,
  'notice.unit.projectName': 1,
  'notice.unit.agency': 1,
  'notice.evaluation.status': 1,
} as const;

/**
 * What a reader of pending heads keeps of each as it is read (the sender's copy: the same head,
 * its texts shared with the others'); the head itself by default.
 */
export type KeepHead = (head: OutboxHead) => OutboxHead;

const keepAsRead: KeepHead = (head) => head;

/** The fields headOf reads of an outbox document (whole, or as HEAD_PROJECTION read it). */
type HeadSource = Pick<
  OutboxDoc,
  '_id' | 'recipient' | 'alertId' | 'createdAt' | 'state' | 'enqueuedAt' | 'attempts'
> & {
  notice: NoticeHead;
};

/**
 * The head of a notification (whole, or as the projection read it): a copy of only what
 * OutboxHead holds, each object built whole in one literal (a property added later moves to an
 * array of its own). The alert id is a slice of the key, which starts with it: one string less
 * per notification.
 */
export function headOf(doc: HeadSource): OutboxHead {
  const { notice } = doc;
  const alertId = doc._id.startsWith(`${doc.alertId}|`) ? doc._id.slice(0, doc.alertId.length) : doc.alertId;
  const { projectId, projectName, agency } = notice.unit;
  const unit: NoticeHead['unit'] =
    agency === undefined ? { projectId, projectName } : { projectId, projectName, agency };
  const fields = {
    kind: notice.kind,
    alertId: notice.alertId === alertId ? alertId : notice.alertId,
    version: notice.version,
    at: notice.at,
    severity: notice.severity,
    unit,
    evaluation: { status: notice.evaluation.status },
  };
  const head: NoticeHead = notice.repeat === undefined ? fields : { ...fields, repeat: notice.repeat };
  return {
    key: doc._id,
    recipient: doc.recipient,
    notice: head,
    createdAt: doc.createdAt,
    state: doc.state,
    enqueuedAt: doc.enqueuedAt.getTime(),
    attempts: doc.attempts,
  };
}

/** The notification a whole outbox document holds. */
export function toNotification(doc: OutboxDoc): Notification {
  return { key: doc._id, recipient: doc.recipient, notice: doc.notice, createdAt: doc.createdAt };
}

/**
 * `outbox_claims`: one document per claimed notification, `_id` = the notification key. An
 * insert under a unique `_id` is the one write FerretDB 1.24 makes atomic (a conditional update
 * of the outbox document is read, modified and written back without re-checking its filter, so
 * two senders could both "win" it): whoever inserts the key first owns the notification, and
 * its digest id and Message-ID are recorded there before anything is sent.
 */
export const OUTBOX_CLAIMS = COLLECTIONS.outboxClaims;

export interface ClaimDoc {
  _id: string; // notification key
  digestId: string;
  messageId: string;
  claimedAt: Date;
}

/**
 * `outbox_sent`: one document per notification whose mail the server accepted, `_id` = the
 * notification key, inserted by the sender before that connection sends its next mail. An
 * insert of a few documents costs FerretDB about what one update by `_id` does (1.5–3.6 ms),
 * and the updates of a burst's outbox documents took turns on the store with the next mails'
 * writes. The outbox documents are marked `sent` from here later, when the sender is quiet or
 * before it next reads the send queue (settleSent), and the entries are then deleted.
 */
export interface SentDoc {
  _id: string; // notification key
  digestId: string;
  messageId: string;
  claimedAt: Date;
  sentAt: Date;
  /** ISO, domain time. */
  sentDomainAt: string;
  response: string;
}

/** A digest to claim: its notifications' keys, its id and Message-ID. */
export interface DigestClaim {
  digestId: string;
  messageId: string;
  keys: readonly string[];
}

/** A claimed digest the sender sends: its notifications as stored, in the group stage's order. */
export interface ClaimedDigest {
  digestId: string;
  messageId: string;
  docs: OutboxDoc[];
}

/** One digest's send outcome, written on each of its notifications by `_id`. */
export interface SendOutcome {
  digestId: string;
  messageId: string;
  keys: readonly string[];
  claimedAt: Date;
  /** The server's reply when accepted: `at` wall-clock, `domainAt` the domain clock's ISO time. */
  sent?: { at: Date; domainAt: string; response: string };
  /** Why it was not accepted and when to try again. Neither: not attempted (this sender stopped), due at once. */
  failure?: FailedSend;
}

/**
 * How long a claim found without its outcome is left to the sender that made it before it is
 * adopted (sent again, same Message-ID): that sender may still be sending. After a crash this
 * is the delay before the interrupted digest goes out.
 */
export const ADOPT_AFTER_MS = 60_000;

function writeErrorsOf(e: unknown): Array<{ code?: number; index?: number }> | null {
  const errors = (e as { writeErrors?: Array<{ code?: number; index?: number; err?: { index?: number } }> })
    .writeErrors;
  if (!Array.isArray(errors)) return null;
  return errors.map((x) => ({ code: x.code, index: x.index ?? x.err?.index }));
}

export class OutboxRepository {
  private readonly enqueuedListeners = new Set<(docs: readonly OutboxDoc[]) => void>();

  constructor(private readonly conn: Connection) {}

  /**
   * Calls `listener` with the notifications each `enqueue` of this repository (this process)
   * inserted, once they are in the outbox: the sender's copy of the pending ones takes them
   * without reading them back. Returns a function that stops the calls.
   */
  onEnqueued(listener: (docs: readonly OutboxDoc[]) => void): () => void {
    this.enqueuedListeners.add(listener);
    return () => this.enqueuedListeners.delete(listener);
  }

  private get col() {
    return collection<OutboxDoc>(this.conn, COLLECTIONS.outbox);
  }

  private get claims() {
    return collection<ClaimDoc>(this.conn, OUTBOX_CLAIMS);
  }

  private get sentCol() {
    return collection<SentDoc>(this.conn, COLLECTIONS.outboxSent);
  }

  /** Called by prepareDatabase at start-up (which also creates every collection): DDL stays out of the hot path. */
  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ state: 1 });
    await this.col.createIndex({ state: 1, enqueuedAt: -1, _id: -1 });
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
      sentDomainAt: null,
      response: null,
      mutedReason: null,
    }));
    try {
      const res = await this.col.insertMany(docs, { ordered: false });
      this.tellEnqueued(docs);
      return res.insertedCount;
    } catch (e) {
      // The unique _id is the dedup: a key already there was enqueued before (a replay).
      const errors = (e as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      if (!isDuplicateKey(e) && !Array.isArray(errors)) throw e;
      if ((errors ?? []).some((x) => x.code !== 11000)) throw e;
      const refused = writeErrorsOf(e);
      // Which ones went in is known only by the errors' indexes; without them, tell nothing
      // (the sender's count check then reads what came).
      if (refused && refused.every((x) => x.index !== undefined)) {
        const out = new Set(refused.map((x) => x.index!));
        this.tellEnqueued(docs.filter((_, i) => !out.has(i)));
      }
      const inserted = (e as { insertedCount?: number; result?: { insertedCount?: number } }).insertedCount;
      return inserted ?? docs.length - (errors?.length ?? 0);
    }
  }

  private tellEnqueued(docs: readonly OutboxDoc[]): void {
    if (!docs.length) return;
    for (const listener of this.enqueuedListeners) listener(docs);
  }

  /**
   * The pending notifications' heads (those whose mail was accepted and is not marked yet left
   * out). Whole notifications are read by key (byKeys) when claimed.
   */
  async pendingHeads(keep: KeepHead = keepAsRead): Promise<OutboxHead[]> {
    return this.headsOf({ state: 'pending' }, keep);
  }

  /** Heads of the pending notifications enqueued at or after `since` (by index): what came since a sender last looked. */
  async pendingHeadsSince(since: Date, keep: KeepHead = keepAsRead): Promise<OutboxHead[]> {
    return this.headsOf({ state: 'pending', enqueuedAt: { $gte: since } }, keep);
  }

  private async headsOf(filter: Filter<OutboxDoc>, keep: KeepHead): Promise<OutboxHead[]> {
    const accepted = await this.acceptedKeys();
    const out: OutboxHead[] = [];
    // Streamed, each document copied to its head (and kept as `keep` says) as it comes: a
    // province's pending notifications read at once were tens of MB in the driver's objects,
    // and their heads, each with its own texts, twice what the sender's copy keeps of them.
    for await (const d of this.col.find(filter, { projection: HEAD_PROJECTION, batchSize: HEADS_BATCH }))
      if (!accepted.has(d._id)) out.push(keep(headOf(d)));
    return out;
  }

  /**
   * The keys in outbox_sent: accepted, not marked on the outbox yet (a read of a collection
   * that holds only what was accepted since the last settleSent).
   */
  private async acceptedKeys(): Promise<Set<string>> {
    return new Set((await this.sentCol.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
  }

  /**
   * The pending stamp, the claimed digests due at `now` and when the next claimed one is due, in
   * one read of the outbox: FerretDB narrows a query by `_id` only and scans the collection for
   * any other filter, so separate reads of each (four scans, sent notifications included: they
   * stay IW_RETENTION_OUTBOX) were most of a sender pass's reads. Only `_id`, state and times
   * come back; due digests are then read by `_id`. The stamp: how many are pending, and the
   * latest enqueued. The same stamp means the same set, as far as a sender's own passes go:
   * whatever leaves `pending` or enters it changes the count or the latest. Streamed, each row
   * looked at as it comes: a province's 86,000 pending rows read at once were about 19 MB on
   * every pass that read the queue.
   */
  async sendQueue(now: Date): Promise<SendQueue> {
    const accepted = await this.acceptedKeys();
    const rows = this.col.find(
      { state: { $in: ['pending', 'claimed'] } },
      { projection: { _id: 1, state: 1, enqueuedAt: 1, nextAttemptAt: 1 }, batchSize: HEADS_BATCH },
    );
    let count = 0;
    let latest: { at: number; id: string } | null = null;
    let nextAttemptAt: Date | null = null;
    const due: string[] = [];
    for await (const r of rows) {
      // Accepted, not marked yet (outbox_sent): not in the queue.
      if (accepted.has(r._id)) continue;
      if (r.state === 'pending') {
        count++;
        const at = r.enqueuedAt.getTime();
        if (!latest || at > latest.at || (at === latest.at && r._id > latest.id)) latest = { at, id: r._id };
      } else if (r.nextAttemptAt && r.nextAttemptAt.getTime() <= now.getTime()) due.push(r._id);
      else if (r.nextAttemptAt && (!nextAttemptAt || r.nextAttemptAt < nextAttemptAt)) nextAttemptAt = r.nextAttemptAt;
    }
    const stamp = { count, key: latest ? `${count}:${latest.at}:${latest.id}` : '0' };
    const dueClaimed = due.length
      ? digestsOf(await this.col.find({ _id: { $in: due }, state: 'claimed' }).toArray())
      : [];
    return { stamp, dueClaimed, nextAttemptAt, unmarked: accepted.size };
  }

  /**
   * The notifications of these keys (by `_id`), by key; absent keys are left out. One whose
   * mail was accepted but is not settled yet (outbox_sent) is returned as settleSent will mark it.
   */
  async byKeys(keys: readonly string[]): Promise<Map<string, OutboxDoc>> {
    const out = new Map<string, OutboxDoc>();
    if (keys.length === 0) return out;
    const ids = [...new Set(keys.map(String))];
    const [docs, sent] = await Promise.all([
      this.col.find({ _id: { $in: ids } }).toArray(),
      this.sentCol.find({ _id: { $in: ids } }).toArray(),
    ]);
    const sentOf = new Map(sent.map((d) => [d._id, d]));
    for (const d of docs) {
      const s = sentOf.get(d._id);
      out.set(d._id, s && d.state !== 'sent' ? { ...d, ...sentFields(s) } : d);
    }
    return out;
  }

  async find(filter: { recipient?: string; alertId?: string; state?: OutboxState } = {}): Promise<OutboxDoc[]> {
    const q: Record<string, string> = {};
    if (filter.recipient !== undefined) q.recipient = String(filter.recipient);
    if (filter.alertId !== undefined) q.alertId = String(filter.alertId);
    if (filter.state !== undefined) q.state = filter.state;
    return this.col.find(q).sort({ enqueuedAt: 1, _id: 1 }).toArray();
  }

  /**
   * When each of `recipients` was last sent a mail (domain ms, from `sentDomainAt`), absent
   * for those never mailed: the group interval counts from it. One query for all of them.
   */
  async lastSent(recipients: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (recipients.length === 0) return out;
    const docs = this.col.find(
      { state: 'sent', recipient: { $in: recipients.map(String) } },
      { projection: { recipient: 1, sentDomainAt: 1 } },
    );
    for await (const d of docs) {
      const at = d.sentDomainAt ? Date.parse(d.sentDomainAt) : NaN;
      if (Number.isFinite(at) && at > (out.get(d.recipient) ?? -Infinity)) out.set(d.recipient, at);
    }
    return out;
  }

  /**
   * Claims the digests' notifications for this sender: one insert of a claim per notification
   * (atomic: of two concurrent claimers of a key exactly one wins). Returns, per digest, the
   * keys this call won; the outbox documents themselves stay `pending` until the send's outcome
   * is recorded (recordOutcomes), which saves a write per notification on the way to SMTP.
   * A key already claimed (by another sender, or by one that crashed before recording its
   * outcome) is not this call's; see adoptClaims.
   */
  async claimDigests(
    digests: readonly DigestClaim[],
    now: Date,
  ): Promise<{ won: Map<string, string[]>; lost: string[] }> {
    const docs: ClaimDoc[] = digests.flatMap((d) =>
      d.keys.map((key) => ({ _id: String(key), digestId: d.digestId, messageId: d.messageId, claimedAt: now })),
    );
    const lostIndexes = new Set<number>();
    if (docs.length) {
      try {
        await this.claims.insertMany(docs, { ordered: false });
      } catch (e) {
        const errors = writeErrorsOf(e);
        if (!errors || errors.some((x) => x.code !== 11000 || x.index === undefined)) throw e;
        for (const x of errors) lostIndexes.add(x.index!);
      }
    }
    const won = new Map<string, string[]>();
    const lost: string[] = [];
    docs.forEach((doc, i) => {
      if (lostIndexes.has(i)) return void lost.push(doc._id);
      const keys = won.get(doc.digestId) ?? [];
      keys.push(doc._id);
      won.set(doc.digestId, keys);
    });
    return { won, lost };
  }

  /**
   * Notifications found `pending` but already claimed (`keys`, as claimDigests reported them
   * lost): marks them `claimed` with the stored claim's digest and Message-ID, due
   * ADOPT_AFTER_MS after that claim (not at once: its sender may still be at work). A crashed
   * sender's digest is thus sent again as it was. Returns how many it adopted.
   */
  async adoptClaims(keys: readonly string[], now: Date): Promise<number> {
    if (keys.length === 0) return 0;
    const claims = await this.claims.find({ _id: { $in: keys.map(String) } }).toArray();
    if (claims.length === 0) return 0;
    const res = await bulkWriteChunked(
      this.col,
      claims.map((c) => ({
        updateOne: {
          filter: { _id: c._id, state: 'pending' as const },
          update: {
            $set: {
              state: 'claimed' as const,
              digestId: c.digestId,
              messageId: c.messageId,
              claimedAt: c.claimedAt,
              nextAttemptAt: new Date(Math.max(now.getTime(), c.claimedAt.getTime() + ADOPT_AFTER_MS)),
            },
          },
        },
      })),
      { ordered: false },
    );
    return res.matchedCount;
  }

  /**
   * Records what became of sent digests: accepted → an entry per notification in outbox_sent,
   * in one insert (marked on the outbox documents later: settleSent); failed → on each
   * notification by `_id` (the key lookup FerretDB serves from its primary key), `claimed` with
   * the attempt count and when to try again. The claim's digest id and Message-ID are written
   * too, so a notification whose claim was never materialised carries them now.
   */
  async recordOutcomes(outcomes: readonly SendOutcome[]): Promise<void> {
    const sent: SentDoc[] = [];
    const ops: AnyBulkWriteOperation<OutboxDoc>[] = [];
    for (const o of outcomes) {
      const claimed = { digestId: o.digestId, messageId: o.messageId, claimedAt: o.claimedAt };
      if (o.sent) {
        const { at: sentAt, domainAt: sentDomainAt, response } = o.sent;
        for (const key of o.keys) sent.push({ _id: String(key), ...claimed, sentAt, sentDomainAt, response });
        continue;
      }
      const set = o.failure
        ? {
            ...claimed,
            state: 'claimed' as const,
            attempts: o.failure.attempts,
            nextAttemptAt: o.failure.nextAttemptAt,
            lastError: o.failure.error.slice(0, 500),
            permanentFailure: o.failure.permanent,
          }
        : { ...claimed, state: 'claimed' as const, nextAttemptAt: o.claimedAt };
      for (const key of o.keys) ops.push({ updateOne: { filter: { _id: String(key) }, update: { $set: set } } });
    }
    // A key already there was recorded by an earlier attempt of this write: the same mail.
    await claimByInsert(this.sentCol, sent);
    if (ops.length) await bulkWriteChunked(this.col, ops, { ordered: false });
  }

  /**
   * Marks `sent` the outbox documents of the mails recorded in outbox_sent (`max` of them at
   * most; one chunked bulk write by `_id`), then deletes those entries; returns how many.
   * Idempotent: entries a crash left behind are marked again. Reads outbox_sent whole (what was
   * accepted since the last settle: small), so it also settles what another sender recorded.
   */
  async settleSent(max = Infinity): Promise<number> {
    const found = this.sentCol.find({});
    const sent = await (Number.isFinite(max) ? found.limit(max) : found).toArray();
    if (sent.length === 0) return 0;
    await bulkWriteChunked(
      this.col,
      sent.map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: sentFields(d) } } })),
      { ordered: false },
    );
    await this.sentCol.deleteMany({ _id: { $in: sent.map((d) => d._id) } });
    return sent.length;
  }

  /** Pending notifications that will never be sent, with why (one bulk write by `_id`). */
  async markMuted(entries: ReadonlyArray<{ key: string; reason: string }>): Promise<void> {
    if (entries.length === 0) return;
    await bulkWriteChunked(
      this.col,
      entries.map((e) => ({
        updateOne: {
          filter: { _id: String(e.key), state: 'pending' as const },
          update: { $set: { state: 'muted' as const, mutedReason: e.reason } },
        },
      })),
      { ordered: false },
    );
  }

  /**
   * Counted in the app (FerretDB's $group is limited) in one pass over the collection: on
   * FerretDB every filter but `_id` reads the whole collection anyway, so one read with a small
   * projection replaces a count per state and a read of the backlog.
   */
  async stats(): Promise<OutboxStats> {
    const out: OutboxStats = { pending: 0, failing: 0, permanentFailures: 0, oldestPendingAt: null, sent: 0, muted: 0 };
    const accepted = await this.acceptedKeys();
    out.sent += accepted.size;
    const all = this.col.find(
      {},
      { projection: { state: 1, attempts: 1, permanentFailure: 1, enqueuedAt: 1 }, batchSize: HEADS_BATCH },
    );
    for await (const d of all) {
      if (d.state === 'sent') out.sent += 1;
      else if (d.state === 'muted') out.muted += 1;
      else if (d.state === 'pending' || d.state === 'claimed') {
        if (accepted.has(d._id)) continue;
        out.pending += 1;
        if (d.attempts > 0) out.failing += 1;
        if (d.permanentFailure) out.permanentFailures += 1;
        if (!out.oldestPendingAt || d.enqueuedAt < out.oldestPendingAt) out.oldestPendingAt = d.enqueuedAt;
      }
    }
    return out;
  }
}

/** What an accepted mail sets on its notifications' outbox documents. */
function sentFields(d: SentDoc) {
  return {
    digestId: d.digestId,
    messageId: d.messageId,
    claimedAt: d.claimedAt,
    state: 'sent' as const,
    sentAt: d.sentAt,
    sentDomainAt: d.sentDomainAt,
    response: d.response,
    nextAttemptAt: null,
    lastError: null,
    permanentFailure: false,
  };
}

/** Claimed notifications as the digests their claims made (in the order read). */
function digestsOf(docs: readonly OutboxDoc[]): ClaimedDigest[] {
  const byDigest = new Map<string, ClaimedDigest>();
  for (const d of docs) {
    if (d.digestId === null) continue;
    const digest = byDigest.get(d.digestId) ?? { digestId: d.digestId, messageId: d.messageId ?? '', docs: [] };
    digest.docs.push(d);
    byDigest.set(d.digestId, digest);
  }
  return [...byDigest.values()];
}

import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../documents';
import { claimByInsert } from './claims';
import { collection } from './collections';
import { WALL_CLOCK } from '@iw/clock';

/**
 * A named lease (e.g. the alerting sender's leadership). FerretDB has no TTL indexes, so a
 * lease expires by comparison: whoever finds `expiresAt` in the past may take it over. Times
 * are wall-clock ms (a lease is about live processes, not about simulated time).
 *
 * Taking a lease over is an INSERT of the next term, `<name>#<term>`, under its unique `_id`
 * (claimByInsert): of concurrent contenders exactly one insert succeeds. (A conditional update such as
 * `{_id, expiresAt: {$lte: now}}` is not enough: FerretDB 1.24 reads, modifies and writes a
 * document back without re-checking the filter, so two contenders could both match it.) Only
 * the holder of a term ever updates that term's document (renewal, release).
 */
export interface LeaseDoc {
  _id: string; // `${name}#${term}`
  name: string;
  term: number;
  holder: string;
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
}

const termId = (name: string, term: number) => `${name}#${term}`;

export class LeaseRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<LeaseDoc>(this.conn, COLLECTIONS.leases);
  }

  /** The latest term of `name` (expired or not), or null. A handful of documents: scanned. */
  async current(name: string): Promise<LeaseDoc | null> {
    const [doc] = await this.col
      .find({ name: String(name) })
      .sort({ term: -1 })
      .limit(1)
      .toArray();
    return doc ?? null;
  }

  /**
   * Takes the lease over for `ttlMs` when it is free at `nowMs` (never taken, released or
   * expired) or already `holder`'s: inserts the next term. True when this call won it. `nowMs` must be read before
   * the call: the holder's own validity ends at the `expiresAt` it wrote, so a contender that
   * judges expiry by an earlier instant never overlaps it.
   */
  async take(name: string, holder: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const now = new Date(nowMs);
    const cur = await this.current(name);
    // Its own live term a holder may take over too (after a renewal that came too late to count).
    if (cur && cur.expiresAt.getTime() > nowMs && cur.holder !== holder) return false;
    const term = (cur?.term ?? 0) + 1;
    const { won } = await claimByInsert(this.col, [
      {
        _id: termId(name, term),
        name,
        term,
        holder,
        acquiredAt: now,
        renewedAt: now,
        expiresAt: new Date(nowMs + ttlMs),
      },
    ]);
    if (won.length === 0) return false;
    // A contender that read an old term long ago could insert a pruned term number again:
    // it won only if its term is still the latest.
    const latest = await this.current(name);
    if (latest?._id !== termId(name, term)) {
      await this.col.deleteOne({ _id: termId(name, term), holder });
      return false;
    }
    await this.col.deleteMany({ name, term: { $lt: term - 1 } });
    return true;
  }

  /**
   * Extends the term `holder` holds to `nowMs + ttlMs`; false when the latest term is not
   * `holder`'s or has expired at `nowMs` (then only take() can give it back). The caller
   * counts a renewal only if it completed before its previous expiry.
   */
  async renew(name: string, holder: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const cur = await this.current(name);
    if (!cur || cur.holder !== holder || cur.expiresAt.getTime() <= nowMs) return false;
    const res = await this.col.updateOne(
      { _id: cur._id, holder },
      { $set: { renewedAt: new Date(nowMs), expiresAt: new Date(nowMs + ttlMs) } },
    );
    if (res.matchedCount !== 1) return false;
    return (await this.col.findOne({ _id: termId(name, cur.term + 1) }, { projection: { _id: 1 } })) === null;
  }

  /** Renews the lease if `holder` holds it, else tries to take it over; true when `holder` holds it afterwards. */
  async acquire(name: string, holder: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return (await this.renew(name, holder, ttlMs, nowMs)) || (await this.take(name, holder, ttlMs, nowMs));
  }

  /** Gives the lease up (only if `holder` holds the latest term), so a successor need not wait for expiry. */
  async release(name: string, holder: string): Promise<void> {
    const cur = await this.current(name);
    if (cur?.holder === holder)
      await this.col.updateOne({ _id: cur._id, holder }, { $set: { expiresAt: new Date(0) } });
  }

  /** The lease as it stands at `nowMs` (wall clock): null when nobody holds it. */
  async get(name: string, nowMs = WALL_CLOCK.now()): Promise<LeaseDoc | null> {
    const cur = await this.current(name);
    return cur && cur.expiresAt.getTime() > nowMs ? cur : null;
  }
}

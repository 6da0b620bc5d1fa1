import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../documents';
import { collection, isDuplicateKey } from './collections';

/**
 * A named lease (e.g. the alerting sender's leadership). FerretDB has no TTL indexes, so a
 * lease expires by comparison: whoever finds `expiresAt` in the past may take it over. Times
 * are wall-clock ms (a lease is about live processes, not about simulated time).
 */
export interface LeaseDoc {
  _id: string;
  holder: string;
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
}

export class LeaseRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<LeaseDoc>(this.conn, COLLECTIONS.leases);
  }

  /**
   * Takes or renews the lease for `ttlMs`; true when `holder` holds it afterwards. Each step
   * is one single-document write, so two contenders can never both win.
   */
  async acquire(name: string, holder: string, ttlMs: number, nowMs: number): Promise<boolean> {
    const now = new Date(nowMs);
    const expiresAt = new Date(nowMs + ttlMs);
    const renewed = await this.col.updateOne({ _id: name, holder }, { $set: { renewedAt: now, expiresAt } });
    if (renewed.matchedCount === 1) return true;
    const taken = await this.col.updateOne(
      { _id: name, expiresAt: { $lte: now } },
      { $set: { holder, acquiredAt: now, renewedAt: now, expiresAt } },
    );
    if (taken.matchedCount === 1) return true;
    try {
      await this.col.insertOne({ _id: name, holder, acquiredAt: now, renewedAt: now, expiresAt });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  /** Gives the lease up (only if `holder` still holds it), so a successor need not wait for expiry. */
  async release(name: string, holder: string): Promise<void> {
    await this.col.deleteOne({ _id: name, holder });
  }

  async get(name: string): Promise<LeaseDoc | null> {
    return this.col.findOne({ _id: name });
  }
}

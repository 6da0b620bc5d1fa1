import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../documents';
import { collection } from './collections';

/**
 * Signed-in sessions. The cookie holds a random secret; only its SHA-256 is stored, so reading
 * this collection does not let anyone sign in. Expiry is checked on use (idle and absolute,
 * wall clock); expired sessions are deleted then and when their person signs in again.
 */
export interface SessionDoc {
  _id: string; // SHA-256 (hex) of the cookie's secret
  email: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** Absolute end, whatever the activity. */
  expiresAt: Date;
  address: string | null;
  userAgent: string | null;
}

export function sessionKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export class SessionRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<SessionDoc>(this.conn, COLLECTIONS.sessions);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ email: 1 });
  }

  async create(doc: SessionDoc): Promise<void> {
    await this.col.insertOne(doc);
  }

  async get(key: string): Promise<SessionDoc | null> {
    return this.col.findOne({ _id: String(key) });
  }

  async touch(key: string, at: Date): Promise<void> {
    await this.col.updateOne({ _id: String(key) }, { $set: { lastSeenAt: at } });
  }

  async delete(key: string): Promise<void> {
    await this.col.deleteOne({ _id: String(key) });
  }

  /** A person's sessions idle since `idleBefore` or past their end (sign-in housekeeping). */
  async deleteStale(email: string, idleBefore: Date, now: Date): Promise<number> {
    const res = await this.col.deleteMany({
      email: String(email),
      $or: [{ lastSeenAt: { $lt: idleBefore } }, { expiresAt: { $lte: now } }],
    });
    return res.deletedCount;
  }

  async deleteFor(email: string): Promise<number> {
    return (await this.col.deleteMany({ email: String(email) })).deletedCount;
  }

  async countFor(email: string): Promise<number> {
    return this.col.countDocuments({ email: String(email) });
  }
}

import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../documents';
import { claimByInsert } from './claims';
import { collection } from './collections';
import { WALL_CLOCK } from '@iw/clock';

interface SecretDoc {
  _id: string;
  /** base64 */
  value: string;
  createdAt: Date;
}

/**
 * The HMAC key of personal links: IW_LINK_SECRET when set; otherwise generated once and kept
 * here under a fixed `_id`. Several processes (alerting signs links in mails, status verifies
 * them, the CLI prints them) may start together: the first insert wins (atomic on FerretDB too)
 * and everyone reads the winner's.
 */
export class SecretRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<SecretDoc>(this.conn, COLLECTIONS.secrets);
  }

  async linkSecret(configured: string | null): Promise<Buffer> {
    if (configured) return Buffer.from(configured, 'utf8');
    const found = await this.col.findOne({ _id: 'link' });
    if (found) return Buffer.from(found.value, 'base64');
    await claimByInsert(this.col, [
      { _id: 'link', value: randomBytes(32).toString('base64'), createdAt: new Date(WALL_CLOCK.now()) },
    ]);
    const kept = await this.col.findOne({ _id: 'link' });
    if (!kept) throw new Error('the link secret vanished right after it was stored');
    return Buffer.from(kept.value, 'base64');
  }
}

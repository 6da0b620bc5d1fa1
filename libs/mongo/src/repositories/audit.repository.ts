import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../documents';
import { collection } from './collections';

/** What the audit log records. */
export const AUDIT_ACTIONS = [
  'ack',
  'silence',
  'unsilence',
  'report',
  'deviation',
  'sign_in',
  'sign_out',
  'close_year',
  'person_put',
  'person_remove',
  'person_revoke',
  'issue_link',
  'dlq_redrive',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One action of a person (or a machine token): who, when (domain clock and wall clock), what,
 * on what, before and after, from which address. Appended, never updated or deleted: this
 * repository has no method that could.
 */
export interface AuditDoc {
  /** `<wall-clock ISO>#<random>`: unique, and sorts by when it was recorded. */
  _id: string;
  /** The person's address, or a token's id (`token:<scope>:<digest>`). */
  actor: string;
  actorName: string;
  /** owner | office | viewer | admin, the token's scope, or `cli` (`iw alerts ack|silence|unsilence`). */
  role: string;
  action: AuditAction;
  /** Alert id (ack, silence, unsilence), indicator or part id (report, deviation), the person (sign-in), the year (close_year), the person's address (person_put, person_remove, person_revoke, issue_link). */
  target: string;
  indicatorId: string | null;
  projectId: string | null;
  agency: string | null;
  /** Domain time (IW_CLOCK): what the dashboard calls now. */
  at: Date;
  /** Wall-clock time it was recorded. */
  recordedAt: Date;
  before: unknown;
  after: unknown;
  /** The client address as the status app saw it. */
  address: string | null;
}

export type NewAuditEntry = Omit<AuditDoc, '_id'>;

export interface AuditQuery {
  indicatorId?: string;
  actor?: string;
  /** Domain time. */
  since?: Date;
  /** Only these agencies' entries (null or absent: all). */
  agencies?: readonly string[] | null;
  limit?: number;
}

export class AuditRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<AuditDoc>(this.conn, COLLECTIONS.audit);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ indicatorId: 1 });
    await this.col.createIndex({ actor: 1 });
    await this.col.createIndex({ at: 1 });
  }

  async append(entry: NewAuditEntry): Promise<AuditDoc> {
    const doc: AuditDoc = { _id: `${entry.recordedAt.toISOString()}#${randomBytes(6).toString('hex')}`, ...entry };
    await this.col.insertOne(doc);
    return doc;
  }

  /** Newest first (by when recorded). */
  async list(q: AuditQuery = {}): Promise<AuditDoc[]> {
    const filter: Record<string, unknown> = {};
    if (q.indicatorId !== undefined) filter.indicatorId = String(q.indicatorId);
    if (q.actor !== undefined) filter.actor = String(q.actor);
    if (q.since !== undefined) filter.at = { $gte: q.since };
    if (q.agencies) filter.agency = { $in: q.agencies.map(String) };
    return this.col
      .find(filter)
      .sort({ _id: -1 })
      .limit(Math.max(1, Math.min(q.limit ?? 500, 5000)))
      .toArray();
  }
}

import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection } from 'mongoose';
import {
  AlertActionError,
  acknowledge,
  silence,
  unsilence,
  type Alert,
  type AlertSeverity,
  type AlertState,
} from '@iw/alerts';
import { endOfLocalDay } from '@iw/clock';
import { COLLECTIONS } from '../documents';
import { casResult } from './evaluation.repository';
import { bulkWriteChunked, collection } from './collections';

/**
 * One alert per tracked unit (libs/alerts Alert), with its state history. Written by alerting
 * (lifecycle) and by whoever acknowledges or silences (CLI, status API): every write is a
 * compare-and-set on `rev`, so the two never overwrite each other.
 */
export type AlertDoc = Omit<Alert, 'id'> & {
  _id: string; // = unit id
  /** Copies of unit.projectId / unit.indicatorId, for queries. */
  projectId: string;
  indicatorId: string;
  rev: number;
};

export interface AlertWrite {
  alert: Alert;
  /** `rev` of the stored alert it was computed from; null when none was stored. */
  expectedRev: number | null;
}

export interface StoredAlert {
  alert: Alert;
  rev: number;
}

export class AlertNotFoundError extends Error {
  constructor(readonly alertId: string) {
    super(`no alert ${alertId} (an alert's id is its tracked unit's id; see iw alerts list --all)`);
    this.name = 'AlertNotFoundError';
  }
}

export function toAlert(doc: AlertDoc): StoredAlert {
  const { _id, projectId: _p, indicatorId: _i, rev, ...rest } = doc;
  return { alert: { id: _id, ...rest }, rev };
}

function toDoc(alert: Alert, rev: number): AlertDoc {
  const { id, ...rest } = alert;
  return { ...rest, _id: id, projectId: alert.unit.projectId, indicatorId: alert.unit.indicatorId, rev };
}

/**
 * `--until` of a silence: a local date `YYYY-MM-DD` silences through the end of that day in
 * `timeZone`; an ISO instant with a time is taken as it is. Returns epoch ms.
 */
export function parseSilenceUntil(text: string, timeZone: string): number {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const [y, m, d] = t.split('-').map(Number);
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
      throw new AlertActionError(`silence: "${text}" is not a calendar date`);
    }
    return endOfLocalDay(t, timeZone);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  }
  throw new AlertActionError(`silence: "${text}" is not a date (YYYY-MM-DD) or an ISO date-time`);
}

const MAX_ACTION_ROUNDS = 8;

export class AlertRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<AlertDoc>(this.conn, COLLECTIONS.alerts);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ state: 1 });
    await this.col.createIndex({ projectId: 1 });
  }

  async find(ids: readonly string[]): Promise<Map<string, StoredAlert>> {
    const out = new Map<string, StoredAlert>();
    if (ids.length === 0) return out;
    for (const d of await this.col.find({ _id: { $in: ids.map(String) } }).toArray()) out.set(d._id, toAlert(d));
    return out;
  }

  async get(id: string): Promise<StoredAlert | null> {
    const d = await this.col.findOne({ _id: String(id) });
    return d ? toAlert(d) : null;
  }

  async list(filter: { state?: AlertState; projectId?: string; indicatorId?: string } = {}): Promise<StoredAlert[]> {
    const q: Record<string, string> = {};
    if (filter.state !== undefined) q.state = filter.state;
    if (filter.projectId !== undefined) q.projectId = String(filter.projectId);
    if (filter.indicatorId !== undefined) q.indicatorId = String(filter.indicatorId);
    return (await this.col.find(q).sort({ updatedAt: -1, _id: 1 }).toArray()).map(toAlert);
  }

  /** Open alerts by severity, counted in the app. */
  async countOpen(): Promise<Record<AlertSeverity, number>> {
    const out: Record<AlertSeverity, number> = { at_risk: 0, off_track: 0 };
    for await (const d of this.col.find({ state: 'open' }, { projection: { severity: 1 } }))
      if (d.severity) out[d.severity] += 1;
    return out;
  }

  /** Compare-and-set on `rev`, one round trip; returns the ids someone else moved meanwhile. */
  async save(writes: readonly AlertWrite[]): Promise<string[]> {
    if (writes.length === 0) return [];
    const ops: AnyBulkWriteOperation<AlertDoc>[] = writes.map((w) =>
      w.expectedRev === null
        ? { insertOne: { document: toDoc(w.alert, 1) } }
        : {
            replaceOne: {
              filter: { _id: w.alert.id, rev: w.expectedRev },
              replacement: toDoc(w.alert, w.expectedRev + 1),
            },
          },
    );
    return casResult(
      writes.map((w) => ({ id: w.alert.id, replace: w.expectedRev !== null })),
      () => bulkWriteChunked(this.col, ops, { ordered: false }),
    );
  }

  /**
   * Acknowledges an open alert: its repeats stop until it resolves or its severity changes.
   * Throws AlertNotFoundError, or AlertActionError when the alert is not open.
   */
  acknowledge(id: string, options: { now: number; by?: string }): Promise<Alert> {
    return this.act(id, (a) => acknowledge(a, options.now, options.by));
  }

  /** Mutes the alert's firing notices until `until` (epoch ms; see parseSilenceUntil). */
  silence(id: string, until: number, options: { now: number; by?: string }): Promise<Alert> {
    return this.act(id, (a) => silence(a, until, options.now, options.by));
  }

  unsilence(id: string, options: { now: number; by?: string }): Promise<Alert> {
    return this.act(id, (a) => unsilence(a, options.now, options.by));
  }

  private async act(id: string, fn: (alert: Alert) => Alert): Promise<Alert> {
    for (let round = 0; round < MAX_ACTION_ROUNDS; round++) {
      const stored = await this.get(id);
      if (!stored) throw new AlertNotFoundError(id);
      const next = fn(stored.alert);
      if (next === stored.alert) return next;
      const res = await this.col.replaceOne({ _id: next.id, rev: stored.rev }, toDoc(next, stored.rev + 1));
      if (res.matchedCount === 1) return next;
    }
    throw new Error(`alert ${id} kept changing under ${MAX_ACTION_ROUNDS} attempts; try again`);
  }
}

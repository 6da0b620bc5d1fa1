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
import { retryContested } from './claims';
import { collection } from './collections';
import type { WritesLater } from './later';
import { VersionedDocs } from './versioned';

/** Open alerts read per round trip by openHeads. */
const OPEN_HEADS_BATCH = 1_000;

/**
 * One alert per tracked unit (libs/alerts Alert), with its state history. Written by alerting
 * (lifecycle) and by whoever acknowledges or silences (CLI, status API): every write claims the
 * alert's next `rev` by insert into `alert_versions` (VersionedDocs) before it replaces the
 * alert, so of two writers that read the same alert only one writes; the other reloads and
 * recomputes. (A compare-and-set on `rev` is not atomic on FerretDB 1.24.)
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

export class AlertRepository {
  private readonly docs: VersionedDocs<AlertDoc>;

  constructor(private readonly conn: Connection) {
    this.docs = new VersionedDocs<AlertDoc>(conn, {
      current: COLLECTIONS.alerts,
      versions: COLLECTIONS.alertVersions,
      field: 'rev',
      what: 'alerts',
    });
  }

  private get col() {
    return collection<AlertDoc>(this.conn, COLLECTIONS.alerts);
  }

  async ensureIndexes(): Promise<void> {
    await this.col.createIndex({ state: 1 });
    await this.col.createIndex({ projectId: 1 });
  }

  /** The alerts as stored, or as this repository claimed them when their write is still to come (VersionedDocs.find). */
  async find(ids: readonly string[]): Promise<Map<string, StoredAlert>> {
    const out = new Map<string, StoredAlert>();
    for (const [id, d] of await this.docs.find(ids.map(String))) out.set(id, toAlert(d));
    return out;
  }

  /**
   * The ids of every stored alert (one read of `_id`s: a sweep reads only the alerts that exist),
   * each as `keep` gives it as it comes (the caller's copy of an equal text, so the set holds no
   * second one).
   */
  async ids(keep: (id: string) => string = (id) => id): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const d of this.col.find({}, { projection: { _id: 1 } })) out.add(keep(d._id));
    return out;
  }

  /**
   * One alert at its newest claimed version (see load): what a person acting on it or reading
   * its page must see, also while a progress batch's write of it is still to come after its
   * mail (EvaluationService).
   */
  async get(id: string): Promise<StoredAlert | null> {
    return (await this.load([String(id)])).get(String(id)) ?? null;
  }

  async list(filter: { state?: AlertState; projectId?: string; indicatorId?: string } = {}): Promise<StoredAlert[]> {
    const q: Record<string, string> = {};
    if (filter.state !== undefined) q.state = filter.state;
    if (filter.projectId !== undefined) q.projectId = String(filter.projectId);
    if (filter.indicatorId !== undefined) q.indicatorId = String(filter.indicatorId);
    return (await this.col.find(q).sort({ updatedAt: -1, _id: 1 }).toArray()).map(toAlert);
  }

  /**
   * Open alerts without their history (empty here): enough to decide whether a reminder or an
   * escalation is due, never to be written back. Streamed, OPEN_HEADS_BATCH at a time: a
   * province's first sweep opens tens of thousands, and read at once they were the largest
   * thing alerting ever held (about 1 kB each on the heap).
   */
  async *openHeads(): AsyncGenerator<StoredAlert> {
    for await (const d of this.col.find({ state: 'open' }, { projection: { history: 0 }, batchSize: OPEN_HEADS_BATCH }))
      yield toAlert({ ...d, history: [] });
  }

  /** Open alerts by severity, counted in the app. */
  async countOpen(): Promise<Record<AlertSeverity, number>> {
    const out: Record<AlertSeverity, number> = { at_risk: 0, off_track: 0 };
    for await (const d of this.col.find({ state: 'open' }, { projection: { severity: 1 } }))
      if (d.severity) out[d.severity] += 1;
    return out;
  }

  /**
   * The newest state of each alert, as a writer must compute from: the stored alert, or a
   * claimed `rev` newer than it (see VersionedDocs.load). A stored alert found behind its claim
   * is brought up to it: its writer crashed before writing it (a progress batch writes its
   * alerts after their mails), and a replay that changes nothing would not write it.
   */
  async load(ids: readonly string[]): Promise<Map<string, StoredAlert>> {
    const out = new Map<string, StoredAlert>();
    const { current, lagging } = await this.docs.load(ids.map(String));
    if (lagging.size) await this.docs.catchUp([...lagging].map((id) => current.get(id)!));
    for (const [id, d] of current) out.set(id, toAlert(d));
    return out;
  }

  /**
   * Claims each write's next `rev` (expectedRev + 1, or 1 for a new alert), then writes the
   * alerts it won (with `later`, when the caller flushes it: until then `load` reads them, `find`
   * the versions before). Returns the ids another writer claimed first: load them and recompute.
   */
  async save(writes: readonly AlertWrite[], later?: WritesLater): Promise<string[]> {
    if (writes.length === 0) return [];
    const { lost } = await this.docs.save(
      writes.map((w) => toDoc(w.alert, (w.expectedRev ?? 0) + 1)),
      [],
      later,
    );
    return lost;
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
    let result: Alert | null = null;
    await retryContested(`alert ${id}`, [String(id)], async () => {
      const stored = await this.get(id);
      if (!stored) throw new AlertNotFoundError(id);
      const next = fn(stored.alert);
      result = next;
      if (next === stored.alert) return [];
      return this.save([{ alert: next, expectedRev: stored.rev }]);
    });
    return result!;
  }
}

import type { Connection } from 'mongoose';
import type { Progress } from '@iw/measures';
import { COLLECTIONS, type ProgressDoc } from '../documents';
import { progressOf } from './collections';
import { VersionedDocs, type RememberOptions } from './versioned';

export interface ProgressWrite {
  /** The new state; its `version` is the one being claimed (the stored one + 1). */
  progress: Progress;
  indicatorId: string | null;
  projectId: string;
}

export interface ParkedUnit {
  unit: string;
  indicatorId: string | null;
  projectId: string;
  reason: string;
  /** ISO instant it was parked. */
  since: string;
  /** Events kept aside. */
  events: number;
}

export interface SaveResult {
  /** Units whose version someone else claimed first: reload (`load`) and recompute. */
  lost: string[];
}

export function toProgress(doc: ProgressDoc): Progress {
  return stateToProgress(doc, doc._id);
}

function stateToProgress(state: Omit<ProgressDoc, '_id'>, id: string): Progress {
  const {
    indicatorId: _i,
    projectId: _p,
    updatedAt: _u,
    history,
    distinctValues,
    distinctSeen,
    readings,
    ...rest
  } = state as ProgressDoc;
  const { _id, ...fields } = rest as typeof rest & { _id?: string };
  const progress = {
    ...(fields as unknown as Omit<Progress, 'id' | 'history'>),
    id,
    history: fromText(history) ?? [],
  };
  if (distinctValues !== undefined) progress.distinctValues = fromText(distinctValues);
  if (distinctSeen !== undefined) progress.distinctSeen = fromText(distinctSeen);
  if (readings !== undefined) progress.readings = fromText(readings);
  return progress;
}

function fromText<T>(v: string | T): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

/**
 * Progress of tracked units: the `progress` collection holds each unit's current state (what
 * status, alerting and the CLI read); `progress_versions` decides who may write it — the
 * store's versioned documents (VersionedDocs): a writer first INSERTS `${unit}@${version}` with
 * the full new state, then replaces the `progress` document. Two writers that computed the same
 * next version from the same state cannot both insert it, so no update is ever lost — even on
 * FerretDB 1.24, which applies concurrent conditional updates of one document non-atomically
 * (measured: 160 "successful" version compare-and-sets → 79 increments). The loser reloads the
 * winner's state from its claim and recomputes; the source-offset fence in the state skips what
 * already counted.
 */
export class ProgressRepository {
  private readonly docs: VersionedDocs<ProgressDoc>;
  /**
   * The state each document this process wrote was made from: a writer that computes from a
   * remembered document (rememberStates) takes it as it was, instead of parsing the document's
   * history and readings back from their text (0.8 ms for a year of history and 1,000 readings;
   * measures never change the state they are given).
   */
  private readonly madeFrom = new WeakMap<ProgressDoc, Progress>();

  constructor(private readonly conn: Connection) {
    this.docs = new VersionedDocs<ProgressDoc>(conn, {
      current: COLLECTIONS.progress,
      versions: COLLECTIONS.progressVersions,
      field: 'version',
      what: 'progress',
      // A state's daily history and kept readings (JSON text) are most of its bytes.
      packAbove: 1024,
    });
  }

  /**
   * `update` computes from the states this process claimed or read last, for a while, instead
   * of reading them (VersionedDocs.remember): ingest, the units' main writer. Another writer's
   * newer version makes the claim computed from a remembered state lose, and `update` reads it.
   */
  rememberStates(options: RememberOptions): void {
    this.docs.remember(options);
  }

  /** States remembered (see rememberStates). */
  get remembered(): number {
    return this.docs.remembered;
  }

  async find(ids: readonly string[]): Promise<Map<string, Progress>> {
    const out = new Map<string, Progress>();
    for (const [id, d] of await this.docs.find(ids)) out.set(id, toProgress(d));
    return out;
  }

  async one(id: string): Promise<Progress | null> {
    const d = await progressOf(this.conn).findOne({ _id: String(id) });
    return d ? toProgress(d) : null;
  }

  async byProject(projectId: string): Promise<Progress[]> {
    return (
      await progressOf(this.conn)
        .find({ projectId: String(projectId) })
        .toArray()
    ).map(toProgress);
  }

  async all(): Promise<Progress[]> {
    return (await progressOf(this.conn).find({}).toArray()).map(toProgress);
  }

  /** Units parked by ingest (their events kept aside until `iw progress rebuild`), oldest first. */
  async parked(): Promise<ParkedUnit[]> {
    const docs = await progressOf(this.conn)
      .find({ parked: { $exists: true } }, { projection: { parked: 1, indicatorId: 1, projectId: 1 } })
      .toArray();
    return docs
      .filter((d) => d.parked)
      .map((d) => ({
        unit: d._id,
        indicatorId: d.indicatorId,
        projectId: d.projectId,
        reason: d.parked!.reason,
        since: d.parked!.since,
        events: d.parked!.events.length,
      }))
      .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.unit < b.unit ? -1 : 1));
  }

  /**
   * Read, compute, claim, write — for each unit, until every unit's new state is written or
   * needed no change (`compute` returned the same version: all of it counted already). A unit
   * whose claim was lost is recomputed from the winner's state. Returns the states written.
   */
  async update(
    ids: readonly string[],
    compute: (before: Progress | null, id: string) => ProgressWrite,
    now: Date,
  ): Promise<Progress[]> {
    const computed = new Map<string, Progress>();
    const written = await this.docs.update(ids, (before, id) => {
      const w = compute(before ? (this.madeFrom.get(before) ?? toProgress(before)) : null, id);
      computed.set(id, w.progress);
      const doc = docOf(w, now);
      this.madeFrom.set(doc, w.progress);
      return doc;
    });
    return [...written.keys()].map((id) => computed.get(id)!);
  }

  /**
   * The state to compute from: the newest claimed version of each unit (see VersionedDocs.load).
   */
  async load(ids: readonly string[]): Promise<{ current: Map<string, Progress>; lagging: Set<string> }> {
    const { current, lagging } = await this.docs.load(ids);
    return { current: new Map([...current].map(([id, d]) => [id, toProgress(d)])), lagging };
  }

  /** Claims each write's version, then replaces the current state of the units it won. */
  async save(writes: readonly ProgressWrite[], now: Date, catchUp: readonly ProgressWrite[] = []): Promise<SaveResult> {
    const { lost } = await this.docs.save(
      writes.map((w) => docOf(w, now)),
      catchUp.map((w) => docOf(w, now)),
    );
    return { lost };
  }
}

function docOf(w: ProgressWrite, now: Date): ProgressDoc {
  const { id, history, distinctValues, distinctSeen, readings, ...rest } = w.progress;
  const doc = {
    ...rest,
    _id: id,
    history: JSON.stringify(history),
    indicatorId: w.indicatorId,
    projectId: w.projectId,
    updatedAt: now,
  } as ProgressDoc;
  if (distinctValues !== undefined) doc.distinctValues = JSON.stringify(distinctValues);
  if (distinctSeen !== undefined) doc.distinctSeen = JSON.stringify(distinctSeen);
  if (readings !== undefined) doc.readings = JSON.stringify(readings);
  return doc;
}

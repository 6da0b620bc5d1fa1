import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Progress } from '@iw/measures';
import type { ProgressDoc, ProgressVersionDoc } from '../documents';
import { bulkWriteChunked, isDuplicateKey, progressOf, progressVersionsOf } from './collections';

export interface ProgressWrite {
  /** The new state; its `version` is the one being claimed (the stored one + 1). */
  progress: Progress;
  indicatorId: string | null;
  projectId: string;
}

export interface SaveResult {
  /** Units whose version someone else claimed first: reload (`load`) and recompute. */
  lost: string[];
}

/** Rounds of lost claims tolerated in one `update` before giving up (the caller retries). */
const MAX_ROUNDS = 20;
/** Versions probed at once when rolling forward past a lost claim. */
const PROBE = 8;
/** Claims that keep their state per unit (the newest ones); older ones keep just their id. */
const KEEP = 2;
/** Every TRIM versions of a unit, the states of the TRIM claims before the newest KEEP are dropped. */
const TRIM = 8;

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
  return progress;
}

function fromText<T>(v: string | T): T {
  return typeof v === 'string' ? (JSON.parse(v) as T) : v;
}

export function versionId(unit: string, version: number): string {
  return `${unit}@${version}`;
}

/**
 * Progress of tracked units: the `progress` collection holds each unit's current state (what
 * status, alerting and the CLI read); `progress_versions` decides who may write it.
 *
 * A writer first INSERTS `${unit}@${version}` with the full new state, then replaces the
 * `progress` document. Two writers that computed the same next version from the same state
 * cannot both insert it, so no update is ever lost — even on FerretDB 1.24, which applies
 * concurrent conditional updates of one document non-atomically (measured: 160 "successful"
 * version compare-and-sets → 79 increments). The loser reloads the winner's state from its
 * claim and recomputes; the source-offset fence in the state skips what already counted.
 */
export class ProgressRepository {
  constructor(private readonly conn: Connection) {}

  async find(ids: readonly string[]): Promise<Map<string, Progress>> {
    const out = new Map<string, Progress>();
    if (ids.length === 0) return out;
    const docs = await progressOf(this.conn)
      .find({ _id: { $in: ids.map(String) } })
      .toArray();
    for (const d of docs) out.set(d._id, toProgress(d));
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
    let pending = [...ids];
    const written = new Map<string, Progress>();
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS)
        throw new Error(`progress of ${pending.length} units kept changing under us; will retry`);
      // Writers that collided would collide again in lockstep: a short random pause parts them.
      if (round > 0) await new Promise((r) => setTimeout(r, Math.random() * 5 * round));
      // First round: `progress` as stored. A lagging one shows as a lost claim (claims are never
      // deleted), and later rounds read the newest claims.
      const { current, lagging } =
        round === 0 ? { current: await this.find(pending), lagging: new Set<string>() } : await this.load(pending);
      const writes: ProgressWrite[] = [];
      const catchUp: ProgressWrite[] = [];
      for (const id of pending) {
        const before = current.get(id) ?? null;
        const write = compute(before, id);
        if (before && write.progress.version === before.version) {
          // All of it counted already; bring `progress` up to the claimed state if it lags.
          if (lagging.has(id)) catchUp.push(write);
          continue;
        }
        writes.push(write);
      }
      const { lost } = await this.save(writes, now, catchUp);
      const lostSet = new Set(lost);
      for (const w of [...writes, ...catchUp]) if (!lostSet.has(w.progress.id)) written.set(w.progress.id, w.progress);
      pending = lost;
    }
    return [...written.values()];
  }

  /**
   * The state to compute from: the newest claimed version of each unit — usually the `progress`
   * document itself; a claim newer than it when its writer lost a race to another writer's
   * older state, or crashed between claiming and writing (`lagging`).
   */
  async load(ids: readonly string[]): Promise<{ current: Map<string, Progress>; lagging: Set<string> }> {
    const current = await this.find(ids);
    const lagging = new Set<string>();
    let next = new Map(ids.map((id) => [id, (current.get(id)?.version ?? 0) + 1]));
    while (next.size > 0) {
      const probe = [...next].flatMap(([unit, v]) => Array.from({ length: PROBE }, (_, k) => versionId(unit, v + k)));
      const docs = await progressVersionsOf(this.conn)
        .find({ _id: { $in: probe } })
        .toArray();
      const newest = new Map<string, ProgressVersionDoc>();
      for (const d of docs) {
        const b = newest.get(d.unit);
        if (!b || d.version > b.version) newest.set(d.unit, d);
      }
      const again = new Map<string, number>();
      for (const [unit, v] of next) {
        const d = newest.get(unit);
        if (!d) continue;
        const more = d.version === v + PROBE - 1;
        if (d.state) {
          current.set(unit, stateToProgress(d.state, unit));
          lagging.add(unit);
        } else if (!more) {
          throw new Error(`progress claim ${d._id} has lost its state yet is the newest; will retry`);
        }
        if (more) again.set(unit, d.version + 1); // there may be newer ones
      }
      next = again;
    }
    return { current, lagging };
  }

  /**
   * Claims each write's version, then replaces the current state of the units it won; `catchUp`
   * states (already claimed, newer than `progress`) are written without a claim.
   */
  async save(writes: readonly ProgressWrite[], now: Date, catchUp: readonly ProgressWrite[] = []): Promise<SaveResult> {
    const lost = new Set<string>();
    if (writes.length > 0) {
      const claims: ProgressVersionDoc[] = writes.map((w) => {
        const { _id, ...state } = docOf(w, now);
        return {
          _id: versionId(_id, w.progress.version ?? 0),
          unit: _id,
          version: w.progress.version ?? 0,
          state,
          at: now,
        };
      });
      try {
        await progressVersionsOf(this.conn).insertMany(claims, { ordered: false });
      } catch (e) {
        const errors = (e as { writeErrors?: Array<{ index: number; code?: number }> }).writeErrors;
        if (!Array.isArray(errors) && !isDuplicateKey(e)) throw e;
        if (!Array.isArray(errors) || errors.some((x) => x.code !== 11000)) throw e;
        for (const x of errors) lost.add(writes[x.index].progress.id);
      }
    }
    const won = [...writes.filter((w) => !lost.has(w.progress.id)), ...catchUp];
    if (won.length > 0) await this.replaceCurrent(won, now);
    // Older claims keep only their ids (a version once claimed can never be claimed again);
    // their states are dropped every TRIM versions, in one statement.
    const trimmed = writes
      .filter((w) => !lost.has(w.progress.id) && (w.progress.version ?? 0) % TRIM === 0)
      .flatMap((w) =>
        Array.from({ length: TRIM }, (_, k) => versionId(w.progress.id, (w.progress.version ?? 0) - KEEP - k)),
      );
    if (trimmed.length > 0)
      await progressVersionsOf(this.conn).updateMany({ _id: { $in: trimmed } }, { $unset: { state: '' } });
    return { lost: [...lost] };
  }

  /** Replaces `progress` documents, never with an older version than the stored one. */
  private async replaceCurrent(writes: readonly ProgressWrite[], now: Date): Promise<void> {
    const ops: AnyBulkWriteOperation<ProgressDoc>[] = writes.map((w) => ({
      replaceOne: {
        filter: { _id: w.progress.id, version: { $lt: w.progress.version ?? 0 } },
        replacement: docOf(w, now),
        upsert: true,
      },
    }));
    try {
      await bulkWriteChunked(progressOf(this.conn), ops, { ordered: false });
    } catch (e) {
      // Duplicate key: the stored document is already as new (the upsert found no older one).
      const errors = (e as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      if (!(Array.isArray(errors) ? errors.every((x) => x.code === 11000) : isDuplicateKey(e))) throw e;
    }
  }
}

function docOf(w: ProgressWrite, now: Date): ProgressDoc {
  const { id, history, distinctValues, distinctSeen, ...rest } = w.progress;
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
  return doc;
}

import type { AnyBulkWriteOperation, Collection, Document, Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { claimByInsert, retryContested } from './claims';
import { bulkWriteChunked, collection, isDuplicateKey } from './collections';
import { WALL_CLOCK } from '@iw/clock';
import type { WritesLater } from './later';

/**
 * A claimed version of a document, `_id` `${id}@${version}`, inserted BEFORE the current
 * document is replaced: of two writers that computed the same next version only one insert
 * succeeds (claimByInsert). It holds the full state, so a writer that crashed between its claim
 * and its replace is rolled forward by the next one. Only the newest claims keep their state;
 * older ones stay as ids (a version once claimed is never claimed again) until retention
 * deletes them.
 */
export interface VersionDoc<S> {
  _id: string;
  unit: string;
  version: number;
  state?: S;
  at: Date;
}

export function versionId(unit: string, version: number): string {
  return `${unit}@${version}`;
}

/** Versions probed at once when rolling forward past a lost claim. */
const PROBE = 8;
/** Claims that keep their state per document (the newest ones); older ones keep just their id. */
const KEEP = 2;
/** Every TRIM versions of a document, the states of the TRIM claims before the newest KEEP are dropped. */
const TRIM = 8;

export interface VersionedOptions {
  /** Collection of the current documents (what readers read). */
  current: string;
  /** Collection of the claimed versions. */
  versions: string;
  /** The documents' version field: the stored one + 1 is what a writer claims. */
  field: string;
  /** Names the documents in errors ("progress", "alerts"). */
  what: string;
}

/**
 * Documents written by several writers at once (ingest instances, a rebalance's old and new
 * owner, alerting and a person acknowledging an alert), on the store's one primitive: each
 * write claims the document's next version by insert, and only its winner replaces the
 * current document. A loser reloads the winner's state (from its claim when the current
 * document lags) and recomputes, within retryContested's bound.
 */
export class VersionedDocs<D extends Document & { _id: string }> {
  /**
   * Versions this process claimed whose current documents are still to be written (save with
   * `later`): `find` reads them in place of the stored ones, so this process reads its own
   * writes without a read of the claims (another process reads them with `load`).
   */
  private readonly unwritten = new Map<string, D>();

  constructor(
    private readonly conn: Connection,
    readonly options: VersionedOptions,
  ) {}

  get current(): Collection<D> {
    return collection<D>(this.conn, this.options.current);
  }

  get versions(): Collection<VersionDoc<Omit<D, '_id'>>> {
    return collection<VersionDoc<Omit<D, '_id'>>>(this.conn, this.options.versions);
  }

  versionOf(d: D | null | undefined): number {
    return d ? (((d as Record<string, unknown>)[this.options.field] as number | undefined) ?? 0) : 0;
  }

  /**
   * The current documents as stored (no roll-forward), or as this process claimed them when
   * their write is still to come (`unwritten`).
   */
  async find(ids: readonly string[]): Promise<Map<string, D>> {
    const out = new Map<string, D>();
    if (ids.length === 0) return out;
    const docs = await this.current.find({ _id: { $in: ids.map(String) } } as Filter<D>).toArray();
    for (const d of docs) out.set(d._id, d as D);
    for (const id of ids) {
      const mine = this.unwritten.get(String(id));
      if (mine && this.versionOf(mine) > this.versionOf(out.get(mine._id))) out.set(mine._id, mine);
    }
    return out;
  }

  /**
   * The state to compute from: the newest claimed version of each document — usually the
   * current document itself; a claim newer than it when its writer lost a race to another
   * writer's older state, or crashed between claiming and writing (`lagging`).
   */
  async load(ids: readonly string[]): Promise<{ current: Map<string, D>; lagging: Set<string> }> {
    const current = await this.find(ids);
    const lagging = new Set<string>();
    let next = new Map(ids.map((id) => [id, this.versionOf(current.get(id)) + 1]));
    while (next.size > 0) {
      const probe = [...next].flatMap(([unit, v]) => Array.from({ length: PROBE }, (_, k) => versionId(unit, v + k)));
      const docs = await this.versions.find({ _id: { $in: probe } }).toArray();
      const newest = new Map<string, VersionDoc<Omit<D, '_id'>>>();
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
          current.set(unit, { ...d.state, _id: unit } as unknown as D);
          lagging.add(unit);
        } else if (!more) {
          throw new Error(`${this.options.what} claim ${d._id} has lost its state yet is the newest; will retry`);
        }
        if (more) again.set(unit, d.version + 1); // there may be newer ones
      }
      next = again;
    }
    return { current, lagging };
  }

  /**
   * Claims each write's version (its version field: the one it was computed from + 1), then
   * replaces the current documents it won; `catchUp` documents (already claimed, newer than the
   * current ones) are written without a claim. Returns the ids won and lost. With `later`, the
   * claims decide now and the current documents are written when the caller flushes it: each
   * claim holds its state, so until then (or after a crash) readers that roll forward
   * (`load`, every writer's retry) see the new version and plain reads the one before.
   */
  async save(
    writes: readonly D[],
    catchUp: readonly D[] = [],
    later?: WritesLater,
  ): Promise<{ won: string[]; lost: string[] }> {
    // Wall-clock: a claim's age is for retention, not domain time.
    const now = new Date(WALL_CLOCK.now());
    const claims = writes.map((w) => {
      const { _id, ...state } = w;
      const version = this.versionOf(w);
      return { _id: versionId(_id, version), unit: _id, version, state, at: now };
    });
    const { lost: lostClaims } = await claimByInsert(this.versions, claims);
    const lostSet = new Set(lostClaims);
    const won = writes.filter((_, i) => !lostSet.has(claims[i]._id));
    const lost = writes.filter((_, i) => lostSet.has(claims[i]._id)).map((w) => w._id);
    if (later) {
      for (const w of won) this.unwritten.set(w._id, w);
      if (won.length + catchUp.length > 0)
        later.add(async () => {
          try {
            await this.writeCurrent(won, catchUp);
          } finally {
            // Written, or left to the claims (the next writer rolls them forward): read as stored.
            for (const w of won) if (this.unwritten.get(w._id) === w) this.unwritten.delete(w._id);
          }
        });
    } else await this.writeCurrent(won, catchUp);
    return { won: won.map((w) => w._id), lost };
  }

  /** The second half of `save`: the current documents of the versions `won` (and `catchUp`) written. */
  private async writeCurrent(won: readonly D[], catchUp: readonly D[]): Promise<void> {
    // A first version won has no current document to replace: inserted, all in one command
    // (a replace with upsert is one statement each, 1.5–3.6 ms apiece on FerretDB).
    const created = won.filter((w) => this.versionOf(w) === 1);
    const replaced = won.filter((w) => this.versionOf(w) !== 1);
    // A key lost here is a document already there, at this version or newer: written by a writer
    // that rolled this claim forward (the claim holds the state) or claimed a later version.
    if (created.length > 0) await claimByInsert(this.current, created);
    if (replaced.length + catchUp.length > 0) await this.replaceAndCheck([...replaced, ...catchUp]);
    if (won.length > 0) await this.rollForwardPast(won);
    // Older claims keep only their ids; their states are dropped every TRIM versions, in one statement.
    const trimmed = won
      .filter((w) => this.versionOf(w) % TRIM === 0)
      .flatMap((w) => Array.from({ length: TRIM }, (_, k) => versionId(w._id, this.versionOf(w) - KEEP - k)));
    if (trimmed.length > 0)
      await this.versions.updateMany({ _id: { $in: trimmed } }, { $unset: { state: '' } } as Document);
  }

  /** Writes claimed states (from `load`'s lagging ones) over the current documents behind them. */
  async catchUp(docs: readonly D[]): Promise<void> {
    if (docs.length > 0) await this.replaceAndCheck(docs);
  }

  /** Replaces current documents, never with an older version than the stored one. */
  private async replaceCurrent(docs: readonly D[]): Promise<void> {
    const ops = docs.map((d) => ({
      replaceOne: {
        filter: { _id: d._id, [this.options.field]: { $lt: this.versionOf(d) } },
        replacement: d,
        upsert: true,
      },
    })) as unknown as AnyBulkWriteOperation<D>[];
    try {
      await bulkWriteChunked(this.current, ops, { ordered: false });
    } catch (e) {
      // Duplicate key: the stored document is already as new (the upsert found no older one).
      const errors = (e as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      if (!(Array.isArray(errors) ? errors.every((x) => x.code === 11000) : isDuplicateKey(e))) throw e;
    }
  }

  /**
   * Writes `docs` over the current documents, then reads their versions back and writes again
   * those an older writer's replace overtook (FerretDB checks the `$lt` filter and writes in two
   * steps, so two replaces of one document can land out of order). Nothing is lost either way —
   * the claims hold every state, and the next writer rolls forward — but readers see the newest
   * state sooner.
   */
  private async replaceAndCheck(docs: readonly D[]): Promise<void> {
    let todo = docs;
    for (let pass = 0; pass < 3 && todo.length > 0; pass++) {
      await this.replaceCurrent(todo);
      const stored = await this.current
        .find({ _id: { $in: todo.map((d) => d._id) } } as Filter<D>, { projection: { [this.options.field]: 1 } })
        .toArray();
      const at = new Map(stored.map((d) => [d._id as string, this.versionOf(d as D)]));
      todo = todo.filter((d) => (at.get(d._id) ?? -1) < this.versionOf(d));
    }
  }

  /**
   * After this writer's replaces: documents another writer has claimed a newer version of
   * meanwhile, brought up to it. FerretDB can land this writer's replace after the newer
   * writer's replace and its read-back (the `$lt` filter is checked apart from the write), which
   * left the current document a version behind — a unit of that writer missing until the next
   * write of the document. The newer claim is inserted before its writer's replace, so whichever
   * replace lands last, its writer sees the claim here.
   */
  private async rollForwardPast(written: readonly D[]): Promise<void> {
    const next = await this.versions
      .find({ _id: { $in: written.map((d) => versionId(d._id, this.versionOf(d) + 1)) } }, { projection: { unit: 1 } })
      .toArray();
    if (next.length === 0) return;
    const { current, lagging } = await this.load(next.map((d) => d.unit));
    const behind = [...lagging].map((id) => current.get(id)!);
    if (behind.length > 0) await this.replaceAndCheck(behind);
  }

  /**
   * Read, compute, claim, write — for each document, until every new state is written or
   * needed no change — within retryContested's bound. `compute` gets the newest state (null:
   * none yet) and returns the next one, its version field one more, or null / the same version
   * when nothing changes. The first round reads the current documents only; a lagging one
   * shows as a lost claim (claims outlive the documents' versions), and later rounds read the
   * newest claims. Returns the documents written (claimed), by id; with `later`, their current
   * documents are written when it is flushed (see save).
   */
  async update(
    ids: readonly string[],
    compute: (before: D | null, id: string) => D | null,
    later?: WritesLater,
  ): Promise<Map<string, D>> {
    const written = new Map<string, D>();
    await retryContested(`${this.options.what}`, ids, async (pending, round) => {
      const { current, lagging } =
        round === 0 ? { current: await this.find(pending), lagging: new Set<string>() } : await this.load(pending);
      const writes: D[] = [];
      const catchUp: D[] = [];
      for (const id of pending) {
        const before = current.get(id) ?? null;
        const next = compute(before, id);
        if (next === null || (before && this.versionOf(next) === this.versionOf(before))) {
          // Nothing new; bring the current document up to the claimed state if it lags.
          if (lagging.has(id)) catchUp.push(next ?? before!);
          continue;
        }
        const expected = this.versionOf(before) + 1;
        if (this.versionOf(next) !== expected)
          throw new Error(`${this.options.what} ${id}: computed version ${this.versionOf(next)}, expected ${expected}`);
        writes.push(next);
      }
      const { lost } = await this.save(writes, catchUp, later);
      const lostSet = new Set(lost);
      for (const d of [...writes, ...catchUp]) if (!lostSet.has(d._id)) written.set(d._id, d);
      return lost;
    });
    return written;
  }
}

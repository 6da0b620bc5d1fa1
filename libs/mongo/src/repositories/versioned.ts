import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { Binary, type AnyBulkWriteOperation, type Collection, type Document, type Filter } from 'mongodb';
import type { Connection } from 'mongoose';
import { claimByInsert, retryContested } from './claims';
import { bulkWriteChunked, collection, isDuplicateKey } from './collections';
import { WALL_CLOCK } from '@iw/clock';
import { WritesLater } from './later';

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
  /**
   * The state's long text fields (`VersionedOptions.packAbove`), as deflated JSON: on FerretDB a
   * claim costs by the byte when inserted and again when its state is dropped. Absent: all of
   * the state is in `state`.
   */
  packed?: Binary;
  at: Date;
}

const deflate = promisify(zlib.deflateRaw);
const inflate = promisify(zlib.inflateRaw);

/** `state` without its string fields of `above` characters or more, and those deflated (null: none). */
async function packLong<S extends Document>(state: S, above: number): Promise<{ state: S; packed: Binary | null }> {
  const short: Document = {};
  const long: Record<string, string> = {};
  let any = false;
  for (const [k, v] of Object.entries(state) as Array<[string, unknown]>) {
    if (typeof v === 'string' && v.length >= above) {
      long[k] = v;
      any = true;
    } else short[k] = v;
  }
  if (!any) return { state, packed: null };
  return {
    state: short as S,
    packed: new Binary(await deflate(Buffer.from(JSON.stringify(long), 'utf8'), { level: 1 })),
  };
}

/** A claim's whole state: `state` with its packed fields back. */
async function unpackState<S>(d: { state?: S; packed?: Binary }): Promise<S> {
  if (!d.packed) return d.state!;
  const long = JSON.parse((await inflate(Buffer.from(d.packed.buffer))).toString('utf8')) as Record<string, string>;
  return { ...d.state!, ...long };
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
/** Rounds of `settle`: each one follows a write that landed out of order, so about the writers at once. */
const SETTLE_PASSES = 20;

export interface VersionedOptions {
  /** Collection of the current documents (what readers read). */
  current: string;
  /** Collection of the claimed versions. */
  versions: string;
  /** The documents' version field: the stored one + 1 is what a writer claims. */
  field: string;
  /** Names the documents in errors ("progress", "alerts"). */
  what: string;
  /** Claims keep string fields of this many characters or more deflated (`VersionDoc.packed`); default: none. */
  packAbove?: number;
}

/**
 * States this process may compute from without reading them (`VersionedDocs.remember`): the
 * newest it claimed or read, per document, for `ttlMs` at most, `maxEntries` and about `maxChars`
 * of their string fields in all (the oldest go first).
 */
export interface RememberOptions {
  maxEntries: number;
  maxChars: number;
  ttlMs: number;
}

interface Remembered<D> {
  doc: D;
  at: number;
  chars: number;
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

  /**
   * States this process claimed (or read) last, per document, when `remember` was called: a
   * writer computes the next version from them without a read. A state that is no longer the
   * newest makes its writer's claim lose (someone claimed the next version), which forgets it
   * and reads the winner's as before; a computation from it that claims nothing (nothing new,
   * or what `compute` decided besides) proves nothing, so it is done again from the store. A
   * remembered state is thus only ever a shortcut, never a decision. Its age is bounded far below the claims' retention (at least an hour), so the
   * claim of the next version cannot have been deleted meanwhile.
   */
  private readonly known = new Map<string, Remembered<D>>();
  private knownChars = 0;
  private rememberOptions: RememberOptions | null = null;
  /**
   * Documents whose next version an `update` of this process is computing and claiming (when
   * remembering): another `update` of one of them waits, then computes from the state just
   * claimed instead of losing its claim to this process's own and reading it back.
   */
  private readonly claiming = new Map<string, Promise<void>>();

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

  /** Keeps the newest states this process claimed or read (see `known`); off by default. */
  remember(options: RememberOptions): void {
    this.rememberOptions = options;
  }

  /** How many states are remembered (for tests and metrics). */
  get remembered(): number {
    return this.known.size;
  }

  private keep(d: D): void {
    const o = this.rememberOptions;
    if (!o) return;
    this.forget(d._id);
    let chars = 0;
    for (const v of Object.values(d)) if (typeof v === 'string') chars += v.length;
    if (chars > o.maxChars) return;
    this.known.set(d._id, { doc: d, at: WALL_CLOCK.now(), chars });
    this.knownChars += chars;
    // Oldest first (a Map iterates in insertion order; `forget` then `set` moves a document last).
    for (const [id] of this.known) {
      if (this.known.size <= o.maxEntries && this.knownChars <= o.maxChars) break;
      this.forget(id);
    }
  }

  private forget(id: string): void {
    const k = this.known.get(id);
    if (!k) return;
    this.known.delete(id);
    this.knownChars -= k.chars;
  }

  /** The remembered state of `id`, if young enough (see `known`). */
  private recall(id: string): D | undefined {
    const k = this.known.get(id);
    if (!k) return undefined;
    if (WALL_CLOCK.now() - k.at > this.rememberOptions!.ttlMs) {
      this.forget(id);
      return undefined;
    }
    return k.doc;
  }

  /** Runs `fn` once no other `update` of this process is claiming one of `ids` (see `claiming`). */
  private async whileClaiming<T>(ids: readonly string[], fn: () => Promise<T>): Promise<T> {
    if (!this.rememberOptions) return fn();
    for (;;) {
      const held = ids.map((id) => this.claiming.get(id)).filter((p): p is Promise<void> => p !== undefined);
      if (held.length === 0) break;
      await Promise.all(held);
    }
    // No await between the check above and taking them: nobody else can take them meanwhile.
    const run = fn();
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    for (const id of ids) this.claiming.set(id, done);
    void done.then(() => {
      for (const id of ids) if (this.claiming.get(id) === done) this.claiming.delete(id);
    });
    return run;
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
   * `find`, except for the documents whose state this process remembers (see `known`); the
   * states read are remembered (from now: a recalled one keeps its age).
   */
  private async findOrRecall(ids: readonly string[]): Promise<{ current: Map<string, D>; recalled: Set<string> }> {
    const recalled = new Set<string>();
    if (!this.rememberOptions) return { current: await this.find(ids), recalled };
    const held = new Map<string, D>();
    for (const id of ids) {
      const d = this.recall(String(id));
      if (d) held.set(String(id), d);
    }
    const current = await this.find(ids.filter((id) => !held.has(String(id))));
    for (const d of current.values()) this.keep(d);
    for (const [id, d] of held) {
      current.set(id, d);
      recalled.add(id);
    }
    return { current, recalled };
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
          current.set(unit, { ...(await unpackState(d)), _id: unit } as unknown as D);
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
    const claims = await Promise.all(
      writes.map(async (w): Promise<VersionDoc<Omit<D, '_id'>>> => {
        const { _id, ...whole } = w;
        const version = this.versionOf(w);
        const { state, packed } =
          this.options.packAbove === undefined
            ? { state: whole, packed: null }
            : await packLong(whole, this.options.packAbove);
        return { _id: versionId(_id, version), unit: _id, version, state, ...(packed ? { packed } : {}), at: now };
      }),
    );
    let lostClaims: string[];
    try {
      lostClaims = (await claimByInsert(this.versions, claims)).lost;
    } catch (e) {
      // What landed is unknown: read these again next time.
      for (const w of writes) this.forget(w._id);
      throw e;
    }
    const lostSet = new Set(lostClaims);
    const won = writes.filter((_, i) => !lostSet.has(claims[i]._id));
    const lost = writes.filter((_, i) => lostSet.has(claims[i]._id)).map((w) => w._id);
    // A lost claim: someone else wrote this version, what this writer knew is stale.
    for (const id of lost) this.forget(id);
    for (const w of [...won, ...catchUp]) this.keep(w);
    if (later) {
      for (const w of won) this.unwritten.set(w._id, w);
      if (won.length + catchUp.length > 0)
        later.add(async () => {
          try {
            await this.writeCurrentOrForget(won, catchUp);
          } finally {
            // Written, or left to the claims (the next writer rolls them forward): read as stored.
            for (const w of won) if (this.unwritten.get(w._id) === w) this.unwritten.delete(w._id);
          }
        });
    } else await this.writeCurrentOrForget(won, catchUp);
    return { won: won.map((w) => w._id), lost };
  }

  /**
   * `writeCurrent`; when it fails, the states are forgotten (see `known`): the retry reads the
   * current documents, finds them behind their claims and brings them up (as without remembering),
   * where a remembered state would have made it see nothing to do.
   */
  private async writeCurrentOrForget(won: readonly D[], catchUp: readonly D[]): Promise<void> {
    try {
      await this.writeCurrent(won, catchUp);
    } catch (e) {
      for (const w of [...won, ...catchUp]) this.forget(w._id);
      throw e;
    }
  }

  /** The second half of `save`: the current documents of the versions `won` (and `catchUp`) written. */
  private async writeCurrent(won: readonly D[], catchUp: readonly D[]): Promise<void> {
    // A first version won has no current document to replace: inserted, all in one command
    // (a replace with upsert is one statement each, 1.5–3.6 ms apiece on FerretDB).
    const created = won.filter((w) => this.versionOf(w) === 1);
    const replaced = won.filter((w) => this.versionOf(w) !== 1);
    // A key lost here is a document already there: written by a writer that rolled this claim
    // forward (the claim holds the state) or claimed a later version; `settle` checks which.
    if (created.length > 0) await claimByInsert(this.current, created);
    if (replaced.length + catchUp.length > 0) await this.replaceCurrent([...replaced, ...catchUp]);
    // Older claims keep only their ids; their states are dropped every TRIM versions, in one
    // statement, while the written documents are checked (neither depends on the other).
    const trimmed = won
      .filter((w) => this.versionOf(w) % TRIM === 0)
      .flatMap((w) => Array.from({ length: TRIM }, (_, k) => versionId(w._id, this.versionOf(w) - KEEP - k)));
    await Promise.all([
      won.length + catchUp.length > 0 ? this.settle([...won, ...catchUp]) : undefined,
      trimmed.length > 0
        ? this.versions.updateMany({ _id: { $in: trimmed } }, { $unset: { state: '', packed: '' } } as Document)
        : undefined,
    ]);
  }

  /** Writes claimed states (from `load`'s lagging ones) over the current documents behind them. */
  async catchUp(docs: readonly D[]): Promise<void> {
    if (docs.length === 0) return;
    await this.replaceCurrent(docs);
    await this.settle(docs);
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
      // Duplicate key: a document was there that the filter did not match (as new or newer), or
      // one inserted between FerretDB's filter check and its insert (older: `settle` sees it).
      const errors = (e as { writeErrors?: Array<{ code?: number }> }).writeErrors;
      if (!(Array.isArray(errors) ? errors.every((x) => x.code === 11000) : isDuplicateKey(e))) throw e;
    }
  }

  /**
   * After this writer's writes of `written`: each current document brought up to the newest
   * claim of it, and checked again after each such write, until it stands at the newest claim
   * (SETTLE_PASSES at most). FerretDB checks a replace's `$lt` filter apart from its write, so
   * two writes of one document can land out of order — this writer's over a newer writer's,
   * even after that writer checked — and an upsert whose filter found nothing can lose its
   * insert to an older version inserted meanwhile. Each newer claim is inserted before its
   * writer's write, so whichever write lands last, its writer finds here either the document
   * behind its own version or the newer claim, and writes the newest state again. Nothing is
   * lost if this stops early (a crash, the bound): every claim holds its state and the next
   * writer rolls forward from it (`load`); readers only see the newest state later.
   */
  private async settle(written: readonly D[]): Promise<void> {
    let todo = written;
    for (let pass = 0; pass < SETTLE_PASSES && todo.length > 0; pass++) {
      const [stored, newer] = await Promise.all([
        this.current
          .find({ _id: { $in: todo.map((d) => d._id) } } as Filter<D>, { projection: { [this.options.field]: 1 } })
          .toArray(),
        this.versions
          .find({ _id: { $in: todo.map((d) => versionId(d._id, this.versionOf(d) + 1)) } }, { projection: { unit: 1 } })
          .toArray(),
      ]);
      const at = new Map(stored.map((d) => [d._id as string, this.versionOf(d as D)]));
      const behind = new Set([
        ...todo.filter((d) => (at.get(d._id) ?? 0) < this.versionOf(d)).map((d) => d._id),
        ...newer.map((d) => d.unit),
      ]);
      if (behind.size === 0) return;
      const { current, lagging } = await this.load([...behind]);
      todo = [...lagging].map((id) => current.get(id)!);
      if (todo.length > 0) await this.replaceCurrent(todo);
    }
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
    // Remembering, the current documents are written once the claims are made and the
    // documents released (`claiming`): the next update of them need not wait for those writes.
    const writes = later ?? (this.rememberOptions ? new WritesLater() : undefined);
    await retryContested(`${this.options.what}`, ids, async (pending, round) => {
      const lost = await this.whileClaiming(pending, () => this.attempt(pending, round, compute, written, writes));
      if (writes !== later) await writes!.flush();
      return lost;
    });
    return written;
  }

  /** One round of `update`: read (or recall), compute, claim; returns the ids whose claim was lost. */
  private async attempt(
    pending: readonly string[],
    round: number,
    compute: (before: D | null, id: string) => D | null,
    written: Map<string, D>,
    later?: WritesLater,
  ): Promise<string[]> {
    const { current, lagging, recalled } =
      round === 0
        ? { ...(await this.findOrRecall(pending)), lagging: new Set<string>() }
        : { ...(await this.load(pending)), recalled: new Set<string>() };
    const writes: D[] = [];
    const catchUp: D[] = [];
    // Computed from a remembered state that may be stale, with no claim to prove it is not.
    const unproven: string[] = [];
    for (const id of pending) {
      const before = current.get(id) ?? null;
      const next = compute(before, id);
      if (next === null || (before && this.versionOf(next) === this.versionOf(before))) {
        if (recalled.has(id)) {
          // "Nothing new" (or whatever else `compute` decided beside its result) from a state only
          // a claim could prove the newest: decided again from the store, in the next round.
          this.forget(id);
          unproven.push(id);
          continue;
        }
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
    return [...lost, ...unproven];
  }
}

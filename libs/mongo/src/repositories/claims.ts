import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { isDuplicateKey } from './collections';

/**
 * The store's one concurrency primitive.
 *
 * FerretDB 1.24 (SQLite) applies an insert under a unique `_id` atomically, and nothing else:
 * a conditional update or replace is read, changed in Go and written back by `_id` without
 * re-checking its filter, so two writers can both "match" it (measured: 160 successful
 * compare-and-sets of a version left 79 increments; four contenders all took one lease). So
 * every decision that must be taken once — the next version of a unit's progress or of an
 * alert, the next segment of an event-id log, a lease term, an outbox notification — is an
 * insert of a key that names it: `claimByInsert` says which keys this writer won and which
 * another writer had already taken. A writer that lost reloads what the winner wrote and tries
 * again, a bounded number of times: `retryContested`. The same code is correct on MongoDB.
 */
export interface Claimed {
  /** Keys this call inserted: the decisions are this writer's. */
  won: string[];
  /** Keys already there (another writer, or an earlier attempt of this one). */
  lost: string[];
}

/**
 * Inserts `docs` (unordered, so one taken key does not stop the others) and sorts their keys
 * into won and lost. Two documents of the same key in one call: the first is tried, the second
 * loses. Any error but a duplicate key is thrown (nothing is known about what landed then; a
 * retry of the whole call is safe, because a key this call did insert comes back as lost).
 */
export async function claimByInsert<T extends Document & { _id: string }>(
  col: Collection<T>,
  docs: readonly T[],
): Promise<Claimed> {
  if (docs.length === 0) return { won: [], lost: [] };
  const lostAt = new Set<number>();
  try {
    await col.insertMany(docs as unknown as OptionalUnlessRequiredId<T>[], { ordered: false });
  } catch (e) {
    const errors = writeErrorsOf(e);
    if (errors === null) {
      // A single-document insert reports its duplicate key without a list.
      if (docs.length === 1 && isDuplicateKey(e)) lostAt.add(0);
      else throw e;
    } else {
      if (errors.some((x) => x.code !== 11000 || x.index === undefined)) throw e;
      for (const x of errors) lostAt.add(x.index!);
    }
  }
  const won: string[] = [];
  const lost: string[] = [];
  docs.forEach((d, i) => (lostAt.has(i) ? lost : won).push(d._id));
  return { won, lost };
}

function writeErrorsOf(e: unknown): Array<{ code?: number; index?: number }> | null {
  const errors = (e as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(errors) ? errors : errors && typeof errors === 'object' ? [errors] : null;
  if (!list) return null;
  return (list as Array<{ code?: number; index?: number; err?: { index?: number; code?: number } }>).map((x) => ({
    code: x.code ?? x.err?.code,
    index: x.index ?? x.err?.index,
  }));
}

/** Rounds of `retryContested` before it gives up (the caller's caller retries: a Kafka batch is redelivered, a sweep runs again). */
export const CONTESTED_ROUNDS = 20;

/** A contested write that kept losing for CONTESTED_ROUNDS rounds. */
export class ContestedWriteError extends Error {
  constructor(
    readonly what: string,
    readonly ids: readonly string[],
    readonly rounds: number,
  ) {
    super(
      `${what}: ${ids.length} kept changing under us for ${rounds} rounds (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); will retry`,
    );
    this.name = 'ContestedWriteError';
  }
}

/**
 * The bounded retry around a contested write. `attempt` reads what it needs for `pending` (on
 * a later round: what the winners wrote), computes, claims, writes, and returns the ids whose
 * claim it lost; those go round again after a short random pause (writers that collided would
 * collide again in lockstep). Resolves when nothing was lost; throws ContestedWriteError with
 * the ids still lost after `rounds` rounds.
 */
export async function retryContested(
  what: string,
  ids: readonly string[],
  attempt: (pending: readonly string[], round: number) => Promise<readonly string[]>,
  options: { rounds?: number } = {},
): Promise<void> {
  const rounds = options.rounds ?? CONTESTED_ROUNDS;
  let pending: readonly string[] = [...new Set(ids)];
  for (let round = 0; pending.length > 0; round++) {
    if (round >= rounds) throw new ContestedWriteError(what, pending, rounds);
    if (round > 0) await new Promise((r) => setTimeout(r, Math.random() * 5 * round));
    pending = [...new Set(await attempt(pending, round))];
  }
}

/**
 * An upsert by `_id` that two writers may run at once (two imports of one table): both can find
 * nothing and insert, and the loser gets a duplicate-key error (FerretDB does not retry such an
 * upsert as MongoDB does). It goes round again through retryContested, now updating what the
 * winner inserted.
 */
export async function upsertContested(what: string, id: string, write: () => Promise<unknown>): Promise<void> {
  await retryContested(what, [id], async (pending) => {
    try {
      await write();
      return [];
    } catch (e) {
      if (isDuplicateKey(e)) return pending;
      throw e;
    }
  });
}

import type { Connection } from 'mongoose';
import { eventIdsOf, isDuplicateKey } from './collections';

export interface EventClaim {
  /** `${topic}|${eventId}`: the idempotency key of PRODUCT.md §5 (same id twice counts once). */
  key: string;
  /** `${topic}:${partition}:${offset}` of this delivery. */
  position: string;
}

/**
 * First-seen positions of event ids, under the unique `_id`. A key seen before at the SAME
 * position is a Kafka redelivery (counted once by the progress offset fence); at another
 * position it is an upstream duplicate, which must not count again.
 */
export class EventIdRepository {
  constructor(private readonly conn: Connection) {}

  /** Records the claims; returns the positions whose event is an upstream duplicate. */
  async claim(claims: readonly EventClaim[], now: Date): Promise<Set<string>> {
    const duplicates = new Set<string>();
    if (claims.length === 0) return duplicates;
    // Within one batch the first delivery of an id wins.
    const first = new Map<string, string>();
    for (const c of claims) {
      if (!first.has(c.key)) first.set(c.key, c.position);
    }
    try {
      await eventIdsOf(this.conn).insertMany(
        [...first].map(([key, position]) => ({ _id: key, position, at: now })),
        { ordered: false },
      );
    } catch (e) {
      if (!isDuplicateKey(e) && !Array.isArray((e as { writeErrors?: unknown }).writeErrors)) throw e;
    }
    const stored = await eventIdsOf(this.conn).find({ _id: { $in: [...first.keys()] } }).toArray();
    const positionOf = new Map(stored.map((d) => [d._id, d.position]));
    for (const c of claims) {
      const p = positionOf.get(c.key);
      if (p === undefined) throw new Error(`event id ${c.key} was not recorded`);
      if (p !== c.position) duplicates.add(c.position);
    }
    return duplicates;
  }
}

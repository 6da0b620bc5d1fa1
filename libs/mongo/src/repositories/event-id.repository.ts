import type { Connection } from 'mongoose';
import { eventIdsOf } from './collections';

export interface EventClaim {
  /** `${topic}|${eventId}`: the idempotency key (docs/events.md) (same id twice counts once). */
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
    const fresh = [...first].map(([key, position]) => ({ _id: key, position, at: now }));
    // Only ids already stored need reading back (redeliveries, upstream duplicates): reading
    // back the whole batch would cost FerretDB an $in of thousands per batch.
    const seen: string[] = [];
    try {
      await eventIdsOf(this.conn).insertMany(fresh, { ordered: false });
    } catch (e) {
      const errors = (e as { writeErrors?: Array<{ index: number; code?: number }> }).writeErrors;
      if (!Array.isArray(errors) || errors.some((x) => x.code !== 11000)) throw e;
      for (const x of errors) seen.push(fresh[x.index]._id);
    }
    const stored = seen.length
      ? await eventIdsOf(this.conn)
          .find({ _id: { $in: seen } })
          .toArray()
      : [];
    if (stored.length !== seen.length)
      throw new Error(`${seen.length - stored.length} event ids were refused as duplicates yet are not stored`);
    const firstSeenAt = new Map(first);
    for (const d of stored) firstSeenAt.set(d._id, d.position);
    for (const c of claims) {
      if (firstSeenAt.get(c.key) !== c.position) duplicates.add(c.position);
    }
    return duplicates;
  }
}

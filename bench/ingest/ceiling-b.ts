import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { TopicRole } from '@iw/config';
import { decodeActual, type ActualsRole } from '@iw/events';
import { partitionKey, route, type BindingSet } from '@iw/measures';
import { collection, MAX_STATEMENTS_PER_COMMAND, type Connection } from '@iw/mongo';
import type { SeenBatch } from './ceiling-a';

/** Documents keyed by a string `_id` (the driver's default Document has an ObjectId). */
type Keyed = { _id: string } & Document;

export interface PlannedBatch {
  /** One claim per event, inserted as ingest inserts them (`insertMany`). */
  claims: Keyed[];
  /** One upsert per tracked unit the batch changes. */
  progress: AnyBulkWriteOperation<Keyed>[];
}

/**
 * The writes ingest needs for the batches ceiling A saw: an id claim per event and a progress
 * write per tracked unit changed. Planned before timing: decoding and routing are not part of
 * the ceiling.
 */
export function planCeilingB(
  batches: readonly SeenBatch[],
  topics: Record<TopicRole, string>,
  bindings: BindingSet,
  at: Date,
): PlannedBatch[] {
  const roleOf = new Map(Object.entries(topics).map(([role, topic]) => [topic, role as ActualsRole]));
  return batches.map((b) => {
    const role = roleOf.get(b.topic);
    if (!role) throw new Error(`ceiling B: no role for topic ${b.topic}`);
    const claims: Keyed[] = [];
    const units = new Map<string, number>();
    for (const m of b.messages) {
      const decoded = decodeActual(role, m.value);
      if (!decoded.ok) continue;
      claims.push({ _id: `${role}|${decoded.event.eventId}`, position: `${m.topic}:${m.partition}:${m.offset}`, at });
      const routed = route(decoded.event, role, bindings);
      if (routed.ok) for (const c of routed.contributions) units.set(c.trackedId, (units.get(c.trackedId) ?? 0) + 1);
    }
    const fence = `applied.${partitionKey(b.topic, b.partition)}`;
    const last = Number(b.messages[b.messages.length - 1]?.offset ?? 0);
    const progress: AnyBulkWriteOperation<Keyed>[] = [...units].map(([id, n]) => ({
      updateOne: {
        filter: { _id: id },
        update: { $inc: { eventCount: n, version: 1 }, $set: { [fence]: last, updatedAt: at } },
        upsert: true,
      },
    }));
    return { claims, progress };
  });
}

/** Ceiling B: the planned writes through the bare driver, batch after batch (as ingest writes). */
export async function runCeilingB(
  conn: Connection,
  planned: readonly PlannedBatch[],
): Promise<{ ms: number; writes: number; bulkWrites: number }> {
  const eventIds = collection<Keyed>(conn, 'event_ids');
  const progress = collection<Keyed>(conn, 'progress');
  let writes = 0;
  let bulkWrites = 0;
  const started = Date.now();
  for (const p of planned) {
    if (p.claims.length) {
      await eventIds.insertMany(p.claims, { ordered: false });
      bulkWrites++;
    }
    // In commands as small as the repositories send (FerretDB 1.24 deadlocks on big update commands).
    for (let i = 0; i < p.progress.length; i += MAX_STATEMENTS_PER_COMMAND) {
      await progress.bulkWrite(p.progress.slice(i, i + MAX_STATEMENTS_PER_COMMAND), { ordered: false });
      bulkWrites++;
    }
    writes += p.claims.length + p.progress.length;
  }
  return { ms: Date.now() - started, writes, bulkWrites };
}

import * as zlib from 'node:zlib';
import { Binary, type AnyBulkWriteOperation, type Document } from 'mongodb';
import type { TopicRole } from '@iw/config';
import { decodeActual, type ActualsRole } from '@iw/events';
import { partitionKey, route, type BindingSet } from '@iw/measures';
import { collection, MAX_STATEMENTS_PER_COMMAND, type Connection } from '@iw/mongo';
import type { SeenBatch } from './ceiling-a';

/** Documents keyed by a string `_id` (the driver's default Document has an ObjectId). */
type Keyed = { _id: string } & Document;

export interface PlannedBatch {
  /** The batch's event-id segment and its texts (two inserts; none when no event is valid). */
  claims: Keyed[];
  /** Events whose ids the segment holds. */
  events: number;
  /** One upsert per tracked unit the batch changes. */
  progress: AnyBulkWriteOperation<Keyed>[];
}

/**
 * The writes ingest needs for the batches ceiling A saw: the batch's event-id segment (ids and
 * texts, deflated as ingest stores them) and a progress write per tracked unit changed. Planned
 * before timing: decoding, routing and compressing are not part of the ceiling.
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
    const ids: Array<[string, number, number, number]> = [];
    const texts: string[] = [];
    const units = new Map<string, number>();
    for (const m of b.messages) {
      const decoded = decodeActual(role, m.value);
      if (!decoded.ok) continue;
      ids.push([decoded.event.eventId, 0, m.partition, Number(m.offset)]);
      texts.push(m.value?.toString('utf8') ?? '');
      const routed = route(decoded.event, role, bindings);
      if (routed.ok) for (const c of routed.contributions) units.set(c.trackedId, (units.get(c.trackedId) ?? 0) + 1);
    }
    const pack = (v: unknown) => new Binary(zlib.deflateRawSync(Buffer.from(JSON.stringify(v)), { level: 1 }));
    const segment = `${role}#${b.partition}:${b.messages[0]?.offset ?? 0}`;
    const claims: Keyed[] = ids.length
      ? [
          { _id: `${segment}~texts`, log: role, at, texts: pack(texts) },
          { _id: segment, log: role, at, count: ids.length, ids: pack(ids) },
        ]
      : [];
    const fence = `applied.${partitionKey(b.topic, b.partition)}`;
    const last = Number(b.messages[b.messages.length - 1]?.offset ?? 0);
    const progress: AnyBulkWriteOperation<Keyed>[] = [...units].map(([id, n]) => ({
      updateOne: {
        filter: { _id: id },
        update: { $inc: { eventCount: n, version: 1 }, $set: { [fence]: last, updatedAt: at } },
        upsert: true,
      },
    }));
    return { claims, events: ids.length, progress };
  });
}

/** Ceiling B: the planned writes through the bare driver, batch after batch (as ingest writes). */
export async function runCeilingB(
  conn: Connection,
  planned: readonly PlannedBatch[],
): Promise<{ ms: number; writes: number; bulkWrites: number }> {
  const eventIds = collection<Keyed>(conn, 'event_ids');
  const eventTexts = collection<Keyed>(conn, 'event_texts');
  const progress = collection<Keyed>(conn, 'progress');
  let writes = 0;
  let bulkWrites = 0;
  const started = Date.now();
  for (const p of planned) {
    if (p.claims.length) {
      await eventTexts.insertOne(p.claims[0]);
      await eventIds.insertOne(p.claims[1]);
      bulkWrites += 2;
    }
    // In commands as small as the repositories send (unpatched FerretDB 1.24 deadlocks on big update commands).
    for (let i = 0; i < p.progress.length; i += MAX_STATEMENTS_PER_COMMAND) {
      await progress.bulkWrite(p.progress.slice(i, i + MAX_STATEMENTS_PER_COMMAND), { ordered: false });
      bulkWrites++;
    }
    writes += p.claims.length + p.progress.length;
  }
  return { ms: Date.now() - started, writes, bulkWrites };
}

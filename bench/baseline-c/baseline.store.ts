import { Inject, Injectable } from '@nestjs/common';
import type { Document, UpdateFilter } from 'mongodb';
import type { AppConfig } from '@iw/config';
import { validateActual, type ActualsRole, type DlqReason } from '@iw/events';
import { partitionKey, route, type MeasureContribution } from '@iw/measures';
import { BindingsProvider, collection, isDuplicateKey, MONGO_CONNECTION, type Connection } from '@iw/mongo';

export const BASELINE_CONFIG = 'BASELINE_CONFIG';

export interface Delivery {
  topic: string;
  partition: number;
  offset: number;
}

/** What one contribution does to a unit's document: a single atomic update, no read. */
export function updateFor(c: MeasureContribution, at: Date): UpdateFilter<Document> {
  const set: Document = { lastEventAt: c.occurredAt, updatedAt: at };
  const inc: Document = { eventCount: 1 };
  const i = c.input;
  switch (i.kind) {
    case 'add':
      inc.actual = i.value;
      break;
    case 'ratio':
      inc.numerator = i.numerator;
      inc.denominator = i.denominator;
      break;
    case 'distinct':
      return { $set: set, $inc: inc, $addToSet: { values: i.value } };
    case 'reading':
      set.actual = i.value;
      break;
    case 'milestone':
      set.done = i.done;
      break;
    case 'assessment':
      set.likelihood = i.likelihood;
      set.text = i.text;
      break;
  }
  return { $set: set, $inc: inc };
}

/**
 * Baseline C's handler body: what a user of the stock Nest Kafka transport would write, one
 * message at a time. Idempotency as ingest has it, in its simplest correct form:
 *   - the event id is claimed under a unique `_id` (an upstream duplicate at another position
 *     counts once);
 *   - each unit's update carries the per-partition offset fence in its filter, so a Kafka
 *     redelivery (same position) changes nothing: the upsert of a fenced unit hits the unique
 *     `_id` and is skipped.
 * One findOneAndUpdate per unit the message feeds; no batching, no history.
 */
@Injectable()
export class BaselineStore {
  private readonly bindings: BindingsProvider;

  constructor(
    @Inject(BASELINE_CONFIG) config: AppConfig,
    @Inject(MONGO_CONNECTION) private readonly conn: Connection,
  ) {
    this.bindings = new BindingsProvider(conn, {
      bindingsFile: config.files.bindings,
      timeZone: config.timeZone,
      satisfiedShare: config.surveys.satisfiedShare,
    });
  }

  async handle(role: ActualsRole, data: unknown, at: Delivery): Promise<'applied' | 'duplicate' | 'rejected'> {
    const now = new Date();
    const decoded = validateActual(role, data);
    if (!decoded.ok) return this.reject(at, decoded.reason, now);
    const routed = route(decoded.event, role, await this.bindings.get(now.getTime()));
    if (!routed.ok) return this.reject(at, routed.reason, now);

    const position = `${at.topic}:${at.partition}:${at.offset}`;
    const prior = await collection<Document>(this.conn, 'event_ids').findOneAndUpdate(
      { _id: `${role}|${decoded.event.eventId}` } as Document,
      { $setOnInsert: { position, at: now } },
      { upsert: true, returnDocument: 'before' },
    );
    if (prior && prior.position !== position) return 'duplicate';

    const fence = `applied.${partitionKey(at.topic, at.partition)}`;
    const progress = collection<Document>(this.conn, 'progress');
    for (const c of routed.contributions) {
      const update = updateFor(c, now);
      (update.$set as Document)[fence] = at.offset;
      try {
        await progress.findOneAndUpdate(
          { _id: c.trackedId, $or: [{ [fence]: { $exists: false } }, { [fence]: { $lt: at.offset } }] } as Document,
          update,
          { upsert: true },
        );
      } catch (e) {
        if (!isDuplicateKey(e)) throw e; // fenced: this unit already counted this message
      }
    }
    return 'applied';
  }

  private async reject(at: Delivery, reason: DlqReason, now: Date): Promise<'rejected'> {
    try {
      await collection<Document>(this.conn, 'dlq').insertOne({
        _id: `${at.topic}:${at.partition}:${at.offset}`,
        reason: reason.message,
        class: reason.class,
        at: now,
      } as Document);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
    return 'rejected';
  }
}

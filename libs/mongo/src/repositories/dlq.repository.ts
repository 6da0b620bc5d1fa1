import type { Connection } from 'mongoose';
import type { DlqDoc } from '../documents';
import { claimByInsert } from './claims';
import { dlqOf } from './collections';

/** Rejected messages, one record per Kafka position however often it is replayed. */
export class DlqRepository {
  constructor(private readonly conn: Connection) {}

  /**
   * Records each rejected message once: an insert under its position (claimByInsert); a
   * position already recorded (a replayed batch, or a rebalance's other owner) is left as it is.
   */
  async record(entries: readonly Omit<DlqDoc, '_id' | 'storedAt'>[]): Promise<void> {
    if (entries.length === 0) return;
    const storedAt = new Date(); // wall clock, for retention
    await claimByInsert(
      dlqOf(this.conn),
      entries.map((e) => ({ ...e, _id: `${e.topic}:${e.partition}:${e.offset}`, storedAt })),
    );
  }

  async count(): Promise<number> {
    return dlqOf(this.conn).countDocuments({});
  }

  async countByReason(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    // Counted in the app: FerretDB's $group is limited, and the DLQ is small.
    for await (const d of dlqOf(this.conn).find({}, { projection: { reasonClass: 1 } }))
      out[d.reasonClass] = (out[d.reasonClass] ?? 0) + 1;
    return out;
  }

  async latest(limit = 10): Promise<DlqDoc[]> {
    return dlqOf(this.conn).find({}).sort({ at: -1 }).limit(limit).toArray();
  }
}

import type { Connection } from 'mongoose';
import type { DlqDoc } from '../documents';
import { bulkWriteChunked, dlqOf } from './collections';

/** Rejected messages, one record per Kafka position however often it is replayed. */
export class DlqRepository {
  constructor(private readonly conn: Connection) {}

  async record(entries: readonly Omit<DlqDoc, '_id'>[]): Promise<void> {
    if (entries.length === 0) return;
    await bulkWriteChunked(
      dlqOf(this.conn),
      entries.map((e) => ({
        updateOne: {
          filter: { _id: `${e.topic}:${e.partition}:${e.offset}` },
          update: { $setOnInsert: e },
          upsert: true,
        },
      })),
      { ordered: false },
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

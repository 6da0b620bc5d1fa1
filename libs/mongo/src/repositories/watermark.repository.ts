import type { AnyBulkWriteOperation } from 'mongodb';
import type { Connection } from 'mongoose';
import type { ActualsRole } from '@iw/events';
import { topicWatermark } from '@iw/measures';
import { COLLECTIONS } from '../documents';
import { bulkWriteChunked, collection } from './collections';

/**
 * How far ingest has processed one actuals topic (a source), in domain time: each partition's
 * watermark (libs/measures nextPartitionWatermark) under `p<partition>`. Written by ingest every
 * few seconds with `$max`, so several instances (each consuming some partitions) only ever move a
 * partition's watermark forward.
 */
export interface SourceWatermarkDoc {
  _id: string; // topic
  role: ActualsRole;
  /** Partitions of the topic when last reported: the topic's watermark needs every one. */
  partitionCount: number;
  partitions: Record<string, Date>;
  /** Wall-clock time of the last report. */
  updatedAt: Date;
}

/** One topic's report: the partitions whose watermark is known (at most the clock's now). */
export interface WatermarkReport {
  topic: string;
  role: ActualsRole;
  partitionCount: number;
  partitions: ReadonlyArray<{ partition: number; watermark: number }>;
}

/** A source's watermark as read: the earliest of its partitions' (null while one has none). */
export interface SourceWatermark {
  topic: string;
  role: ActualsRole;
  watermark: Date | null;
  partitions: Array<{ partition: number; watermark: Date | null }>;
  updatedAt: Date;
}

export class WatermarkRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<SourceWatermarkDoc>(this.conn, COLLECTIONS.sourceWatermarks);
  }

  /** One write per topic reported (in one bulk command); `at` is wall-clock. */
  async advance(reports: readonly WatermarkReport[], at: Date): Promise<void> {
    const ops: AnyBulkWriteOperation<SourceWatermarkDoc>[] = reports.map((r) => ({
      updateOne: {
        filter: { _id: r.topic },
        update: {
          $set: { role: r.role, partitionCount: r.partitionCount, updatedAt: at },
          ...(r.partitions.length
            ? {
                $max: Object.fromEntries(
                  r.partitions.map((p) => [`partitions.p${p.partition}`, new Date(p.watermark)]),
                ),
              }
            : { $setOnInsert: { partitions: {} } }),
        },
        upsert: true,
      },
    }));
    if (ops.length) await bulkWriteChunked(this.col, ops, { ordered: false });
  }

  async all(): Promise<SourceWatermark[]> {
    const docs = await this.col.find().toArray();
    return docs.map((d) => {
      const partitions = Array.from({ length: d.partitionCount }, (_, partition) => {
        const w = d.partitions?.[`p${partition}`];
        return { partition, watermark: w ? new Date(w) : null };
      });
      const w = topicWatermark(partitions.map((p) => (p.watermark ? p.watermark.getTime() : null)));
      return {
        topic: d._id,
        role: d.role,
        watermark: w === null ? null : new Date(w),
        partitions,
        updatedAt: d.updatedAt,
      };
    });
  }
}

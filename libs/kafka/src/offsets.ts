import type { PartitionLag } from './types';

/** The offset to commit after `offset` was processed (Kafka commits "next to read"). */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

export interface PartitionOffsets {
  partition: number;
  /** Offset of the next message to be written (high watermark). */
  end: string;
  /** Earliest offset still in the log. */
  start: string;
}

/**
 * Lag per partition. A partition the group never committed on counts from the log start —
 * what a group consuming from the beginning still has to read. Kafka reports "no commit" as
 * offset -1.
 */
export function computeLag(
  topic: string,
  committed: Array<{ partition: number; offset: string }>,
  offsets: PartitionOffsets[],
): PartitionLag[] {
  const byPartition = new Map(committed.map((c) => [c.partition, c.offset]));
  return offsets
    .map((o) => {
      const c = byPartition.get(o.partition);
      const hasCommit = c !== undefined && BigInt(c) >= 0n;
      const from = hasCommit ? BigInt(c) : BigInt(o.start);
      const lag = BigInt(o.end) - from;
      return {
        topic,
        partition: o.partition,
        committed: hasCommit ? c : null,
        end: o.end,
        lag: lag > 0n ? Number(lag) : 0,
      };
    })
    .sort((a, b) => a.partition - b.partition);
}

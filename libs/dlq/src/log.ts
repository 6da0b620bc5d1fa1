import type { DlqRecord } from '@iw/events';

/** DLQ records of one batch that ingest writes to its log, one line each. */
export const DLQ_LOGGED_PER_BATCH = 3;

/**
 * The warning lines for the records a batch sent to the DLQ: the first few in full, then how
 * many more went there (the DLQ, `iw dlq list` and /dlq hold them all). Empty for none.
 */
export function dlqLogLines(
  records: ReadonlyArray<Pick<DlqRecord, 'topic' | 'partition' | 'offset' | 'reason'>>,
  shown = DLQ_LOGGED_PER_BATCH,
): string[] {
  const lines = records
    .slice(0, shown)
    .map((r) => `DLQ ${r.topic}:${r.partition}:${r.offset} ${r.reason.class}: ${r.reason.message}`);
  const more = records.length - lines.length;
  if (more > 0) {
    const last = records[records.length - 1];
    lines.push(
      `DLQ … and ${more} more of this batch (up to ${last.topic}:${last.partition}:${last.offset}; npx iw dlq list)`,
    );
  }
  return lines;
}

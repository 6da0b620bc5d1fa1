import { KafkaAdmin, KafkaClient } from '@iw/kafka';
import { testKafkaConfig } from '@iw/testing';
import { sleep } from '../world';

export interface Drain {
  /** Wall-clock ms at which everything was committed; null when time ran out first. */
  at: number | null;
  /** Messages still uncommitted at the end (0 when drained). */
  left: number;
  /** When the last poll was made. */
  lastPollAt: number;
}

/**
 * Polls until `groupId` has committed everything written to `topics` (lag 0 on every
 * partition that has messages), for at most `timeoutMs`. The moment is known to `intervalMs`.
 * Throws at once if `alive` says the consumer is gone.
 */
export async function drained(
  groupId: string,
  topics: string[],
  options: { timeoutMs: number; intervalMs?: number; alive?: () => boolean },
): Promise<Drain> {
  const admin = new KafkaAdmin(new KafkaClient(testKafkaConfig()));
  await admin.connect();
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const lags = await admin.lag(groupId, topics);
      const at = Date.now();
      const left = lags.reduce((s, l) => s + l.lag, 0);
      if (lags.length > 0 && lags.every((l) => l.lag === 0 && (l.committed !== null || l.end === '0')))
        return { at, left: 0, lastPollAt: at };
      if (options.alive && !options.alive()) throw new Error(`the consumer of group ${groupId} exited before draining`);
      if (at > deadline) return { at: null, left, lastPollAt: at };
      await sleep(options.intervalMs ?? 100);
    }
  } finally {
    await admin.disconnect();
  }
}

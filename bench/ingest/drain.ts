import { KafkaAdmin, KafkaClient } from '@iw/kafka';
import { testKafkaConfig } from '@iw/testing';
import { sleep } from '../world';

/**
 * Resolves with the wall-clock ms at which `groupId` had committed everything written to
 * `topics` (lag 0 on every partition that has messages). Polls every `intervalMs`, so the
 * moment is known to that resolution; throws after `timeoutMs`, or at once if `alive` says no.
 */
export async function drained(groupId: string, topics: string[], options: { timeoutMs: number; intervalMs?: number; alive?: () => boolean }): Promise<number> {
  const admin = new KafkaAdmin(new KafkaClient(testKafkaConfig()));
  await admin.connect();
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const lags = await admin.lag(groupId, topics);
      const at = Date.now();
      if (lags.length > 0 && lags.every((l) => l.lag === 0 && (l.committed !== null || l.end === '0'))) return at;
      if (options.alive && !options.alive()) throw new Error(`the consumer of group ${groupId} exited before draining`);
      if (at > deadline) {
        const left = lags.reduce((s, l) => s + l.lag, 0);
        throw new Error(`group ${groupId} still had ${left} messages to commit after ${options.timeoutMs} ms`);
      }
      await sleep(options.intervalMs ?? 100);
    }
  } finally {
    await admin.disconnect();
  }
}

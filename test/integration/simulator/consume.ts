import { BatchConsumer, KafkaClient, type InboundMessage } from '@iw/kafka';
import { testKafkaConfig, uniqueId, waitFor } from '@iw/testing';

/** Reads `topics` from the beginning with a group of its own until `count` messages are in. */
export async function consumeExactly(topics: string[], count: number, timeoutMs = 60_000): Promise<InboundMessage[]> {
  const seen: InboundMessage[] = [];
  const consumer = new BatchConsumer(new KafkaClient(testKafkaConfig()), {
    groupId: uniqueId('g'),
    topics,
    heartbeatIntervalMs: 500,
    sessionTimeoutMs: 10_000,
  });
  await consumer.start(async (batch) => void seen.push(...batch.messages));
  try {
    await waitFor(() => seen.length >= count, { timeoutMs, message: `${count} messages (have ${seen.length})` });
    // Anything beyond `count` would arrive right after: give it a moment to show up.
    await new Promise((r) => setTimeout(r, 1500));
    return seen;
  } finally {
    await consumer.stop();
  }
}

export const text = (b: Buffer | null) => b?.toString('utf8') ?? '';

/** Saves and restores process.env around commands that read their configuration from it. */
export function withEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

import { BatchConsumer, KafkaClient, type InboundMessage } from '@iw/kafka';
import { testKafkaConfig } from '@iw/testing';

export interface SeenBatch {
  topic: string;
  partition: number;
  messages: InboundMessage[];
}

export interface CeilingA {
  ms: number;
  messages: number;
  /** Every batch as the consumer got it: ceiling B replays the same batches. */
  batches: SeenBatch[];
}

/**
 * Ceiling A: a bare consumer-group member (kafkajs eachBatch through @iw/kafka's BatchConsumer,
 * the same fetch and commit path ingest uses) that does nothing with the messages. Times a
 * fresh group from start until it has been handed all `expected` messages.
 */
export async function ceilingA(
  groupId: string,
  topics: string[],
  expected: number,
  timeoutMs: number,
): Promise<CeilingA> {
  const consumer = new BatchConsumer(new KafkaClient(testKafkaConfig()), { groupId, topics });
  const batches: SeenBatch[] = [];
  let messages = 0;
  let finish!: (at: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const started = Date.now();
  const timer = setTimeout(() => finish(-1), timeoutMs);
  try {
    await consumer.start(async (batch) => {
      batches.push({ topic: batch.topic, partition: batch.partition, messages: batch.messages });
      messages += batch.messages.length;
      if (messages >= expected) finish(Date.now());
    });
    const at = await done;
    if (at < 0) throw new Error(`ceiling A: ${messages} of ${expected} messages after ${timeoutMs} ms`);
    return { ms: at - started, messages, batches };
  } finally {
    clearTimeout(timer);
    await consumer.stop();
  }
}

import type { LoggerService } from '@nestjs/common';
import type { Message, ProducerBatch, ProducerConfig, RecordMetadata } from 'kafkajs';
import type { KafkaClient } from './client';
import { KafkaProducer, SEND_PASSES, unacknowledged } from './producer';

const PARTITIONS = 4;
const partitionMetadata = Array.from({ length: PARTITIONS }, (_, p) => ({
  partitionId: p,
  leader: p % 2,
  partitionErrorCode: 0,
  replicas: [0, 1],
  isr: [0, 1],
}));

/**
 * kafkajs's producer as far as KafkaProducer uses it: each message partitioned by the
 * configured partitioner (as kafkajs does on every attempt), and an answer listing the
 * partitions written — all but `skip(call)`'s, the way kafkajs 2.2.4 answers after a leader
 * moved to a broker that had answered an earlier attempt.
 */
function fakeClient(skip: (call: number) => number[]) {
  const calls: Array<Array<{ topic: string; partition: number; value: string }>> = [];
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m) } as unknown as LoggerService;
  const client = {
    logger,
    kafka: {
      producer: (config: ProducerConfig) => {
        const partitioner = config.createPartitioner!();
        return {
          connect: async () => undefined,
          disconnect: async () => undefined,
          sendBatch: async ({ topicMessages }: ProducerBatch): Promise<RecordMetadata[]> => {
            const skipped = skip(calls.length);
            const sent: Array<{ topic: string; partition: number; value: string }> = [];
            const answered = new Map<string, RecordMetadata>();
            for (const { topic, messages } of topicMessages!)
              for (const message of messages) {
                const partition = partitioner({ topic, partitionMetadata, message });
                if (skipped.includes(partition)) continue;
                sent.push({ topic, partition, value: String(message.value) });
                answered.set(`${topic}/${partition}`, { topicName: topic, partition, errorCode: 0 });
              }
            calls.push(sent);
            return [...answered.values()];
          },
        };
      },
    },
  } as unknown as KafkaClient;
  return { client, calls, warnings };
}

const messages = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));

describe('KafkaProducer', () => {
  it('sends again the messages of partitions the answer left out, until all are acknowledged', async () => {
    const { client, calls, warnings } = fakeClient((call) => (call === 0 ? [1, 3] : []));
    const producer = new KafkaProducer(client);
    await producer.sendBatch([
      { topic: 'a', messages: messages(40) },
      { topic: 'b', messages: messages(8) },
    ]);
    expect(calls).toHaveLength(2);
    // The second send holds exactly what the first left out, on the partitions chosen the first time.
    expect(calls[1].every((m) => m.partition === 1 || m.partition === 3)).toBe(true);
    const written = calls.flat().map((m) => `${m.topic}:${m.value}`);
    expect(written.sort()).toEqual(
      [...messages(40).map((m) => `a:${m.value}`), ...messages(8).map((m) => `b:${m.value}`)].sort(),
    );
    expect(calls[1].length).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/sending those again/);
  });

  it('sends once when every partition answers', async () => {
    const { client, calls, warnings } = fakeClient(() => []);
    await new KafkaProducer(client).send('a', messages(20));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(20);
    expect(warnings).toEqual([]);
  });

  it(`fails after ${SEND_PASSES} sends when a partition never acknowledges, naming it`, async () => {
    const { client, calls } = fakeClient(() => [2]);
    await expect(new KafkaProducer(client).send('a', messages(20))).rejects.toThrow(
      new RegExp(`of a\\[2\\] not acknowledged after ${SEND_PASSES} sends`),
    );
    expect(calls).toHaveLength(SEND_PASSES);
  });
});

describe('unacknowledged', () => {
  it('keeps the messages whose partition is missing from the answer, or answered with an error, or unknown', () => {
    const m = (value: string, partition?: number): Message => ({ key: null, value, partition });
    const sent = [
      { topic: 't', messages: [m('a', 0), m('b', 1), m('c', 2), m('d')] },
      { topic: 'u', messages: [m('e', 0)] },
    ];
    const acked: RecordMetadata[] = [
      { topicName: 't', partition: 0, errorCode: 0 },
      { topicName: 't', partition: 2, errorCode: 6 },
      { topicName: 'u', partition: 1, errorCode: 0 },
    ];
    expect(unacknowledged(sent, acked)).toEqual([
      { topic: 't', messages: [m('b', 1), m('c', 2), m('d')] },
      { topic: 'u', messages: [m('e', 0)] },
    ]);
  });
});

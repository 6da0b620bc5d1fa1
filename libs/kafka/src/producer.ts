import { Partitioners, type Message, type PartitionerArgs, type Producer, type RecordMetadata } from 'kafkajs';
import type { LoggerService } from '@nestjs/common';
import type { KafkaClient } from './client';
import type { OutboundMessage } from './types';

export interface TopicMessages {
  topic: string;
  messages: OutboundMessage[];
}

/** Sends of one call at most: the first, and again for what it left unacknowledged. */
export const SEND_PASSES = 5;

/**
 * An idempotent producer: acks from all in-sync replicas, broker-side de-duplication of
 * retries, so a retried send never writes a message twice. Sends are batched per call.
 *
 * A call resolves only once every partition it wrote to has acknowledged its messages.
 * kafkajs (2.2.4) can resolve a send without having sent all of it: when a request to one
 * broker fails, its retry skips every broker that answered an earlier attempt, also for the
 * partitions that have moved to that broker meanwhile (the failed broker was their leader and
 * died), and reports success. So each message's partition is recorded as kafkajs chooses it,
 * and messages of partitions its answer does not list are sent again — by the same producer, so
 * a message the old leader did write and replicate is de-duplicated by the new one.
 */
export class KafkaProducer {
  private readonly producer: Producer;
  private readonly logger: LoggerService;
  private connected = false;

  constructor(client: KafkaClient) {
    this.logger = client.logger;
    this.producer = client.kafka.producer({
      idempotent: true,
      // Idempotence keeps order only with one request in flight per connection (kafkajs).
      maxInFlightRequests: 1,
      // The Java client's partitioner (the same key lands on the same partition as from any
      // other Kafka client), recording its choice on the message: every attempt of a send keeps
      // it, and `sendAll` knows which partitions must acknowledge.
      createPartitioner: recordingPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** Sends to one topic; resolves once every message is acknowledged. */
  async send(topic: string, messages: OutboundMessage[]): Promise<void> {
    await this.sendBatch([{ topic, messages }]);
  }

  /** Sends to several topics in one request per broker; resolves once every message is acknowledged. */
  async sendBatch(batches: TopicMessages[]): Promise<void> {
    const topicMessages = batches
      .filter((b) => b.messages.length > 0)
      .map((b) => ({ topic: b.topic, messages: b.messages.map(toKafkajs) }));
    if (topicMessages.length > 0) await this.sendAll(topicMessages);
  }

  /** Serialises `value`s as JSON (UTF-8) and sends them. */
  async sendJson<T>(
    topic: string,
    records: Array<{ key: string | null; value: T; headers?: Record<string, string> }>,
  ): Promise<void> {
    await this.send(
      topic,
      records.map((r) => ({ key: r.key, value: JSON.stringify(r.value), headers: r.headers })),
    );
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }

  /** Sends until every message's partition has acknowledged (SEND_PASSES sends at most). */
  private async sendAll(topicMessages: Array<{ topic: string; messages: Message[] }>): Promise<void> {
    let pending = topicMessages;
    for (let pass = 1; ; pass++) {
      const acked = await this.producer.sendBatch({ acks: -1, topicMessages: pending });
      pending = unacknowledged(pending, acked);
      if (pending.length === 0) return;
      const what = describe(pending);
      if (pass >= SEND_PASSES)
        throw new Error(`kafka: ${what} not acknowledged after ${pass} sends (the partitions' leaders changed?)`);
      this.logger.warn(`kafka: the send resolved without an acknowledgement for ${what}; sending those again`);
    }
  }
}

/** DefaultPartitioner, with the partition it picks kept on the message (`partition`). */
export function recordingPartitioner(): (args: PartitionerArgs) => number {
  const pick = Partitioners.DefaultPartitioner();
  return (args) => {
    const partition = pick(args);
    args.message.partition = partition;
    return partition;
  };
}

/** The messages of `sent` whose partition is not among the acknowledged ones of `acked`. */
export function unacknowledged(
  sent: ReadonlyArray<{ topic: string; messages: Message[] }>,
  acked: readonly RecordMetadata[],
): Array<{ topic: string; messages: Message[] }> {
  const ok = new Set(acked.filter((r) => r.errorCode === 0).map((r) => `${r.topicName}\u0000${r.partition}`));
  return sent
    .map((t) => ({
      topic: t.topic,
      messages: t.messages.filter((m) => m.partition === undefined || !ok.has(`${t.topic}\u0000${m.partition}`)),
    }))
    .filter((t) => t.messages.length > 0);
}

/** "3 messages of t[0], t[2]" */
function describe(pending: ReadonlyArray<{ topic: string; messages: Message[] }>): string {
  const n = pending.reduce((a, t) => a + t.messages.length, 0);
  const parts = pending.flatMap((t) =>
    [...new Set(t.messages.map((m) => m.partition ?? '?'))].map((p) => `${t.topic}[${p}]`),
  );
  return `${n} message${n === 1 ? '' : 's'} of ${parts.join(', ')}`;
}

function toKafkajs(m: OutboundMessage): Message {
  return { key: m.key, value: m.value, headers: m.headers };
}

import { Partitioners, type Producer } from 'kafkajs';
import type { KafkaClient } from './client';
import type { OutboundMessage } from './types';

export interface TopicMessages {
  topic: string;
  messages: OutboundMessage[];
}

/**
 * An idempotent producer: acks from all in-sync replicas, broker-side de-duplication of
 * retries, so a retried send never writes a message twice. Sends are batched per call.
 */
export class KafkaProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(client: KafkaClient) {
    this.producer = client.kafka.producer({
      idempotent: true,
      // Idempotence keeps order only with one request in flight per connection (kafkajs).
      maxInFlightRequests: 1,
      // The Java client's partitioner: the same key lands on the same partition as from any
      // other Kafka client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /** Sends to one topic; resolves once every message is acknowledged. */
  async send(topic: string, messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ topic, acks: -1, messages: messages.map(toKafkajs) });
  }

  /** Sends to several topics in one request per broker. */
  async sendBatch(batches: TopicMessages[]): Promise<void> {
    const topicMessages = batches
      .filter((b) => b.messages.length > 0)
      .map((b) => ({ topic: b.topic, messages: b.messages.map(toKafkajs) }));
    if (topicMessages.length === 0) return;
    await this.producer.sendBatch({ acks: -1, topicMessages });
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
}

function toKafkajs(m: OutboundMessage) {
  return { key: m.key, value: m.value, headers: m.headers };
}

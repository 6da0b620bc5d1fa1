/**
 * Publishes traffic as a stream — chunks at a steady rate — so that faults land mid-stream,
 * and keeps going through a broker outage: a chunk that fails is sent again (possibly a second
 * time on the broker: that is an upstream duplicate by event id, which must count once).
 */
import type { LoggerService } from '@nestjs/common';
import type { TopicRole } from '@iw/config';
import { keyFor } from '@iw/events';
import { KafkaClient, KafkaProducer, type TopicMessages } from '@iw/kafka';
import { testKafkaConfig } from '@iw/testing';
import type { Published } from '../../integration/ingest/traffic';

export interface RawMessage {
  role: TopicRole;
  key: string | null;
  value: string | Buffer;
}

export const quiet: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

export function toRaw(events: readonly Published[]): RawMessage[] {
  return events.map((e) => ({
    role: e.role,
    key: keyFor(e.role as never, e.event as never),
    value: JSON.stringify(e.event),
  }));
}

export interface StreamOptions {
  brokers: string[];
  /** Messages per send. */
  chunk?: number;
  /** Target messages per second over the whole stream. */
  ratePerSec: number;
}

export class TrafficStream {
  /** Messages acknowledged by the broker so far. */
  sent = 0;
  /** Chunks sent again after a failure. */
  resends = 0;
  readonly done: Promise<void>;
  private stopped = false;

  constructor(
    private readonly topics: Record<TopicRole, string>,
    private readonly messages: readonly RawMessage[],
    private readonly options: StreamOptions,
  ) {
    this.done = this.run();
  }

  get total(): number {
    return this.messages.length;
  }

  get finished(): boolean {
    return this.sent >= this.messages.length;
  }

  /** Stops after the chunk in flight (for cleanup after a failure). */
  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    const chunk = this.options.chunk ?? 250;
    const started = Date.now();
    let producer = await this.connect();
    let failures = 0;
    try {
      for (let i = 0; i < this.messages.length && !this.stopped;) {
        const slice = this.messages.slice(i, i + chunk);
        try {
          await producer.sendBatch(this.batch(slice));
        } catch {
          failures++;
          this.resends++;
          await new Promise((r) => setTimeout(r, 500));
          // kafkajs reconnects by itself; a producer that keeps failing is replaced.
          if (failures % 4 === 0) {
            await producer.disconnect().catch(() => undefined);
            producer = await this.connectRetrying();
          }
          continue;
        }
        failures = 0;
        i += slice.length;
        this.sent = i;
        const due = started + (i / this.options.ratePerSec) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  private batch(slice: readonly RawMessage[]): TopicMessages[] {
    const byTopic = new Map<string, TopicMessages>();
    for (const m of slice) {
      const topic = this.topics[m.role];
      let b = byTopic.get(topic);
      if (!b) byTopic.set(topic, (b = { topic, messages: [] }));
      b.messages.push({ key: m.key, value: m.value });
    }
    return [...byTopic.values()];
  }

  private async connect(): Promise<KafkaProducer> {
    // SSL/SASL as the environment says (testKafkaConfig), on this stream's brokers.
    const p = new KafkaProducer(
      new KafkaClient({ ...testKafkaConfig(), brokers: this.options.brokers, clientId: 'iw-faults-stream' }, quiet),
    );
    await p.connect();
    return p;
  }

  private async connectRetrying(): Promise<KafkaProducer> {
    for (;;) {
      try {
        return await this.connect();
      } catch {
        if (this.stopped) throw new Error('stream stopped');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}

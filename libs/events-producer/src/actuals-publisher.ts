import type { TopicRole } from '@iw/config';
import {
  buildMessage,
  InvalidEventError,
  type ActualsEventByRole,
  type ActualsRole,
  type DlqReason,
  type KafkaMessage,
} from '@iw/events';
import { KafkaClient, KafkaProducer, type KafkaClientConfig } from '@iw/kafka';
import type { LoggerService } from '@nestjs/common';

/** Thrown by `publish` before anything is sent when some events would only reach the DLQ. */
export class InvalidEventsError extends Error {
  constructor(
    readonly role: ActualsRole,
    readonly problems: ReadonlyArray<{ index: number; reason: DlqReason }>,
  ) {
    const first = problems.slice(0, 3).map((p) => `#${p.index}: ${p.reason.class}: ${p.reason.message}`);
    super(
      `${problems.length} invalid ${role} event(s), nothing published — ${first.join('; ')}${problems.length > 3 ? ' …' : ''}`,
    );
    this.name = 'InvalidEventsError';
  }
}

export interface ActualsPublisherOptions {
  kafka: KafkaClientConfig;
  /** Topic names by role (AppConfig.kafka.topics: contract names, prefixed or overridden). */
  topics: Readonly<Record<TopicRole, string>>;
  logger?: LoggerService;
}

/**
 * A typed producer of actuals events for upstream TypeScript systems (and `iw events publish`,
 * and the simulator): each event is checked exactly as ingest will check it and keyed as the
 * contract says (buildMessage), then sent with an idempotent producer.
 *
 *   const publisher = ActualsPublisher.create({ kafka: config.kafka, topics: config.kafka.topics });
 *   await publisher.connect();
 *   await publisher.publish('inspectionBatches', [{ eventId, occurredAt, source: 'lab7', schemaVersion: 1, category: '汽油', batches: 12 }]);
 *   await publisher.close();
 */
export class ActualsPublisher {
  constructor(
    private readonly producer: KafkaProducer,
    readonly topics: Readonly<Record<TopicRole, string>>,
  ) {}

  static create(options: ActualsPublisherOptions): ActualsPublisher {
    return new ActualsPublisher(new KafkaProducer(new KafkaClient(options.kafka, options.logger)), options.topics);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  /** Validates every event, then publishes them in order; all or nothing is sent (InvalidEventsError). */
  async publish<R extends ActualsRole>(role: R, events: ReadonlyArray<ActualsEventByRole[R]>): Promise<void> {
    const messages: KafkaMessage[] = [];
    const problems: Array<{ index: number; reason: DlqReason }> = [];
    events.forEach((event, index) => {
      try {
        // ActualsEventByRole[R] is MessageByRole[R] for an actuals role; TS cannot see it through R.
        messages.push(buildMessage<R>(role, event as never));
      } catch (e) {
        if (!(e instanceof InvalidEventError)) throw e;
        problems.push({ index, reason: e.reason });
      }
    });
    if (problems.length) throw new InvalidEventsError(role, problems);
    await this.send(role, messages);
  }

  /**
   * Sends prepared messages as they are, without checking them: for callers that built them
   * with buildMessage already, or that send malformed messages on purpose (the simulator's DLQ
   * cases). The shape of a simulator StorySink.
   */
  async send(role: ActualsRole, messages: ReadonlyArray<{ key: string | null; value: string }>): Promise<void> {
    await this.producer.send(
      this.topicOf(role),
      messages.map((m) => ({ key: m.key, value: m.value })),
    );
  }

  topicOf(role: ActualsRole): string {
    return this.topics[role];
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

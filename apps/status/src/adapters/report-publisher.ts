import { Inject, Injectable, Logger, type OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import type { MeasurementEvent } from '@iw/events';
import { ActualsPublisher, InvalidEventsError } from '@iw/events-producer';
import { APP_CONFIG } from '../tokens';
import { withTimeout } from './mongo-handle';

const SEND_TIMEOUT_MS = 15_000;

/**
 * Publishes people's reports (填报) to `actuals.measurements` with the typed producer, checked as
 * ingest will check them; ingest stays the one writer of progress. Connected on first use and
 * replaced after a failure, so the status app starts without Kafka.
 */
@Injectable()
export class ReportPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger('ReportPublisher');
  private publisher: Promise<ActualsPublisher> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private connected(): Promise<ActualsPublisher> {
    if (!this.publisher) {
      const p = ActualsPublisher.create({
        kafka: this.config.kafka,
        topics: this.config.kafka.topics,
        logger: this.logger,
      });
      this.publisher = p.connect().then(() => p);
      this.publisher.catch(() => undefined);
    }
    return this.publisher;
  }

  async publish(event: MeasurementEvent): Promise<void> {
    try {
      await withTimeout(
        this.connected().then((p) => p.publish('measurements', [event])),
        SEND_TIMEOUT_MS,
        'Kafka did not take the report',
      );
    } catch (e) {
      if (e instanceof InvalidEventsError) throw e;
      const stale = this.publisher;
      this.publisher = null;
      void stale?.then((p) => p.close()).catch(() => undefined);
      throw new ServiceUnavailableException(`填报未能提交：消息队列暂不可用（${(e as Error).message}），请稍后重试。`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const p = this.publisher;
    this.publisher = null;
    await p?.then((x) => x.close()).catch(() => undefined);
  }
}

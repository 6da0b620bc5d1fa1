import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { parseClockSpec, SystemClock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { KafkaModule } from '@iw/kafka';
import { MONGO_CONNECTION, closeMongo, mongoProviders, type Connection } from '@iw/mongo';
import { IngestController } from './ingest.controller';
import { APP_CONFIG, CLOCK, REAL_CLOCK } from './ingest.module.tokens';
import { BindingsService } from './services/bindings.service';
import { IngestMetrics } from './services/ingest.metrics';
import { IngestService } from './services/ingest.service';
import { RetentionService } from './services/retention.service';
import { WatermarkService } from './services/watermark.service';

export { APP_CONFIG, CLOCK, REAL_CLOCK };

/**
 * The ingest service: consumes the actuals topics (through KafkaBatchServer, set up in main.ts)
 * and keeps progress in MongoDB exactly once.
 */
@Module({})
export class IngestModule implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly mongo: Connection) {}

  static register(config: AppConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [KafkaModule.forRoot(config.kafka, { producer: true, admin: true })],
      controllers: [IngestController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useFactory: () => parseClockSpec(config.clock) },
        { provide: REAL_CLOCK, useValue: new SystemClock() },
        ...mongoProviders(config.mongo.url, 'iw-ingest'),
        BindingsService,
        IngestMetrics,
        IngestService,
        RetentionService,
        WatermarkService,
      ],
      exports: [APP_CONFIG, MONGO_CONNECTION],
    };
  }

  // Runs after the transport closed, so a batch in flight finishes its writes first.
  async onApplicationShutdown(): Promise<void> {
    await closeMongo(this.mongo);
  }
}

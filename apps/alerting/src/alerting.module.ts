import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { parseClockSpec, SystemClock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { KafkaModule } from '@iw/kafka';
import { MONGO_CONNECTION, closeMongo, mongoProviders, type Connection } from '@iw/mongo';
import { ALERTING_OPTIONS, APP_CONFIG, CLOCK, REAL_CLOCK, type AlertingOptions } from './alerting.tokens';
import { ProgressController } from './controllers/progress.controller';
import { AlertService } from './services/alert.service';
import { AlertingMetrics } from './services/alerting.metrics';
import { CatalogueService } from './services/catalogue.service';
import { EvaluationService } from './services/evaluation.service';
import { LeaderService } from './services/leader.service';
import { OutboxSignal } from './services/outbox-signal';
import { OwnersService } from './services/owners.service';
import { SchedulerService } from './services/scheduler.service';
import { RetentionService } from './services/retention.service';
import { SenderService } from './services/sender.service';
import { WatermarkService } from './services/watermark.service';

export { APP_CONFIG, CLOCK, REAL_CLOCK, ALERTING_OPTIONS };

/**
 * The alerting service: consumes indicators.progress (KafkaBatchServer, set up
 * in main.ts), evaluates risk, keeps alerts, and mails owners through the outbox.
 *
 *   ProgressController ─► EvaluationService ─► AlertService ─► outbox ─► SenderService (leader)
 *   SchedulerService (leader) ─► sweep ─┘
 */
@Module({})
export class AlertingModule implements OnApplicationShutdown {
  constructor(
    @Inject(MONGO_CONNECTION) private readonly mongo: Connection,
    metrics: AlertingMetrics,
    leader: LeaderService,
    evaluation: EvaluationService,
  ) {
    metrics.extra = () => ({
      leader: leader.isLeader(),
      lastSweepAt: evaluation.lastSweep === null ? null : new Date(evaluation.lastSweep.at),
      lastSweepUnits: evaluation.lastSweep?.units ?? null,
    });
  }

  static register(config: AppConfig, options: AlertingOptions = {}): DynamicModule {
    return {
      module: AlertingModule,
      imports: [KafkaModule.forRoot(config.kafka, { admin: true })],
      controllers: [ProgressController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ALERTING_OPTIONS, useValue: options },
        { provide: CLOCK, useFactory: () => options.clock ?? parseClockSpec(config.clock) },
        { provide: REAL_CLOCK, useValue: options.realClock ?? new SystemClock() },
        ...mongoProviders(config.mongo.url, 'iw-alerting'),
        OutboxSignal,
        AlertingMetrics,
        CatalogueService,
        WatermarkService,
        OwnersService,
        LeaderService,
        AlertService,
        EvaluationService,
        SenderService,
        SchedulerService,
        RetentionService,
      ],
      exports: [APP_CONFIG, MONGO_CONNECTION],
    };
  }

  // Runs after the transport closed and the sender gave up its lease, so nothing writes any more.
  async onApplicationShutdown(): Promise<void> {
    await closeMongo(this.mongo);
  }
}

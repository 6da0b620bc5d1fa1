import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { closeMongo, connectMongo, MONGO_CONNECTION, type Connection } from '@iw/mongo';
import { baselineController } from './baseline.controller';
import { BASELINE_LIMITS, BaselineMeter, type BaselineLimits } from './baseline.meter';
import { BASELINE_CONFIG, BaselineStore } from './baseline.store';

@Module({})
export class BaselineModule implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly mongo: Connection) {}

  static register(config: AppConfig, limits: BaselineLimits): DynamicModule {
    return {
      module: BaselineModule,
      controllers: [baselineController(config.kafka.topics)],
      providers: [
        { provide: BASELINE_CONFIG, useValue: config },
        { provide: BASELINE_LIMITS, useValue: limits },
        {
          provide: MONGO_CONNECTION,
          useFactory: () => connectMongo(config.mongo.url, { appName: 'iw-bench-baseline-c' }),
        },
        BaselineStore,
        BaselineMeter,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await closeMongo(this.mongo);
  }
}

import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { KafkaAdmin } from './admin';
import { KafkaClient } from './client';
import { KafkaProducer } from './producer';
import type { KafkaClientConfig } from './types';

export interface KafkaModuleOptions {
  /** Connect an admin client at boot (lag, readiness, topic creation). */
  admin?: boolean;
  /** Connect an idempotent producer at boot. */
  producer?: boolean;
}

/** Disconnects what the module connected, when the app shuts down. */
@Injectable()
class KafkaConnections implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(KafkaAdmin) private readonly admin?: KafkaAdmin,
    @Optional() @Inject(KafkaProducer) private readonly producer?: KafkaProducer,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.producer?.disconnect(), this.admin?.disconnect()]);
  }
}

/**
 * Provides `KafkaClient` and, on request, a connected `KafkaAdmin` and `KafkaProducer`
 * (injectable by class). Boot fails if the broker does not answer.
 */
@Module({})
export class KafkaModule {
  static forRoot(config: KafkaClientConfig, options: KafkaModuleOptions = {}): DynamicModule {
    const client = { provide: KafkaClient, useFactory: () => new KafkaClient(config, new Logger('Kafka')) };
    const providers: NonNullable<DynamicModule['providers']> = [client, KafkaConnections];
    const exported: Array<typeof KafkaClient | typeof KafkaAdmin | typeof KafkaProducer> = [KafkaClient];
    if (options.admin) {
      exported.push(KafkaAdmin);
      providers.push({
        provide: KafkaAdmin,
        inject: [KafkaClient],
        useFactory: async (c: KafkaClient) => {
          const admin = new KafkaAdmin(c);
          await admin.connect();
          return admin;
        },
      });
    }
    if (options.producer) {
      exported.push(KafkaProducer);
      providers.push({
        provide: KafkaProducer,
        inject: [KafkaClient],
        useFactory: async (c: KafkaClient) => {
          const producer = new KafkaProducer(c);
          await producer.connect();
          return producer;
        },
      });
    }
    return {
      module: KafkaModule,
      global: true,
      providers,
      exports: exported,
    };
  }
}

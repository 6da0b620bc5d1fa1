import type { INestMicroservice, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { AppConfig } from '@iw/config';
import { appLogger } from '@iw/logging';
import { KafkaBatchServer, contractSubscriptions, type KafkaBatchServerOptions } from '@iw/kafka';
import { AlertingModule } from './alerting.module';
import type { AlertingOptions } from './alerting.tokens';

const PARTITIONS_AT_ONCE = 8;
const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** The alerting microservice, not yet listening: main.ts runs it; tests run it in-process. */
export function createAlertingApp(
  config: AppConfig,
  options: AlertingOptions = {},
  consumer?: KafkaBatchServerOptions['consumer'],
): Promise<INestMicroservice> {
  return NestFactory.createMicroservice<MicroserviceOptions>(AlertingModule.register(config, options), {
    strategy: new KafkaBatchServer({
      kafka: config.kafka,
      groupId: config.kafka.groups.alerting,
      subscriptions: contractSubscriptions(config.kafka.topics, ['progress']),
      // Partition batches handled at once: EvaluationService merges those that arrive together
      // into one evaluation (a burst over 6 partitions was 6 evaluations one after another).
      consumer: { partitionsConsumedConcurrently: PARTITIONS_AT_ONCE, ...consumer },
    }),
    logger: appLogger(LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1)),
    abortOnError: false,
  });
}

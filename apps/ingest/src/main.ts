import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { loadConfigOrExit } from '@iw/config';
import { KafkaBatchServer, contractSubscriptions } from '@iw/kafka';
import { IngestModule } from './ingest.module';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
const SHUTDOWN_LIMIT_MS = 20_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(IngestModule.register(config), {
    strategy: new KafkaBatchServer({
      kafka: config.kafka,
      groupId: config.kafka.groups.ingest,
      subscriptions: contractSubscriptions(config.kafka.topics, ['inspectionBatches', 'cases', 'surveys', 'spending', 'measurements']),
      // One partition at a time: FerretDB 1.24 does not apply concurrent updates of one document
      // atomically (measured: 200 concurrent $inc → 78), so a unit fed from several partitions
      // must not be written by two batches at once (see README, "FerretDB 1.24, not MongoDB").
      consumer: { partitionsConsumedConcurrently: 1 },
    }),
    logger: [...LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1)],
    abortOnError: false,
  });
  // useProcessExit: exit 0 after a clean close (Nest would otherwise re-raise the signal).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS).unref());
  }
  await app.listen();
}

main().catch((e: unknown) => {
  new Logger('ingest').error(`cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

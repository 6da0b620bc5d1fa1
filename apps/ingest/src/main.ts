import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { loadConfigOrExit } from '@iw/config';
import { appLogger, safeLogText } from '@iw/logging';
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
      subscriptions: contractSubscriptions(config.kafka.topics, [
        'inspectionBatches',
        'cases',
        'surveys',
        'spending',
        'measurements',
      ]),
      // Two partitions at a time: one batch decodes while another waits on the database. Batches
      // of different partitions may write the same unit; the progress version claims make that
      // safe (README, "Exactly once").
      // Fetches bounded to 2 MiB (512 KiB a partition): kafkajs holds a whole fetch decoded in
      // memory, and its 10 MiB default took ingest's peak RSS to 345 MB in the bench.
      consumer: { partitionsConsumedConcurrently: 2, maxBytes: 2 << 20, maxBytesPerPartition: 512 << 10 },
    }),
    logger: appLogger([...LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1)]),
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
  new Logger('ingest').error(`cannot start: ${safeLogText(e instanceof Error ? e.message : String(e))}`);
  process.exit(1);
});

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { collectGarbageSooner, loadConfigOrExit } from '@iw/config';
import { appLogger, safeLogText } from '@iw/logging';
import { KafkaBatchServer, contractSubscriptions } from '@iw/kafka';
import { IngestModule } from './ingest.module';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
const SHUTDOWN_LIMIT_MS = 20_000;

// Ingest keeps about 90 MB live after 200,000 events (mostly the event-id log); its peak RSS in
// the bench was 430–490 MB without this, 283 MB with it, for about 8 % more CPU.
collectGarbageSooner();

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
      // Four partitions at a time: while one batch waits on the database another decodes or
      // claims. Batches of different partitions may write the same unit; the progress version
      // claims make that safe (README, "Exactly once"), and within the process they take turns
      // per unit rather than losing claims to each other. On the bench (200,000 events, a
      // FerretDB shared with other work, load average 3–6) four instead of two gave 10,000
      // events/s where neighbouring runs with two gave 4,000–5,600; peak RSS 266–284 MB.
      // Fetches of at most 4 MiB (1 MiB a partition, about 3,000 events): a batch costs one
      // event-id segment and a version of each unit it changes, so fewer, larger batches write
      // less (bench, 200,000 events: FerretDB's CPU 5.5 → 3.4 s against 512 KiB a partition, the
      // same peak RSS). kafkajs holds a whole fetch decoded in memory: its 10 MiB default took
      // ingest's peak RSS to 345 MB, and 2 MiB a partition (8 MiB a fetch) to 295 MB.
      consumer: { partitionsConsumedConcurrently: 4, maxBytes: 4 << 20, maxBytesPerPartition: 1 << 20 },
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

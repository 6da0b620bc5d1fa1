/**
 * Baseline C of the ingest bench: the stock NestJS Kafka microservice (Transport.KAFKA,
 * one `@EventPattern` call per message). Run by bench/ingest; configured like the apps
 * (MONGO_URL, KAFKA_*, IW_BINDINGS) plus BENCH_C_GROUP, BENCH_C_MAX_EVENTS, BENCH_C_MAX_MS
 * and BENCH_C_TOTAL. Prints one `BENCH_C_RESULT {json}` line when it has measured enough.
 */
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { loadConfig } from '@iw/config';
import { BaselineModule } from './baseline.module';

function positive(name: string): number {
  const v = Number(process.env[name]);
  if (!(Number.isFinite(v) && v > 0)) throw new Error(`${name} must be a positive number (got "${process.env[name]}")`);
  return v;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const limits = {
    maxEvents: positive('BENCH_C_MAX_EVENTS'),
    maxMs: positive('BENCH_C_MAX_MS'),
    total: positive('BENCH_C_TOTAL'),
  };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BaselineModule.register(config, limits), {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'iw-bench-baseline-c', brokers: config.kafka.brokers },
      consumer: { groupId: process.env.BENCH_C_GROUP ?? 'iw-bench-baseline-c' },
      subscribe: { fromBeginning: true },
      postfixId: '',
    },
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen();
  console.log('baseline C listening');
}

main().catch((e: unknown) => {
  new Logger('baseline-c').error(`cannot start: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});

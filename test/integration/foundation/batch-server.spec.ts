import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import {
  KafkaAdmin,
  KafkaBatchContext,
  KafkaBatchServer,
  KafkaClient,
  KafkaProducer,
  contractSubscriptions,
  type InboundBatch,
} from '@iw/kafka';
import { createTestTopics, deleteTestTopics, testKafkaConfig, testTopicPrefix, uniqueId, waitFor } from '@iw/testing';

/**
 * KafkaBatchServer inside a real Nest microservice: @EventPattern handlers get whole batches;
 * offsets are committed only after the handler resolved; a throwing handler (even through
 * Nest's exception filters) gets the batch again.
 */

jest.setTimeout(90_000);

const seen: string[] = [];
let failuresLeft = 0;

@Controller()
class CasesController {
  @EventPattern('actuals.cases')
  async cases(@Payload() batch: InboundBatch, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    expect(ctx.getBatch()).toBe(batch);
    expect(ctx.getPattern()).toBe('actuals.cases');
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      throw new Error('simulated store outage');
    }
    for (const m of batch.messages) seen.push(m.value!.toString());
  }
}

@Module({ controllers: [CasesController] })
class TestModule {}

const prefix = testTopicPrefix();
const groupId = uniqueId('g');
const client = new KafkaClient(testKafkaConfig());
const producer = new KafkaProducer(client);
const admin = new KafkaAdmin(client);
let app: INestMicroservice;
let topics: Awaited<ReturnType<typeof createTestTopics>>;

const lag = async () => (await admin.lag(groupId, [topics.cases])).reduce((n, p) => n + p.lag, 0);

beforeAll(async () => {
  topics = await createTestTopics(prefix, 2);
  await Promise.all([producer.connect(), admin.connect()]);
  app = await NestFactory.createMicroservice<MicroserviceOptions>(TestModule, {
    strategy: new KafkaBatchServer({
      kafka: testKafkaConfig(),
      groupId,
      // `surveys` has no handler: it must not be consumed.
      subscriptions: contractSubscriptions(topics, ['cases', 'surveys']),
      consumer: { heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 },
    }),
    logger: ['error'],
    abortOnError: false,
  });
  await app.listen();
});

afterAll(async () => {
  await app?.close();
  await deleteTestTopics(prefix);
  await Promise.all([producer.disconnect(), admin.disconnect()]);
});

it('dispatches batches to the @EventPattern handler and commits after it resolved', async () => {
  await producer.send(
    topics.cases,
    ['c1', 'c2', 'c3'].map((v) => ({ key: v, value: v })),
  );
  await waitFor(() => seen.length === 3, { timeoutMs: 30_000, message: 'three cases handled' });
  expect([...seen].sort()).toEqual(['c1', 'c2', 'c3']);
  await waitFor(async () => (await lag()) === 0, { timeoutMs: 10_000, message: 'committed' });
});

it('redelivers a batch whose handler threw, and commits only once it succeeded', async () => {
  seen.length = 0;
  failuresLeft = 2;
  await producer.send(topics.cases, [{ key: 'same', value: 'c4' }]);
  await waitFor(() => seen.includes('c4'), { timeoutMs: 30_000, message: 'c4 handled after retries' });
  expect(failuresLeft).toBe(0);
  expect(seen).toEqual(['c4']);
  await waitFor(async () => (await lag()) === 0, { timeoutMs: 10_000, message: 'committed after success' });
});

it('leaves a topic without handler unconsumed', async () => {
  await producer.send(topics.surveys, [{ key: 's', value: 'x' }]);
  const surveys = await admin.lag(groupId, [topics.surveys]);
  expect(surveys.every((p) => p.committed === null)).toBe(true);
});

it('stops consuming on close', async () => {
  await app.close();
  await producer.send(topics.cases, [{ key: 'late', value: 'c5' }]);
  await new Promise((r) => setTimeout(r, 1500));
  expect(seen).not.toContain('c5');
  expect(await lag()).toBe(1);
});

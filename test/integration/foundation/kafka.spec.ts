import type { LoggerService } from '@nestjs/common';
import { BatchConsumer, KafkaAdmin, KafkaClient, KafkaProducer, TopicTail, type InboundMessage } from '@iw/kafka';
import { createTopics, deleteTestTopics, testKafkaConfig, testTopicPrefix, uniqueId, waitFor } from '@iw/testing';

/**
 * The Kafka adapter on the real broker: produce → consumer-group consume, commits that follow
 * the handler, redelivery after a failure, lag.
 */

// The integration project's testTimeout is not applied per project by jest 30.
jest.setTimeout(90_000);

const prefix = testTopicPrefix();
const client = new KafkaClient(testKafkaConfig());
const producer = new KafkaProducer(client);
const admin = new KafkaAdmin(client);
const consumers: BatchConsumer[] = [];

function consumer(topics: string[], groupId = uniqueId('g')): BatchConsumer {
  const c = new BatchConsumer(client, { groupId, topics, heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 });
  consumers.push(c);
  return c;
}

const text = (m: InboundMessage) => m.value?.toString('utf8') ?? '';
const totalLag = async (groupId: string, topic: string) =>
  (await admin.lag(groupId, [topic])).reduce((n, p) => n + p.lag, 0);

beforeAll(async () => {
  await Promise.all([producer.connect(), admin.connect()]);
});

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await deleteTestTopics(prefix);
  await Promise.all([producer.disconnect(), admin.disconnect()]);
});

it('round-trips keyed messages through a consumer group, in order per key, and commits them', async () => {
  const topic = `${prefix}roundtrip`;
  await createTopics([topic], 3);
  const keys = ['喀什地区', '伊犁州', 'lab7', 'lab9'];
  const sent = keys.flatMap((key) => [0, 1, 2, 3, 4].map((i) => ({ key, value: JSON.stringify({ key, i }) })));
  await producer.send(topic, sent);
  await producer.sendJson(topic, [{ key: 'lab7', value: { key: 'lab7', i: 5 } }]);

  const groupId = uniqueId('g');
  const seen: Array<{ key: string; i: number; partition: number }> = [];
  await consumer([topic], groupId).start(async (batch) => {
    for (const m of batch.messages) seen.push({ ...JSON.parse(text(m)), partition: m.partition });
  });

  await waitFor(() => seen.length === 21, { timeoutMs: 30_000, message: `21 messages (have ${seen.length})` });
  for (const key of keys) {
    const mine = seen.filter((s) => s.key === key);
    expect(mine.map((s) => s.i)).toEqual(key === 'lab7' ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 4]);
    expect(new Set(mine.map((s) => s.partition)).size).toBe(1); // one key, one partition
  }
  await waitFor(async () => (await totalLag(groupId, topic)) === 0, {
    timeoutMs: 10_000,
    message: 'lag 0 after commit',
  });
});

it('commits a batch only after its handler resolved', async () => {
  const topic = `${prefix}durable`;
  await createTopics([topic], 1);
  await producer.send(
    topic,
    [1, 2, 3].map((i) => ({ key: 'k', value: String(i) })),
  );

  const groupId = uniqueId('g');
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered = false;
  await consumer([topic], groupId).start(async () => {
    entered = true;
    await gate; // "writing the effects"
  });

  await waitFor(() => entered, { timeoutMs: 30_000, message: 'handler entered' });
  const before = await admin.lag(groupId, [topic]);
  expect(before).toEqual([expect.objectContaining({ committed: null, lag: 3 })]);
  release();
  await waitFor(async () => (await totalLag(groupId, topic)) === 0, {
    timeoutMs: 10_000,
    message: 'committed after resolve',
  });
  expect((await admin.lag(groupId, [topic]))[0].committed).toBe('3');
});

it('after a failing handler, commits what it resolved and redelivers the rest', async () => {
  const topic = `${prefix}retry`;
  await createTopics([topic], 1);
  await producer.send(
    topic,
    ['a', 'b', 'c', 'd', 'e'].map((v) => ({ key: 'k', value: v })),
  );

  const groupId = uniqueId('g');
  const deliveries: string[][] = [];
  await consumer([topic], groupId).start(async (batch, control) => {
    deliveries.push(batch.messages.map(text));
    if (deliveries.length === 1) {
      control.resolveOffset(batch.messages[1].offset); // a and b are durable
      throw new Error('MongoDB went away');
    }
  });

  await waitFor(() => deliveries.length >= 2, { timeoutMs: 30_000, message: 'redelivery' });
  expect(deliveries[0]).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(deliveries[1]).toEqual(['c', 'd', 'e']);
  await waitFor(async () => (await totalLag(groupId, topic)) === 0, { timeoutMs: 10_000, message: 'lag 0' });
});

it('a restarted group member resumes after the last commit', async () => {
  const topic = `${prefix}resume`;
  await createTopics([topic], 1);
  const groupId = uniqueId('g');
  await producer.send(topic, [{ key: 'k', value: 'first' }]);
  const first: string[] = [];
  const c1 = consumer([topic], groupId);
  await c1.start(async (b) => void first.push(...b.messages.map(text)));
  await waitFor(async () => first.length === 1 && (await totalLag(groupId, topic)) === 0, {
    timeoutMs: 30_000,
    message: 'first consumed',
  });
  await c1.stop();

  await producer.send(topic, [{ key: 'k', value: 'second' }]);
  const second: string[] = [];
  await consumer([topic], groupId).start(async (b) => void second.push(...b.messages.map(text)));
  await waitFor(() => second.length === 1, { timeoutMs: 30_000, message: 'second consumed' });
  expect(second).toEqual(['second']);
});

it('a tail stopped while it is still starting stops cleanly: no consumer crash, no restart, no error logged', async () => {
  const topic = `${prefix}tail-stop`;
  await createTopics([topic], 2);
  const lines: Array<[string, string]> = [];
  const record =
    (level: string) =>
    (m: unknown): void => {
      lines.push([level, String(m)]);
    };
  const logger: LoggerService = {
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
  };
  const tailClient = new KafkaClient(testKafkaConfig(), logger);
  const lost: string[] = [];
  // Stopped at several points of its start: connecting, subscribing, joining the group.
  for (const afterMs of [0, 20, 100, 300, 600]) {
    const tail = new TopicTail(tailClient, {
      groupId: uniqueId('tail'),
      topics: [topic],
      onMessages: () => undefined,
      onPositioned: () => undefined,
      onLost: (reason) => lost.push(reason),
    });
    const started = tail.start().then(
      () => 'started',
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, afterMs));
    await tail.stop();
    expect(await started).toBe('started');
    expect(tail.following).toBe(false);
  }
  // kafkajs restarts a crashed consumer 300 ms after the crash: time for one to show.
  await new Promise((r) => setTimeout(r, 1500));
  expect(lines.filter(([level, m]) => level === 'error' || /Restarting|Crash/.test(m))).toEqual([]);
  expect(lost.filter((reason) => reason.startsWith('crashed'))).toEqual([]);
});

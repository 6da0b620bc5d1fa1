import { connectMongo, dlqOf, progressOf, type Connection } from '@iw/mongo';
import type { TopicRole } from '@iw/config';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  waitFor,
  type AppProcess,
} from '@iw/testing';
import {
  groupId,
  importSeed,
  observedTotals,
  publish,
  startIngest,
  TRAFFIC_IDS,
  UNIT,
  waitForDrain,
  withoutCount,
} from './harness';
import { expectedTotals, generateTraffic, type Published } from './traffic';

/**
 * Ingest on the real broker and server: exact totals for mixed traffic, no double counting
 * when everything is published twice or the consumer is SIGKILLed mid-stream, every DLQ
 * reason class with its reason while valid traffic around it is unaffected.
 */
jest.setTimeout(300_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
let topics: Record<TopicRole, string>;
let conn: Connection;
let ingest: AppProcess | undefined;
const published: Published[] = [];
const actualsTopics = () => [
  topics.inspectionBatches,
  topics.cases,
  topics.surveys,
  topics.spending,
  topics.measurements,
];
const env = () => ({ MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_INGEST_GROUP: group });

async function start(): Promise<AppProcess> {
  const p = startIngest(env());
  await p.waitForOutput(/successfully started/, 60_000);
  return p;
}

beforeAll(async () => {
  ensureBuilt();
  topics = await createTestTopics(prefix, 3);
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
  ingest = await start();
});

afterAll(async () => {
  await ingest?.stop('SIGTERM', 10_000);
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

it('turns a few thousand mixed events into exactly the independently computed totals', async () => {
  const run = uniqueId('r1');
  const events = generateTraffic(3000, 1, run, TRAFFIC_IDS);
  published.push(...events);
  await publish(topics, events);
  await waitForDrain(group, actualsTopics());
  const expected = withoutCount(expectedTotals(published));
  expect(expected.gasolineBatches).toBeGreaterThan(0);
  expect(expected.casesClosed).toBeGreaterThan(0);
  expect(expected.latestValue).not.toBeNull();
  expect(await observedTotals(conn)).toEqual(expected);
  expect(await dlqOf(conn).countDocuments()).toBe(0);
});

it('counts nothing twice when the same events are published again', async () => {
  const before = await observedTotals(conn);
  await publish(topics, published.slice(0, 1500));
  await waitForDrain(group, actualsTopics());
  expect(await observedTotals(conn)).toEqual(before);
});

it('loses and doubles nothing when the consumer is killed mid-stream and restarted', async () => {
  const events = generateTraffic(4000, 2, uniqueId('r2'), TRAFFIC_IDS);
  published.push(...events);
  const countBefore = (await progressOf(conn).findOne({ _id: UNIT.gasoline }))?.eventCount ?? 0;
  const publishing = publish(topics, events);
  // Kill as soon as the new run has started to land: mid-stream, between some write and its commit.
  await waitFor(async () => ((await progressOf(conn).findOne({ _id: UNIT.gasoline }))?.eventCount ?? 0) > countBefore, {
    timeoutMs: 60_000,
    intervalMs: 20,
  });
  const killed = await ingest!.stop('SIGKILL');
  expect(killed.signal).toBe('SIGKILL');
  await publishing;
  ingest = await start();
  await waitForDrain(group, actualsTopics());
  expect(await observedTotals(conn)).toEqual(withoutCount(expectedTotals(published)));
});

it('sends every kind of bad message to the DLQ with its reason, leaving valid traffic exact', async () => {
  const run = uniqueId('bad');
  const good = generateTraffic(300, 3, uniqueId('r3'), TRAFFIC_IDS);
  published.push(...good);
  const base = (i: number) => ({
    eventId: `${run}-${i}`,
    occurredAt: '2019-05-01T10:00:00+08:00',
    source: 'test',
    schemaVersion: 1,
  });
  const bad: Array<{ role: TopicRole; key: string | null; value: string | Buffer; reason: string }> = [
    { role: 'inspectionBatches', key: 'x', value: '{not json', reason: 'not_json' },
    { role: 'inspectionBatches', key: 'x', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), reason: 'invalid_utf8' },
    { role: 'inspectionBatches', key: 'x', value: JSON.stringify({ ...base(1), category: '汽油' }), reason: 'schema' },
    {
      role: 'inspectionBatches',
      key: 'x',
      value: JSON.stringify({ ...base(2), category: '汽油', batches: -3 }),
      reason: 'negative_count',
    },
    {
      role: 'measurements',
      key: 'x',
      value: JSON.stringify({ ...base(3), indicatorId: '2019.nope.nothing', kind: 'increment', value: 1 }),
      reason: 'unknown_indicator',
    },
    {
      role: 'spending',
      key: 'x',
      value: JSON.stringify({ ...base(4), projectName: '不存在的项目', amountYuan: 10 }),
      reason: 'unknown_project',
    },
    {
      role: 'inspectionBatches',
      key: 'x',
      value: JSON.stringify({ ...base(5), occurredAt: '2018-05-01T10:00:00+08:00', category: '汽油', batches: 3 }),
      reason: 'out_of_period',
    },
    {
      role: 'inspectionBatches',
      key: 'x',
      value: JSON.stringify({ ...base(6), category: '汽油', batches: 3, $where: 'x' }),
      reason: 'unsafe',
    },
  ];
  await publish(topics, good.slice(0, 150), bad);
  await publish(topics, good.slice(150));
  await waitForDrain(group, actualsTopics());
  const dlq = await dlqOf(conn).find({}).toArray();
  expect(dlq.map((d) => d.reasonClass).sort()).toEqual(bad.map((b) => b.reason).sort());
  for (const d of dlq) expect(d.reason.length).toBeGreaterThan(5);
  expect(await observedTotals(conn)).toEqual(withoutCount(expectedTotals(published)));
});

it('counts a redelivered event id once; the same id with other content goes to the DLQ with both previews', async () => {
  const before = await observedTotals(conn);
  const eventId = uniqueId('dup');
  const first = {
    eventId,
    occurredAt: '2019-05-02T10:00:00+08:00',
    source: 'test',
    schemaVersion: 1,
    category: '汽油',
    batches: 5,
    qualifiedBatches: 4,
    region: '喀什地区',
    costYuan: 1200,
  };
  published.push({ role: 'inspectionBatches', key: '汽油', event: first });
  await publish(topics, [], [{ role: 'inspectionBatches', key: '汽油', value: JSON.stringify(first) }]);
  await waitForDrain(group, actualsTopics());
  const dlqBefore = await dlqOf(conn).countDocuments();

  // The same event again, byte for byte and written otherwise (keys reordered): harmless.
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(first).reverse()));
  // The same id with other content: an upstream bug.
  const conflicting = JSON.stringify({ ...first, category: '柴油', batches: 50 });
  await publish(
    topics,
    [],
    [
      { role: 'inspectionBatches', key: '汽油', value: JSON.stringify(first) },
      { role: 'inspectionBatches', key: '汽油', value: reordered },
      { role: 'inspectionBatches', key: '柴油', value: conflicting },
    ],
  );
  await waitForDrain(group, actualsTopics());

  const after = await observedTotals(conn);
  expect(after.gasolineBatches).toBe(before.gasolineBatches + 5);
  expect(after).toEqual(withoutCount(expectedTotals(published)));
  const dlq = await dlqOf(conn).find({ reasonClass: 'conflicting_duplicate' }).toArray();
  expect(await dlqOf(conn).countDocuments()).toBe(dlqBefore + 1);
  expect(dlq).toHaveLength(1);
  expect(dlq[0].reason).toContain(eventId);
  expect(JSON.parse(dlq[0].preview)).toMatchObject({ eventId, category: '柴油', batches: 50 });
  expect(dlq[0].firstSeen).toMatchObject({ topic: topics.inspectionBatches });
  expect(JSON.parse(dlq[0].firstSeen!.preview)).toEqual(first);
});

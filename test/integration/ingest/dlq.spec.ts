import type { TopicRole } from '@iw/config';
import { connectMongo, dlqOf, progressOf, type Connection } from '@iw/mongo';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  type AppProcess,
} from '@iw/testing';
import { consumeExactly } from '../simulator/consume';
import { groupId, importSeed, publish, startIngest, TRAFFIC_IDS, UNIT, waitForDrain } from './harness';

/**
 * What ingest does with what it cannot count, on the real broker and server: the DLQ message
 * keeps the rejected message's key (the contract's rule), and events dated beyond the clock-skew
 * allowance after the clock's now go to the DLQ as `future_event`.
 */
jest.setTimeout(300_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
// The clock stands at 1 July 2019, 10:00 (speed 1: it moves as real time does).
const CLOCK = 'sim:2019-07-01T10:00:00+08:00@1';
let topics: Record<TopicRole, string>;
let conn: Connection;
let ingest: AppProcess | undefined;

beforeAll(async () => {
  ensureBuilt();
  topics = await createTestTopics(prefix, 2);
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
  ingest = startIngest({ MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_INGEST_GROUP: group, IW_CLOCK: CLOCK });
  await ingest.waitForOutput(/successfully started/, 90_000);
});

afterAll(async () => {
  await ingest?.stop('SIGTERM', 10_000);
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

const actualsTopics = () => [topics.inspectionBatches, topics.measurements];

const env = (id: string, occurredAt: string) => ({ eventId: id, occurredAt, source: 'test', schemaVersion: 1 });

it("keys each DLQ message with the rejected message's own key, else topic/partition", async () => {
  await publish(
    topics,
    [],
    [
      { role: 'inspectionBatches', key: 'k-broken', value: '{"eventId":' },
      { role: 'inspectionBatches', key: null, value: 'not json at all' },
    ],
  );
  await waitForDrain(group, actualsTopics());
  const records = await dlqOf(conn).find({ reasonClass: 'not_json' }).toArray();
  expect(records.map((r) => r.key ?? null).sort()).toEqual(['k-broken', null].sort());
  const dlq = await consumeExactly([topics.dlq], 2);
  expect(dlq).toHaveLength(2);
  const keys = dlq.map((m) => {
    const v = JSON.parse(m.value!.toString('utf8')) as { topic: string; partition: number; key: string | null };
    return { actual: m.key?.toString('utf8') ?? null, expected: v.key ?? `${v.topic}/${v.partition}` };
  });
  for (const k of keys) expect(k.actual).toBe(k.expected);
  expect(keys.map((k) => k.actual)).toEqual(
    expect.arrayContaining(['k-broken', expect.stringMatching(/actuals\.inspection-batches\/\d$/)]),
  );
});

it('refuses events dated beyond the clock-skew allowance after the clock (future_event), counts those within it', async () => {
  const run = uniqueId('future');
  // The documented milestone example, published on 1 July: done on 28 October cannot be known yet.
  const milestone = {
    ...env(`${run}-1`, '2019-10-28T17:30:00+08:00'),
    indicatorId: TRAFFIC_IDS.milestoneIndicator,
    kind: 'milestone',
    done: true,
  };
  const december = { ...env(`${run}-2`, '2019-12-30T12:00:00+08:00'), category: '汽油', batches: 50 };
  // Four minutes ahead: within the allowance (5 min), counted.
  const skewed = { ...env(`${run}-3`, '2019-07-01T10:04:00+08:00'), category: '汽油', batches: 7 };
  const before = (await progressOf(conn).findOne({ _id: UNIT.gasoline }))?.actual ?? 0;
  await publish(
    topics,
    [],
    [
      { role: 'measurements', key: 'k-milestone', value: JSON.stringify(milestone) },
      { role: 'inspectionBatches', key: '汽油', value: JSON.stringify(december) },
      { role: 'inspectionBatches', key: '汽油', value: JSON.stringify(skewed) },
    ],
  );
  await waitForDrain(group, actualsTopics());
  const records = await dlqOf(conn).find({ reasonClass: 'future_event' }).toArray();
  expect(records.map((r) => [r.topic, r.key ?? null]).sort()).toEqual(
    [
      [topics.measurements, 'k-milestone'],
      [topics.inspectionBatches, '汽油'],
    ].sort(),
  );
  expect(records.find((r) => r.key === 'k-milestone')?.reason).toMatch(/2019-10-28T17:30:00\+08:00 is 119 days ahead/);
  // Only the event within the allowance counted.
  expect((await progressOf(conn).findOne({ _id: UNIT.gasoline }))?.actual).toBe(before + 7);
  expect(await progressOf(conn).findOne({ _id: TRAFFIC_IDS.milestoneIndicator })).toBeNull();
});

import { connectMongo, type Connection, type ServiceStatsDoc } from '@iw/mongo';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  freePort,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  waitFor,
  type AppProcess,
} from '@iw/testing';
import {
  eventsRead,
  groupId,
  importSeed,
  observedTotals,
  publish,
  startIngest,
  TRAFFIC_IDS,
  waitForDrain,
  withoutCount,
} from './harness';
import { expectedTotals, generateTraffic } from './traffic';

/**
 * Two ingest instances in one consumer group share the partitions and count exactly what one
 * would. Every tracked unit here takes events from several partitions (cases are keyed by
 * caseId), so the two instances write the same progress documents at the same time: this is
 * the test of the version claims in ProgressRepository.
 */
jest.setTimeout(300_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
let conn: Connection;
const apps: AppProcess[] = [];

beforeAll(async () => {
  ensureBuilt();
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop('SIGTERM', 10_000)));
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

it('two instances in one group give the same totals as one', async () => {
  const topics = await createTestTopics(prefix, 4);
  const ports = [await freePort(), await freePort()];
  for (const port of ports) {
    const app = startIngest({
      MONGO_URL: mongoUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      IW_INGEST_GROUP: group,
      IW_METRICS_PORT_INGEST: String(port),
    });
    apps.push(app);
    await app.waitForOutput(/successfully started/, 60_000);
  }
  const events = generateTraffic(4000, 7, uniqueId('s'), TRAFFIC_IDS);
  await publish(topics, events);
  await waitForDrain(group, [
    topics.inspectionBatches,
    topics.cases,
    topics.surveys,
    topics.spending,
    topics.measurements,
  ]);
  expect(await observedTotals(conn)).toEqual(withoutCount(expectedTotals(events)));
  // Both members did part of the work, and together read every event once or more.
  const read = await Promise.all(ports.map(eventsRead));
  expect(read.every((n) => n > 0)).toBe(true);
  expect(read[0] + read[1]).toBeGreaterThanOrEqual(events.length);
  expect(apps.every((a) => a.child.exitCode === null)).toBe(true);
  // Each instance reports its per-topic rates for /status (flushed every few seconds).
  const stats = await waitFor(
    async () => {
      const docs = await conn.db!.collection<ServiceStatsDoc>('service_stats').find({ service: 'ingest' }).toArray();
      const cases = docs.map((d) => d.topics.find((t) => t.topic === topics.cases));
      const all = cases.reduce((a, t) => a + (t?.events ?? 0), 0) >= events.filter((e) => e.role === 'cases').length;
      return cases.length === 2 && all && cases.every((t) => (t?.rate1m ?? 0) > 0) ? cases : null;
    },
    { timeoutMs: 30_000, message: 'both instances reporting every cases event read and a rate for the topic' },
  );
  expect(stats.every((t) => t!.rate5m! > 0 && t!.rate5m! <= t!.rate1m!)).toBe(true);
});

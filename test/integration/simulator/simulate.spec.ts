import * as fs from 'node:fs';
import * as path from 'node:path';
import { memoryIo, runCli } from '@iw/cli';
import { findRepoRoot, loadConfig } from '@iw/config';
import { ACTUALS_ROLES } from '@iw/events';
import { closeMongo, connectMongo, importCatalogue, type Connection } from '@iw/mongo';
import { buildStory, SAMPLE_FILES } from '@iw/simulator';
import { loadStoryInput } from '@iw/simulator/runner';
import { parseOwners, parseTargetTable } from '@iw/targets';
import { createTestTopics, deleteTestTopics, dropTestDatabase, testMongoUrl, testTopicPrefix } from '@iw/testing';
import { consumeExactly, text, withEnv } from './consume';

/**
 * `iw simulate` against the real broker and database: it loads the imported catalogue, and the
 * messages on the five actuals topics are exactly the story's — no more, no fewer, same keys,
 * same bytes, one key's messages in story order.
 */

jest.setTimeout(180_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const root = findRepoRoot();
let conn: Connection;
let restoreEnv: () => void;

beforeAll(async () => {
  await createTestTopics(prefix, 3);
  restoreEnv = withEnv({ KAFKA_TOPIC_PREFIX: prefix, MONGO_URL: mongoUrl, IW_CLOCK: 'system' });
  conn = await connectMongo(mongoUrl);
  const catalogue = parseTargetTable(fs.readFileSync(path.join(root, SAMPLE_FILES.targets), 'utf8'));
  const owners = parseOwners(fs.readFileSync(path.join(root, SAMPLE_FILES.owners), 'utf8'), 'yaml');
  await importCatalogue(conn, catalogue, {
    sourceFile: SAMPLE_FILES.targets,
    owners,
    now: new Date('2019-01-01T00:00:00+08:00'),
  });
});

afterAll(async () => {
  restoreEnv();
  await closeMongo(conn);
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

it('publishes exactly the story of the days asked for', async () => {
  const io = memoryIo();
  // 20 days at 50 simulated days per second: well under a second of replay.
  const code = await runCli(
    [
      'node',
      'iw',
      'simulate',
      '--from',
      '2019-01-01',
      '--until',
      '2019-01-20',
      '--speed',
      '4320000',
      '--seed',
      '5',
      '--run-id',
      'itest',
    ],
    io,
  );
  expect(io.stderr()).toBe('');
  expect(code).toBe(0);

  const input = await loadStoryInput(conn, loadConfig());
  const story = buildStory(input, { seed: 5, runId: 'itest', from: '2019-01-01', until: '2019-01-20' });
  expect(story.malformedCount).toBe(1); // 15 January: a truncated JSON value
  expect(io.stdout()).toContain(
    `all published: ${story.events.length} of ${story.events.length} events, 1 malformed (the DLQ should hold 1)`,
  );

  const topics = ACTUALS_ROLES.map((r) => `${prefix}${loadConfig({}, '/nonexistent').kafka.topics[r]}`);
  const got = await consumeExactly(topics, story.events.length);
  expect(got).toHaveLength(story.events.length);

  const roleOf = (topic: string) =>
    ACTUALS_ROLES.find((r) => topic === `${prefix}${loadConfig({}, '/nonexistent').kafka.topics[r]}`)!;
  const published = got.map((m) => ({ role: roleOf(m.topic), key: text(m.key), value: text(m.value) }));
  const expected = story.events.map((e) => ({ role: e.role, key: e.key, value: e.value }));
  const sort = (xs: typeof expected) => [...xs].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  expect(sort(published)).toEqual(sort(expected));

  // Within a key (one partition), the order is the story's.
  const byKey = (xs: typeof expected) => {
    const m = new Map<string, string[]>();
    for (const x of xs) m.set(`${x.role}|${x.key}`, [...(m.get(`${x.role}|${x.key}`) ?? []), x.value]);
    return m;
  };
  const sorted = [...got].sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
  expect(byKey(sorted.map((m) => ({ role: roleOf(m.topic), key: text(m.key), value: text(m.value) })))).toEqual(
    byKey(expected),
  );
});

it('prints the plot without publishing', async () => {
  const io = memoryIo();
  expect(await runCli(['node', 'iw', 'simulate', '--plan', '--seed', '5', '--run-id', 'plan'], io)).toBe(0);
  expect(io.stdout()).toContain('behind-then-recover');
  expect(io.stdout()).toContain('picked: 流通领域商品、成品油、农资产品、网络商品质量抽检监测经费 / 汽油抽检批次');
  expect(io.stdout()).toMatch(/6 malformed on purpose/);
});

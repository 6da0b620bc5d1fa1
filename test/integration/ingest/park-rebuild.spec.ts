import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TopicRole } from '@iw/config';
import { memoryIo, runCli } from '@iw/cli';
import { progressMessageSchema } from '@iw/events';
import { KafkaAdmin, KafkaClient } from '@iw/kafka';
import { connectMongo, DlqRepository, ProgressRepository, type Connection } from '@iw/mongo';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  testKafkaConfig,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  waitFor,
  type AppProcess,
} from '@iw/testing';
import { consumeExactly, text, withEnv } from '../simulator/consume';
import { groupId, importSeed, publish, startIngest, UNIT, waitForDrain } from './harness';

/**
 * A bindings edit that changes a unit's measure, on the real broker and server with the real
 * ingest app: the unit is parked (its events kept aside with the reason) while the rest of its
 * partition flows, and `iw progress rebuild` brings exact totals back under the new measure,
 * including the events parked meanwhile — and counts nothing twice when ingest delivers again.
 */
jest.setTimeout(400_000);

const ROOT = path.resolve(__dirname, '../../..');
const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-park-'));
const BINDINGS_SUM = path.join(ROOT, 'samples/bindings.yaml');
const BINDINGS_COUNT = path.join(dir, 'bindings.yaml');
const CLOCK = 'sim:2019-07-01T10:00:00+08:00@1';
let topics: Record<TopicRole, string>;
let conn: Connection;
let ingest: AppProcess | undefined;
let restoreEnv: () => void;

const env = { MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_INGEST_GROUP: group, IW_CLOCK: CLOCK };

beforeAll(async () => {
  ensureBuilt();
  // 汽油抽检批次 counted as events (count) instead of summed batches (sum): a measure change.
  const yaml = fs.readFileSync(BINDINGS_SUM, 'utf8');
  const edited = yaml.replace(
    /(indicator: 汽油抽检批次\n(?:.*\n){2}\s+measure: )sum\n\s+field: batches\n/,
    '$1count\n',
  );
  expect(edited).not.toBe(yaml);
  fs.writeFileSync(BINDINGS_COUNT, edited);
  // One partition per topic: the parked unit shares its partition with every other unit fed by it.
  topics = await createTestTopics(prefix, 1);
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
  restoreEnv = withEnv({
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    IW_CLOCK: CLOCK,
    IW_BINDINGS: BINDINGS_COUNT,
  });
});

afterAll(async () => {
  restoreEnv?.();
  await ingest?.stop('SIGTERM', 10_000);
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
  fs.rmSync(dir, { recursive: true, force: true });
});

const batch = (id: string, day: number, category: string, batches: number) => ({
  role: 'inspectionBatches' as const,
  key: category,
  value: JSON.stringify({
    eventId: id,
    occurredAt: `2019-04-${String(day).padStart(2, '0')}T10:00:00+08:00`,
    source: 'lab7',
    schemaVersion: 1,
    category,
    batches,
  }),
});

async function start(bindings: string, more: Record<string, string> = {}) {
  ingest = startIngest({ ...env, IW_BINDINGS: bindings, ...more });
  await ingest.waitForOutput(/successfully started/, 90_000);
}

async function iw(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

it('parks a unit whose measure changed without stalling its partition; a rebuild brings exact totals back', async () => {
  const run = uniqueId('park');
  const repo = new ProgressRepository(conn);
  const one = async (id: string) => repo.one(id);
  const diesel = UNIT.gasoline.replace('汽油抽检批次', '柴油抽检批次');

  // 1. Summed: 汽油 12 + 5 batches, 柴油 4.
  await start(BINDINGS_SUM);
  await publish(
    topics,
    [],
    [batch(`${run}-g1`, 1, '汽油', 12), batch(`${run}-g2`, 2, '汽油', 5), batch(`${run}-d1`, 2, '柴油', 4)],
  );
  await waitForDrain(group, [topics.inspectionBatches]);
  expect((await one(UNIT.gasoline))?.actual).toBe(17);
  expect((await one(diesel))?.actual).toBe(4);
  await ingest!.stop('SIGTERM', 10_000);

  // 2. The bindings now count 汽油 events. New events: the 汽油 unit parks, 柴油 (same partition) flows.
  // It may keep one event aside: the next goes to the DLQ (parked_full), and the rebuild counts it.
  await start(BINDINGS_COUNT, { IW_PARKED_EVENTS_MAX: '1' });
  await publish(
    topics,
    [],
    [
      batch(`${run}-g3`, 3, '汽油', 7),
      batch(`${run}-d2`, 3, '柴油', 6),
      batch(`${run}-g4`, 4, '汽油', 1),
      batch(`${run}-g2`, 2, '汽油', 5), // an upstream duplicate of g2: counts once, whatever the measure
      batch(`${run}-d3`, 4, '柴油', 2),
    ],
  );
  await waitForDrain(group, [topics.inspectionBatches]);
  expect((await one(diesel))?.actual).toBe(12);
  const parked = await one(UNIT.gasoline);
  expect(parked?.parked?.reason).toMatch(/measure changed from sum to count/);
  expect(parked?.parked?.events.map((e) => e.eventId)).toEqual([`${run}-g3`]);
  expect(parked?.actual).toBe(17); // the last good state, flagged
  expect(await repo.parked()).toEqual([
    expect.objectContaining({ unit: UNIT.gasoline, events: 1, reason: parked?.parked?.reason }),
  ]);
  const full = await new DlqRepository(conn).list({ reasons: ['parked_full'] });
  expect(full.items.map((d) => JSON.parse(d.preview) as { eventId: string }).map((e) => e.eventId)).toEqual([
    `${run}-g4`,
  ]);
  expect(full.items[0].reason).toMatch(/is parked .* already keeps 1 events aside \(IW_PARKED_EVENTS_MAX\)/);
  await waitFor(() => /parked .*汽油抽检批次/.test(ingest!.output()), { timeoutMs: 10_000 });

  // 3. Rebuild the unit: every 汽油 event counted once under the new measure (g1, g2, g3, g4).
  const rebuilt = await iw('progress', 'rebuild', '--unit', UNIT.gasoline, '--json');
  expect(rebuilt.err).toBe('');
  expect(rebuilt.code).toBe(0);
  const report = JSON.parse(rebuilt.out) as { units: Array<{ id: string; after: number; wasParked: string | null }> };
  expect(report.units).toEqual([
    expect.objectContaining({
      id: UNIT.gasoline,
      before: 17,
      after: 4,
      wasParked: expect.stringMatching(/measure changed/),
    }),
  ]);
  const after = await one(UNIT.gasoline);
  expect(after).toMatchObject({ measure: 'count', actual: 4, eventCount: 4 });
  expect(after?.parked).toBeUndefined();
  expect(await repo.parked()).toEqual([]);

  // Alerting hears of the rebuilt unit as of any durable change: its progress message, with
  // the version written, is the last one on indicators.progress (one partition).
  const admin = new KafkaAdmin(new KafkaClient(testKafkaConfig()));
  await admin.connect();
  const [{ high }] = await admin.offsets(topics.progress).finally(() => admin.disconnect());
  const messages = await consumeExactly([topics.progress], Number(high));
  const last = progressMessageSchema.parse(JSON.parse(text(messages[messages.length - 1].value)));
  expect(last).toMatchObject({ trackedId: UNIT.gasoline, measure: 'count', actual: 4, version: after?.version });

  // 4. Unparked: new events count at once; a restarted ingest re-reading the topic counts nothing twice.
  await publish(topics, [], [batch(`${run}-g5`, 5, '汽油', 9), batch(`${run}-d4`, 5, '柴油', 1)]);
  await waitForDrain(group, [topics.inspectionBatches]);
  await waitFor(async () => (await one(UNIT.gasoline))?.actual === 5, { timeoutMs: 30_000 });
  await ingest!.stop('SIGTERM', 10_000);
  ingest = startIngest({ ...env, IW_INGEST_GROUP: `${group}-again`, IW_BINDINGS: BINDINGS_COUNT });
  await ingest.waitForOutput(/successfully started/, 90_000);
  await waitForDrain(`${group}-again`, [topics.inspectionBatches]);
  expect((await one(UNIT.gasoline))?.actual).toBe(5);
  expect((await one(diesel))?.actual).toBe(13);

  // 5. Usage errors are clear.
  expect((await iw('progress', 'rebuild')).code).toBe(2);
  const unknown = await iw('progress', 'rebuild', '--unit', 'nope');
  expect(unknown.code).toBe(1);
  expect(unknown.err).toMatch(/no tracked unit "nope"/);
});

it('a rebuild while ingest is counting the same unit loses and doubles nothing', async () => {
  const run = uniqueId('live');
  const repo = new ProgressRepository(conn);
  const start = (await repo.one(UNIT.gasoline))?.actual ?? 0;
  const N = 400;
  const publishing = (async () => {
    for (let i = 0; i < N; i += 50) {
      await publish(
        topics,
        [],
        Array.from({ length: 50 }, (_, j) => batch(`${run}-${i + j}`, 1 + ((i + j) % 28), '汽油', 3)),
      );
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  // Start the rebuild once some of the traffic is in, while the rest keeps coming.
  await new Promise((r) => setTimeout(r, 600));
  const rebuilt = await iw('progress', 'rebuild', '--unit', UNIT.gasoline);
  await publishing;
  expect(rebuilt.err).toBe('');
  expect(rebuilt.code).toBe(0);
  await waitForDrain(`${group}-again`, [topics.inspectionBatches]);
  await waitFor(async () => (await repo.one(UNIT.gasoline))?.actual === start + N, { timeoutMs: 60_000 });
  // Settled: nothing more arrives later.
  await new Promise((r) => setTimeout(r, 2000));
  expect(await repo.one(UNIT.gasoline)).toMatchObject({ actual: start + N, eventCount: start + N });
});

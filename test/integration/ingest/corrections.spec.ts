import type { TopicRole } from '@iw/config';
import { memoryIo, runCli } from '@iw/cli';
import { connectMongo, DlqRepository, ProgressRepository, type Connection } from '@iw/mongo';
import { indicatorId } from '@iw/targets';
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
import { withEnv } from '../simulator/consume';
import { groupId, importSeed, publish, SEED_AGENCY, startIngest, UNIT, waitForDrain } from './harness';
import { P_FOOD } from './traffic';

/**
 * Corrections on the real broker and FerretDB with the real ingest app: a correction of each
 * measure kind the sample bindings feed (sum, count, distinct, ratio, mean, latest, milestone,
 * assessment), a correction of a correction, the DLQ reasons, a correction delivered again
 * (Kafka redelivery to a new group, and an upstream duplicate) counted once, and a rebuild from
 * the topics giving the same totals.
 */
jest.setTimeout(400_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
const CLOCK = 'sim:2019-07-01T10:00:00+08:00@1';
const FOOD_CASES = indicatorId(2019, SEED_AGENCY, P_FOOD, '案件查办数量');
const FOOD_RATE = UNIT.food;
let topics: Record<TopicRole, string>;
let conn: Connection;
let ingest: AppProcess | undefined;
let restoreEnv: () => void;
const env = { MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_INGEST_GROUP: group, IW_CLOCK: CLOCK };

beforeAll(async () => {
  ensureBuilt();
  topics = await createTestTopics(prefix, 1);
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
  restoreEnv = withEnv({ MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_CLOCK: CLOCK });
});

afterAll(async () => {
  restoreEnv?.();
  await ingest?.stop('SIGTERM', 10_000);
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

const envelope = (eventId: string, day: number, more: object = {}) => ({
  eventId,
  occurredAt: `2019-04-${String(day).padStart(2, '0')}T10:00:00+08:00`,
  source: 'lab7',
  schemaVersion: 1,
  ...more,
});
const msg = (role: TopicRole, value: object) => ({ role, key: null, value: JSON.stringify(value) });
const batch = (id: string, day: number, fields: object, more: object = {}) =>
  msg('inspectionBatches', { ...envelope(id, day, more), ...fields });
const closed = (id: string, day: number, more: object = {}) =>
  msg('cases', { ...envelope(id, day, more), caseId: id, action: 'closed', category: '食品' });
const measurement = (id: string, day: number, unit: string, fields: object, more: object = {}) =>
  msg('measurements', { ...envelope(id, day, more), indicatorId: unit, ...fields });

async function iw(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const ALL_ROLES: TopicRole[] = ['inspectionBatches', 'cases', 'measurements'];
const drain = (g = group) =>
  waitForDrain(
    g,
    ALL_ROLES.map((r) => topics[r]),
  );

it('a correction replaces the earlier effect once in every measure kind; the DLQ reasons; redelivery; rebuild equality', async () => {
  const r = uniqueId('fix');
  const repo = new ProgressRepository(conn);
  const one = (id: string) => repo.one(id);
  ingest = startIngest(env);
  await ingest.waitForOutput(/successfully started/, 90_000);

  // 1. The originals, two of them wrong, one case published twice by mistake.
  await publish(
    topics,
    [],
    [
      batch(`${r}-g1`, 1, { category: '汽油', batches: 50, region: '乌鲁木齐市', costYuan: 5000 }),
      batch(`${r}-g2`, 2, { category: '汽油', batches: 10, region: '喀什地区', costYuan: 1000 }),
      batch(`${r}-f1`, 2, { category: '食品', batches: 10, qualifiedBatches: 8 }),
      closed(`${r}-k1`, 3),
      closed(`${r}-k2`, 3),
      measurement(`${r}-m1`, 3, UNIT.latest, { kind: 'set', value: 40 }),
      measurement(`${r}-m2`, 5, UNIT.latest, { kind: 'set', value: 70 }),
      measurement(`${r}-ms1`, 5, UNIT.milestone, { kind: 'milestone', done: true }),
      measurement(`${r}-a1`, 2, UNIT.gasoline, { kind: 'assessment', likelihood: '确定能', text: '按计划' }),
      measurement(`${r}-a2`, 4, UNIT.gasoline, { kind: 'assessment', likelihood: '不可能', text: '录错了' }),
    ],
  );
  await drain();
  expect(await one(UNIT.gasoline)).toMatchObject({ actual: 60 });
  expect((await one(UNIT.coverage))?.numerator).toBe(2);
  expect(await one(UNIT.cost)).toMatchObject({ numerator: 6000, denominator: 60 });
  expect(await one(FOOD_RATE)).toMatchObject({ numerator: 8, denominator: 10 });
  expect((await one(FOOD_CASES))?.actual).toBe(2);
  expect((await one(UNIT.latest))?.value).toBe(70);
  expect((await one(UNIT.milestone))?.done).toBe(true);
  expect((await one(UNIT.gasoline))?.assessment?.likelihood).toBe('不可能');

  // 2. The corrections (and two that cannot stand).
  const c = (id: string) => ({ corrects: `${r}-${id}` });
  await publish(
    topics,
    [],
    [
      batch(`${r}-g1-fix`, 1, { category: '汽油', batches: 5, region: '和田地区', costYuan: 500 }, c('g1')),
      batch(`${r}-f1-fix`, 2, { category: '食品', batches: 10, qualifiedBatches: 10 }, c('f1')),
      closed(`${r}-k2-undo`, 3, { ...c('k2'), retract: true }),
      measurement(`${r}-m2-fix`, 5, UNIT.latest, { kind: 'set', value: 60 }, c('m2')),
      measurement(`${r}-ms1-fix`, 5, UNIT.milestone, { kind: 'milestone', done: false }, c('ms1')),
      measurement(
        `${r}-a2-undo`,
        4,
        UNIT.gasoline,
        { kind: 'assessment', likelihood: '不可能', text: '录错了' },
        {
          ...c('a2'),
          retract: true,
        },
      ),
      batch(`${r}-nope-fix`, 1, { category: '汽油', batches: 1 }, c('nope')),
      batch(`${r}-g1-again`, 1, { category: '汽油', batches: 7 }, c('g1')),
    ],
  );
  await drain();
  // 3. A correction of the correction.
  await publish(
    topics,
    [],
    [batch(`${r}-g1-fix2`, 1, { category: '汽油', batches: 6, region: '和田地区', costYuan: 600 }, c('g1-fix'))],
  );
  await drain();

  const expected = async () => {
    expect(await one(UNIT.gasoline)).toMatchObject({ actual: 16, eventCount: 3 }); // g1-fix2, g2 and the assessment a1;
    const coverage = await one(UNIT.coverage);
    expect(coverage?.distinctValues).toEqual(['和田地区', '喀什地区']);
    expect(coverage?.numerator).toBe(2);
    expect(await one(UNIT.cost)).toMatchObject({ numerator: 1600, denominator: 16, actual: 100 });
    expect(await one(FOOD_RATE)).toMatchObject({ numerator: 10, denominator: 10 });
    expect((await one(FOOD_CASES))?.actual).toBe(1);
    expect((await one(UNIT.latest))?.value).toBe(60);
    expect(await one(UNIT.milestone)).toMatchObject({ done: false, doneAt: null });
    expect((await one(UNIT.gasoline))?.assessment).toMatchObject({ likelihood: '确定能', eventId: `${r}-a1` });
  };
  await expected();
  const dlq = await new DlqRepository(conn).list({});
  const byReason = Object.fromEntries(dlq.items.map((d) => [d.reasonClass, d.reason]));
  expect(Object.keys(byReason).sort()).toEqual(['already_corrected', 'unknown_correction']);
  expect(byReason.unknown_correction).toMatch(/never counted on this topic/);
  expect(byReason.already_corrected).toMatch(
    new RegExp(`already corrected by "${r}-g1-fix"; to correct again, correct "${r}-g1-fix"`),
  );

  // 4. Delivered again: an upstream duplicate of a correction, and every message to a new group.
  await publish(
    topics,
    [],
    [batch(`${r}-g1-fix2`, 1, { category: '汽油', batches: 6, region: '和田地区', costYuan: 600 }, c('g1-fix'))],
  );
  await drain();
  await ingest.stop('SIGTERM', 10_000);
  ingest = startIngest({ ...env, IW_INGEST_GROUP: `${group}-again` });
  await ingest.waitForOutput(/successfully started/, 90_000);
  await drain(`${group}-again`);
  await expected();
  await ingest.stop('SIGTERM', 10_000);
  ingest = undefined;

  // 5. A rebuild from the topics gives the same totals.
  const units = [UNIT.gasoline, UNIT.coverage, UNIT.cost, FOOD_RATE, FOOD_CASES, UNIT.latest, UNIT.milestone];
  const rebuilt = await iw('progress', 'rebuild', '--unit', units.join(','), '--json');
  expect(rebuilt.err).toBe('');
  expect(rebuilt.code).toBe(0);
  const report = JSON.parse(rebuilt.out) as {
    units: Array<{ id: string; before: number | null; after: number | null }>;
  };
  expect(report.units).toHaveLength(units.length);
  for (const u of report.units) expect([u.id, u.after]).toEqual([u.id, u.before]);
  await expected();
});

import * as fs from 'node:fs';
import type { TopicRole } from '@iw/config';
import { memoryIo, runCli } from '@iw/cli';
import {
  AuditRepository,
  connectMongo,
  dlqOf,
  importCatalogue,
  progressOf,
  projectsOf,
  type Connection,
} from '@iw/mongo';
import { indicatorId, parseTargetTable } from '@iw/targets';
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
import { groupId, importSeed, publish, SEED_AGENCY, SEED_FILE, startIngest, UNIT, waitForDrain } from './harness';
import { P_INSPECT } from './traffic';

/**
 * Several fiscal years at once, on the real broker and server: importing 2020's tables leaves
 * 2019's in place; each event counts in the year of its date (a late 2019 event in 2019's
 * indicator, a 2020 one in 2020's); after `iw years close 2019` a late 2019 event goes to the
 * DLQ as `year_closed` while 2020 keeps counting.
 */
jest.setTimeout(300_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
// Early March 2020 (speed 1): last year's stragglers still arrive.
const CLOCK = 'sim:2020-03-01T10:00:00+08:00@1';
const GAS_2020 = indicatorId(2020, SEED_AGENCY, P_INSPECT, '汽油抽检批次');
let topics: Record<TopicRole, string>;
let conn: Connection;
let ingest: AppProcess | undefined;

beforeAll(async () => {
  ensureBuilt();
  topics = await createTestTopics(prefix, 2);
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
  const next = parseTargetTable(fs.readFileSync(SEED_FILE, 'utf8'), { fiscalYear: 2020 });
  await importCatalogue(conn, next, { sourceFile: 'targets-2020', now: new Date() });
  ingest = startIngest({
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    IW_INGEST_GROUP: group,
    IW_CLOCK: CLOCK,
  });
  await ingest.waitForOutput(/successfully started/, 90_000);
});

afterAll(async () => {
  await ingest?.stop('SIGTERM', 10_000);
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

async function iw(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = { MONGO_URL: mongoUrl, IW_CLOCK: CLOCK, KAFKA_TOPIC_PREFIX: prefix };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const io = memoryIo();
    const code = await runCli(['node', 'iw', ...args], io);
    return { code, out: io.stdout(), err: io.stderr() };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

const batch = (occurredAt: string, batches: number) => ({
  eventId: uniqueId('ev'),
  occurredAt,
  source: 'test',
  schemaVersion: 1,
  category: '汽油',
  batches,
});
const actual = async (id: string) => (await progressOf(conn).findOne({ _id: id }))?.actual ?? 0;
const send = (...events: object[]) =>
  publish(
    topics,
    [],
    events.map((e) => ({ role: 'inspectionBatches' as const, key: '汽油', value: JSON.stringify(e) })),
  );

it('keeps 2019 when 2020 is imported, counts each event in the year of its date, and refuses a closed year (year_closed)', async () => {
  const years = await projectsOf(conn).distinct('fiscalYear', { archived: false });
  expect(years.sort()).toEqual([2019, 2020]);
  expect(await projectsOf(conn).countDocuments({ fiscalYear: 2019, archived: false })).toBe(
    await projectsOf(conn).countDocuments({ fiscalYear: 2020, archived: false }),
  );

  await send(batch('2019-12-30T15:00:00+08:00', 50), batch('2020-02-10T09:00:00+08:00', 30));
  await waitForDrain(group, [topics.inspectionBatches]);
  expect(await actual(UNIT.gasoline)).toBe(50);
  expect(await actual(GAS_2020)).toBe(30);

  // A rebuild of last year's unit routes each event in the year of its date too.
  const rebuilt = await iw('progress', 'rebuild', '--unit', `${UNIT.gasoline},${GAS_2020}`, '--json');
  expect(rebuilt).toMatchObject({ code: 0, err: '' });
  const units = (JSON.parse(rebuilt.out) as { units: Array<{ id: string; after: number }> }).units;
  expect(Object.fromEntries(units.map((u) => [u.id, u.after]))).toEqual({ [UNIT.gasoline]: 50, [GAS_2020]: 30 });

  const listed = await iw('years', 'list', '--json');
  expect(JSON.parse(listed.out)).toEqual([
    { year: 2020, inCatalogue: true, closed: null },
    { year: 2019, inCatalogue: true, closed: null },
  ]);
  const closed = await iw('years', 'close', '2019', '--by', 'jixiao@example.gov.cn');
  expect(closed).toMatchObject({ code: 0, err: '' });
  expect(closed.out).toMatch(/fiscal year 2019 closed by jixiao@example.gov.cn/);
  expect((await iw('years', 'close', '2019')).out).toMatch(/already closed .* by jixiao@example.gov.cn/);
  expect((await iw('years', 'close', '2018')).err).toMatch(/no fiscal year 2018/);
  const audit = await new AuditRepository(conn).list({ actor: 'jixiao@example.gov.cn' });
  expect(audit.map((a) => [a.action, a.target])).toEqual([['close_year', '2019']]);

  // Ingest reads the closed years as often as it checks the catalogue (every 5 s).
  await new Promise((r) => setTimeout(r, 6_000));
  await send(batch('2019-12-31T20:00:00+08:00', 7), batch('2020-02-11T09:00:00+08:00', 5));
  await waitForDrain(group, [topics.inspectionBatches]);
  const records = await dlqOf(conn).find({ reasonClass: 'year_closed' }).toArray();
  expect(records).toHaveLength(1);
  expect(records[0].reason).toMatch(/fiscal year 2019 was closed .* by jixiao@example.gov.cn/);
  expect(await actual(UNIT.gasoline)).toBe(50);
  expect(await actual(GAS_2020)).toBe(35);
  // A closed year's progress is final: not rebuilt.
  const refused = await iw('progress', 'rebuild', '--unit', UNIT.gasoline);
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/fiscal year 2019 is closed/);
});

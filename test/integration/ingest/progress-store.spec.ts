import { applyEvents, type AppliedEvent, type Progress } from '@iw/measures';
import {
  connectMongo,
  EventIdRepository,
  prepareDatabase,
  progressOf,
  progressVersionsOf,
  ProgressRepository,
  versionId,
  type Connection,
} from '@iw/mongo';
import { dropTestDatabase, testMongoUrl, uniqueId } from '@iw/testing';

/**
 * The store's idempotency on the real server. EventIdRepository: an event id counts at the first
 * position it was seen at. ProgressRepository: versions claimed by insert, so concurrent writers of
 * one unit lose nothing (FerretDB 1.24 applies concurrent conditional updates non-atomically),
 * and a writer that crashed between its claim and its write is rolled forward by the next.
 */
jest.setTimeout(120_000);

const mongoUrl = testMongoUrl();
let conn: Connection;
let repo: ProgressRepository;
const PERIOD = { from: '2019-01-01', to: '2019-12-31' };

beforeAll(async () => {
  conn = await connectMongo(mongoUrl);
  await prepareDatabase(conn);
  repo = new ProgressRepository(conn);
});

afterAll(async () => {
  await conn?.close();
  await dropTestDatabase(mongoUrl);
});

const unitOf = (id: string) => ({ id, measure: 'sum' as const, period: PERIOD });

function event(unit: string, partition: number, offset: number, value = 1): AppliedEvent {
  return {
    trackedId: unit,
    eventId: `${partition}-${offset}`,
    occurredAt: '2019-05-01T10:00:00+08:00',
    input: { kind: 'add', value },
    position: { topic: 't', partition, offset },
  };
}

/** Writes `events` to `unit` the way ingest does. */
function write(r: ProgressRepository, unit: string, events: AppliedEvent[]): Promise<Progress[]> {
  return r.update(
    [unit],
    (before) => ({
      progress: applyEvents(before, unitOf(unit), events, 'Asia/Shanghai'),
      indicatorId: null,
      projectId: 'p',
    }),
    new Date(),
  );
}

it('concurrent writers on one unit, over separate connections, lose and double nothing', async () => {
  const unit = uniqueId('u');
  const conns = await Promise.all([connectMongo(mongoUrl), connectMongo(mongoUrl)]);
  try {
    const writers = Array.from({ length: 4 }, (_, n) => async () => {
      const r = new ProgressRepository(conns[n % 2]);
      for (let i = 0; i < 25; i++) await write(r, unit, [event(unit, n, i, n + 1)]);
    });
    await Promise.all(writers.map((w) => w()));
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
  const stored = await repo.one(unit);
  expect({ eventCount: stored?.eventCount, actual: stored?.actual, version: stored?.version }).toEqual({
    eventCount: 100,
    actual: 25 * (1 + 2 + 3 + 4),
    version: 100,
  });
});

it('rolls forward a claim whose writer crashed before writing progress, and counts a redelivery once', async () => {
  const unit = uniqueId('u');
  await write(repo, unit, [event(unit, 0, 0, 5)]);
  // A writer claimed version 2 (events at offsets 1–2) and died before replacing `progress`.
  const crashed = applyEvents(
    await repo.one(unit),
    unitOf(unit),
    [event(unit, 0, 1, 7), event(unit, 0, 2, 11)],
    'Asia/Shanghai',
  );
  const { id: _id, ...state } = crashed;
  await progressVersionsOf(conn).insertOne({
    _id: versionId(unit, 2),
    unit,
    version: 2,
    state: { ...state, indicatorId: null, projectId: 'p', updatedAt: new Date() } as never,
    at: new Date(),
  });
  expect((await repo.one(unit))?.actual).toBe(5);

  // Kafka redelivers the same batch: nothing new to count, but `progress` catches up.
  const redelivered = await write(repo, unit, [event(unit, 0, 1, 7), event(unit, 0, 2, 11)]);
  expect(redelivered.map((p) => p.version)).toEqual([2]);
  expect(await repo.one(unit)).toMatchObject({ actual: 23, eventCount: 3, version: 2 });

  // The next event builds on the claimed state.
  await write(repo, unit, [event(unit, 1, 0, 1)]);
  expect(await repo.one(unit)).toMatchObject({ actual: 24, eventCount: 4, version: 3 });
});

it('drops the states of older claims in steps of 8 versions; an old version can never be claimed again', async () => {
  const unit = uniqueId('u');
  for (let i = 0; i < 10; i++) await write(repo, unit, [event(unit, 0, i)]);
  const claims = await progressVersionsOf(conn).find({ unit }).sort({ version: 1 }).toArray();
  // Version 8 dropped the states of 1–6; 7–10 keep theirs until version 16.
  expect(claims.map((c) => [c.version, c.state !== undefined])).toEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => [v, v >= 7]),
  );
  // A stale writer that computed version 2 from version 1 loses its claim and recomputes.
  const stale = (await progressOf(conn).findOne({ _id: unit }))!;
  expect(stale.version).toBe(10);
  const { lost } = await repo.save(
    [{ progress: { ...(await repo.one(unit))!, version: 2 }, indicatorId: null, projectId: 'p' }],
    new Date(),
  );
  expect(lost).toEqual([unit]);
  expect((await repo.one(unit))?.version).toBe(10);
});

it('event ids: a redelivery is no duplicate; the same id at another position, or twice in a batch, is', async () => {
  const ids = new EventIdRepository(conn);
  const run = uniqueId('e');
  const batch = Array.from({ length: 300 }, (_, i) => ({ key: `t|${run}-${i}`, position: `t:0:${i}` }));
  expect([...(await ids.claim(batch, new Date()))]).toEqual([]);
  expect([...(await ids.claim(batch, new Date()))]).toEqual([]); // Kafka redelivered the batch
  const republished = [
    { key: `t|${run}-7`, position: 't:1:0' },
    { key: `t|${run}-new`, position: 't:1:1' },
    { key: `t|${run}-new`, position: 't:1:2' },
  ];
  expect([...(await ids.claim(republished, new Date()))].sort()).toEqual(['t:1:0', 't:1:2']);
});

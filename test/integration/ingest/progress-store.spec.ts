import { applyEvents, type AppliedEvent, type Progress } from '@iw/measures';
import { contentHash } from '@iw/events';
import {
  collection,
  COLLECTIONS,
  connectMongo,
  eventIdsOf,
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

/**
 * Writes `events` to `unit` the way ingest does; `computed` counts the computations (a lost claim
 * computes again), `given` collects the states they computed from.
 */
function write(
  r: ProgressRepository,
  unit: string,
  events: AppliedEvent[],
  computed = { n: 0 },
  given: Array<Progress | null> = [],
): Promise<Progress[]> {
  return r.update(
    [unit],
    (before) => ({
      progress: (computed.n++, given.push(before), applyEvents(before, unitOf(unit), events, 'Asia/Shanghai')),
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

const REMEMBER = { maxEntries: 100, maxChars: 1 << 20, ttlMs: 60_000 };

it('a writer remembering states loses nothing to another writer of the unit (its stale state loses the claim)', async () => {
  const unit = uniqueId('u');
  const remembering = new ProgressRepository(conn);
  remembering.rememberStates(REMEMBER);
  const other = new ProgressRepository(conn);
  await write(remembering, unit, [event(unit, 0, 0, 1)]);
  expect(remembering.remembered).toBe(1);
  // Another writer (a second instance) moves the unit on behind the remembered state's back.
  await write(other, unit, [event(unit, 1, 0, 10)]);
  await write(other, unit, [event(unit, 1, 1, 100)]);
  // Computed first from the remembered version 1: its claim of version 2 loses, version 3 is read.
  const computed = { n: 0 };
  const [after] = await write(remembering, unit, [event(unit, 0, 1, 1000)], computed);
  expect({ actual: after.actual, version: after.version, computed: computed.n }).toEqual({
    actual: 1111,
    version: 4,
    computed: 2,
  });
  expect(await repo.one(unit)).toMatchObject({ actual: 1111, eventCount: 4, version: 4 });
  // A redelivery of what the other writer counted changes nothing, from the remembered state too.
  expect(await write(remembering, unit, [event(unit, 1, 1, 100)])).toEqual([]);
  expect(await repo.one(unit)).toMatchObject({ actual: 1111, version: 4 });
});

it('a decision of "nothing new" taken from a remembered state is taken again from the store', async () => {
  const unit = uniqueId('u');
  const remembering = new ProgressRepository(conn);
  remembering.rememberStates(REMEMBER);
  await write(remembering, unit, [event(unit, 0, 0, 1)]);
  await write(new ProgressRepository(conn), unit, [event(unit, 1, 0, 10)]);
  // Whether there is anything to do depends on the state (as a parked unit decides what it keeps
  // aside): the remembered version 1 says nothing, the stored version 2 says count it.
  const seen: number[] = [];
  const written = await remembering.update(
    [unit],
    (before) => {
      seen.push(before?.version ?? 0);
      const progress =
        (before?.actual ?? 0) < 10
          ? before!
          : applyEvents(before, unitOf(unit), [event(unit, 0, 1, 100)], 'Asia/Shanghai');
      return { progress, indicatorId: null, projectId: 'p' };
    },
    new Date(),
  );
  expect(seen).toEqual([1, 2]);
  expect(written.map((p) => p.version)).toEqual([3]);
  expect(await repo.one(unit)).toMatchObject({ actual: 111, version: 3 });
});

it('concurrent updates of one unit in a process remembering states each count once, none losing its claim', async () => {
  const unit = uniqueId('u');
  const r = new ProgressRepository(conn);
  r.rememberStates(REMEMBER);
  await write(r, unit, [event(unit, 0, 0, 1)]);
  const before = await progressVersionsOf(conn).countDocuments({ unit });
  // Eight batches of eight partitions at once, as concurrent partitions of one topic feed one unit.
  const computed = { n: 0 };
  await Promise.all(Array.from({ length: 8 }, (_, p) => write(r, unit, [event(unit, p + 1, 0, 2 ** p)], computed)));
  expect(await repo.one(unit)).toMatchObject({ actual: 1 + 255, eventCount: 9, version: 9 });
  expect((await progressVersionsOf(conn).countDocuments({ unit })) - before).toBe(8);
  // One computation per update: they waited for each other rather than losing claims to each other.
  expect(computed.n).toBe(8);
});

it('a writer remembering states computes from the state it wrote itself, not from its text read back', async () => {
  const unit = uniqueId('u');
  const r = new ProgressRepository(conn);
  r.rememberStates(REMEMBER);
  const [first] = await write(r, unit, [event(unit, 0, 0, 1)]);
  const given: Array<Progress | null> = [];
  await write(r, unit, [event(unit, 0, 1, 2)], { n: 0 }, given);
  // The very object computed before (no parse of its history); unchanged by the computation after it.
  expect(given).toHaveLength(1);
  expect(given[0]).toBe(first);
  expect(first).toMatchObject({ actual: 1, version: 1 });
  // Another process (nothing remembered) computes from the stored document: the same state.
  const fresh: Array<Progress | null> = [];
  await write(new ProgressRepository(conn), unit, [event(unit, 0, 2, 4)], { n: 0 }, fresh);
  expect(fresh[0]).not.toBe(first);
  expect(fresh[0]).toMatchObject({ actual: 3, version: 2, eventCount: 2 });
  expect(await repo.one(unit)).toMatchObject({ actual: 7, version: 3 });
});

it('forgets a remembered state after its time to live', async () => {
  const unit = uniqueId('u');
  const r = new ProgressRepository(conn);
  r.rememberStates({ ...REMEMBER, ttlMs: 1 });
  await write(r, unit, [event(unit, 0, 0, 1)]);
  // Another writer's version 2: the remembered version 1, expired, is not used (it would lose its claim).
  await write(new ProgressRepository(conn), unit, [event(unit, 1, 0, 10)]);
  await new Promise((res) => setTimeout(res, 5));
  const computed = { n: 0 };
  await write(r, unit, [event(unit, 0, 1, 100)], computed);
  expect(await repo.one(unit)).toMatchObject({ actual: 111, version: 3 });
  expect(computed.n).toBe(1);
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

it('keeps the long text fields of a claim deflated, and rolls forward from them', async () => {
  const unit = uniqueId('u');
  // Days enough for the history to be long text.
  const days = (from: number) =>
    Array.from({ length: 40 }, (_, d) => ({
      ...event(unit, 0, from + d, d + 1),
      occurredAt: `2019-03-${String((d % 28) + 1).padStart(2, '0')}T10:00:00+0${d < 28 ? 8 : 7}:00`,
    }));
  await write(repo, unit, days(0));
  const behind = (await progressOf(conn).findOne({ _id: unit }))!;
  await write(repo, unit, days(40));
  const claim = (await progressVersionsOf(conn).findOne({ _id: versionId(unit, 2) }))!;
  expect(claim.packed).toBeDefined();
  expect(claim.state?.history).toBeUndefined();
  const written = (await repo.one(unit))!;
  // The current document as if its writer had died after the claim: the next write builds on the claim.
  await progressOf(conn).replaceOne({ _id: unit }, behind);
  expect((await repo.one(unit))?.version).toBe(1);
  const [after] = await write(repo, unit, [event(unit, 1, 0, 1000)]);
  expect(after).toMatchObject({ version: 3, eventCount: 81, actual: (written.actual ?? 0) + 1000 });
  expect((await repo.one(unit))?.history).toEqual(after.history);
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

const sighting = (eventId: string, partition: number, offset: number, content = `{"eventId":"${eventId}","n":1}`) => ({
  eventId,
  partition,
  offset,
  hash: contentHash(Buffer.from(content)),
  text: content,
});

it('event ids: a redelivery is no duplicate; the same id elsewhere is, and with other content a conflict', async () => {
  const ids = new EventIdRepository(conn);
  const log = uniqueId('log');
  const batch = Array.from({ length: 300 }, (_, i) => sighting(`e${i}`, 0, i));
  expect(new Set((await ids.claim(log, batch, new Date())).map((v) => v.kind))).toEqual(new Set(['first']));
  // Kafka redelivered the batch.
  expect(new Set((await ids.claim(log, batch, new Date())).map((v) => v.kind))).toEqual(new Set(['redelivery']));
  const later = await ids.claim(
    log,
    [
      sighting('e7', 1, 0), // the same event again, elsewhere
      sighting('e8', 1, 1, '{ "n": 1, "eventId": "e8" }'), // the same event, written otherwise
      sighting('e9', 1, 2, '{"eventId":"e9","n":2}'), // the same id, other content
      sighting('new', 1, 3),
      sighting('new', 1, 4), // twice in one batch
      sighting('new', 1, 5, '{"eventId":"new","n":5}'),
    ],
    new Date(),
  );
  expect(later).toEqual([
    { kind: 'duplicate', first: { partition: 0, offset: 7 } },
    { kind: 'duplicate', first: { partition: 0, offset: 8 } },
    { kind: 'conflict', first: { partition: 0, offset: 9, text: '{"eventId":"e9","n":1}' } },
    { kind: 'first' },
    { kind: 'duplicate', first: { partition: 1, offset: 3 } },
    { kind: 'conflict', first: { partition: 1, offset: 3, text: '{"eventId":"new","n":1}' } },
  ]);
  // One segment per batch that saw new ids, not one document per event.
  expect(await eventIdsOf(conn).countDocuments({ log })).toBe(2);

  // Another process (its own memory) reads the log and decides the same; its texts come from the store.
  const other = new EventIdRepository(conn);
  expect(
    await other.claim(log, [sighting('e9', 2, 0, '{"eventId":"e9","n":3}'), sighting('e0', 0, 0)], new Date()),
  ).toEqual([
    { kind: 'conflict', first: { partition: 0, offset: 9, text: '{"eventId":"e9","n":1}' } },
    { kind: 'redelivery' },
  ]);
});

it('event ids: texts written before the log was read keep the text of each new id findable, here and in another process', async () => {
  const log = uniqueId('log');
  await new EventIdRepository(conn).claim(log, [sighting('a', 0, 0), sighting('b', 0, 1)], new Date());
  // A process that has not read the log yet writes the texts of all it sees, then learns `a` is known.
  const late = new EventIdRepository(conn);
  const c = '{"eventId":"c","n":3}';
  expect(await late.claim(log, [sighting('a', 0, 0), sighting('c', 1, 0, c)], new Date())).toEqual([
    { kind: 'redelivery' },
    { kind: 'first' },
  ]);
  const segment = await eventIdsOf(conn).findOne({ log, seq: 2 });
  expect(segment?.textAt).toEqual([1]);
  expect(await late.textsById(log, ['c', 'b'])).toEqual(
    new Map([
      ['c', c],
      ['b', '{"eventId":"b","n":1}'],
    ]),
  );
  expect(await new EventIdRepository(conn).textsById(log, ['c'])).toEqual(new Map([['c', c]]));
  // A batch with nothing new leaves no texts behind.
  const texts = () => collection(conn, COLLECTIONS.eventTexts).countDocuments({ log });
  const before = await texts();
  await new EventIdRepository(conn).claim(log, [sighting('c', 1, 0, c)], new Date());
  expect(await texts()).toBe(before);
});

it('event ids: two processes appending to one log at once record each id as first seen exactly once', async () => {
  const log = uniqueId('log');
  const conns = await Promise.all([connectMongo(mongoUrl), connectMongo(mongoUrl)]);
  try {
    const writers = [0, 1, 2, 3].map((w) => new EventIdRepository(conns[w % 2]));
    // Writer w sends batches over partition w; every id is sent by two or four writers.
    const verdicts = await Promise.all(
      writers.map(async (r, w) => {
        const out: Array<{ id: string; kind: string }> = [];
        for (let b = 0; b < 10; b++) {
          const batch = Array.from({ length: 20 }, (_, k) => {
            const n = b * 20 + k;
            return sighting(`id-${(w % 2) * 100 + n}`, w, n);
          });
          const v = await r.claim(log, batch, new Date());
          v.forEach((x, k) => out.push({ id: batch[k].eventId, kind: x.kind }));
        }
        return out;
      }),
    );
    const firsts = new Map<string, number>();
    for (const list of verdicts)
      for (const v of list) if (v.kind === 'first') firsts.set(v.id, (firsts.get(v.id) ?? 0) + 1);
    const all = new Set(verdicts.flat().map((v) => v.id));
    expect([...all].filter((id) => firsts.get(id) !== 1)).toEqual([]);
    expect(verdicts.flat().filter((v) => v.kind === 'duplicate')).toHaveLength(verdicts.flat().length - all.size);
    expect(verdicts.flat().filter((v) => v.kind === 'conflict' || v.kind === 'redelivery')).toEqual([]);
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
});

it('event ids: pruning forgets old segments but keeps the newest, so sequence numbers only grow', async () => {
  const log = uniqueId('log');
  const ids = new EventIdRepository(conn);
  const old = new Date(Date.now() - 10 * 86_400_000);
  await ids.claim(log, [sighting('a', 0, 0)], old);
  await ids.claim(log, [sighting('b', 0, 1)], old);
  expect(await ids.prune(new Date(Date.now() - 86_400_000))).toBeGreaterThanOrEqual(1);
  expect((await eventIdsOf(conn).find({ log }).toArray()).map((d) => d.seq)).toEqual([2]);
  // `a` is past the horizon: seen again it counts again; `b` is still remembered.
  expect((await ids.claim(log, [sighting('a', 0, 5), sighting('b', 0, 6)], new Date())).map((v) => v.kind)).toEqual([
    'first',
    'duplicate',
  ]);
  expect((await eventIdsOf(conn).find({ log }).toArray()).map((d) => d.seq).sort()).toEqual([2, 3]);
  // A fresh process reads the same.
  expect((await new EventIdRepository(conn).claim(log, [sighting('a', 0, 9)], new Date()))[0].kind).toBe('duplicate');
});

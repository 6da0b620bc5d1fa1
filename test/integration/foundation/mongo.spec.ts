import { Schema, type Connection, type Model } from 'mongoose';
import { closeMongo, connectMongo, pingMongo } from '@iw/mongo';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/**
 * The mongoose features the store relies on, on the real server (FerretDB locally, MongoDB in
 * production): unique indexes, bulk upserts with $inc, findOneAndUpdate with upsert.
 */

jest.setTimeout(60_000);

interface EventIdDoc {
  _id: string;
  indicatorId: string;
  at: Date;
}
interface CounterDoc {
  indicatorId: string;
  period: string;
  sum: number;
  count: number;
  firstSeen?: Date;
}

const url = testMongoUrl();
let conn: Connection;
let EventIds: Model<EventIdDoc>;
let Counters: Model<CounterDoc>;

beforeAll(async () => {
  conn = await connectMongo(url, { appName: 'iw-test' });
  EventIds = conn.model<EventIdDoc>(
    'EventId',
    new Schema<EventIdDoc>({ _id: String, indicatorId: String, at: Date }),
    'event_ids',
  );
  Counters = conn.model<CounterDoc>(
    'Counter',
    new Schema<CounterDoc>({ indicatorId: String, period: String, sum: Number, count: Number, firstSeen: Date }).index(
      { indicatorId: 1, period: 1 },
      { unique: true },
    ),
    'counters',
  );
  await Promise.all([EventIds.init(), Counters.init()]);
});

afterAll(async () => {
  await closeMongo(conn);
  await dropTestDatabase(url);
});

it('answers ping', async () => {
  await expect(pingMongo(conn)).resolves.toBeUndefined();
});

it('writes and reads back, and rejects a duplicate key of a unique index', async () => {
  await Counters.create({ indicatorId: 'i1', period: '2019', sum: 1, count: 1 });
  const back = await Counters.findOne({ indicatorId: 'i1', period: '2019' }).lean();
  expect(back).toMatchObject({ indicatorId: 'i1', period: '2019', sum: 1, count: 1 });

  await expect(Counters.create({ indicatorId: 'i1', period: '2019', sum: 5, count: 1 })).rejects.toMatchObject({
    code: 11000,
  });
  await expect(EventIds.create({ _id: 'lab7-0412-03', indicatorId: 'i1', at: new Date() })).resolves.toBeDefined();
  await expect(EventIds.create({ _id: 'lab7-0412-03', indicatorId: 'i1', at: new Date() })).rejects.toMatchObject({
    code: 11000,
  });
  expect(await EventIds.countDocuments()).toBe(1);
});

it('bulkWrite upserts with $inc: inserts the first time, increments after', async () => {
  const ops = (n: number) =>
    ['a', 'b', 'c'].map((id) => ({
      updateOne: {
        filter: { indicatorId: id, period: '2019-Q1' },
        update: { $inc: { sum: n, count: 1 }, $setOnInsert: { firstSeen: new Date('2019-01-01T00:00:00Z') } },
        upsert: true,
      },
    }));
  const first = await Counters.bulkWrite(ops(10), { ordered: false });
  expect(first.upsertedCount).toBe(3);
  const second = await Counters.bulkWrite(ops(5), { ordered: false });
  expect(second.upsertedCount).toBe(0);
  expect(second.modifiedCount).toBe(3);

  const docs = await Counters.find({ period: '2019-Q1' }).sort({ indicatorId: 1 }).lean();
  expect(docs.map((d) => [d.indicatorId, d.sum, d.count, d.firstSeen?.toISOString()])).toEqual([
    ['a', 15, 2, '2019-01-01T00:00:00.000Z'],
    ['b', 15, 2, '2019-01-01T00:00:00.000Z'],
    ['c', 15, 2, '2019-01-01T00:00:00.000Z'],
  ]);
});

it('findOneAndUpdate with upsert creates, then updates, returning the new document', async () => {
  const bump = (n: number) =>
    Counters.findOneAndUpdate(
      { indicatorId: 'x', period: '2019' },
      { $inc: { sum: n, count: 1 }, $setOnInsert: { firstSeen: new Date('2019-03-01T00:00:00Z') } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
  expect(await bump(7)).toMatchObject({ indicatorId: 'x', sum: 7, count: 1 });
  expect(await bump(3)).toMatchObject({
    indicatorId: 'x',
    sum: 10,
    count: 2,
    firstSeen: new Date('2019-03-01T00:00:00Z'),
  });
  expect(await Counters.countDocuments({ indicatorId: 'x' })).toBe(1);
});

it('fails fast with the URL (password hidden) when the server is not there', async () => {
  await expect(connectMongo('mongodb://u:secret@127.0.0.1:1/x', { serverSelectionTimeoutMS: 300 })).rejects.toThrow(
    /^MongoDB at mongodb:\/\/u:\*\*\*@127\.0\.0\.1:1\/x is not reachable/,
  );
});

/**
 * The store reads and writes by `_id` only (event ids, progress, claims): those must be index
 * lookups, not scans. Unpatched FerretDB 1.24 scanned the whole table for every one of them
 * (infra/ferretdb-patches.js); this is what the patch is for.
 */
it.each([
  ['equality', { _id: 'k2' }],
  ['equality with more keys', { _id: 'k2', indicatorId: 'i' }],
  ['$in of strings', { _id: { $in: ['k1', 'k3'] } }],
])('a lookup by _id (%s) uses the _id index', async (_what, filter) => {
  await EventIds.deleteMany({ _id: { $in: ['k1', 'k2', 'k3'] } });
  await EventIds.insertMany(['k1', 'k2', 'k3'].map((k) => ({ _id: k, indicatorId: 'i', at: new Date(0) })));
  const explained = (await conn.db!.command({ explain: { find: 'event_ids', filter } })) as {
    queryPlanner?: unknown;
    ferretdbVersion?: string;
  };
  const plan = JSON.stringify(explained.queryPlanner);
  // FerretDB answers with SQLite's query plan; MongoDB with its own stage names.
  expect(plan).toMatch(/USING INDEX \S+__id_|IDHACK|EXPRESS_IXSCAN|IXSCAN/);
  expect(plan).not.toMatch(/detail=SCAN /);
  expect(await EventIds.countDocuments(filter)).toBe(typeof filter._id === 'string' ? 1 : 2);
});

/**
 * Update commands of 50 statements (the store's bulk chunk), several at once: FerretDB 1.24 held
 * every statement's pooled SQLite connection until its whole command ended, so eight such
 * commands (400 statements against 100 connections per database) deadlocked the server for good
 * — even a ping then hung. The infra patch frees each statement's connection when it is done.
 */
it('applies eight concurrent update commands of 50 statements each', async () => {
  const col = conn.db!.collection<{ _id: string; n: number }>('wide_updates');
  const ids = Array.from({ length: 400 }, (_, i) => `w${String(i).padStart(3, '0')}`);
  await col.insertMany(ids.map((_id) => ({ _id, n: 0 })));
  const commands = Array.from({ length: 8 }, (_, c) =>
    col.bulkWrite(
      ids.slice(c * 50, c * 50 + 50).map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } })),
      { ordered: false },
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the update commands did not finish in 30 s (server deadlocked?)')),
      30_000,
    );
  });
  try {
    const results = await Promise.race([Promise.all(commands), deadline]);
    expect(results.map((r) => r.matchedCount)).toEqual(Array(8).fill(50));
  } finally {
    clearTimeout(timer);
  }
  expect(await col.countDocuments({ n: 1 })).toBe(400);
});

import { closeMongo, collection, connectMongo, prepareDatabase, VersionedDocs, type Connection } from '@iw/mongo';
import { dropTestDatabase, testMongoUrl, uniqueId } from '@iw/testing';

/**
 * VersionedDocs on the real server, with contenders on connections of their own: every write
 * of every contender lands exactly once (a counter that each adds to ends at the sum), whether
 * a document's first version is claimed like the others or created by its insert
 * (createByInsert); a claimed version whose writer died before its replace is rolled forward.
 */
jest.setTimeout(120_000);

interface CounterDoc {
  _id: string;
  v: number;
  n: number;
  by: number[];
}

const CONTENDERS = 4;
let url: string;
const conns: Connection[] = [];

beforeAll(async () => {
  url = testMongoUrl();
  for (let i = 0; i < CONTENDERS; i++) conns.push(await connectMongo(url, { maxPoolSize: 4 }));
  await prepareDatabase(conns[0]);
});

afterAll(async () => {
  for (const c of conns.splice(0)) await closeMongo(c);
  await dropTestDatabase(url);
});

const docsOf = (conn: Connection, name: string, createByInsert: boolean) =>
  new VersionedDocs<CounterDoc>(conn, {
    current: `${name}`,
    versions: `${name}_versions`,
    field: 'v',
    what: 'counters',
    createByInsert,
  });

const add = (k: number) => (before: CounterDoc | null, id: string) => ({
  _id: id,
  v: (before?.v ?? 0) + 1,
  n: (before?.n ?? 0) + 1,
  by: [...(before?.by ?? []), k],
});

describe.each([true, false])('createByInsert %s', (createByInsert) => {
  it('contenders creating and then updating the same documents at once: every write lands once', async () => {
    const name = uniqueId('counters');
    const ids = Array.from({ length: 60 }, (_, i) => `d${i}`);
    const ROUNDS = 3;
    await Promise.all(
      conns.map(async (c, k) => {
        const docs = docsOf(c, name, createByInsert);
        for (let r = 0; r < ROUNDS; r++) await docs.update(ids, add(k));
      }),
    );
    const stored = await docsOf(conns[0], name, createByInsert).find(ids);
    expect(stored.size).toBe(ids.length);
    for (const d of stored.values()) {
      expect({ id: d._id, n: d.n, v: d.v }).toEqual({ id: d._id, n: CONTENDERS * ROUNDS, v: CONTENDERS * ROUNDS });
      for (let k = 0; k < CONTENDERS; k++) expect(d.by.filter((b) => b === k)).toHaveLength(ROUNDS);
    }
    // Version 1 was claimed only without createByInsert; every later version was claimed once.
    const claims = await collection<{ _id: string; version: number }>(conns[0], `${name}_versions`)
      .find({ unit: 'd0' })
      .toArray();
    const versions = claims.map((c) => c.version).sort((a, b) => a - b);
    const first = createByInsert ? 2 : 1;
    expect(versions).toEqual(Array.from({ length: CONTENDERS * ROUNDS - first + 1 }, (_, i) => first + i));
  });

  it('a first version lost to another writer is recomputed on the winner’s; a dead writer’s claim is rolled forward', async () => {
    const name = uniqueId('counters');
    const a = docsOf(conns[0], name, createByInsert);
    const b = docsOf(conns[1], name, createByInsert);
    // Both computed version 1 from nothing: one save wins, the other loses and says so.
    const first = await a.save([add(0)(null, 'x')]);
    const second = await b.save([add(1)(null, 'x')]);
    expect(first).toEqual({ won: ['x'], lost: [] });
    expect(second).toEqual({ won: [], lost: ['x'] });
    expect((await a.find(['x'])).get('x')).toMatchObject({ v: 1, by: [0] });

    // A writer claimed version 2 and died before replacing the current document.
    await collection<{ _id: string }>(conns[0], `${name}_versions`).insertOne({
      _id: 'x@2',
      unit: 'x',
      version: 2,
      state: { v: 2, n: 2, by: [0, 9] },
      at: new Date(),
    } as { _id: string });
    const loaded = await b.load(['x']);
    expect(loaded.lagging.has('x')).toBe(true);
    expect(loaded.current.get('x')).toMatchObject({ v: 2, by: [0, 9] });
    await b.update(['x'], add(1));
    expect((await a.find(['x'])).get('x')).toMatchObject({ v: 3, n: 3, by: [0, 9, 1] });
  });
});

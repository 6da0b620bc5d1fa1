import { onEvaluation, ownersResolver, type UnitEvaluation } from '@iw/alerts';
import {
  AlertRepository,
  claimByInsert,
  closeMongo,
  collection,
  connectMongo,
  ContestedWriteError,
  prepareDatabase,
  retryContested,
  upsertContested,
  type Connection,
} from '@iw/mongo';
import { dropTestDatabase, testMongoUrl, uniqueId } from '@iw/testing';

/**
 * The store's one concurrency primitive on the real server, with contenders on connections of
 * their own: claimByInsert decides every key exactly once and says which keys each writer won
 * and lost; retryContested bounds the retries; versioned documents built on them (alerts here,
 * progress in test/integration/ingest) lose no concurrent update.
 */
jest.setTimeout(120_000);

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

it('claimByInsert: of contenders claiming overlapping keys at once, each key is won exactly once', async () => {
  const name = uniqueId('claims');
  const run = uniqueId('k');
  // Contender i claims keys [i*50, i*50+150): every key is wanted by one to three of them.
  const wanted = conns.map((_, i) => Array.from({ length: 150 }, (_, k) => `${run}-${i * 50 + k}`));
  const results = await Promise.all(
    conns.map((c, i) =>
      claimByInsert(
        collection<{ _id: string; by: number }>(c, name),
        wanted[i].map((_id) => ({ _id, by: i })),
      ),
    ),
  );
  const winners = new Map<string, number[]>();
  results.forEach((r, i) => {
    expect([...r.won, ...r.lost].sort()).toEqual([...wanted[i]].sort());
    for (const k of r.won) winners.set(k, [...(winners.get(k) ?? []), i]);
  });
  const all = new Set(wanted.flat());
  expect([...all].filter((k) => winners.get(k)?.length !== 1)).toEqual([]);
  // The stored document of each key is its winner's.
  const stored = await collection<{ _id: string; by: number }>(conns[0], name).find({}).toArray();
  expect(stored).toHaveLength(all.size);
  for (const d of stored) expect(winners.get(d._id)).toEqual([d.by]);

  // A second claim of a key already taken is lost, also within one call.
  const again = await claimByInsert(collection<{ _id: string; by: number }>(conns[0], name), [
    { _id: `${run}-0`, by: 9 },
    { _id: `${run}-new`, by: 9 },
    { _id: `${run}-new`, by: 9 },
  ]);
  expect(again).toEqual({ won: [`${run}-new`], lost: [`${run}-0`, `${run}-new`] });
});

it('retryContested: retries only what was lost, and gives up after its bound with the ids still lost', async () => {
  const seen: string[][] = [];
  await retryContested('test', ['a', 'b', 'c'], async (pending, round) => {
    seen.push([...pending]);
    return round === 0 ? ['b', 'c'] : round === 1 ? ['c'] : [];
  });
  expect(seen).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);

  let calls = 0;
  const failing = retryContested(
    'always lost',
    ['x', 'y'],
    async (pending) => {
      calls++;
      return pending.filter((p) => p === 'y');
    },
    { rounds: 5 },
  );
  await expect(failing).rejects.toThrow(ContestedWriteError);
  await expect(failing).rejects.toMatchObject({ ids: ['y'], rounds: 5 });
  expect(calls).toBe(5);
});

it('upsertContested: contenders upserting one new _id at once all finish, the last write standing', async () => {
  const name = uniqueId('upserts');
  for (let round = 0; round < 10; round++) {
    const id = `doc-${round}`;
    await Promise.all(
      conns.map((c, i) =>
        upsertContested('test doc', id, () =>
          collection<{ _id: string; by: number }>(c, name).replaceOne({ _id: id }, { by: i }, { upsert: true }),
        ),
      ),
    );
    const docs = await collection<{ _id: string; by: number }>(conns[0], name).find({ _id: id }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0].by).toBeGreaterThanOrEqual(0);
  }
});

it('alerts: concurrent silences from several connections each land once (claimed revs, no compare-and-set)', async () => {
  const id = uniqueId('2019.并发项目.指标');
  const evaluation: UnitEvaluation = {
    unit: {
      id,
      indicatorId: id,
      projectId: '2019.并发项目',
      projectName: '并发项目',
      indicatorName: '指标',
      targetText: '≥700批次',
      unit: '批次',
    },
    status: 'at_risk',
    likelihood: '有可能',
    actual: 90,
    expected: 322,
    forecast: 195,
    reason: '进度落后',
    daysLeft: 197,
    deadline: '2019-12-31',
  };
  const now = Date.parse('2019-06-15T12:00:00+08:00');
  const opened = onEvaluation(null, evaluation, now, {
    resolveOwners: ownersResolver({ fallback: 'x@iw.test' }),
    repeatIntervalMs: 7 * 86_400_000,
    groupWaitMs: 0,
    publicUrl: 'http://iw.test',
    timeZone: 'Asia/Shanghai',
    from: 'iw@iw.test',
  });
  const repos = conns.map((c) => new AlertRepository(c));
  expect(await repos[0].save([{ alert: opened.alert!, expectedRev: null }])).toEqual([]);
  const before = (await repos[0].get(id))!;

  const PER = 10;
  await Promise.all(
    repos.map(async (r, i) => {
      for (let k = 0; k < PER; k++) await r.silence(id, now + 86_400_000 * (1 + k), { now, by: `p${i}` });
    }),
  );
  const after = (await repos[0].get(id))!;
  const silences = after.alert.history.filter((h) => h.change === 'silenced');
  expect({ silences: silences.length, rev: after.rev, version: after.alert.version }).toEqual({
    silences: CONTENDERS * PER,
    rev: before.rev + CONTENDERS * PER,
    version: before.alert.version + CONTENDERS * PER,
  });
  // Each contender's actions are all there.
  for (let i = 0; i < CONTENDERS; i++) expect(silences.filter((h) => h.by === `p${i}`)).toHaveLength(PER);
});

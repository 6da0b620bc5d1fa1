import { onEvaluation, ownersResolver, silence, type UnitEvaluation } from '@iw/alerts';
import {
  AlertRepository,
  claimByInsert,
  closeMongo,
  COLLECTIONS,
  collection,
  connectMongo,
  ContestedWriteError,
  prepareDatabase,
  retryContested,
  upsertContested,
  WritesLater,
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

/** An alert opened for a new unit (its first version, not stored). */
function openedAlert() {
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
  return { id, now, alert: opened.alert! };
}

it('alerts: concurrent silences from several connections each land once (claimed revs, no compare-and-set)', async () => {
  const { id, now, alert } = openedAlert();
  const repos = conns.map((c) => new AlertRepository(c));
  expect(await repos[0].save([{ alert, expectedRev: null }])).toEqual([]);
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

it('alerts claimed now and written later: load sees the claimed version at once, a concurrent writer builds on it, and the late write never goes back over a newer one', async () => {
  const { id, now, alert } = openedAlert();
  const [mine, theirs] = [new AlertRepository(conns[0]), new AlertRepository(conns[1])];
  expect(await mine.save([{ alert, expectedRev: null }])).toEqual([]);
  const later = new WritesLater();
  const silenced = silence(alert, now + 86_400_000, now, 'mine');
  expect(await mine.save([{ alert: silenced, expectedRev: 1 }], later)).toEqual([]);
  expect(later.size).toBe(1);
  // Claimed, not written: the stored document is the version before; a writer (load), a reader
  // of one alert (get: a person acting on it, its page) and the repository that claimed it (its
  // process: the sender) see the claimed one.
  const elsewhere = new AlertRepository(conns[2]);
  const stored = async () => (await elsewhere.find([id])).get(id)!.rev;
  expect(await stored()).toBe(1);
  const loaded = (await theirs.load([id])).get(id)!;
  expect([loaded.rev, loaded.alert.version]).toEqual([2, silenced.version]);
  expect((await theirs.get(id))!.rev).toBe(2);
  expect((await mine.find([id])).get(id)!.rev).toBe(2);

  // Another writer meanwhile: its first claim (rev 2) is lost, it reloads the claim and writes rev 3 on it.
  await theirs.silence(id, now + 2 * 86_400_000, { now, by: 'theirs' });
  expect(await stored()).toBe(3);
  await later.flush();
  expect(later.size).toBe(0);
  const after = (await mine.get(id))!;
  expect(after.rev).toBe(3);
  expect(after.alert.history.filter((h) => h.change === 'silenced').map((h) => h.by)).toEqual(['mine', 'theirs']);

  // Alone, the late write lands when flushed.
  const next = silence(after.alert, now + 3 * 86_400_000, now, 'late');
  const alone = new WritesLater();
  expect(await mine.save([{ alert: next, expectedRev: 3 }], alone)).toEqual([]);
  expect(await stored()).toBe(3);
  await alone.flush();
  expect(await stored()).toBe(4);
});

it('an alert claimed whose write never came (its writer crashed) is brought up to its claim by the next load', async () => {
  const { id, now, alert } = openedAlert();
  const crashed = new AlertRepository(conns[0]);
  expect(await crashed.save([{ alert, expectedRev: null }])).toEqual([]);
  const silenced = silence(alert, now + 86_400_000, now, 'crashed');
  // Claimed; its WritesLater is never flushed.
  expect(await crashed.save([{ alert: silenced, expectedRev: 1 }], new WritesLater())).toEqual([]);
  const reader = new AlertRepository(conns[1]);
  expect((await reader.find([id])).get(id)!.rev).toBe(1);
  expect((await new AlertRepository(conns[2]).load([id])).get(id)!.rev).toBe(2);
  const healed = (await reader.find([id])).get(id)!;
  expect([healed.rev, healed.alert.silencedUntil]).toEqual([2, silenced.silencedUntil]);
});

it('openHeads streams every open alert, over several read batches, without history, and no other', async () => {
  const repo = new AlertRepository(conns[0]);
  const open = Array.from({ length: 2_100 }, () => openedAlert().alert);
  const closed = Array.from({ length: 5 }, () => ({ ...openedAlert().alert, state: 'resolved' as const }));
  expect(await repo.save([...open, ...closed].map((alert) => ({ alert, expectedRev: null })))).toEqual([]);
  const seen = new Map<string, number>();
  for await (const s of repo.openHeads()) {
    expect(s.alert.state).toBe('open');
    expect(s.alert.history).toEqual([]);
    seen.set(s.alert.id, (seen.get(s.alert.id) ?? 0) + 1);
  }
  for (const a of open) expect(seen.get(a.id)).toBe(1);
  for (const a of closed) expect(seen.has(a.id)).toBe(false);
  expect(seen.size).toBe(await collection(conns[0], COLLECTIONS.alerts).countDocuments({ state: 'open' }));
  // The whole alert still has its history: only the heads leave it out.
  expect((await repo.get(open[0].id))!.alert.history.length).toBeGreaterThan(0);
});

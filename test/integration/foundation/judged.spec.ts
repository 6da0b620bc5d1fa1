import type { JudgedProgress } from '@iw/measures';
import {
  closeMongo,
  collection,
  COLLECTIONS,
  connectMongo,
  EvaluationRepository,
  prepareDatabase,
  type Connection,
  type EvaluationDoc,
} from '@iw/mongo';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/**
 * What each evaluation was judged on, kept in `project_judged` beside `project_evaluations`, on
 * the real server: merged per project, counted only while its version is the evaluation's
 * progress version (a stale or overwritten entry reads as absent, never as a wrong input), and
 * left alone by a write that keeps what is stored. And the project documents written by several
 * writers at once: each write claims its document's next `rev` by insert before replacing it, so
 * no writer's units are lost to another's replace of the same project, and of two writers of one
 * unit from the same stored state exactly one wins.
 */
jest.setTimeout(60_000);

const P = '2019.甲局.判定项目';
const A = `${P}.甲`;
const B = `${P}.乙`;
const NOW = Date.parse('2019-07-01T12:00:00+08:00');
let url: string;
let conn: Connection;
let repo: EvaluationRepository;

function evaluation(id: string, progressVersion: number, rev: number, projectId = P): EvaluationDoc {
  return {
    _id: id,
    kind: 'indicator',
    projectId,
    indicatorId: id,
    status: 'on_track',
    likelihood: null,
    since: new Date(NOW),
    pending: null,
    evaluatedStatus: 'on_track',
    actual: progressVersion * 10,
    expected: 10,
    forecast: 20,
    reason: '按进度',
    daysLeft: 183,
    deadline: '2019-12-31',
    warningDays: null,
    progressVersion,
    evaluatedAt: new Date(NOW),
    rev,
  };
}

const judged = (id: string, version: number): JudgedProgress =>
  ({ id, measure: 'sum', actual: version * 10, eventCount: version, version }) as JudgedProgress;

const keptFor = async (id: string) => (await repo.findWithJudged([id])).judged.get(id);

beforeAll(async () => {
  url = testMongoUrl();
  conn = await connectMongo(url);
  await prepareDatabase(conn);
  repo = new EvaluationRepository(conn);
});

afterAll(async () => {
  await closeMongo(conn);
  await dropTestDatabase(url);
});

it('keeps, merges and ignores what evaluations were judged on', async () => {
  expect(await repo.save([{ doc: evaluation(A, 2, 1), expectedRev: null, judged: judged(A, 2) }])).toEqual([]);
  expect(await keptFor(A)).toMatchObject({ version: 2, actual: 20 });

  // Another unit of the project: merged, the first one's entry stays.
  expect(await repo.save([{ doc: evaluation(B, 1, 1), expectedRev: null, judged: judged(B, 1) }])).toEqual([]);
  expect(await keptFor(A)).toMatchObject({ version: 2 });
  expect(await keptFor(B)).toMatchObject({ version: 1 });

  // A write that keeps what is stored (a new day's sweep): the judged document is not touched.
  const judgedDocs = collection<{ _id: string; writes: number }>(conn, COLLECTIONS.judged);
  const before = (await judgedDocs.findOne({ _id: P }))!.writes;
  expect(before).toBe(2);
  expect(await repo.save([{ doc: { ...evaluation(A, 2, 2), daysLeft: 182 }, expectedRev: 1 }])).toEqual([]);
  expect((await judgedDocs.findOne({ _id: P }))!.writes).toBe(before);
  expect(await keptFor(A)).toMatchObject({ version: 2 });

  // The evaluation moved on to progress version 3 without keeping it: the entry no longer counts.
  expect(await repo.save([{ doc: evaluation(A, 3, 3), expectedRev: 2 }])).toEqual([]);
  expect(await keptFor(A)).toBeUndefined();
  expect(await repo.save([{ doc: evaluation(A, 3, 4), expectedRev: 3, judged: judged(A, 3) }])).toEqual([]);
  expect(await keptFor(A)).toMatchObject({ version: 3, actual: 30 });

  // A concurrent writer's merge put an older entry back: read as absent, not as version 2's inputs.
  await judgedDocs.updateOne(
    { _id: P },
    { $set: { judged: JSON.stringify({ [A]: judged(A, 2), [B]: judged(B, 1) }) } },
  );
  expect(await keptFor(A)).toBeUndefined();
  expect(await keptFor(B)).toMatchObject({ version: 1 });

  // Readers of evaluations alone get the evaluations.
  expect((await repo.find([A, B])).get(A)).toMatchObject({ progressVersion: 3, rev: 4 });
});

describe('written by several writers at once', () => {
  // One connection per writer, as separate processes would have.
  const WRITERS = 4;
  const ROUNDS = 8;
  const conns: Connection[] = [];
  let writers: EvaluationRepository[];

  beforeAll(async () => {
    for (let i = 0; i < WRITERS; i++) conns.push(await connectMongo(url));
    writers = conns.map((c) => new EvaluationRepository(c));
  });

  afterAll(async () => {
    for (const c of conns) await closeMongo(c);
  });

  it("keeps every writer's units when they write one project at once", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const project = `2019.甲局.并发项目${round}`;
      const ids = writers.map((_, i) => `${project}.指标${i}`);
      const lost = await Promise.all(
        writers.map((r, i) => r.save([{ doc: evaluation(ids[i], i + 1, 1, project), expectedRev: null }])),
      );
      expect(lost.flat()).toEqual([]);
      const stored = await repo.find(ids);
      expect(ids.filter((id) => !stored.has(id))).toEqual([]);
      for (const [i, id] of ids.entries()) expect(stored.get(id)!.actual).toBe((i + 1) * 10);
    }
    // Every write claimed a version of its project's document.
    const claims = await collection(conn, COLLECTIONS.evaluationVersions).countDocuments({});
    expect(claims).toBeGreaterThanOrEqual(ROUNDS * WRITERS);
  });

  it('lets one of two writers of a unit from the same stored state win', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const project = `2019.甲局.同一指标${round}`;
      const id = `${project}.指标`;
      const results = await Promise.all(
        writers.map((r, i) => r.save([{ doc: evaluation(id, 100 + i, 1, project), expectedRev: null }])),
      );
      const winners = results.map((lost, i) => (lost.length === 0 ? i : -1)).filter((i) => i >= 0);
      expect(winners).toHaveLength(1);
      for (const [i, lost] of results.entries()) if (i !== winners[0]) expect(lost).toEqual([id]);
      expect((await repo.one(id))!.actual).toBe((100 + winners[0]) * 10);
    }
  });
});

it('reads the settled statuses of every project, or of one', async () => {
  const Q = '2019.乙局.判定项目';
  const C = `${Q}.丙`;
  await repo.save([
    { doc: { ...evaluation(C, 1, 1, Q), status: 'off_track', evaluatedStatus: 'off_track' }, expectedRev: null },
  ]);
  // The other tests' projects are in the same database.
  const all = await repo.statuses();
  expect(Object.fromEntries(all)).toMatchObject({ [A]: 'on_track', [B]: 'on_track', [C]: 'off_track' });
  expect(Object.fromEntries(await repo.statuses({ projectId: Q }))).toEqual({ [C]: 'off_track' });
  expect((await repo.statuses({ projectId: '2019.丁局.无此项目' })).size).toBe(0);

  // Only the compact `statuses` is read; a document written before it was kept is read whole.
  const docs = collection<{ _id: string; statuses?: string; rev: number }>(conn, COLLECTIONS.evaluations);
  expect(JSON.parse((await docs.findOne({ _id: Q }))!.statuses!)).toEqual({ [C]: 'off_track' });
  await docs.updateOne({ _id: Q }, { $unset: { statuses: '' } });
  expect(Object.fromEntries(await repo.statuses({ projectId: Q }))).toEqual({ [C]: 'off_track' });
  expect((await repo.statuses()).get(C)).toBe('off_track');

  // Alerting gives it back to such documents (only those), at the rev they were read at.
  const { rev } = (await docs.findOne({ _id: Q }))!;
  expect(await repo.keepStatuses()).toBe(1);
  expect(JSON.parse((await docs.findOne({ _id: Q }))!.statuses!)).toEqual({ [C]: 'off_track' });
  expect(await docs.findOne({ _id: Q })).toMatchObject({ rev });
  expect(await repo.keepStatuses()).toBe(0);
});

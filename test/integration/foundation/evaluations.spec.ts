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
 * Project evaluations written by several writers at once, on the real server (FerretDB here):
 * each write claims its project document's next `rev` by insert before replacing it, so no
 * writer's units are lost to another's replace of the same project, and of two writers of one
 * unit from the same stored state exactly one wins.
 */
jest.setTimeout(120_000);

const NOW = Date.parse('2019-07-01T12:00:00+08:00');
const ROUNDS = 8;
const WRITERS = 4;
let url: string;
const conns: Connection[] = [];
let repos: EvaluationRepository[];

function evaluation(projectId: string, id: string, actual: number, rev: number): EvaluationDoc {
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
    actual,
    expected: 10,
    forecast: 20,
    reason: '按进度',
    daysLeft: 183,
    deadline: '2019-12-31',
    warningDays: null,
    progressVersion: actual,
    evaluatedAt: new Date(NOW),
    rev,
  };
}

beforeAll(async () => {
  url = testMongoUrl();
  // One connection per writer, as separate processes would have.
  for (let i = 0; i < WRITERS; i++) conns.push(await connectMongo(url));
  await prepareDatabase(conns[0]);
  repos = conns.map((c) => new EvaluationRepository(c));
});

afterAll(async () => {
  for (const c of conns) await closeMongo(c);
  await dropTestDatabase(url);
});

it("keeps every writer's units when they write one project at once", async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const project = `2019.甲局.并发项目${round}`;
    const ids = repos.map((_, i) => `${project}.指标${i}`);
    const lost = await Promise.all(
      repos.map((r, i) => r.save([{ doc: evaluation(project, ids[i], i + 1, 1), expectedRev: null }])),
    );
    expect(lost.flat()).toEqual([]);
    const stored = await repos[0].find(ids);
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
    for (const [i, id] of ids.entries()) expect(stored.get(id)!.actual).toBe(i + 1);
  }
  // Every write claimed a version of its project's document.
  const claims = await collection(conns[0], COLLECTIONS.evaluationVersions).countDocuments({});
  expect(claims).toBeGreaterThanOrEqual(ROUNDS * WRITERS);
});

it('lets one of two writers of a unit from the same stored state win', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const project = `2019.甲局.同一指标${round}`;
    const id = `${project}.指标`;
    const results = await Promise.all(
      repos.map((r, i) => r.save([{ doc: evaluation(project, id, 100 + i, 1), expectedRev: null }])),
    );
    const winners = results.map((lost, i) => (lost.length === 0 ? i : -1)).filter((i) => i >= 0);
    expect(winners).toHaveLength(1);
    for (const [i, lost] of results.entries()) if (i !== winners[0]) expect(lost).toEqual([id]);
    expect((await repos[0].one(id))!.actual).toBe(100 + winners[0]);
  }
});

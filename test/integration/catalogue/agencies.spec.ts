import type { Document } from 'mongodb';
import {
  AlertRepository,
  AuditRepository,
  collection,
  COLLECTIONS,
  connectMongo,
  importCatalogue,
  indicatorsOf,
  progressOf,
  projectsOf,
  type Connection,
} from '@iw/mongo';
import { readCatalogue, reprefixId, tsvRows, type ParsedCatalogue } from '@iw/targets';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/**
 * Agencies in catalogue ids, against the real MongoDB-compatible server: two agencies with a
 * project of the same name stay apart, and a store written with ids of the form before agencies
 * (`2019.<project>…`) is migrated by the next import, keeping progress, alerts, evaluations,
 * history, audit targets and owners; a second import migrates nothing.
 */
const mongoUrl = testMongoUrl();
let conn: Connection;

const table = (unit: string) => [
  '项目支出绩效目标表',
  `预算单位\t${unit}\t项目名称\t食品抽检经费`,
  '一级指标\t二级指标\t三级指标\t指标值',
  '产出指标\t数量指标\t抽检批次\t≥20批',
];
const fresh = (): ParsedCatalogue =>
  readCatalogue(tsvRows([...table('甲局'), ...table('乙局')].join('\n')), { fiscalYear: 2019 });

const A = '2019.甲局.食品抽检经费';
const B = '2019.乙局.食品抽检经费';
const LEGACY_A = '2019.食品抽检经费';
const LEGACY_B = '2019.食品抽检经费_2';

/** The same catalogue stored as the importer before agencies wrote it. */
function legacy(c: ParsedCatalogue): ParsedCatalogue {
  const from = [LEGACY_A, LEGACY_B];
  return {
    ...c,
    projects: c.projects.map((p, i) => ({
      ...p,
      id: from[i],
      indicators: p.indicators.map((ind) => ({ ...ind, id: reprefixId(ind.id, p.id, from[i])! })),
    })),
  };
}

function progressDoc(id: string, projectId: string, actual: number): Document {
  return {
    _id: id,
    measure: 'sum',
    actual,
    eventCount: 1,
    firstEventAt: null,
    lastEventAt: null,
    history: [],
    period: { from: '2019-01-01', to: '2019-12-31' },
    indicatorId: id,
    projectId,
    applied: { 'p:0': actual },
    version: 3,
    updatedAt: new Date('2019-06-01T00:00:00Z'),
  };
}

function alertDoc(id: string, projectId: string, note: string): Document {
  return {
    _id: id,
    projectId,
    indicatorId: id,
    unit: { id, projectId, indicatorId: id },
    state: 'open',
    note,
    rev: 2,
    updatedAt: new Date('2019-06-01T00:00:00Z'),
  };
}

beforeAll(async () => {
  conn = await connectMongo(mongoUrl);
});

afterAll(async () => {
  await conn.close();
  await dropTestDatabase(mongoUrl);
});

it('a fresh import gives two agencies with a project of the same name two projects', async () => {
  const res = await importCatalogue(conn, fresh(), { sourceFile: 'two.txt', now: new Date() });
  expect(res.diff.projects.added.map((p) => p.id).sort()).toEqual([B, A].sort());
  expect(res.migrated).toEqual([]);
  expect((await projectsOf(conn).findOne({ _id: A }))?.agency).toBe('甲局');
  expect((await indicatorsOf(conn).findOne({ _id: `${B}.抽检批次` }))?.projectId).toBe(B);
  await collection(conn, 'projects').deleteMany({});
  await collection(conn, 'indicators').deleteMany({});
  await collection(conn, 'target_history').deleteMany({});
});

it('migrates a store of legacy ids at import: progress, alerts and the rest kept, the agencies apart', async () => {
  // The store as it was: legacy ids, no `agency` on projects.
  await importCatalogue(conn, legacy(fresh()), { sourceFile: 'two.txt', now: new Date('2019-01-02T00:00:00Z') });
  await projectsOf(conn).updateMany({}, { $unset: { agency: '' } });
  const la = `${LEGACY_A}.抽检批次`;
  const lb = `${LEGACY_B}.抽检批次`;
  await progressOf(conn).insertMany([progressDoc(la, LEGACY_A, 5), progressDoc(lb, LEGACY_B, 7)] as never[]);
  await collection(conn, 'progress_versions').insertMany([
    { _id: `${la}@3`, unit: la, version: 3, at: new Date() },
    { _id: `${lb}@3`, unit: lb, version: 3, at: new Date() },
  ] as never[]);
  await collection(conn, 'alerts').insertMany([alertDoc(la, LEGACY_A, 'a'), alertDoc(lb, LEGACY_B, 'b')] as never[]);
  await collection(conn, COLLECTIONS.evaluations).insertOne({
    _id: LEGACY_A,
    projectId: LEGACY_A,
    rev: 1,
    units: JSON.stringify({
      [la]: { _id: la, kind: 'indicator', projectId: LEGACY_A, indicatorId: la, status: 'at_risk', rev: 1 },
    }),
    pendingDueAt: null,
  } as never);
  await new AuditRepository(conn).append({
    actor: 'a@example.gov.cn',
    actorName: '甲',
    role: 'owner',
    action: 'ack',
    target: lb,
    indicatorId: lb,
    projectId: LEGACY_B,
    agency: '乙局',
    at: new Date(),
    recordedAt: new Date(),
    before: null,
    after: null,
    address: null,
  });
  await collection(conn, 'owners').insertOne({
    _id: 'owners',
    fallback: 'ops@example.gov.cn',
    projects: [],
    indicators: [{ key: lb, emails: ['b@example.gov.cn'] }],
  } as never);
  // An earlier import stopped after copying 甲's progress, before deleting the original.
  await progressOf(conn).insertOne(progressDoc(`${A}.抽检批次`, A, 1) as never);

  const lines: string[] = [];
  const res = await importCatalogue(conn, fresh(), {
    sourceFile: 'two.txt',
    now: new Date(),
    log: (l) => lines.push(l),
  });
  expect(res.migrated.map((m) => [m.from, m.to])).toEqual([
    [LEGACY_A, A],
    [LEGACY_B, B],
  ]);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^migrated 2019\.食品抽检经费 → 2019\.甲局\.食品抽检经费: .*progress 1/);
  // Nothing changed but the ids.
  expect(res.diff.projects.unchanged).toHaveLength(2);
  expect(res.diff.indicators.unchanged).toHaveLength(2);
  expect(res.diff.indicators.added).toEqual([]);

  const ia = `${A}.抽检批次`;
  const ib = `${B}.抽检批次`;
  // Progress kept and apart; the interrupted copy brought up to the original's state.
  expect(await progressOf(conn).findOne({ _id: ia })).toMatchObject({ actual: 5, projectId: A, indicatorId: ia });
  expect(await progressOf(conn).findOne({ _id: ib })).toMatchObject({ actual: 7, projectId: B });
  expect(await progressOf(conn).countDocuments()).toBe(2);
  expect((await collection(conn, 'progress_versions').find({}).toArray()).map((d) => [d._id, d.unit]).sort()).toEqual([
    [`${ib}@3`, ib],
    [`${ia}@3`, ia],
  ]);
  // Alerts kept and apart.
  const alerts = new AlertRepository(conn);
  expect((await alerts.list({ projectId: A })).map((a) => [a.alert.id, a.alert.unit.projectId])).toEqual([[ia, A]]);
  expect((await alerts.list({ projectId: B })).map((a) => [a.alert.id, a.alert.unit.projectId])).toEqual([[ib, B]]);
  // A project's evaluations move with it (the unit ids inside are rewritten by the next evaluation).
  expect(await collection(conn, COLLECTIONS.evaluations).findOne({ _id: A } as never)).toMatchObject({ projectId: A });
  expect(await collection(conn, 'audit').findOne({})).toMatchObject({ target: ib, indicatorId: ib, projectId: B });
  expect((await collection(conn, 'owners').findOne({ _id: 'owners' } as never))?.indicators).toEqual([
    { key: ib, emails: ['b@example.gov.cn'] },
  ]);
  for (const name of ['target_history', 'project_history']) {
    const docs = await collection(conn, name).find({}).toArray();
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((d) => d.projectId !== A && d.projectId !== B)).toEqual([]);
  }
  expect((await projectsOf(conn).find({}).toArray()).map((p) => [p._id, p.agency]).sort()).toEqual(
    [
      [A, '甲局'],
      [B, '乙局'],
    ].sort(),
  );
  expect(await indicatorsOf(conn).countDocuments({ _id: { $in: [la, lb] } })).toBe(0);

  // Idempotent: a second import finds nothing to migrate and nothing changed.
  const again = await importCatalogue(conn, fresh(), { sourceFile: 'two.txt', now: new Date() });
  expect(again.migrated).toEqual([]);
  expect(again.diff.indicators.unchanged).toHaveLength(2);
  expect(await progressOf(conn).findOne({ _id: ia })).toMatchObject({ actual: 5 });
});

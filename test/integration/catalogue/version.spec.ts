import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BindingsProvider,
  CatalogueRepository,
  catalogueSnapshotOf,
  catalogueVersionOf,
  catalogueYearsOf,
  connectMongo,
  importCatalogue,
  indicatorsOf,
  type Connection,
} from '@iw/mongo';
import { readCatalogue, tsvRows, type ParsedCatalogue } from '@iw/targets';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/**
 * The catalogue's change signal, against the real MongoDB-compatible server: every import
 * writes a new token last; services reload when the token moves (one read by `_id`) and not
 * on a write that moved no token; a store no import has tokened yet is versioned by a scan.
 */
const mongoUrl = testMongoUrl();
let conn: Connection;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-catalogue-version-'));
const bindingsFile = path.join(dir, 'bindings.yaml');
fs.writeFileSync(bindingsFile, 'version: 1\nbindings: []\n');

const table = (target: string, extra = false, fiscalYear = 2019): ParsedCatalogue =>
  readCatalogue(
    tsvRows(
      [
        '项目支出绩效目标表',
        '预算单位\t甲局\t项目名称\t食品抽检经费',
        '一级指标\t二级指标\t三级指标\t指标值',
        `产出指标\t数量指标\t抽检批次\t${target}`,
        ...(extra ? ['产出指标\t数量指标\t复检批次\t≥5批'] : []),
      ].join('\n'),
    ),
    { fiscalYear },
  );

const ID = '2019.甲局.食品抽检经费.抽检批次';
const provider = (loads: ParsedCatalogue[]) =>
  new BindingsProvider(conn, {
    bindingsFile,
    timeZone: 'Asia/Shanghai',
    satisfiedShare: 0.8,
    recheckMs: 0,
    onLoad: (c) => loads.push(c),
  });

beforeAll(async () => {
  conn = await connectMongo(mongoUrl);
});

afterAll(async () => {
  await conn.close();
  await dropTestDatabase(mongoUrl);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('reloads when an import moves the token, only then, and hands each load to onLoad once', async () => {
  const now = new Date('2019-03-01T00:00:00Z');
  await importCatalogue(conn, table('≥20批'), { sourceFile: 't1', now });
  const first = await catalogueVersionOf(conn).findOne({ _id: 'catalogue' });
  expect(first?.token).toMatch(/^[0-9a-f-]{36}$/);

  const loads: ParsedCatalogue[] = [];
  const p = provider(loads);
  const b1 = await p.get(1);
  expect(b1.units.get(ID)?.target).toMatchObject({ value: 20 });
  expect(await p.get(2)).toBe(b1);
  expect(loads).toHaveLength(1);
  expect(loads[0].projects[0].indicators.map((i) => i.id)).toEqual([ID]);

  // A write that moved no token is not looked for (no scan of the catalogue).
  await indicatorsOf(conn).updateOne({ _id: ID }, { $set: { updatedAt: new Date('2030-01-01T00:00:00Z') } });
  expect(await p.get(3)).toBe(b1);

  // An edited table: a new token, a reload with the new target and the new indicator.
  await importCatalogue(conn, table('≥30批', true), { sourceFile: 't2', now: new Date('2019-04-01T00:00:00Z') });
  const second = await catalogueVersionOf(conn).findOne({ _id: 'catalogue' });
  expect(second?.token).not.toBe(first?.token);
  const b2 = await p.get(4);
  expect(b2).not.toBe(b1);
  expect(b2.units.get(ID)?.target).toMatchObject({ value: 30 });
  expect(b2.units.size).toBe(b1.units.size + 1);
  expect(loads).toHaveLength(2);

  // Re-running the same import (as after a crash before its last write) still moves the token.
  await importCatalogue(conn, table('≥30批', true), { sourceFile: 't2', now: new Date('2019-04-01T00:00:00Z') });
  expect((await catalogueVersionOf(conn).findOne({ _id: 'catalogue' }))?.token).not.toBe(second?.token);
  expect(await p.get(5)).not.toBe(b2);
});

it('versions a store without a token by its latest change (a scan), until an import writes one', async () => {
  await catalogueVersionOf(conn).deleteMany({});
  const loads: ParsedCatalogue[] = [];
  const p = provider(loads);
  const b1 = await p.get(1);
  expect(await p.get(2)).toBe(b1);
  await indicatorsOf(conn).updateOne({ _id: ID }, { $set: { updatedAt: new Date('2031-01-01T00:00:00Z') } });
  expect(await p.get(3)).not.toBe(b1);
  expect(loads).toHaveLength(2);
});

it('inserts added indicators; two imports racing on the same table both finish, the loser upserting', async () => {
  await conn.db!.dropDatabase();
  const now = new Date('2019-03-01T00:00:00Z');
  const [a, b] = await Promise.all([
    importCatalogue(conn, table('≥20批', true), { sourceFile: 'a', now }),
    importCatalogue(conn, table('≥20批', true), { sourceFile: 'b', now }),
  ]);
  // Both read an empty store, so both found the two indicators added: one insert each won, one lost.
  expect(a.diff.indicators.added.length + b.diff.indicators.added.length).toBe(4);
  const docs = await indicatorsOf(conn).find({}).sort({ _id: 1 }).toArray();
  expect(docs.map((d) => d._id)).toEqual([ID, '2019.甲局.食品抽检经费.复检批次'].sort());
  for (const d of docs)
    expect(d).toMatchObject({
      fiscalYear: 2019,
      archived: false,
      deviation: null,
      level2: '数量指标',
      importedAt: now,
    });
  expect(docs.find((d) => d._id === ID)?.target).toMatchObject({ value: 20 });
});

it('writes a snapshot of the year that reads back as the projects and indicators do, and replaces it on re-import', async () => {
  await conn.db!.dropDatabase();
  const seedText = fs.readFileSync(
    path.join(__dirname, '../../../samples/targets-2019-xinjiang-market-supervision.txt'),
    'utf8',
  );
  const seed = readCatalogue(tsvRows(seedText), { fiscalYear: 2019 });
  const repo = new CatalogueRepository(conn);
  await importCatalogue(conn, seed, { sourceFile: 'seed', now: new Date('2019-03-01T00:00:00Z') });
  const snap = await repo.snapshot(2019);
  expect(snap?.projects).toHaveLength(18);
  expect(snap).toEqual(await repo.loadDocuments(2019));

  // Edited: the first project's first indicator gone (archived), another project dropped whole.
  const edited: ParsedCatalogue = {
    ...seed,
    projects: seed.projects.slice(0, -1).map((p, k) => (k === 0 ? { ...p, indicators: p.indicators.slice(1) } : p)),
  };
  await importCatalogue(conn, edited, { sourceFile: 'edited', now: new Date('2019-04-01T00:00:00Z') });
  const again = await repo.snapshot(2019);
  expect(again?.projects).toHaveLength(17);
  expect(again).toEqual(await repo.loadDocuments(2019));
  expect(await repo.load(2019)).toEqual(again);
  // Only the newest snapshot is kept; without one, load reads the documents.
  const tokens = await catalogueSnapshotOf(conn).distinct('token', { year: 2019 });
  expect(tokens).toEqual([(await catalogueVersionOf(conn).findOne({ _id: 'catalogue' }))!.token]);
  await catalogueSnapshotOf(conn).deleteMany({});
  expect(await repo.snapshot(2019)).toBeNull();
  expect(await repo.load(2019)).toEqual(again);
});

it('keeps a snapshot of the year when two imports of it run at once', async () => {
  await conn.db!.dropDatabase();
  const seedText = fs.readFileSync(
    path.join(__dirname, '../../../samples/targets-2019-xinjiang-market-supervision.txt'),
    'utf8',
  );
  const seed = readCatalogue(tsvRows(seedText), { fiscalYear: 2019 });
  const repo = new CatalogueRepository(conn);
  await importCatalogue(conn, seed, { sourceFile: 'seed', now: new Date('2019-03-01T00:00:00Z') });
  // Each import deleted every snapshot but its own: two at once deleted each other's, and the
  // services fell back to reading every indicator document.
  for (let round = 0; round < 4; round++) {
    const at = new Date(Date.UTC(2019, 3, 1 + round));
    await Promise.all([
      importCatalogue(conn, seed, { sourceFile: 'a', now: at }),
      importCatalogue(conn, seed, { sourceFile: 'b', now: at }),
    ]);
    const snap = await repo.snapshot(2019);
    expect(snap?.projects).toHaveLength(18);
    expect(snap).toEqual(await repo.loadDocuments(2019));
    // The older imports' snapshots are gone: at most the two of this round are left.
    expect((await catalogueSnapshotOf(conn).distinct('token', { year: 2019 })).length).toBeLessThanOrEqual(2);
  }
});

it('lists the fiscal years and finds a snapshot from the years recorded by the imports; a store without them is scanned once', async () => {
  await conn.db!.dropDatabase();
  const repo = new CatalogueRepository(conn);
  const now = new Date('2020-03-01T00:00:00Z');
  // A store imported before the years were recorded: its 2019 is found by a scan of the projects.
  await importCatalogue(conn, table('≥20批'), { sourceFile: 'old', now });
  await catalogueYearsOf(conn).deleteMany({});
  await catalogueVersionOf(conn).updateOne({ _id: 'catalogue' }, { $unset: { years: '' } });
  expect(await repo.fiscalYears()).toEqual([2019]);

  // The next import records its own year and, once, the years already there (without a snapshot token).
  await importCatalogue(conn, table('≥30批', true, 2020), { sourceFile: 'new', now });
  const years = await catalogueYearsOf(conn).find({}).sort({ year: 1 }).toArray();
  expect(years.map((d) => [d._id, d.projects, d.token === null, d.chunks])).toEqual([
    ['2019', 1, true, 0],
    ['2020', 1, false, 1],
  ]);
  expect((await catalogueVersionOf(conn).findOne({ _id: 'catalogue' }))?.years).toBe(true);
  // What the projects say, without reading them: a project of another year written behind the imports' back is not seen.
  await conn.db!.collection('projects').insertOne({ _id: '2018.x.y', fiscalYear: 2018, archived: false } as never);
  expect(await repo.fiscalYears()).toEqual([2020, 2019]);
  await conn.db!.collection('projects').deleteOne({ _id: '2018.x.y' } as never);

  // Both years' snapshots read back as their documents: 2020 by the token its document names, 2019 by listing.
  expect(await repo.snapshot(2020)).toEqual(await repo.loadDocuments(2020));
  expect(await repo.snapshot(2019)).toEqual(await repo.loadDocuments(2019));
  // A token whose chunks are gone (an import at the same time replaced them): the complete snapshot listed is read.
  await catalogueYearsOf(conn).updateOne({ _id: '2020' }, { $set: { token: 'gone' } });
  expect(await repo.snapshot(2020)).toEqual(await repo.loadDocuments(2020));

  // A year whose projects are all archived by its re-import is no longer listed.
  await importCatalogue(conn, { fiscalYear: 2019, problems: [], projects: [] }, { sourceFile: 'empty', now });
  expect(await repo.fiscalYears()).toEqual([2020]);
  await catalogueVersionOf(conn).updateOne({ _id: 'catalogue' }, { $unset: { years: '' } });
  expect(await repo.fiscalYears()).toEqual([2020]);
});

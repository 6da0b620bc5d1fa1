import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot } from '@iw/config';
import {
  KEPT_COLLECTIONS,
  prepareReplay,
  ReplayRefusedError,
  RUNS_COLLECTION,
  setAsidePreviousMail,
} from '@iw/main-job';
import { closeMongo, COLLECTIONS, connectMongo, importCatalogue, type Connection } from '@iw/mongo';
import { SAMPLE_FILES } from '@iw/simulator';
import { parseOwners, parseTargetTable } from '@iw/targets';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/** A replay starts from a clean slate in MONGO_URL's database, keeps the catalogue, and never wipes real data. */

jest.setTimeout(60_000);

const root = findRepoRoot();
const urls: string[] = [];
const conns: Connection[] = [];

async function database(): Promise<Connection> {
  const url = testMongoUrl();
  urls.push(url);
  const conn = await connectMongo(url);
  conns.push(conn);
  const catalogue = parseTargetTable(fs.readFileSync(path.join(root, SAMPLE_FILES.targets), 'utf8'));
  const owners = parseOwners(fs.readFileSync(path.join(root, SAMPLE_FILES.owners), 'utf8'), 'yaml');
  await importCatalogue(conn, catalogue, {
    sourceFile: SAMPLE_FILES.targets,
    owners,
    now: new Date('2019-01-01T00:00:00Z'),
  });
  return conn;
}

const run = (runId: string) => ({ runId, seed: 1, speed: 86_400, from: '', until: '', startedAt: new Date() });
const names = async (conn: Connection) =>
  (await conn.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
const count = (conn: Connection, name: string) => conn.db!.collection(name).countDocuments();

afterAll(async () => {
  await Promise.all(conns.map((c) => closeMongo(c)));
  await Promise.all(urls.map((u) => dropTestDatabase(u)));
});

it('clears what an earlier replay derived and keeps the catalogue', async () => {
  const conn = await database();
  const catalogueBefore = {
    projects: await count(conn, COLLECTIONS.projects),
    indicators: await count(conn, COLLECTIONS.indicators),
    owners: await count(conn, COLLECTIONS.owners),
  };
  // The import may create empty runtime collections (their indexes); those go, the catalogue stays.
  const first = await prepareReplay(conn, run('r1'));
  expect(first.previous).toBeNull();
  for (const kept of [COLLECTIONS.projects, COLLECTIONS.indicators, COLLECTIONS.owners])
    expect(first.dropped).not.toContain(kept);

  // What the services write during a replay (shapes do not matter here).
  for (const name of [
    COLLECTIONS.progress,
    COLLECTIONS.eventIds,
    COLLECTIONS.dlq,
    COLLECTIONS.alerts,
    COLLECTIONS.outbox,
    'service_stats',
  ]) {
    await conn.db!.collection(name).insertOne({ from: 'r1' });
  }
  const second = await prepareReplay(conn, run('r2'));
  expect(second.previous).toBe('r1');
  expect(second.dropped.sort()).toEqual(
    [
      COLLECTIONS.alerts,
      COLLECTIONS.dlq,
      COLLECTIONS.eventIds,
      COLLECTIONS.outbox,
      COLLECTIONS.progress,
      'service_stats',
    ].sort(),
  );
  // Left: the catalogue, the people directory, the link secret, the audit log, the replays.
  const left = await names(conn);
  expect(left.filter((n) => !KEPT_COLLECTIONS.includes(n) && n !== RUNS_COLLECTION)).toEqual([]);
  expect(left).toEqual(
    expect.arrayContaining([COLLECTIONS.indicators, COLLECTIONS.owners, COLLECTIONS.projects, RUNS_COLLECTION]),
  );
  expect({
    projects: await count(conn, COLLECTIONS.projects),
    indicators: await count(conn, COLLECTIONS.indicators),
    owners: await count(conn, COLLECTIONS.owners),
  }).toEqual(catalogueBefore);
  expect(catalogueBefore.projects).toBe(18);
  expect((await conn.db!.collection(RUNS_COLLECTION).find().toArray()).map((d) => d._id).sort()).toEqual(['r1', 'r2']);
});

it('refuses a database with progress that no replay wrote', async () => {
  const conn = await database();
  await conn.db!.collection(COLLECTIONS.progress).insertOne({ _id: '2019.x.y' as never, actual: 3 });
  await expect(prepareReplay(conn, run('r1'))).rejects.toThrow(ReplayRefusedError);
  await expect(prepareReplay(conn, run('r1'))).rejects.toThrow(
    /1 progress documents not written by a replay.*--no-simulate/,
  );
  expect(await count(conn, COLLECTIONS.progress)).toBe(1);
});

it("sets the previous replay's mail aside", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-mail-'));
  const mail = path.join(dir, 'mail');
  fs.mkdirSync(mail);
  fs.writeFileSync(path.join(mail, 'a.eml'), 'x');
  fs.writeFileSync(path.join(mail, 'b.eml'), 'y');
  fs.writeFileSync(path.join(mail, 'notes.txt'), 'kept');
  expect(setAsidePreviousMail(mail)).toBe(2);
  expect(fs.readdirSync(mail)).toEqual(['notes.txt']);
  expect(fs.readdirSync(`${mail}-previous`).sort()).toEqual(['a.eml', 'b.eml']);
  expect(setAsidePreviousMail(mail)).toBe(0);
  expect(setAsidePreviousMail(path.join(dir, 'none'))).toBe(0);
  fs.rmSync(dir, { recursive: true, force: true });
});

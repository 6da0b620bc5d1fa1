import { closeMongo, connectMongo, DirectoryLoader, PeopleRepository, type Connection } from '@iw/mongo';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';
import { AGENCY, ownedProject, projectId } from '../alerting/helpers';

/**
 * The status app's directory on the real store: the people entries are read on every load, the
 * catalogue's side (every project and indicator, the owners) only when an import moved the
 * catalogue's version — on a province that read was about 20 s, paid by every request that
 * filtered by agency.
 */

jest.setTimeout(60_000);

const P = '目录缓存测试项目';
const project = ownedProject(P);
const url = testMongoUrl();
let conn: Connection;

const importWith = async (who: string): Promise<void> => void (await project.importWith(conn, who));

beforeAll(async () => {
  conn = await connectMongo(url);
});

afterAll(async () => {
  await closeMongo(conn);
  await dropTestDatabase(url);
});

it('reads people every time and the catalogue and owners again only after an import', async () => {
  await importWith('first@iw.test');
  let fileStamp = 'a';
  let fileReads = 0;
  const loader = new DirectoryLoader(
    conn,
    () => {
      fileReads += 1;
      return null;
    },
    () => fileStamp,
  );
  const unit = project.unit;

  let d = await loader.load();
  expect(d.ownersOf(unit, projectId(P))).toEqual(['first@iw.test']);
  expect(d.person('first@iw.test')).toMatchObject({ role: 'owner', agencies: [AGENCY] });

  // The year's snapshot rewritten behind the catalogue's back (no import, so no new version):
  // not read again; a person added is there at the next load.
  const snapshots = conn.db!.collection<{ _id: string; json: string }>('catalogue_snapshot');
  const renamed = async () => {
    for (const c of await snapshots.find({}).toArray())
      await snapshots.updateOne({ _id: c._id }, { $set: { json: c.json.split(AGENCY).join('旁路单位') } });
  };
  await renamed();
  await new PeopleRepository(conn).put(
    { email: 'office@iw.test', name: '李敏', role: 'office', agency: AGENCY },
    'cli',
    new Date(),
  );
  d = await loader.load();
  expect(d.person('office@iw.test')).toMatchObject({ role: 'office', agencies: [AGENCY] });
  expect(d.knowsAgency(AGENCY)).toBe(true);
  expect(d.knowsAgency('旁路单位')).toBe(false);

  // An import writes a new version: the new owners, and the catalogue as its snapshot says.
  await importWith('second@iw.test');
  d = await loader.load();
  expect(d.ownersOf(unit, projectId(P))).toEqual(['second@iw.test']);
  expect(d.person('first@iw.test')).toBeNull();
  expect(d.person('office@iw.test')).toMatchObject({ role: 'office' });
  expect(d.knowsAgency(AGENCY)).toBe(true);

  // The owners file is not used while MongoDB holds owners; its stamp moving still reads again.
  await renamed();
  expect((await loader.load()).knowsAgency('旁路单位')).toBe(false);
  fileStamp = 'b';
  expect((await loader.load()).knowsAgency('旁路单位')).toBe(true);
  expect(fileReads).toBe(0);
});

it('reads the projects and indicators themselves where a year has no snapshot (a store imported before them)', async () => {
  await importWith('first@iw.test');
  await conn.db!.collection('catalogue_snapshot').deleteMany({});
  const d = await new DirectoryLoader(conn, () => null).load();
  expect(d.knowsAgency(AGENCY)).toBe(true);
  expect(d.ownersOf(project.unit, projectId(P))).toEqual(['first@iw.test']);
  expect(d.person('first@iw.test')).toMatchObject({ role: 'owner', agencies: [AGENCY] });
});

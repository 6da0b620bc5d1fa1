import { loadConfig } from '@iw/config';
import { CatalogueRepository, closeMongo, connectMongo, type Connection } from '@iw/mongo';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';
import { OwnersService } from '../../../apps/alerting/src/services/owners.service';
import { indicatorId, ownedProject, projectId } from './helpers';

/**
 * The route stage's address book on the real store: alerting reads the owners document again
 * only when an import has written a new catalogue token, and an import that changes the owners
 * reaches it at the next check.
 */

jest.setTimeout(60_000);

const P = '通讯录测试项目';
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

it('reads the owners once per catalogue token, and a re-import with new owners reaches the resolver', async () => {
  await importWith('first@iw.test');
  const repo = new CatalogueRepository(conn);
  let ownerReads = 0;
  const read = repo.owners.bind(repo);
  repo.owners = () => {
    ownerReads += 1;
    return read();
  };
  const service = new OwnersService(loadConfig({ ...process.env, MONGO_URL: url }), repo);
  const route = async (realNow: number) =>
    (await service.resolver(realNow))(projectId(P), indicatorId(P, '汽油抽检批次'));

  expect(await route(0)).toEqual(['first@iw.test']);
  expect(ownerReads).toBe(1);
  // Checks after the recheck interval with the same token: the owners are not read again.
  expect(await route(10_000)).toEqual(['first@iw.test']);
  expect(await route(20_000)).toEqual(['first@iw.test']);
  expect(ownerReads).toBe(1);

  await importWith('second@iw.test');
  // Within the recheck interval the cached owners still answer; after it, the new ones.
  expect(await route(21_000)).toEqual(['first@iw.test']);
  expect(await route(30_000)).toEqual(['second@iw.test']);
  expect(ownerReads).toBe(2);

  // A re-import with the same owners writes a new token: read once more, same owners.
  await importWith('second@iw.test');
  expect(await route(40_000)).toEqual(['second@iw.test']);
  expect(await route(50_000)).toEqual(['second@iw.test']);
  expect(ownerReads).toBe(3);
});

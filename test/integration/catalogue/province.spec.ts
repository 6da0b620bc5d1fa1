import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { memoryIo, runCli } from '@iw/cli';
import { connectMongo, indicatorsOf, ownersOf, projectsOf, type Connection } from '@iw/mongo';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/**
 * `iw simulate province` then `iw targets import <folder>` against the real MongoDB-compatible
 * server: every agency's table in one import, owners with it; a second import changes nothing;
 * a folder with a broken table is refused whole, naming the file.
 */
const mongoUrl = testMongoUrl();
let conn: Connection;
const savedUrl = process.env.MONGO_URL;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-province-import-'));

async function iw(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

beforeAll(async () => {
  process.env.MONGO_URL = mongoUrl;
  conn = await connectMongo(mongoUrl);
});

afterAll(async () => {
  process.env.MONGO_URL = savedUrl;
  await conn.close();
  await dropTestDatabase(mongoUrl);
  fs.rmSync(dir, { recursive: true, force: true });
});

it('imports a generated province from its folder, owners with it; a second import changes nothing', async () => {
  const out = path.join(dir, 'p');
  const made = await iw('simulate', 'province', '--agencies', '3', '--seed', '4', '--indicators', '60', '--out', out);
  expect(made.code).toBe(0);
  const [, , projects, indicators] = /(\d+) agencies, (\d+) projects, (\d+) indicators/.exec(made.out)!.map(Number);
  const targets = path.join(out, 'targets');
  const owners = path.join(out, 'owners.yaml');

  const first = await iw('targets', 'import', targets, '--owners', owners);
  expect([first.code, first.err]).toEqual([0, '']);
  expect(first.out).toMatch(new RegExp(`projects\\s*: ${projects} added`));
  expect(first.out).toMatch(new RegExp(`indicators: ${indicators} added`));
  expect(await projectsOf(conn).countDocuments()).toBe(projects);
  expect(await indicatorsOf(conn).countDocuments()).toBe(indicators);
  expect((await ownersOf(conn).findOne({ _id: 'owners' }))?.fallback).toBe('office@czt.example.gov.cn');

  const second = await iw('targets', 'import', targets, '--owners', owners);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(
    new RegExp(`indicators: 0 added, 0 updated, 0 revived, 0 archived, ${indicators} unchanged`),
  );

  // A broken table: the whole folder is refused, nothing changes.
  const [firstFile] = fs.readdirSync(targets).sort();
  fs.writeFileSync(path.join(targets, '999-broken.txt'), fs.readFileSync(path.join(targets, firstFile), 'utf8'));
  const broken = await iw('targets', 'import', targets, '--owners', owners);
  expect(broken.code).toBe(1);
  expect(broken.err).toContain(`${path.join(targets, '999-broken.txt')}: line `);
  expect(broken.err).toContain(`is also in ${firstFile}`);
  expect(await indicatorsOf(conn).countDocuments()).toBe(indicators);
});

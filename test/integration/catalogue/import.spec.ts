import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { memoryIo, runCli } from '@iw/cli';
import {
  connectMongo,
  indicatorsOf,
  ownersOf,
  progressOf,
  projectsOf,
  ProgressRepository,
  type Connection,
} from '@iw/mongo';
import { indicatorId } from '@iw/targets';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/** The sample table's 预算单位 (the agency its ids carry). */
const SEED_AGENCY = '新疆维吾尔自治区市场监督管理局';

/**
 * `iw targets import` against the real MongoDB-compatible server: a second import changes
 * nothing; an edited table updates targets in place (progress kept) and archives indicators
 * that disappeared; `iw progress --json` reads it back.
 */
const ROOT = path.resolve(__dirname, '../../..');
const SEED = path.join(ROOT, 'samples/targets-2019-xinjiang-market-supervision.txt');
const OWNERS = path.join(ROOT, 'samples/owners.yaml');
const P = '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费';
const mongoUrl = testMongoUrl();
let conn: Connection;
const savedUrl = process.env.MONGO_URL;

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
});

it('imports the seed with owners, and a second import changes nothing', async () => {
  const first = await iw('targets', 'import', SEED, '--owners', OWNERS);
  expect(first.err).toBe('');
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/projects\s*: 18 added/);
  expect(first.out).toMatch(/indicators: 301 added/);
  expect(await projectsOf(conn).countDocuments()).toBe(18);
  expect(await indicatorsOf(conn).countDocuments()).toBe(301);
  expect((await ownersOf(conn).findOne({ _id: 'owners' }))?.fallback).toMatch(/@/);

  const second = await iw('targets', 'import', SEED, '--owners', OWNERS);
  expect(second.code).toBe(0);
  expect(second.out).toMatch(/projects\s*: 0 added, 0 updated, 0 revived, 0 archived, 18 unchanged/);
  expect(second.out).toMatch(/indicators: 0 added, 0 updated, 0 revived, 0 archived, 301 unchanged/);
  expect(second.out).not.toMatch(/owners stored/);
});

it('updates an edited target in place keeping progress, and archives a removed indicator', async () => {
  const gasoline = indicatorId(2019, SEED_AGENCY, P, '汽油抽检批次');
  const diesel = indicatorId(2019, SEED_AGENCY, P, '柴油抽检批次');
  // Progress recorded before the edit must survive it.
  const repo = new ProgressRepository(conn);
  const period = { from: '2019-01-01', to: '2019-12-31' };
  expect(
    await repo.save(
      [
        {
          progress: {
            id: gasoline,
            measure: 'sum',
            actual: 42,
            eventCount: 3,
            firstEventAt: null,
            lastEventAt: null,
            history: [],
            period,
            applied: {},
            version: 1,
          },
          indicatorId: gasoline,
          projectId: '2019.x',
        },
      ],
      new Date(),
    ),
  ).toEqual({ lost: [] });

  const text = fs.readFileSync(SEED, 'utf8').split('\n');
  const gasLine = text.findIndex((l) => l.includes('汽油抽检批次'));
  const dieselLine = text.findIndex((l) => l.includes('柴油抽检批次'));
  expect(text[gasLine]).toMatch(/700/);
  text[gasLine] = text[gasLine].replace('700', '800');
  text.splice(dieselLine, 1);
  const edited = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iw-')), 'edited.txt');
  fs.writeFileSync(edited, text.join('\n'));

  const res = await iw('targets', 'import', edited);
  expect(res.code).toBe(0);
  expect(res.out).toMatch(/indicators: 0 added, \d+ updated, 0 revived, 1 archived/);
  expect(res.out).toContain(`~ ${gasoline} (`);
  expect(res.out).toContain(`- ${diesel} (archived; progress kept)`);

  const g = await indicatorsOf(conn).findOne({ _id: gasoline });
  expect(g?.target).toMatchObject({ kind: 'numeric', op: '>=', value: 800 });
  expect((await indicatorsOf(conn).findOne({ _id: diesel }))?.archived).toBe(true);
  expect((await progressOf(conn).findOne({ _id: gasoline }))?.actual).toBe(42);

  // Back to the original: the diesel indicator is revived, the target restored.
  const back = await iw('targets', 'import', SEED);
  expect(back.out).toMatch(/1 revived/);
  expect((await indicatorsOf(conn).findOne({ _id: diesel }))?.archived).toBe(false);
});

it('prints progress as JSON, one row per indicator, compound part and project budget', async () => {
  const res = await iw('progress', '--json', '--project', P);
  expect(res.code).toBe(0);
  const rows = JSON.parse(res.out) as Array<Record<string, unknown>>;
  const gas = rows.find((r) => r.id === indicatorId(2019, SEED_AGENCY, P, '汽油抽检批次'));
  expect(gas).toMatchObject({
    project: P,
    name: '汽油抽检批次',
    actual: 42,
    period: { from: '2019-01-01', to: '2019-12-31' },
  });
  expect(rows.some((r) => String(r.id).endsWith('#budget'))).toBe(true);
  expect(Object.keys(gas!).sort()).toEqual(['actual', 'id', 'lastEventAt', 'name', 'period', 'project', 'target']);
});

it('rejects an owners file with a bad address, naming where', async () => {
  const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iw-')), 'owners.yaml');
  fs.writeFileSync(bad, 'fallback: ops@example.gov.cn\nprojects:\n  X: ["not-an-email"]\n');
  const res = await iw('targets', 'import', SEED, '--owners', bad);
  expect(res.code).toBe(1);
  expect(res.err).toMatch(/owners\.yaml.*projects/);
});

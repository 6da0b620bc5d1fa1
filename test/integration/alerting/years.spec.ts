import type { INestMicroservice } from '@nestjs/common';
import { FixedClock, localDate } from '@iw/clock';
import { EvaluationRepository, FiscalYearRepository, importCatalogue } from '@iw/mongo';
import { parseOwners, parseTargetTable } from '@iw/targets';
import { waitFor } from '@iw/testing';
import { AGENCY, createWorld, indicatorId, sweptOn, targetTable, type ProjectSpec, type World } from './helpers';

/**
 * Several fiscal years open at once, on the real broker and FerretDB: alerting judges the
 * indicators of every open year (last year's until it is closed, this year's), and once
 * `iw years close 2019` has closed a year its units are no longer judged.
 */

jest.setTimeout(120_000);

const P = '跨年测试项目';
const OWNERS = `fallback: ops@iw.test\nprojects:\n  ${P}: [p@iw.test]\n`;
const PROJECTS: ProjectSpec[] = [{ name: P, indicators: [['汽油抽检批次', '数量指标', '≥700批次']] }];
const U2019 = indicatorId(P, '汽油抽检批次');
const U2020 = `2020.${AGENCY}.${P}.汽油抽检批次`;
const TZ = 'Asia/Shanghai';
// Mid-January 2020: 2019's stragglers may still come, so 2019 stays open until it is closed.
const clock = new FixedClock(Date.parse('2020-01-15T12:00:00+08:00'));

let world: World;
let app: INestMicroservice;

const evaluations = () => new EvaluationRepository(world.conn).find([U2019, U2020]);

beforeAll(async () => {
  world = await createWorld(PROJECTS, OWNERS);
  await importCatalogue(world.conn, parseTargetTable(targetTable(PROJECTS), { fiscalYear: 2020 }), {
    sourceFile: 'test-2020',
    owners: parseOwners(OWNERS, 'yaml'),
    now: new Date(),
  });
  // 2019 fell short: 300 of ≥700 batches by the end of the year.
  await world.setProgress(U2019, 'sum', { actual: 300 }, false);
  app = await world.start(clock);
});

afterAll(async () => {
  await app?.close();
  await world?.teardown();
});

it('judges every open year, and no longer a year once it is closed', async () => {
  const first = await waitFor(
    async () => {
      const e = await evaluations();
      return e.size === 2 ? e : null;
    },
    { timeoutMs: 30_000, message: 'both years judged by the first sweep' },
  );
  // Last year's indicator is judged as of now: its year is over and it fell short.
  expect(first.get(U2019)!.status).toBe('missed');
  expect(first.get(U2020)).toBeDefined();

  // Each year's indicator and its project's budget track.
  expect(await sweptOn(app, '2020-01-15', TZ)).toBe(4);

  await new FiscalYearRepository(world.conn).close(2019, 'test', new Date());
  // Alerting looks at the closed years with the catalogue (every 5 s of real time).
  await new Promise((r) => setTimeout(r, 6000));
  clock.advance(86_400_000);
  // The new day's sweep judges 2020 only.
  expect(await sweptOn(app, localDate(clock.now(), TZ), TZ)).toBe(2);
  const after = await evaluations();
  expect(after.get(U2019)!.evaluatedAt).toEqual(first.get(U2019)!.evaluatedAt);
  expect(localDate(after.get(U2019)!.evaluatedAt.getTime(), TZ)).toBe('2020-01-15');
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ExcelJS from 'exceljs';
import { memoryIo, runCli } from '@iw/cli';
import { applyEvents } from '@iw/measures';
import {
  CatalogueRepository,
  connectMongo,
  importCatalogue,
  ProgressRepository,
  targetHistoryOf,
  type Connection,
  type ProjectIndexDoc,
} from '@iw/mongo';
import type { AgencyMonitoringReport, IndicatorRow } from '@iw/report';
import { parseTargetTable } from '@iw/targets';
import { AgencyMonitoringReportSchema } from '../../../apps/status/src/dtos/project.dto';
import { catalogue, IDS, startHarness, TZ, type StatusHarness } from './harness';
import { AGENCY_A } from './people-world';

/**
 * The department 绩效监控表 through the real status app and FerretDB, and `iw report` on the same
 * database: a 汇总 sheet and one sheet per project of the seed agency; after a target is changed
 * by a re-import, a 偏差原因 recorded and an assessment made, all dated after 1 July, the report as
 * of 1 July is what it was before (JSON and every cell of the workbook), and today's differs from
 * it exactly at those three indicators.
 */

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const BEFORE = Date.parse('2019-07-02T12:00:00+08:00');
const AFTER = Date.parse('2019-08-02T12:00:00+08:00');
const url = (asOf: string, format = 'json') =>
  `/api/agencies/${encodeURIComponent(AGENCY_A)}/monitoring-report?asOf=${asOf}&format=${format}`;

let h: StatusHarness;
let conn: Connection;
let out: string;
beforeAll(async () => {
  h = await startHarness();
  conn = await connectMongo(h.mongoUrl);
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-agency-report-'));
});
afterAll(async () => {
  await conn?.close();
  await h?.close();
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

async function report(asOf: string): Promise<AgencyMonitoringReport> {
  const res = await h.get(url(asOf));
  expect(res.status).toBe(200);
  return AgencyMonitoringReportSchema.parse(await res.json()) as AgencyMonitoringReport;
}

/** Every non-empty cell of every sheet, as text, by sheet name. */
async function cells(asOf: string): Promise<Map<string, string[]>> {
  const res = await h.get(url(asOf, 'xlsx'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/spreadsheetml/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return sheetsOf(wb);
}

function sheetsOf(wb: ExcelJS.Workbook): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const ws of wb.worksheets) {
    const texts: string[] = [];
    ws.eachRow((row, r) =>
      row.eachCell((c, col) => {
        const v = c.text;
        if (v !== '') texts.push(`${r}:${col}=${v}`);
      }),
    );
    out.set(ws.name, texts);
  }
  return out;
}

async function iw(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const all = { MONGO_URL: h.mongoUrl, IW_TIMEZONE: TZ, IW_BINDINGS: path.join(ROOT, 'samples/bindings.yaml'), ...env };
  const saved = Object.fromEntries(Object.keys(all).map((k) => [k, process.env[k]]));
  Object.assign(process.env, all);
  try {
    const io = memoryIo();
    const code = await runCli(['node', 'iw', ...args], io);
    return { code, out: io.stdout(), err: io.stderr() };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

const rows = (r: AgencyMonitoringReport) =>
  new Map(r.projects.flatMap((p) => p.indicators.map((i) => [i.indicatorId, i])));
const recorded = (i: IndicatorRow) => JSON.stringify([i.name, i.value, i.deviation, i.measures]);

it('serves the seed agency: a 汇总 sheet and 18 project sheets; as of 1 July, 1-6月', async () => {
  h.clock.set(BEFORE);
  const r = await report('2019-07-01');
  expect(r).toMatchObject({ agency: AGENCY_A, fiscalYear: 2019, asOf: '2019-07-01', month: 6 });
  expect(r.summary).toHaveLength(18);
  expect(r.projects.map((p) => p.budgetUnit)).toEqual(Array(18).fill(AGENCY_A));
  expect(r.totals.indicators).toBe(r.projects.reduce((n, p) => n + p.indicators.length, 0));
  const inspect = r.summary.find((s) => s.projectId === IDS.inspect)!;
  expect(inspect.executionRate).toBeCloseTo(32, 0); // 60 万元 of 187.5
  expect(inspect.behind).toBe(true); // 序时进度 ≈ 49.9 %

  const sheets = await cells('2019-07-01');
  expect([...sheets.keys()]).toHaveLength(19);
  expect([...sheets.keys()][0]).toBe('汇总');
  expect(sheets.get('汇总')!.join('\n')).toContain('1-6月执行数（万元）');
  for (const [name, texts] of [...sheets].slice(1)) {
    expect(texts.join('\n')).toContain('1-6月执行情况');
    expect(name.length).toBeLessThanOrEqual(31);
  }

  // Another agency's name is a 404; a date it cannot read a 400.
  const unknown = await h.get(`/api/agencies/${encodeURIComponent('无此单位')}/monitoring-report`);
  expect(unknown.status).toBe(404);
  expect(((await unknown.json()) as { message: string }).message).toMatch(/^找不到预算单位：无此单位/);
  expect((await h.get(url('2019-02-30'))).status).toBe(400);
});

it('a back-dated report reads what was valid then; today’s differs exactly where a target, assessment or 偏差原因 changed', async () => {
  h.clock.set(BEFORE);
  const before = await report('2019-07-01');
  const beforeCells = await cells('2019-07-01');

  // A month later: gasoline's target raised by a re-import, a 偏差原因 for diesel, a new assessment of influence.
  h.clock.set(AFTER);
  const cat = catalogue();
  const gas = cat.projects.flatMap((p) => p.indicators).find((i) => i.id === IDS.gasoline)!;
  expect(gas.value).toBe('≥ 700 批次');
  gas.value = '≥ 800 批次';
  gas.target = { ...gas.target, value: 800 } as typeof gas.target;
  // The inspection project's funds and goal are restated,
  const inspect = cat.projects.find((p) => p.id === IDS.inspect)!;
  inspect.funds = { ...inspect.funds, total: 200 };
  inspect.goal = `${inspect.goal}（调整）`;
  // And the compound training indicator (with progress on one part) is gone from the edited table.
  const gongshang = cat.projects.find((p) => p.id === IDS.gongshang)!;
  gongshang.indicators = gongshang.indicators.filter((i) => i.id !== IDS.training);
  const imported = await importCatalogue(conn, cat, {
    sourceFile: 'edited',
    now: new Date(),
    validFrom: new Date(AFTER),
  });
  expect(imported.diff.indicators.updated.map((c) => c.after.id)).toEqual([IDS.gasoline]);
  expect(imported.diff.indicators.archived.map((i) => i.id)).toEqual([IDS.training]);
  expect(imported.diff.projects.updated.map((c) => c.after.id)).toEqual([IDS.inspect]);
  expect(await targetHistoryOf(conn).countDocuments({ indicatorId: IDS.gasoline })).toBe(2);

  const dev = await h.get(`/api/indicators/${encodeURIComponent(IDS.diesel)}/deviation`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ category: '经费保障', remark: '资金晚到', measures: '加快拨付' }),
  });
  expect(dev.status).toBe(200);

  const unit = h.units.get(IDS.influence)!;
  await new ProgressRepository(conn).update(
    [IDS.influence],
    (p) => ({
      progress: applyEvents(
        p,
        { id: unit.id, measure: unit.measure, period: unit.period, scale: unit.scale, of: unit.of },
        [
          {
            trackedId: unit.id,
            eventId: 'later-assessment',
            occurredAt: '2019-07-20T10:00:00+08:00',
            input: { kind: 'assessment', likelihood: '确定能', text: '宣传已覆盖' },
            position: { topic: 'later', partition: 0, offset: 0 },
          },
        ],
        TZ,
      ),
      indicatorId: unit.indicatorId,
      projectId: unit.projectId,
    }),
    new Date(AFTER),
  );

  // As of 1 July nothing recorded later shows: the JSON and every cell of the workbook are as they were.
  expect(await report('2019-07-01')).toEqual(before);
  expect(await cells('2019-07-01')).toEqual(beforeCells);

  // Today's shows the three changes, and no other indicator's target or 偏差原因 differs.
  const today = await report('2019-08-02');
  const was = rows(before);
  const now = rows(today);
  expect(was.get(IDS.training)!.execution).toMatch(/12/); // still there as of 1 July, with its progress
  expect([...now.keys()].sort()).toEqual([...was.keys()].filter((id) => id !== IDS.training).sort());
  const changed = [...now.values()].filter((i) => recorded(i) !== recorded(was.get(i.indicatorId)!));
  expect(changed.map((i) => i.indicatorId).sort()).toEqual([IDS.diesel, IDS.gasoline].sort());
  expect(now.get(IDS.gasoline)!.value).toBe('≥ 800 批次');
  expect(was.get(IDS.gasoline)!.value).toBe('≥ 700 批次');
  expect(now.get(IDS.diesel)).toMatchObject({
    deviation: { category: '经费保障', remark: '资金晚到' },
    measures: '加快拨付',
  });
  const assessed = [...now.values()].filter((i) => i.status === 'manual' || i.execution.includes('人工评估'));
  const assessedChanged = assessed.filter((i) => i.execution !== was.get(i.indicatorId)!.execution);
  expect(assessedChanged.map((i) => i.indicatorId)).toEqual([IDS.influence]);
  expect(now.get(IDS.influence)).toMatchObject({ likelihood: '确定能' });
  expect(now.get(IDS.influence)!.execution).toContain('宣传已覆盖');
  expect(was.get(IDS.influence)!.execution).toContain('覆盖面不足');
  expect(today.month).toBe(7);
  // Project heads: only the restated one differs.
  const head = (r: AgencyMonitoringReport) =>
    new Map(r.projects.map((p) => [p.projectId, JSON.stringify([p.projectName, p.goal, p.funding[0].budget])]));
  const headsThen = head(before);
  const headsNow = head(today);
  expect([...headsNow].filter(([id, h]) => headsThen.get(id) !== h).map(([id]) => id)).toEqual([IDS.inspect]);
  expect(today.projects.find((p) => p.projectId === IDS.inspect)!.funding[0].budget).toBe(200);
  expect(before.projects.find((p) => p.projectId === IDS.inspect)!.funding[0].budget).toBe(187.5);
});

it('reads each project by _id from its index, and the same by field where a project has none', async () => {
  h.clock.set(AFTER);
  // What the imports wrote: the inspection project's index names gasoline's two target versions
  // and both versions of its head; the training indicator, archived, stays in its project's.
  const index = conn.db!.collection<ProjectIndexDoc>('project_index');
  const inspect = await index.findOne({ _id: IDS.inspect });
  expect(inspect!.targetVersions.filter((id) => id.startsWith(`${IDS.gasoline}@`))).toHaveLength(2);
  expect(inspect!.projectVersions).toHaveLength(2);
  expect((await index.findOne({ _id: IDS.gongshang }))!.indicators).toContain(IDS.training);
  const byIndex = [await report('2019-07-01'), await report('2019-08-02')];
  expect(byIndex[0]).not.toEqual(byIndex[1]);
  // One project without an index (a store imported before them): the report reads by field.
  await index.deleteOne({ _id: IDS.inspect });
  expect([await report('2019-07-01'), await report('2019-08-02')]).toEqual(byIndex);
  // The next import of the year gives it one again, whole (the same table: nothing else changes).
  const same = await importCatalogue(conn, await new CatalogueRepository(conn).load(2019), {
    sourceFile: 'again',
    now: new Date(),
  });
  expect(same.diff.indicators.updated).toEqual([]);
  const again = await index.findOne({ _id: IDS.inspect });
  expect(new Set(again!.targetVersions)).toEqual(new Set(inspect!.targetVersions));
  expect(new Set(again!.indicators)).toEqual(new Set(inspect!.indicators));
  expect([await report('2019-07-01'), await report('2019-08-02')]).toEqual(byIndex);
});

it('iw report writes the same workbook and JSON as the API', async () => {
  h.clock.set(AFTER);
  const env = { IW_CLOCK: 'sim:2019-08-02T12:00:00+08:00@1' };
  const file = path.join(out, 'report.xlsx');
  const x = await iw(env, 'report', '--agency', AGENCY_A, '--as-of', '2019-07-01', '--out', file);
  expect(x).toMatchObject({ code: 0, err: '' });
  expect(x.out).toMatch(/18 projects/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  expect(sheetsOf(wb)).toEqual(await cells('2019-07-01'));

  const j = await iw(env, 'report', '--agency', AGENCY_A, '--as-of', '2019-07-01', '--format', 'json');
  expect(j.code).toBe(0);
  expect(JSON.parse(j.out)).toEqual(await report('2019-07-01'));

  const bad = await iw(env, 'report', '--agency', '无此单位', '--format', 'json');
  expect(bad.code).not.toBe(0);
  expect(bad.err).toMatch(/no agency "无此单位"/);
  const badDate = await iw(env, 'report', '--agency', AGENCY_A, '--as-of', '2019-13-01', '--format', 'json');
  expect(badDate.err).toMatch(/asOf must be a date/);
});

it('takes a fiscal year (?year=): after 2020 is imported, 2019 stays readable', async () => {
  h.clock.set(AFTER);
  const text = fs.readFileSync(path.join(ROOT, 'samples/targets-2019-xinjiang-market-supervision.txt'), 'utf8');
  await importCatalogue(conn, parseTargetTable(text, { fiscalYear: 2020 }), {
    sourceFile: 'targets-2020',
    now: new Date(),
  });
  // The store re-reads the catalogue every 2 s.
  await new Promise((r) => setTimeout(r, 2_500));
  const body = async (p: string) => {
    const res = await h.get(p);
    return { status: res.status, body: (await res.json()) as any };
  };
  const newest = await body('/api/projects');
  expect(newest.body.fiscalYear).toBe(2020);
  expect(newest.body.projects.every((p: { id: string }) => p.id.startsWith('2020.'))).toBe(true);
  const y2019 = await body('/api/projects?year=2019');
  expect(y2019.body.fiscalYear).toBe(2019);
  expect(y2019.body.projects.find((p: { id: string }) => p.id === IDS.inspect)).toMatchObject({ spent: 60 });
  expect((await body('/api/projects?year=2018')).status).toBe(404);
  expect((await body('/api/projects?year=abc')).status).toBe(400);
  const indicators = await body('/api/indicators?year=2019');
  expect(indicators.body.fiscalYear).toBe(2019);
  expect(indicators.body.indicators.some((i: { id: string }) => i.id === IDS.gasoline)).toBe(true);
  // A 2019 project, its indicator and its report are still served (in their own year).
  expect((await body(`/api/projects/${encodeURIComponent(IDS.inspect)}`)).body.fiscalYear).toBe(2019);
  expect((await body(`/api/indicators/${encodeURIComponent(IDS.gasoline)}`)).status).toBe(200);
  expect(
    (await body(`/api/projects/${encodeURIComponent(IDS.inspect)}/monitoring-report?asOf=2019-12-31`)).body,
  ).toMatchObject({ fiscalYear: 2019, month: 12 });
  // The dashboard too.
  const home = await h.get('/?year=2019');
  expect(home.status).toBe(200);
  expect(await home.text()).toContain('预算单位总览（2019年度）');
  expect(await (await h.get('/')).text()).toContain('预算单位总览（2020年度）');
  const agency2019 = await (await h.get(`/?year=2019&agency=${encodeURIComponent(AGENCY_A)}`)).text();
  expect(agency2019).toContain(`${AGENCY_A}（2019年度）`);
  expect(agency2019).toContain(`data-project="${IDS.inspect}"`);
  expect((await h.get('/?year=19')).status).toBe(400);
  const newestReport = await report('2020-01-31');
  expect(newestReport.projects.every((p) => p.projectId.startsWith('2020.'))).toBe(true); // the newest by default
  const res = await h.get(`${url('2019-07-01')}&year=2019`);
  const old = AgencyMonitoringReportSchema.parse(await res.json());
  expect(old.fiscalYear).toBe(2019);
  expect(old.summary.find((s) => s.projectId === IDS.inspect)).toMatchObject({ executed: 60 });
  const env = { IW_CLOCK: 'sim:2019-08-02T12:00:00+08:00@1' };
  const cli = await iw(
    env,
    'report',
    '--agency',
    AGENCY_A,
    '--year',
    '2019',
    '--as-of',
    '2019-07-01',
    '--format',
    'json',
  );
  expect(JSON.parse(cli.out)).toEqual(old);
  expect((await iw(env, 'report', '--agency', AGENCY_A, '--year', '2018', '--format', 'json')).err).toMatch(
    /no fiscal year 2018/,
  );
});

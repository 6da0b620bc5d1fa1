import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { workbookBytes } from '../../../targets/test/workbook';
import { SEVERAL_SHEETS } from '../../../targets/test/templates/workbooks';
import { memoryIo } from '../cli-io';
import { runCli } from '../main';

const SEED = join(__dirname, '../../../../samples/targets-2019-xinjiang-market-supervision.txt');

async function iw(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('iw targets parse', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iw-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the documented JSON shape for the seed', async () => {
    const r = await iw('targets', 'parse', SEED, '--json');
    expect([r.code, r.err]).toEqual([0, '']);
    const json = JSON.parse(r.out);
    expect(json.fiscalYear).toBe(2019);
    expect(json.projects).toHaveLength(18);
    expect(json.projects.reduce((n: number, p: { indicators: unknown[] }) => n + p.indicators.length, 0)).toBe(301);
    expect(json.projects[0].indicators[0]).toEqual({
      id: '2019.新疆维吾尔自治区市场监督管理局.个体私营经济发展小个专党建工作及地理标志商标宣传经费.打造非公党建示范点完成时间',
      line: 9,
      level1: '项目完成指标',
      level2: '时效指标',
      name: '打造非公党建示范点完成时间',
      value: '2019年10月31日前',
      target: { kind: 'deadline', by: '2019-10-31' },
    });
  });

  it("prints the seed's recurring and year-on-year rows in their readings", async () => {
    const json = JSON.parse((await iw('targets', 'parse', SEED, '--json')).out) as {
      projects: Array<{ indicators: Array<{ line: number; name: string; value: string; target: { kind: string } }> }>;
    };
    const rows = json.projects
      .flatMap((p) => p.indicators)
      .filter((i) => i.target.kind === 'recurring' || i.target.kind === 'relative')
      .map(({ line, name, value, target }) => ({ line, name, value, target }));
    expect(rows).toEqual([
      {
        line: 254,
        name: '社会影响力',
        value: '逐年增加',
        target: { kind: 'relative', op: '>', change: 0, unit: '%', base: 'previous_year' },
      },
      {
        line: 295,
        name: '“法治新疆网”每月通报',
        value: '优数量≥1',
        target: { kind: 'recurring', every: 'month', count: 1, op: '>=', dueDay: null },
      },
    ]);
  });

  it('prints a readable summary per project with problem lines', async () => {
    const r = await iw('targets', 'parse', SEED);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`${SEED}: fiscal year 2019, 18 projects, 301 indicators`);
    expect(lines[1]).toBe(
      '  by shape: numeric 243, range 1, deadline 11, window 3, compound 7, formula 1, qualitative 33, recurring 1, relative 1',
    );
    expect(lines).toContain('line 117  市场监管系统服装  (项目支出绩效目标表, 26 万元)');
    expect(lines).toContain('    13 indicators: numeric 13');
    expect(lines).toContain(
      '    line  127  warning  「购置合同执行违规率」 <0: cannot be met by definition: nothing is < 0',
    );
  });

  it('takes the fiscal year from --year', async () => {
    const r = await iw('targets', 'parse', SEED, '--json', '--year', '2020');
    expect(JSON.parse(r.out).projects[1].indicators[0].id).toBe(
      '2020.新疆维吾尔自治区市场监督管理局.工商行政管理业务费.案件办结率',
    );
  });

  it('reads .csv and .xlsx files', async () => {
    const rows = [
      ['预算单位', '某局', '项目名称', '测试项目'],
      ['一级指标', '二级指标', '三级指标', '指标值'],
      ['产出指标', '时效指标', '完成时间', '2021年6月底'],
    ];
    const csv = join(dir, 't.csv');
    writeFileSync(csv, rows.map((r) => r.join(',')).join('\n'));
    const xlsx = join(dir, 't.xlsx');
    const single = new ExcelJS.Workbook();
    const ws = single.addWorksheet('目标表');
    rows.forEach((r) => ws.addRow(r));
    await single.xlsx.writeFile(xlsx);
    for (const file of [csv, xlsx]) {
      const json = JSON.parse((await iw('targets', 'parse', file, '--json')).out);
      expect(json.projects[0].indicators[0]).toMatchObject({
        id: '2021.某局.测试项目.完成时间',
        target: { kind: 'deadline', by: '2021-06-30' },
      });
    }
  });

  it('reads a split-column workbook: operator, value and unit from their own columns, lines per sheet', async () => {
    const xlsx = join(dir, 'split.xlsx');
    writeFileSync(xlsx, await workbookBytes(SEVERAL_SHEETS));
    const r = await iw('targets', 'parse', xlsx, '--json');
    expect([r.code, r.err]).toEqual([0, '']);
    const json = JSON.parse(r.out);
    const a = json.projects.find((p: { sheet: string }) => p.sheet === '项目A');
    expect(a.indicators.slice(0, 3)).toMatchObject([
      { sheet: '项目A', line: 7, value: '≥3000批次', target: { kind: 'numeric', op: '>=', value: 3000, unit: '批次' } },
      {
        sheet: '项目A',
        line: 8,
        value: '≥10000批次',
        target: { kind: 'numeric', op: '>=', value: 10000, unit: '批次' },
      },
      { sheet: '项目A', line: 9, value: '≥95%', target: { kind: 'numeric', op: '>=', value: 95, unit: '%' } },
    ]);
    const summary = (await iw('targets', 'parse', xlsx)).out.split('\n');
    expect(summary).toContain('sheet 项目A line 3  食品安全抽检监测  (项目支出绩效目标表, 120 万元)');
    expect(summary).toContain(
      '    sheet 填报说明 line    1  info     sheet 「填报说明」 holds no target table (no 绩效目标表 title, 项目名称 or 指标值 header); skipped',
    );
  });

  it.each([
    ['a missing file', ['nope.txt'], /^iw: nope\.txt: no such file\n$/],
    [
      'a folder without tables',
      ['<folder>'],
      /^iw: .*empty: no target tables \(\.txt, \.tsv, \.csv, \.xlsx\) in the folder\n$/,
    ],
    [
      'a file that is not a target table',
      ['<text>'],
      /^iw: .*t\.txt: not a target table \(no 绩效目标表 with indicators found\)\n$/,
    ],
    ['a legacy .xls', ['<xls>'], /^iw: .*t\.xls: legacy \.xls is not supported; save it as \.xlsx\n$/],
  ])('exits 1 with one line for %s', async (_what, [arg], message) => {
    let file = arg;
    if (arg === '<text>') writeFileSync((file = join(dir, 't.txt')), 'hello\nworld\n');
    if (arg === '<folder>') mkdirSync((file = join(dir, 'empty')));
    if (arg === '<xls>')
      writeFileSync((file = join(dir, 't.xls')), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    const r = await iw('targets', 'parse', file);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toMatch(message);
  });

  it('exits 2 on wrong usage', async () => {
    const r = await iw('targets', 'parse', SEED, '--year', '19');
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '--year <year>' argument '19' is invalid. expected a fiscal year such as 2019");
  });

  it('prints help and exits 0', async () => {
    const r = await iw('targets', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('parse [options] <file>');
  });
});

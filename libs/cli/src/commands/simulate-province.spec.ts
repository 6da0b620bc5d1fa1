import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../cli-io';
import { runCli } from '../main';

async function iw(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

interface Json {
  fiscalYear: number;
  projects: Array<{ name: string; budgetUnit: string; file?: string; indicators: unknown[] }>;
  problems: Array<{ file?: string; line: number; severity: string; message: string }>;
}

describe('iw simulate province, and a folder of tables', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iw-province-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one table per agency, owners and bindings; parse reads the folder as one catalogue naming each file', async () => {
    const out = join(dir, 'p');
    const w = await iw('simulate', 'province', '--agencies', '4', '--seed', '5', '--indicators', '120', '--out', out);
    expect([w.code, w.err]).toEqual([0, '']);
    expect(w.out).toMatch(/^.*p: fiscal year 2019, 4 agencies, \d+ projects, \d+ indicators\n/);
    expect(w.out).toContain('targets/: 2 one-column tables (.txt), 2 split-column tables (.csv)');
    const files = readdirSync(join(out, 'targets')).sort();
    expect(files).toEqual([
      '001-自治区发展和改革委员会.txt',
      '002-自治区教育厅.csv',
      '003-自治区科学技术厅.txt',
      '004-自治区工业和信息化厅.csv',
    ]);
    expect(readdirSync(out).sort()).toEqual(['bindings.yaml', 'owners.yaml', 'targets']);

    const r = await iw('targets', 'parse', join(out, 'targets'), '--json');
    expect([r.code, r.err]).toEqual([0, '']);
    const json = JSON.parse(r.out) as Json;
    const total = Number(/(\d+) indicators/.exec(w.out)![1]);
    expect(json.projects.reduce((n, p) => n + p.indicators.length, 0)).toBe(total);
    expect([...new Set(json.projects.map((p) => p.file))]).toEqual(files);
    expect(new Set(json.projects.map((p) => p.budgetUnit))).toEqual(
      new Set(['自治区发展和改革委员会', '自治区教育厅', '自治区科学技术厅', '自治区工业和信息化厅']),
    );
    expect(json.problems.filter((p) => p.severity !== 'info')).toEqual([]);
    // The summary: problems and projects by file and line.
    const summary = (await iw('targets', 'parse', join(out, 'targets'))).out.split('\n');
    expect(summary[0]).toBe(
      `${join(out, 'targets')}: fiscal year 2019, ${json.projects.length} projects, ${total} indicators`,
    );
    expect(summary.filter((l) => /^002-自治区教育厅\.csv line +\d+ {2}自治区教育厅/.test(l)).length).toBeGreaterThan(0);

    // The same seed writes the same bytes.
    const again = join(dir, 'again');
    await iw('simulate', 'province', '--agencies', '4', '--seed', '5', '--indicators', '120', '--out', again);
    for (const f of files)
      expect(readFileSync(join(again, 'targets', f), 'utf8')).toBe(readFileSync(join(out, 'targets', f), 'utf8'));
  });

  it('refuses a folder that is not empty, and sizes out of range', async () => {
    const full = join(dir, 'full');
    await iw('simulate', 'province', '--agencies', '1', '--indicators', '20', '--out', full);
    const again = await iw('simulate', 'province', '--agencies', '1', '--out', full);
    expect([again.code, again.err]).toEqual([1, `iw: ${full}: not empty; give a new or empty folder\n`]);
    const big = await iw('simulate', 'province', '--agencies', '501', '--out', join(dir, 'big'));
    expect(big.code).toBe(2);
    expect(big.err).toContain('expected an integer from 1 to 500');
  });

  it('in a folder: skips a file that is no table, reports a project in two files and a second year as errors', async () => {
    const folder = join(dir, 'mixed');
    await iw('simulate', 'province', '--agencies', '1', '--indicators', '20', '--seed', '2', '--out', folder);
    const targets = join(folder, 'targets');
    const [first] = readdirSync(targets);
    const text = readFileSync(join(targets, first), 'utf8');
    writeFileSync(join(targets, '000-说明.txt'), '填报说明\n请按模板填写。\n');
    writeFileSync(join(targets, '002-copy.txt'), text);
    writeFileSync(
      join(targets, '003-2020.txt'),
      text.replace(/（2019年度）/g, '（2020年度）').replace(/2019年/g, '2020年'),
    );
    const json = JSON.parse((await iw('targets', 'parse', targets, '--json')).out) as Json;
    const bad = json.problems.filter((p) => p.severity !== 'info');
    expect(bad[0]).toEqual({
      file: '000-说明.txt',
      line: 1,
      severity: 'warning',
      message: 'not a target table (no 绩效目标表 with indicators found); skipped',
    });
    expect(bad.filter((p) => p.file === '002-copy.txt' && p.severity === 'error').length).toBe(
      json.projects.filter((p) => p.file === first).length,
    );
    expect(bad.find((p) => p.file === '002-copy.txt')!.message).toMatch(/^project 「.+」 is also in 001-.+\.txt/);
    expect(bad.filter((p) => p.file === '003-2020.txt')).toEqual([
      {
        file: '003-2020.txt',
        line: 1,
        severity: 'error',
        message: `fiscal year 2020, but ${first} is 2019: import one year at a time`,
      },
    ]);
    expect(new Set(json.projects.map((p) => p.file))).toEqual(new Set([first]));
  });

  it('says so for a folder without tables', async () => {
    const empty = join(dir, 'empty');
    await iw('simulate', 'province', '--agencies', '1', '--indicators', '20', '--out', empty);
    const r = await iw('targets', 'parse', empty);
    expect([r.code, r.err]).toEqual([1, `iw: ${empty}: no target tables (.txt, .tsv, .csv, .xlsx) in the folder\n`]);
  });
});

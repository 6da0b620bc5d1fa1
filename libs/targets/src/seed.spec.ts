/**
 * The sample catalogue (a copy of the seed: 18 tables of FY 2019). Indicator rows are
 * counted here independently of the reader: every non-blank line that is not a title,
 * project header, funds, goal, column header or separator line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalogue } from './catalogue';
import { tsvRows } from './rows/tsv';
import { SEED_NAME_READINGS, SEED_VALUES } from '../test/seed-values';

const SEED = join(__dirname, '../../../samples/targets-2019-xinjiang-market-supervision.txt');
const text = readFileSync(SEED, 'utf8');

const STRUCTURE =
  /^(项目支出绩效目标表|部门整体支出绩效目标表|预算单位|项目资金|项目总体目标|年度总体目标|一级指标|-+\t)/;
const indicatorRows = text
  .split('\n')
  .map((l, i) => ({ line: i + 1, text: l }))
  .filter((l) => l.text.trim() && !STRUCTURE.test(l.text));
const indicatorLines = indicatorRows.map((l) => l.line);
/** The value of a seed row is its last non-empty cell. */
const valueOf = (row: string) =>
  row
    .split('\t')
    .map((c) => c.trim())
    .filter(Boolean)
    .pop()!;
const expected = new Map(SEED_VALUES);
const byName = new Map(SEED_NAME_READINGS);

describe('the seed catalogue', () => {
  const c = readCatalogue(tsvRows(text));
  const all = c.projects.flatMap((p) => p.indicators);

  it('reads 18 projects of fiscal year 2019', () => {
    expect(c.fiscalYear).toBe(2019);
    expect(c.projects).toHaveLength(18);
    expect(c.projects.filter((p) => p.tableKind === '部门整体支出绩效目标表').map((p) => p.line)).toEqual([388, 409]);
  });

  it('reads every indicator row, none dropped or invented', () => {
    expect(indicatorLines).toHaveLength(301);
    expect(all.map((i) => i.line)).toEqual(indicatorLines);
    expect(c.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('gives every indicator a level, a name, a value and a unique id', () => {
    for (const i of all) {
      expect([i.level1, i.level2, i.name, i.value].every(Boolean)).toBe(true);
      expect(['项目完成指标', '项目效益指标', '满意度指标']).toContain(i.level1);
    }
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
  });

  it('reads the funds and goals of every project', () => {
    expect(c.projects.map((p) => p.funds.total)).toEqual([
      90, 1050, 187.5, 375, 26, 60, 1387.5, 75, 100, 764, 80, 300, 125, 185, 900, 600, 37.5, 50,
    ]);
    expect(c.projects.every((p) => p.funds.total === p.funds.fiscal && p.funds.other === 0)).toBe(true);
    expect(c.projects.every((p) => p.goal.length > 10 && p.budgetUnit === '新疆维吾尔自治区市场监督管理局')).toBe(true);
  });

  it("reads every row's value as written out by hand in test/seed-values.ts", () => {
    const byLine = new Map(all.map((i) => [i.line, i]));
    for (const row of indicatorRows) {
      const value = valueOf(row.text);
      expect(expected.has(value)).toBe(true);
      const read = byLine.get(row.line)!;
      expect([row.line, read.value, read.target]).toEqual([
        row.line,
        value,
        byName.get(read.name) ?? expected.get(value),
      ]);
    }
    // Each name-dependent reading is used by exactly one row.
    expect(all.filter((i) => byName.has(i.name)).map((i) => i.name)).toEqual([...byName.keys()]);
  });

  it('counts indicators per shape', () => {
    const count = (kinds: string[]) =>
      kinds.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
    const nameAt = new Map(all.map((i) => [i.line, i.name]));
    const fromHand = count(
      indicatorRows.map((r) => (byName.get(nameAt.get(r.line)!) ?? expected.get(valueOf(r.text)))!.kind),
    );
    expect(count(all.map((i) => i.target.kind))).toEqual(fromHand);
    expect(fromHand).toEqual({
      numeric: 243,
      deadline: 11,
      window: 3,
      range: 1,
      compound: 7,
      formula: 1,
      qualitative: 33,
      recurring: 1,
      relative: 1,
    });
  });
});

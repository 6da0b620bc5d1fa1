import { rollUpAgencies, type RollupProject } from './agency-rollup';

const lights = (确定能: number, 有可能: number, 不可能: number, 无: number) => ({ 确定能, 有可能, 不可能, 无 });
const p = (
  budgetUnit: string,
  fundsTotal: number | null,
  spent: number | null,
  l = lights(1, 0, 0, 0),
): RollupProject => ({
  budgetUnit,
  fundsTotal,
  spent,
  lights: l,
});

describe('rollUpAgencies', () => {
  it('sums each agency’s projects: likelihood counts, funds, spending and the execution rate', () => {
    const rows = rollUpAgencies([
      p('乙局', 100, 30, lights(2, 1, 0, 3)),
      p('甲局', 200, 50, lights(1, 0, 1, 0)),
      p(' 乙局 ', 300, 90, lights(0, 2, 1, 1)),
    ]);
    expect(rows.map((r) => r.agency)).toEqual(['甲局', '乙局'].sort((a, b) => a.localeCompare(b, 'zh')));
    expect(rows.find((r) => r.agency === '乙局')).toEqual({
      agency: '乙局',
      projectCount: 2,
      indicatorCount: 10,
      likelihoods: { 确定能: 2, 有可能: 3, 不可能: 1, 暂无: 4 },
      fundsTotal: 400,
      spent: 120,
      executionRate: 30,
    });
  });

  it.each<[string, RollupProject[], { fundsTotal: number | null; spent: number | null; executionRate: number | null }]>(
    [
      ['no spending tracked: no rate', [p('甲', 100, null)], { fundsTotal: 100, spent: null, executionRate: null }],
      ['no funds stated: no rate', [p('甲', null, 10)], { fundsTotal: null, spent: 10, executionRate: null }],
      ['zero funds count as none', [p('甲', 0, 10)], { fundsTotal: null, spent: 10, executionRate: null }],
      [
        'the rate counts only the spending of projects that state funds',
        [p('甲', 100, 25), p('甲', null, 50)],
        { fundsTotal: 100, spent: 75, executionRate: 25 },
      ],
      ['rounded to 0.01', [p('甲', 3, 1)], { fundsTotal: 3, spent: 1, executionRate: 33.33 }],
    ],
  )('%s', (_what, projects, want) => expect(rollUpAgencies(projects)[0]).toMatchObject(want));

  it('is empty without projects', () => expect(rollUpAgencies([])).toEqual([]));
});

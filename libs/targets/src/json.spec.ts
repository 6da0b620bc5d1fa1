import { readCatalogue } from './catalogue';
import type { Target } from './target';
import { catalogueJson } from './json';
import { tsvRows } from './rows/tsv';

describe('catalogueJson', () => {
  it('has exactly the documented keys, in their order', () => {
    const c = readCatalogue(
      tsvRows(
        [
          '项目支出绩效目标表',
          '预算单位\t某局\t项目名称\t测试项目',
          '项目资金(万元)\t年度资金总额:\t90\t其中:财政拨款\t90\t其他资金\t0',
          '项目总体目标\t完成。',
          '一级指标\t二级指标\t三级指标\t指标值',
          '项目完成指标\t数量指标\t示范点\t≥30个',
          '\t\t完成时间\t2019年6月前',
          '\t\t设备\t82台服务器，58台网络设备',
          '\t\t投诉\t投诉率≤2%',
          '\t\t违规率\t<0',
        ].join('\n'),
      ),
    );
    const json = JSON.parse(JSON.stringify(catalogueJson(c)));
    expect(Object.keys(json)).toEqual(['fiscalYear', 'projects', 'problems']);
    const [p] = json.projects;
    expect(Object.keys(p)).toEqual(['name', 'tableKind', 'budgetUnit', 'line', 'funds', 'goal', 'indicators']);
    expect(Object.keys(p.funds)).toEqual(['total', 'fiscal', 'other', 'unit']);
    expect(Object.keys(p.indicators[0])).toEqual(['id', 'line', 'level1', 'level2', 'name', 'value', 'target']);
    expect(p.indicators.map((i: { target: object }) => i.target)).toEqual([
      { kind: 'numeric', op: '>=', value: 30, unit: '个' },
      { kind: 'deadline', by: '2019-05-31', byAlternative: '2019-06-30' },
      {
        kind: 'compound',
        parts: [
          { kind: 'numeric', op: '=', value: 82, unit: '台', label: '服务器' },
          { kind: 'numeric', op: '=', value: 58, unit: '台', label: '网络设备' },
        ],
      },
      { kind: 'numeric', op: '<=', value: 2, unit: '%', qualifier: '投诉率' },
      { kind: 'numeric', op: '<', value: 0, unit: '' },
    ]);
    expect(Object.keys(p.indicators[3].target)).toEqual(['kind', 'op', 'value', 'unit', 'qualifier']);
    expect(json.problems).toEqual([
      { line: 10, severity: 'warning', message: '「违规率」 <0: cannot be met by definition: nothing is < 0' },
    ]);
  });
});

describe('catalogueJson of recurring and relative targets', () => {
  const withTarget = (target: Target) =>
    catalogueJson({
      fiscalYear: 2020,
      problems: [],
      projects: [
        {
          id: '2020.p',
          name: 'p',
          tableKind: '项目支出绩效目标表',
          budgetUnit: '',
          line: 1,
          funds: { total: null, fiscal: null, other: null, unit: '万元' },
          goal: '',
          indicators: [{ id: '2020.p.i', line: 2, level1: '', level2: '', name: 'i', value: 'v', target }],
        },
      ],
    }) as { projects: Array<{ indicators: Array<{ target: object }> }> };
  it.each<[Target, string[]]>([
    [
      { kind: 'recurring', every: 'month', count: 1, op: '>=', dueDay: null },
      ['kind', 'every', 'count', 'op', 'dueDay'],
    ],
    [
      { kind: 'relative', op: '>=', change: 10, unit: '%', base: 'previous_year' },
      ['kind', 'op', 'change', 'unit', 'base'],
    ],
    [
      { kind: 'relative', op: '<=', change: -5, unit: '%', base: 'previous_year', baseline: 120 },
      ['kind', 'op', 'change', 'unit', 'base', 'baseline'],
    ],
  ])('%j keeps its keys in order, nulls included', (target, keys) => {
    const out = JSON.parse(JSON.stringify(withTarget(target))).projects[0].indicators[0].target;
    expect(Object.keys(out)).toEqual(keys);
    expect(out).toEqual(target);
  });
});

/**
 * The templates in use, one composed table each (text, CSV and workbooks with merged cells
 * and several sheets), with the JSON `iw targets parse --json` must give for it, written out
 * by hand. test/templates/ holds the tables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalogue, type ReadOptions } from './catalogue';
import { indicatorId } from './ids';
import { catalogueJson } from './json';
import { rowsFromBytes } from './read-file';
import { workbookBytes, type SheetSpec } from '../test/workbook';
import { DEPARTMENT, SEVERAL_SHEETS } from '../test/templates/workbooks';

const DATA = join(__dirname, '../test/templates');

const num = (op: string, value: number, unit: string) => ({ kind: 'numeric', op, value, unit });
const deadline = (by: string) => ({ kind: 'deadline', by });
const qual = (text: string) => ({ kind: 'qualitative', text });
const funds = (total: number | null, fiscal: number | null, other: number | null) => ({
  total,
  fiscal,
  other,
  unit: '万元',
});

/** One indicator of the expected JSON; its id from the catalogue's own rule. */
/** The 预算单位 of each project in these tables (ids carry it). */
const AGENCY_OF: Record<string, string> = {
  食品安全抽检监测: '某市食品检验所',
  公共文化服务提升: '某区文化和旅游局',
  职业技能培训补贴: '某市人力资源和社会保障局',
  特种设备安全监察: '某市市场监督管理局',
  某县市场监督管理局: '某县市场监督管理局',
  食品安全日常监管: '某县市场监督管理局',
};

function indicator(
  year: number,
  project: string,
  at: { sheet?: string; line: number },
  level1: string,
  level2: string,
  name: string,
  value: string,
  target: object,
  extra: { note?: string; weight?: number } = {},
) {
  return {
    id: indicatorId(year, AGENCY_OF[project], project, name),
    ...at,
    level1,
    level2,
    name,
    value,
    target,
    ...extra,
  };
}

async function parse(source: string | SheetSpec[], options: ReadOptions = {}) {
  const bytes = typeof source === 'string' ? readFileSync(join(DATA, source)) : await workbookBytes(source);
  const rows = await rowsFromBytes(bytes, typeof source === 'string' ? source : 'book.xlsx');
  return JSON.parse(JSON.stringify(catalogueJson(readCatalogue(rows, options))));
}

describe('the split-column national template: columns found by their header names', () => {
  it('reads 指标性质, 指标值 and 度量单位 from their own columns, 指标值说明 and 权重 beside them (CSV)', async () => {
    const P = '食品安全抽检监测';
    const at = (line: number) => ({ line });
    const i = (line: number, l1: string, l2: string, name: string, value: string, t: object, x = {}) =>
      indicator(2021, P, at(line), l1, l2, name, value, t, x);
    expect(await parse('split-column.csv')).toEqual({
      fiscalYear: 2021,
      projects: [
        {
          name: P,
          tableKind: '项目支出绩效目标表',
          budgetUnit: '某市食品检验所',
          line: 3,
          funds: funds(120, 100, 20),
          goal: '完成食品抽检3000批次，问题食品全部处置。',
          indicators: [
            i(10, '产出指标', '数量指标', '举办培训场次', '≥240场', num('>=', 240, '场'), {
              note: '全年举办培训不少于240场',
              weight: 10,
            }),
            i(11, '产出指标', '数量指标', '食品抽检批次', '≥3000批次', num('>=', 3000, '批次'), {
              note: '按国家抽检计划执行',
              weight: 10,
            }),
            i(12, '产出指标', '质量指标', '抽检合格率', '≥95%', num('>=', 95, '%'), { weight: 10 }),
            i(13, '产出指标', '时效指标', '抽检任务完成时间', '2021年11月底前', deadline('2021-11-30'), {
              weight: 5,
            }),
            i(14, '产出指标', '成本指标', '单批次检测成本', '≤3000元/批次', num('<=', 3000, '元/批次'), {
              weight: 10,
            }),
            i(15, '效益指标', '社会效益指标', '问题食品处置率', '＝100%', num('=', 100, '%'), { weight: 10 }),
            i(16, '效益指标', '社会效益指标', '食品安全宣传', '有效提升', qual('有效提升'), {
              note: '群众食品安全意识明显提高',
              weight: 10,
            }),
            i(17, '满意度指标', '服务对象满意度指标', '公众满意度', '≥90%', num('>=', 90, '%'), { weight: 10 }),
          ],
        },
      ],
      problems: [],
    });
  });

  it('reads the variants (计量单位, 指标方向 with words, 指标值（包含数字及文字描述）, 分值) in any order (text)', async () => {
    const P = '公共文化服务提升';
    const i = (line: number, l1: string, l2: string, name: string, value: string, t: object, weight: number) =>
      indicator(2020, P, { line }, l1, l2, name, value, t, { weight });
    expect(await parse('split-variants.txt')).toEqual({
      fiscalYear: 2020,
      projects: [
        {
          name: P,
          tableKind: '项目支出绩效目标表',
          budgetUnit: '某区文化和旅游局',
          line: 2,
          funds: funds(80, 80, 0),
          goal: '开展群众文化活动，提升公共文化服务水平。',
          indicators: [
            // 大于等于 → ≥; full-width digits; the unit after a bare number.
            i(6, '产出指标', '数量指标', '举办文化活动', '≥１２场次', num('>=', 12, '场次'), 10),
            // The value already has its operator: not doubled.
            i(7, '产出指标', '数量指标', '送戏下乡', '≥30场', num('>=', 30, '场'), 10),
            // 正向 → ≥; `85%` already has its unit.
            i(8, '产出指标', '质量指标', '群众参与率', '≥85%', num('>=', 85, '%'), 10),
            i(9, '产出指标', '时效指标', '活动完成时间', '2020年12月底前', deadline('2020-12-31'), 10),
            // 反向 → ≤.
            i(10, '产出指标', '成本指标', '人均活动成本', '≤50元/人', num('<=', 50, '元/人'), 10),
            i(11, '效益指标', '社会效益指标', '公共文化服务水平', '明显提升', qual('明显提升'), 30),
            i(12, '满意度指标', '服务对象满意度指标', '群众满意度', '≥90%', num('>=', 90, '%'), 20),
          ],
        },
      ],
      problems: [{ line: 11, severity: 'warning', message: 'cells 「（备用）」 outside the named columns ignored' }],
    });
  });
});

describe('a unit written in the indicator name', () => {
  it('applies to a bare number in the value cell; a parenthesis that is no unit does not', async () => {
    const P = '职业技能培训补贴';
    const i = (line: number, l2: string, name: string, value: string, t: object) =>
      indicator(2020, P, { line }, l2 === '满意度指标' ? '满意度指标' : '产出指标', l2, name, value, t);
    const json = await parse('name-units.txt');
    expect(json.projects[0].indicators).toEqual([
      i(6, '数量指标', '培训人次（人次）', '５００', num('=', 500, '人次')),
      i(7, '数量指标', '发放补贴资金（万元）', '300', num('=', 300, '万元')),
      i(8, '数量指标', '培训覆盖率(%)', '≥95', num('>=', 95, '%')),
      i(9, '数量指标', '检测样本数（含平行样）', '1200', num('=', 1200, '')),
      i(10, '数量指标', '培训时长（天）', '≥３', num('>=', 3, '天')),
      // The value's own unit stands.
      i(11, '质量指标', '办结率（%）', '98%', num('=', 98, '%')),
      i(12, '满意度指标', '学员满意度(%)', '≥90', num('>=', 90, '%')),
    ]);
    expect(json.problems).toEqual([]);
  });
});

describe('workbooks', () => {
  it('reads every sheet with its own line numbers; notes, legends and empty sheets yield nothing', async () => {
    const a = (line: number) => ({ sheet: '项目A', line });
    const b = (line: number) => ({ sheet: '项目B', line });
    const A = '食品安全抽检监测';
    const B = '特种设备安全监察';
    expect(await parse(SEVERAL_SHEETS)).toEqual({
      fiscalYear: 2021,
      projects: [
        {
          name: A,
          tableKind: '项目支出绩效目标表',
          budgetUnit: '某市食品检验所',
          sheet: '项目A',
          line: 3,
          funds: funds(120, 100, 20),
          goal: '完成食品抽检3000批次。',
          indicators: [
            indicator(2021, A, a(7), '产出指标', '数量指标', '食品抽检批次', '≥3000批次', num('>=', 3000, '批次'), {
              note: '按国家抽检计划执行',
              weight: 20,
            }),
            // Level cells merged down (A7:A10, B7:B8): carried forward.
            indicator(2021, A, a(8), '产出指标', '数量指标', '快检批次', '≥10000批次', num('>=', 10000, '批次'), {
              weight: 10,
            }),
            // 0.95 formatted as a percentage shows as 95%.
            indicator(2021, A, a(9), '产出指标', '质量指标', '抽检合格率', '≥95%', num('>=', 95, '%'), {
              weight: 10,
            }),
            // A date typed as a date.
            indicator(
              2021,
              A,
              a(10),
              '产出指标',
              '时效指标',
              '抽检任务完成时间',
              '2021-11-30',
              deadline('2021-11-30'),
              {
                weight: 10,
              },
            ),
            indicator(2021, A, a(11), '效益指标', '社会效益指标', '问题食品处置率', '＝100%', num('=', 100, '%'), {
              weight: 20,
            }),
            indicator(2021, A, a(12), '满意度指标', '服务对象满意度指标', '公众满意度', '≥90%', num('>=', 90, '%'), {
              weight: 20,
            }),
          ],
        },
        {
          name: B,
          tableKind: '项目支出绩效目标表',
          budgetUnit: '某市市场监督管理局',
          sheet: '项目B',
          line: 2,
          funds: funds(60, 60, 0),
          goal: '完成特种设备定期检验。',
          indicators: [
            indicator(2021, B, b(6), '项目完成指标', '数量指标', '定期检验台数', '≥1500台', num('>=', 1500, '台')),
            indicator(2021, B, b(7), '项目完成指标', '数量指标', '监督抽查次数', '≥12次', num('>=', 12, '次')),
            indicator(
              2021,
              B,
              b(8),
              '项目完成指标',
              '时效指标',
              '年度检验完成时间',
              '2021年12月31日前',
              deadline('2021-12-31'),
            ),
            indicator(2021, B, b(9), '项目效益指标', '社会效益指标', '特种设备事故率', '≤0.5%', num('<=', 0.5, '%')),
            indicator(2021, B, b(10), '满意度指标', '满意度指标', '使用单位满意度', '≥90%', num('>=', 90, '%')),
          ],
        },
      ],
      problems: [
        {
          sheet: '填报说明',
          line: 1,
          severity: 'info',
          message: 'sheet 「填报说明」 holds no target table (no 绩效目标表 title, 项目名称 or 指标值 header); skipped',
        },
        {
          sheet: '指标性质说明',
          line: 1,
          severity: 'info',
          message:
            'sheet 「指标性质说明」 holds no target table (no 绩效目标表 title, 项目名称 or 指标值 header); skipped',
        },
      ],
    });
  });

  it('numbers problems per sheet and names the sheet', async () => {
    const book: SheetSpec[] = [
      {
        name: '甲',
        rows: [['项目支出绩效目标表'], ['项目名称', '甲项目'], ['一级指标', '二级指标', '三级指标', '指标值']],
      },
      {
        name: '乙',
        rows: [
          ['项目支出绩效目标表'],
          ['项目名称', '乙项目'],
          ['一级指标', '二级指标', '三级指标', '指标值'],
          ['产出指标', '数量指标', '验收报告', '1份'],
          [null, null, null, '≥3次'],
        ],
      },
    ];
    const json = await parse(book, { fiscalYear: 2021 });
    // Both tables start on line 2 of their sheet.
    expect(
      json.projects.map((p: { name: string; sheet: string; line: number; indicators: unknown[] }) => [
        p.name,
        p.sheet,
        p.line,
        p.indicators.length,
      ]),
    ).toEqual([
      ['甲项目', '甲', 2, 0],
      ['乙项目', '乙', 2, 1],
    ]);
    expect(json.problems).toEqual([
      { sheet: '乙', line: 5, severity: 'error', message: 'value without an indicator name: 「≥3次」' },
    ]);
  });
});

describe('部门整体支出绩效目标表 in full', () => {
  const D = '某县市场监督管理局';
  it('reads its blocks into the project (functions, tasks with amounts, funds by nature); the department names it (xlsx, merged)', async () => {
    const at = (line: number) => ({ sheet: '部门整体', line });
    const i = (line: number, l1: string, l2: string, name: string, value: string, t: object) =>
      indicator(2022, D, at(line), l1, l2, name, value, t, { weight: 10 });
    expect(await parse(DEPARTMENT)).toEqual({
      fiscalYear: 2022,
      projects: [
        {
          name: D,
          tableKind: '部门整体支出绩效目标表',
          budgetUnit: D,
          sheet: '部门整体',
          line: 3,
          // 财政拨款 = 一般公共预算 900 + 政府性基金 50.
          funds: funds(1000, 950, 50),
          fundsByNature: { basic: 600, project: 400, unit: '万元' },
          goal: '目标1：市场秩序持续向好。目标2：食品安全形势稳定。',
          functions: '负责全县市场综合监督管理，统一登记市场主体，组织市场监管综合执法。',
          tasks: [
            { name: '市场监管执法', content: '查处各类违法案件，开展专项整治', amount: 200, fiscal: 200, other: 0 },
            { name: '食品安全抽检', content: '完成食品抽检1500批次', amount: 150, fiscal: 130, other: 20 },
            { name: '知识产权保护', content: '商标专利保护与宣传', amount: 50, fiscal: 50, other: 0 },
          ],
          indicators: [
            i(18, '产出指标', '数量指标', '查处违法案件', '≥120件', num('>=', 120, '件')),
            i(19, '产出指标', '数量指标', '食品抽检批次', '≥1500批次', num('>=', 1500, '批次')),
            i(20, '产出指标', '质量指标', '抽检问题处置率', '＝100%', num('=', 100, '%')),
            i(21, '效益指标', '社会效益指标', '市场秩序', '持续向好', qual('持续向好')),
            i(22, '满意度指标', '服务对象满意度指标', '群众满意度', '≥90%', num('>=', 90, '%')),
          ],
        },
      ],
      problems: [],
    });
  });

  it('reads tasks written without a block header, and reports a task row without a name (text)', async () => {
    const i = (line: number, l1: string, l2: string, name: string, value: string, t: object) =>
      indicator(2022, D, { line }, l1, l2, name, value, t);
    expect(await parse('department.txt')).toEqual({
      fiscalYear: 2022,
      projects: [
        {
          name: D,
          tableKind: '部门整体支出绩效目标表',
          budgetUnit: D,
          line: 3,
          funds: funds(1000, 950, 50),
          fundsByNature: { basic: 600, project: 400, unit: '万元' },
          goal: '目标1：市场秩序持续向好。\n目标2：食品安全形势稳定。',
          functions: '负责全县市场综合监督管理，统一登记市场主体，\n组织市场监管综合执法。',
          tasks: [
            { name: '任务一：市场监管执法', content: '', amount: 200, fiscal: null, other: null },
            { name: '任务二：食品安全抽检', content: '', amount: 150, fiscal: null, other: null },
          ],
          indicators: [
            i(15, '产出指标', '数量指标', '查处违法案件', '≥120件', num('>=', 120, '件')),
            i(16, '产出指标', '质量指标', '抽检问题处置率', '100%', num('=', 100, '%')),
            i(17, '满意度指标', '服务对象满意度指标', '群众满意度', '≥90%', num('>=', 90, '%')),
          ],
        },
      ],
      problems: [{ line: 8, severity: 'warning', message: '年度主要任务 row without a task name: 50' }],
    });
  });
});

describe('recurring and year-on-year targets in a split-column table', () => {
  it('reads how often (in the value or the name) and changes against last year, with 上年实际完成值 as the baseline (text)', async () => {
    const P = '食品安全日常监管';
    const i = (line: number, l1: string, l2: string, name: string, value: string, t: object) =>
      indicator(2021, P, { line }, l1, l2, name, value, t);
    const rec = (every: string, count: number | null, op: string | null, dueDay: number | null = null) => ({
      kind: 'recurring',
      every,
      count,
      op,
      dueDay,
    });
    const rel = (op: string, change: number, baseline?: number) => ({
      kind: 'relative',
      op,
      change,
      unit: '%',
      base: 'previous_year',
      ...(baseline === undefined ? {} : { baseline }),
    });
    expect(await parse('recurring-relative.txt')).toEqual({
      fiscalYear: 2021,
      projects: [
        {
          name: P,
          tableKind: '项目支出绩效目标表',
          budgetUnit: '某县市场监督管理局',
          line: 2,
          funds: funds(60, 60, 0),
          goal: '加强日常监管，按时报送监管数据，抽检量和群众满意度高于上年。',
          indicators: [
            // 指标性质 + 指标值 + 度量单位 joined, then read as a count per period.
            i(6, '产出指标', '数量指标', '日常巡查', '≥2次/月', rec('month', 2, '>=')),
            // The name says how often.
            i(7, '产出指标', '数量指标', '每月巡查次数', '≥4次', rec('month', 4, '>=')),
            // 上年实际完成值 `1,200` is the base.
            i(8, '产出指标', '数量指标', '抽检批次', '较上年增长10%', rel('>=', 10, 1200)),
            i(9, '产出指标', '数量指标', '监管数据报送', '按季度报送', rec('quarter', null, null)),
            i(10, '产出指标', '质量指标', '食品安全投诉量', '同比下降5%', rel('<=', -5, 300)),
            // `—`: no baseline, and no problem.
            i(11, '产出指标', '时效指标', '监管月报', '每月10日前', rec('month', null, null, 10)),
            // 每年 is the table's own year: a plain number.
            i(12, '产出指标', '时效指标', '每年扫描总数', '＝400万页', num('=', 400, '万页')),
            i(13, '效益指标', '社会效益指标', '食品安全知晓率', '不低于上年', rel('>=', 0)),
            i(14, '效益指标', '社会效益指标', '社会影响力', '逐年增加', rel('>', 0)),
            // A baseline beside a target that is not year-on-year changes nothing.
            i(15, '满意度指标', '服务对象满意度指标', '群众满意度', '≥90%', num('>=', 90, '%')),
          ],
        },
      ],
      problems: [{ line: 13, severity: 'warning', message: '上年实际 「约八成」 is not a number; no baseline read' }],
    });
  });
});

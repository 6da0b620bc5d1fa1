import * as path from 'node:path';
import { LINEAR_PACE, monthlyPace, paceLabel, quarterlyPace, stepsPace, type Pace } from './config';
import { evaluate } from './evaluate';
import { DEFAULT_PACE_PLAN, checkPacePlan, paceFor, parsePacePlan, riskConfigOf, type PacePlan } from './pace-file';
import { input, num, progress } from '../test/helpers';
import { dayNumber, paceShare } from './time';
import type { ParsedCatalogue } from '@iw/targets';
import { readPacePlan } from './pace-file-read';

const start = dayNumber('2019-01-01') * 86_400_000;
const end = (dayNumber('2019-12-31') + 1) * 86_400_000;
const local = (date: string) => dayNumber(date) * 86_400_000;

describe('pace shares', () => {
  const quarterly = quarterlyPace([0.1, 0.4, 0.7, 1]);
  it.each<[string, number]>([
    ['2019-01-01', 0],
    ['2019-04-01', 0.1], // end of Q1
    ['2019-05-16', 0.1 + 0.3 * (45 / 91)], // 45 of Q2's 91 days
    ['2019-07-01', 0.4],
    ['2019-10-01', 0.7],
    ['2019-12-31', 0.7 + 0.3 * (91 / 92)],
  ])('quarterly [0.1, 0.4, 0.7, 1] at %s', (date, share) => {
    expect(paceShare(quarterly, local(date), start, end)).toBeCloseTo(share, 12);
  });

  it('the quarter after the list rises to 1, later ones are due in full', () => {
    expect(paceShare(quarterlyPace([0.5]), local('2019-05-01'), start, end)).toBeCloseTo(0.5 + 0.5 * (30 / 91), 12);
    expect(paceShare(quarterlyPace([0.5]), local('2019-07-01'), start, end)).toBe(1);
  });

  const steps = stepsPace([
    { at: '06-30', share: 0.5 },
    { at: '12-01', share: 1 },
  ]);
  it.each<[string, number]>([
    ['2019-01-01', 0],
    ['2019-06-29', 0],
    ['2019-06-30', 0.5],
    ['2019-11-30', 0.5],
    ['2019-12-01', 1],
    ['2019-12-31', 1],
  ])('steps {06-30: 0.5, 12-01: 1} at %s', (date, share) => {
    expect(paceShare(steps, local(date), start, end)).toBe(share);
  });

  it.each<[string, () => Pace, RegExp]>([
    ['a falling quarterly pace', () => quarterlyPace([0.5, 0.4]), /rise/],
    ['five quarters', () => quarterlyPace([0.1, 0.2, 0.3, 0.4, 1]), /1 to 4/],
    ['thirteen months', () => monthlyPace(Array(13).fill(1)), /1 to 12/],
    ['a step on 02-30', () => stepsPace([{ at: '02-30', share: 1 }]), /not a date/],
    [
      'steps out of order',
      () =>
        stepsPace([
          { at: '06-30', share: 0.5 },
          { at: '03-31', share: 1 },
        ]),
      /rise/,
    ],
    ['a step above 1', () => stepsPace([{ at: '06-30', share: 1.5 }]), /rise/],
  ])('rejects %s', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it.each<[Pace, string]>([
    [LINEAR_PACE, '序时进度'],
    [monthlyPace([0.5, 1], '汛期'), '按月进度「汛期」'],
    [quarterlyPace([0.25, 0.5, 0.75, 1], '季度均衡'), '按季度进度「季度均衡」'],
    [stepsPace([{ at: '06-30', share: 1 }]), '节点进度'],
  ])('labels %j as %s', (pace, label) => {
    expect(paceLabel(pace)).toBe(label);
  });
});

describe('the pace decides the expected value of a cumulative measure', () => {
  const batches = (actual: number) => progress('sum', { actual, eventCount: 5 });
  // 2019-07-02 12:00: linear expects 350 of 700; a pace that front-loads (0.8 by end of Q2) 560.
  it.each<[string, Pace | undefined, number, string, string | undefined]>([
    ['linear (default)', undefined, 350, 'on_track', '序时进度'],
    [
      'quarterly front-loaded',
      quarterlyPace([0.4, 0.8, 0.9, 1], '前置'),
      560 + 0.1 * 700 * (1.5 / 92),
      'at_risk',
      '按季度进度「前置」',
    ],
    [
      'steps: half by 06-30',
      stepsPace([
        { at: '06-30', share: 0.5 },
        { at: '12-31', share: 1 },
      ]),
      350,
      'on_track',
      '节点进度',
    ],
  ])('%s', (_, pace, expected, status, label) => {
    const e = evaluate(input(num('>=', 700, '批次'), 'sum', batches(400), '2019-07-02', pace ? { pace } : {}));
    expect(e.expected).toBeCloseTo(expected, 6);
    expect(e.status).toBe(status);
    expect(e.pace).toBe(label);
  });

  it('names no pace where none is used (ratios, deadlines)', () => {
    expect(evaluate(input(num('>=', 90, '%'), 'latest', progress('latest', { actual: 95 }), '2019-07-02')).pace).toBe(
      undefined,
    );
    expect(evaluate(input({ kind: 'deadline', by: '2019-10-31' }, 'milestone', null, '2019-07-02')).pace).toBe(
      undefined,
    );
  });
});

const FILE = `version: 1
thresholds:
  tolerance: 0.2
  minSample: 10
  warningDays: [14, 3]
  wilsonZ: 2.58
  noForecastDays: 45
profiles:
  汛期:
    monthly: [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95, 0.98, 1]
  季度均衡: { quarterly: [0.25, 0.5, 0.75, 1] }
  年中验收:
    steps: { "06-30": 0.5, "12-31": 1 }
default: linear
agencies:
  新疆维吾尔自治区市场监督管理局: 季度均衡
projects:
  "工商行政管理业务费": 年中验收
indicators:
  "流通领域商品、成品油、农资产品、网络商品质量抽检监测经费/汽油抽检批次": 汛期
  2019.专利申请资助及专利奖励资金.资助专利: { monthly: [0.5, 1] }
`;

function plan(text: string): PacePlan {
  const r = parsePacePlan(text);
  if (!r.plan) throw new Error(r.problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
  return r.plan;
}

describe('the pace file', () => {
  it('reads thresholds into the engine configuration, the rest keeps its default', () => {
    const cfg = riskConfigOf(plan(FILE), { noDataGraceMs: 5 });
    expect(cfg).toMatchObject({
      paceTolerance: 0.2,
      minSample: 10,
      warningDays: [14, 3],
      wilsonZ: 2.58,
      paceWarmupDays: 45,
      implausibleRateFactor: 3,
      levelTolerance: 0.1,
      qualitativeDueDays: 30,
      noDataGraceMs: 5,
      pace: LINEAR_PACE,
    });
  });

  it('an empty file is every default', () => {
    const r = parsePacePlan('');
    expect(r.problems).toEqual([]);
    expect(riskConfigOf(r.plan!)).toEqual(riskConfigOf(DEFAULT_PACE_PLAN));
  });

  const p = plan(FILE);
  const gas = '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费';
  it.each<[string, Parameters<typeof paceFor>[1], string]>([
    [
      'an indicator by <project>/<indicator>, any year, spaces ignored',
      {
        agency: '新疆维吾尔自治区市场监督管理局',
        projectId: 'x',
        projectName: gas,
        indicatorId: '2020.x.y',
        indicatorName: '汽油 抽检批次',
      },
      '按月进度「汛期」',
    ],
    [
      'an indicator by id (and its compound parts)',
      {
        projectId: 'p',
        projectName: '专利申请资助及专利奖励资金',
        indicatorId: '2019.专利申请资助及专利奖励资金.资助专利~1',
        indicatorName: '资助专利',
      },
      '按月进度',
    ],
    [
      'a project by name',
      {
        agency: '新疆维吾尔自治区市场监督管理局',
        projectId: 'p',
        projectName: '工商行政管理业务费',
        indicatorId: 'i',
        indicatorName: '案件办结率',
      },
      '节点进度「年中验收」',
    ],
    [
      'the agency',
      {
        agency: '新疆维吾尔自治区市场监督管理局',
        projectId: 'p',
        projectName: '其他项目',
        indicatorId: 'i',
        indicatorName: 'x',
      },
      '按季度进度「季度均衡」',
    ],
    [
      'else the default',
      { agency: '别的单位', projectId: 'p', projectName: '其他项目', indicatorId: 'i', indicatorName: 'x' },
      '序时进度',
    ],
    [
      'a budget is always 序时进度',
      {
        agency: '新疆维吾尔自治区市场监督管理局',
        projectId: 'p',
        projectName: '工商行政管理业务费',
        indicatorId: null,
      },
      '序时进度',
    ],
  ])('assigns %s', (_, subject, label) => {
    expect(paceLabel(paceFor(p, subject))).toBe(label);
  });

  it.each<[string, string, number, RegExp]>([
    ['a YAML error', 'profiles:\n  a: [1\n', 3, /YAML/],
    ['an unknown top-level key', 'version: 1\npaces: {}\n', 2, /unknown key "paces"/],
    ['a wrong version', 'version: 2\n', 1, /version must be 1/],
    ['an unknown threshold', 'thresholds:\n  tolerence: 0.1\n', 2, /unknown key "tolerence"/],
    ['a tolerance above 1', 'thresholds:\n  tolerance: 1.5\n', 2, /tolerance: a share between 0 and 1/],
    ['a text minSample', 'thresholds:\n  minSample: many\n', 2, /minSample: a whole number/],
    ['negative warning days', 'thresholds:\n  warningDays: [7, -1]\n', 2, /warningDays/],
    ['a falling profile', 'profiles:\n  a:\n    monthly: [0.5, 0.2]\n', 3, /rise/],
    ['two kinds in one profile', 'profiles:\n  a: { monthly: [1], quarterly: [1] }\n', 2, /exactly one/],
    ['an unknown kind', 'profiles:\n  a: { weekly: [1] }\n', 2, /unknown profile kind "weekly"/],
    ['a step that is no date', 'profiles:\n  a:\n    steps: { "13-01": 1 }\n', 3, /not a date/],
    ['an unknown profile name', 'projects:\n  工商行政管理业务费: 汛期\n', 2, /unknown profile "汛期"/],
    [
      'an indicator key without a project',
      'indicators:\n  汽油抽检批次: linear\n',
      2,
      /<project name>\/<indicator name>/,
    ],
    ['redefining linear', 'profiles:\n  linear: { monthly: [1] }\n', 2, /built in/],
    [
      'the same name twice in other spelling',
      'projects:\n  工商 行政管理业务费: linear\n  工商行政管理业务费: linear\n',
      3,
      /same name/,
    ],
    ['a duplicate key', 'projects:\n  a: linear\n  a: linear\n', 3, /YAML/],
  ])('names the line of %s', (_, text, line, message) => {
    const r = parsePacePlan(text);
    expect(r.plan).toBeNull();
    expect(r.problems[0]).toMatchObject({ line, severity: 'error' });
    expect(r.problems[0].message).toMatch(message);
  });

  it('names the lines of assignments that match nothing in the catalogue', () => {
    const catalogue: ParsedCatalogue = {
      fiscalYear: 2019,
      problems: [],
      projects: [
        {
          id: '2019.工商行政管理业务费',
          name: '工商行政管理业务费',
          tableKind: '项目支出绩效目标表',
          budgetUnit: '新疆维吾尔自治区市场监督管理局',
          line: 1,
          funds: { total: 1, fiscal: 1, other: 0, unit: '万元' },
          goal: '',
          indicators: [
            {
              id: '2019.工商行政管理业务费.案件办结率',
              line: 2,
              level1: '',
              level2: '',
              name: '案件办结率',
              value: '',
              target: { kind: 'missing' },
            },
          ],
        },
      ],
    };
    const text = `agencies:
  新疆维吾尔自治区市场监督管理局: linear
  不存在的单位: linear
projects:
  工商行政管理业务费: linear
  工商业务费: linear
indicators:
  工商行政管理业务费/案件办结率: linear
  工商行政管理业务费/结案率: linear
`;
    expect(checkPacePlan(plan(text), [catalogue])).toEqual([
      { line: 3, severity: 'error', message: 'agencies: "不存在的单位" names no agency (预算单位) of the catalogue' },
      { line: 6, severity: 'error', message: 'projects: "工商业务费" names no project of the catalogue' },
      {
        line: 9,
        severity: 'error',
        message: 'indicators: "工商行政管理业务费/结案率" names no indicator of the catalogue',
      },
    ]);
  });
});

describe('samples/pace.yaml', () => {
  it('reads, and states exactly the engine defaults', () => {
    const file = path.resolve(__dirname, '../../../samples/pace.yaml');
    const sample = readPacePlan(file);
    expect(riskConfigOf(sample)).toEqual(riskConfigOf(DEFAULT_PACE_PLAN));
    expect([...sample.profiles.keys()]).toEqual(['季节性', '季度均衡', '年中验收']);
    expect(sample.default).toEqual(LINEAR_PACE);
  });

  it('an unreadable file names itself', () => {
    expect(() => readPacePlan('/nonexistent/pace.yaml')).toThrow(
      /\/nonexistent\/pace\.yaml: invalid pace file\n {2}\/nonexistent\/pace\.yaml: cannot read/,
    );
  });
});

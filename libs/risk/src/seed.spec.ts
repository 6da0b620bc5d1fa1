import type { Likelihood, MeasureKind, Progress } from '@iw/measures';
import { indicatorParts, type ComparisonOp, type Target } from '@iw/targets';
import { evaluate } from './evaluate';
import type { UnitTarget } from './evaluation';
import { at, progress, rate, TZ, YEAR_2019 } from '../test/helpers';
import type { Status } from './status';

/**
 * Indicators of samples/targets-2019-xinjiang-market-supervision.txt, read into targets by hand
 * (until the seed parser lands), each with a stated progress at four dates of the fiscal year
 * and the status a reader of the 绩效监控表 should expect there.
 */
const DATES = ['2019-03-31', '2019-06-30', '2019-10-31', '2020-01-01'] as const;
type Four<T> = [T, T, T, T];

interface Row {
  name: string;
  cell: string;
  target: Target;
  /** For compounds: which part's id suffix is tracked here. */
  part?: string;
  measure: MeasureKind;
  level2?: string;
  progress: Four<Progress | null>;
  expect: Four<Status>;
}

const n = (op: ComparisonOp, value: number, unit = '', extra: { qualifier?: string; label?: string } = {}) =>
  ({ kind: 'numeric', op, value, unit, ...extra }) as const;
const deadline = (by: string, byAlternative?: string): Target => ({ kind: 'deadline', by, byAlternative });
const window = (from: string, to: string): Target => ({ kind: 'window', from, to });
const qualitative = (text: string): Target => ({ kind: 'qualitative', text });

const count = (v: number) => progress('count', { actual: v, eventCount: Math.max(1, v) });
const sum = (v: number) => progress('sum', { actual: v, eventCount: 10 });
const distinct = (seen: number, of: number, percent = false) =>
  progress('distinct', { actual: percent ? (seen / of) * 100 : seen, eventCount: seen, distinctOf: of });
const mean = (v: number, weight: number) =>
  progress('mean', { actual: v, numerator: v * weight, denominator: weight, eventCount: weight });
const latest = (v: number) => progress('latest', { actual: v });
const max = (v: number) => progress('max', { actual: v });
const notDone = progress('milestone', { done: false });
const doneOn = (date: string) => progress('milestone', { done: true, doneAt: `${date}T15:00:00+08:00` });
const assessed = (likelihood: Likelihood, date: string) =>
  progress('assessment', { assessment: { likelihood, text: '按季度评估', at: `${date}T10:00:00+08:00` } });
const activity = (...dates: string[]) =>
  progress('count', {
    actual: dates.length,
    eventCount: dates.length,
    history: dates.map((date, i) => ({ date, actual: i + 1 })),
  });
const same = <T>(p: T): Four<T> => [p, p, p, p];

const ROWS: Row[] = [
  // 个体私营经济发展、“小个专”党建工作及地理标志商标宣传经费
  {
    name: '打造非公党建示范点完成时间',
    cell: '2019年10月31日前',
    target: deadline('2019-10-31'),
    measure: 'milestone',
    progress: [notDone, notDone, doneOn('2019-10-20'), doneOn('2019-10-20')],
    expect: ['on_track', 'on_track', 'achieved', 'achieved'],
  },
  {
    name: '开展小个专党建现场会、表彰会时间',
    cell: '2019年9月30日前',
    target: deadline('2019-09-30'),
    measure: 'milestone',
    progress: same(notDone),
    expect: ['on_track', 'on_track', 'missed', 'missed'],
  },
  {
    name: '打造非公党建示范点',
    cell: '≥30个',
    target: n('>=', 30, '个'),
    measure: 'count',
    progress: [count(8), count(10), count(12), count(14)],
    expect: ['on_track', 'at_risk', 'off_track', 'missed'],
  },
  {
    name: '调研宣讲2次,覆盖全疆各地州',
    cell: '≥16个地州', // Xinjiang has 14: the target cannot be met
    target: n('>=', 16, '个地州'),
    measure: 'distinct',
    progress: [distinct(5, 14), distinct(9, 14), distinct(14, 14), distinct(14, 14)],
    expect: ['off_track', 'off_track', 'off_track', 'missed'],
  },
  {
    name: '订购非公党建杂志',
    cell: '≥30套',
    target: n('>=', 30, '套'),
    measure: 'count',
    progress: same(count(30)),
    expect: ['achieved', 'achieved', 'achieved', 'achieved'],
  },
  {
    name: '各地州对项目管理的满意度',
    cell: '≥100%',
    target: n('>=', 100, '%'),
    measure: 'ratio',
    progress: [rate(4, 4), rate(3, 4), rate(38, 40), rate(45, 47)],
    expect: ['on_track', 'on_track', 'off_track', 'missed'],
  },
  {
    name: '问题处置率',
    cell: '100%',
    target: n('=', 100, '%'),
    measure: 'ratio',
    progress: [rate(10, 10), rate(20, 20), rate(35, 35), rate(50, 50)],
    expect: ['on_track', 'on_track', 'on_track', 'achieved'],
  },
  // 工商行政管理业务费
  {
    name: '案件办结率',
    cell: '≥90%',
    target: n('>=', 90, '%'),
    measure: 'ratio',
    progress: [rate(3, 4), rate(50, 60), rate(100, 130), rate(140, 160)],
    expect: ['on_track', 'at_risk', 'off_track', 'missed'],
  },
  {
    name: '各类公告期数',
    cell: '≥20期',
    target: n('>=', 20, '期'),
    measure: 'count',
    progress: [count(5), count(10), count(17), count(21)],
    expect: ['on_track', 'on_track', 'on_track', 'achieved'],
  },
  {
    name: '会议培训的次数人数天数',
    cell: '25期、133天、2500人',
    target: { kind: 'compound', parts: [n('=', 25, '期'), n('=', 133, '天'), n('=', 2500, '人')] },
    part: '人',
    measure: 'sum',
    progress: [sum(200), sum(1300), sum(2100), sum(2600)],
    expect: ['at_risk', 'on_track', 'on_track', 'achieved'],
  },
  {
    name: '在职和离退休及遗属人数',
    cell: '180人、207人、6人',
    target: { kind: 'compound', parts: [n('=', 180, '人'), n('=', 207, '人'), n('=', 6, '人')] },
    part: '1',
    measure: 'latest',
    progress: [latest(178), latest(180), latest(181), latest(180)],
    expect: ['at_risk', 'on_track', 'on_track', 'achieved'],
  },
  {
    name: '市场主体违法案件下降率',
    cell: '≥3%',
    target: n('>=', 3, '%'),
    measure: 'latest',
    progress: [null, latest(2.5), latest(3.2), latest(3.2)],
    expect: ['no_data', 'at_risk', 'on_track', 'achieved'],
  },
  {
    name: '市场监管社会影响力',
    cell: '有所提升',
    target: qualitative('有所提升'),
    measure: 'assessment',
    progress: [
      null,
      assessed('有可能', '2019-06-20'),
      assessed('确定能', '2019-10-15'),
      assessed('确定能', '2019-10-15'),
    ],
    expect: ['manual', 'at_risk', 'on_track', 'on_track'],
  },
  {
    name: '营商环境',
    cell: '进一步优化',
    target: qualitative('进一步优化'),
    measure: 'assessment',
    progress: same(null),
    expect: ['manual', 'manual', 'manual', 'at_risk'],
  },
  {
    name: '社会公众满意度',
    cell: '≥80%',
    target: n('>=', 80, '%'),
    measure: 'ratio',
    progress: [rate(1, 4), rate(100, 400), rate(500, 800), rate(700, 1000)],
    expect: ['on_track', 'off_track', 'off_track', 'missed'],
  },
  // 流通领域商品、成品油、农资产品、网络商品质量抽检监测经费
  {
    name: '汽油和柴油抽检每批次费用',
    cell: '≤3000元',
    target: n('<=', 3000, '元'),
    measure: 'mean',
    level2: '成本指标',
    progress: [mean(2800, 100), mean(3100, 200), mean(3500, 500), mean(2950, 900)],
    expect: ['on_track', 'at_risk', 'off_track', 'achieved'],
  },
  {
    name: '按计划完成抽检任务',
    cell: '11月底前',
    target: deadline('2019-11-30'),
    measure: 'milestone',
    progress: [notDone, notDone, notDone, doneOn('2019-11-28')],
    expect: ['on_track', 'on_track', 'at_risk', 'achieved'],
  },
  {
    name: '柴油抽检批次',
    cell: '≥ 300 批次',
    target: n('>=', 300, '批次'),
    measure: 'sum',
    progress: [sum(60), sum(150), sum(250), sum(310)],
    expect: ['at_risk', 'on_track', 'on_track', 'achieved'],
  },
  {
    name: '抽检地州（市）覆盖率',
    cell: '≥80%',
    target: n('>=', 80, '%'),
    measure: 'distinct',
    progress: [distinct(3, 14, true), distinct(7, 14, true), distinct(12, 14, true), distinct(12, 14, true)],
    expect: ['on_track', 'on_track', 'achieved', 'achieved'],
  },
  {
    name: '汽油抽检批次',
    cell: '≥ 700 批次',
    target: n('>=', 700, '批次'),
    measure: 'sum',
    progress: [sum(100), sum(300), sum(450), sum(690)],
    expect: ['at_risk', 'at_risk', 'at_risk', 'missed'],
  },
  // 企业商事登记改革经费
  {
    name: '历史档案扫描时间',
    cell: '2019年底完成',
    target: deadline('2019-12-31'),
    measure: 'milestone',
    progress: [notDone, notDone, notDone, doneOn('2019-12-31')],
    expect: ['on_track', 'on_track', 'on_track', 'achieved'],
  },
  {
    name: '登记机关系统维护响应时间',
    cell: '≤48小时',
    target: n('<=', 48, '小时'),
    measure: 'max',
    progress: [max(20), max(30), max(50), max(50)],
    expect: ['on_track', 'on_track', 'off_track', 'missed'],
  },
  {
    name: '档案扫描差错率',
    cell: '0.00%',
    target: n('=', 0, '%'),
    measure: 'ratio',
    progress: [rate(0, 1000), rate(0, 5000), rate(1, 8000), rate(1, 10000)],
    expect: ['on_track', 'on_track', 'off_track', 'missed'],
  },
  // 市场监管系统服装
  {
    name: '采购成本',
    cell: '<1200元/人',
    target: n('<', 1200, '元/人'),
    measure: 'mean',
    level2: '成本指标',
    progress: [null, mean(1150, 200), mean(1150, 200), mean(1150, 200)],
    expect: ['no_data', 'on_track', 'on_track', 'achieved'],
  },
  // 消费大维权、315活动及广告监测经费
  {
    name: '商品比较试验时间',
    cell: '2019年6--10月开展',
    target: window('2019-06-01', '2019-10-31'),
    measure: 'count',
    progress: same(null),
    expect: ['on_track', 'on_track', 'at_risk', 'missed'],
  },
  {
    name: '消费维权宣传教育时间',
    cell: '2019年3-11月',
    target: window('2019-03-01', '2019-11-30'),
    measure: 'count',
    progress: [
      activity('2019-03-15'),
      activity('2019-03-15', '2019-05-04'),
      activity('2019-03-15', '2019-05-04'),
      activity('2019-03-15', '2019-05-04'),
    ],
    expect: ['achieved', 'achieved', 'achieved', 'achieved'],
  },
  {
    name: '开展全疆活动12315宣传活动',
    cell: '10-20场次。',
    target: { kind: 'range', min: 10, max: 20, unit: '场次' },
    measure: 'count',
    progress: [count(3), count(6), count(21), count(21)],
    expect: ['on_track', 'on_track', 'off_track', 'missed'],
  },
  {
    name: '消费教育引导次数',
    cell: '≥4次',
    target: n('>=', 4, '次'),
    measure: 'count',
    progress: [null, count(2), count(4), count(4)],
    expect: ['no_data', 'on_track', 'achieved', 'achieved'],
  },
  // 信息化新建、软硬件维保、电路租用项目
  {
    name: '维护设备数量',
    cell: '82台服务器，58台网络设备',
    target: {
      kind: 'compound',
      parts: [n('=', 82, '台', { label: '服务器' }), n('=', 58, '台', { label: '网络设备' })],
    },
    part: '服务器',
    measure: 'latest',
    progress: [latest(80), latest(82), latest(82), latest(82)],
    expect: ['at_risk', 'on_track', 'on_track', 'achieved'],
  },
  {
    name: '非正常停机率',
    cell: '<1%',
    target: n('<', 1, '%'),
    measure: 'ratio',
    progress: [rate(10, 2000), rate(45, 4000), rate(55, 6000), rate(70, 8000)],
    expect: ['on_track', 'at_risk', 'on_track', 'achieved'],
  },
  // 营业执照采购项目
  {
    name: '本年度预计印刷执照成本',
    cell: '本年度为95万套*0.8元/套=75万元',
    target: { kind: 'formula', value: 75, unit: '万元', expression: '95万套*0.8元/套=75万元', consistent: false },
    measure: 'sum',
    level2: '成本指标',
    progress: [sum(20), sum(35), sum(76), sum(76)],
    expect: ['at_risk', 'on_track', 'off_track', 'missed'],
  },
  {
    name: '营业执照印刷开始时间',
    cell: '2019年6月前',
    target: deadline('2019-05-31', '2019-06-30'),
    measure: 'milestone',
    progress: [notDone, doneOn('2019-06-15'), doneOn('2019-06-15'), doneOn('2019-06-15')],
    expect: ['on_track', 'achieved', 'achieved', 'achieved'],
  },
  // 行政执法及业务管理项目
  {
    name: '窗口服务用户满意度',
    cell: '投诉率≤2%',
    target: n('<=', 2, '%', { qualifier: '投诉率' }),
    measure: 'ratio',
    progress: [rate(1, 20), rate(25, 1000), rate(60, 2000), rate(70, 4000)],
    expect: ['on_track', 'at_risk', 'off_track', 'achieved'],
  },
  // 质量监督监管信息化建设项目
  {
    name: '办公用户的计算机、办公外设维护满意率',
    cell: '全年投诉次数≤12人次',
    target: n('<=', 12, '人次', { qualifier: '全年投诉次数' }),
    measure: 'count',
    progress: [count(2), count(7), count(13), count(13)],
    expect: ['on_track', 'at_risk', 'off_track', 'missed'],
  },
  {
    name: '全年发生重大网络安全事故次数',
    cell: '事故率为0',
    target: n('=', 0, '', { qualifier: '事故率' }),
    measure: 'count',
    progress: [null, null, count(1), count(1)],
    expect: ['on_track', 'on_track', 'off_track', 'missed'],
  },
  // 质量名牌推进质量监督抽查特设监管政府购买服务
  {
    name: '项目完成时间',
    cell: '2019年1-12月',
    target: window('2019-01-01', '2019-12-31'),
    measure: 'count',
    progress: same(activity('2019-02-10')),
    expect: ['achieved', 'achieved', 'achieved', 'achieved'],
  },
  // 自治区市场监督管理局食品品监督管理
  {
    name: '项目任务完成时限',
    cell: '2019年12月',
    target: deadline('2019-12-31'),
    measure: 'milestone',
    progress: same(notDone),
    expect: ['on_track', 'on_track', 'on_track', 'missed'],
  },
  {
    name: '食品监督抽验合格率',
    cell: '≥90%',
    target: n('>=', 90, '%'),
    measure: 'ratio',
    progress: [rate(180, 200), rate(350, 400), rate(600, 700), rate(720, 800)],
    expect: ['on_track', 'at_risk', 'off_track', 'achieved'],
  },
  // 自治区市场监督管理局食安办工作经费
  {
    name: '县市区食品安全办业务骨干进行业务培训费',
    cell: '≤200元/人/天',
    target: n('<=', 200, '元/人/天'),
    measure: 'mean',
    level2: '成本指标',
    progress: [mean(190, 40), mean(215, 60), mean(205, 100), mean(198, 150)],
    expect: ['on_track', 'at_risk', 'at_risk', 'achieved'],
  },
];

function unitOf(row: Row): UnitTarget {
  if (row.target.kind !== 'compound') return row.target;
  const parts = indicatorParts({ id: `2019.seed.${row.name}`, target: row.target });
  const unit = row.part ? parts.find((u) => u.id.endsWith(`~${row.part}`)) : parts[0];
  if (!unit) throw new Error(`${row.name}: no part ~${row.part} in ${parts.map((u) => u.id).join(', ')}`);
  return unit.target;
}

const cases = ROWS.flatMap((row) => DATES.map((date, i) => [row.name, row.cell, date, row, i] as const));

describe('the 2019 seed at four dates', () => {
  it('covers at least 25 indicators and every target shape', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ROWS.map((r) => r.target.kind))).toEqual(
      new Set(['numeric', 'range', 'deadline', 'window', 'compound', 'formula', 'qualitative']),
    );
  });

  it.each(cases)('%s (%s) at %s', (_name, _cell, date, row, i) => {
    const e = evaluate({
      target: unitOf(row),
      measure: row.measure,
      progress: row.progress[i],
      period: YEAR_2019,
      now: at(date),
      timeZone: TZ,
      level2: row.level2,
    });
    expect({ status: e.status, reason: e.reason }).toEqual({ status: row.expect[i], reason: expect.any(String) });
    expect(e.reason).not.toMatch(/\n|NaN|undefined|Infinity/);
  });
});

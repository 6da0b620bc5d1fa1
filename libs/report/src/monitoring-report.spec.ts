import ExcelJS from 'exceljs';
import {
  applyEvents,
  catalogueUnits,
  type AppliedEvent,
  type MeasureInput,
  type Progress,
  type TrackedUnit,
} from '@iw/measures';
import { budgetTrackId, type ParsedCatalogue, type Target } from '@iw/targets';
import {
  buildMonitoringReport,
  monthsCompleted,
  monthsLabel,
  ReportDateError,
  type MonitoringReportInput,
} from './monitoring-report';
import { monitoringReportXlsx, REPORT_SHEET } from './xlsx';

const TZ = 'Asia/Shanghai';
const P = '2019.抽检经费';

const rows: Array<[name: string, level1: string, level2: string, value: string, target: Target]> = [
  ['汽油抽检批次', '项目完成指标', '数量指标', '≥700批次', { kind: 'numeric', op: '>=', value: 700, unit: '批次' }],
  ['按计划完成抽检任务', '项目完成指标', '时效指标', '2019年11月底前', { kind: 'deadline', by: '2019-11-30' }],
  [
    '会议培训',
    '项目完成指标',
    '数量指标',
    '25期、2500人',
    {
      kind: 'compound',
      parts: [
        { kind: 'numeric', op: '=', value: 25, unit: '期', label: '期' },
        { kind: 'numeric', op: '=', value: 2500, unit: '人', label: '人' },
      ],
    },
  ],
  ['社会影响力', '项目效益指标', '社会效益指标', '有所提升', { kind: 'qualitative', text: '有所提升' }],
];

const catalogue: ParsedCatalogue = {
  fiscalYear: 2019,
  problems: [],
  projects: [
    {
      id: P,
      name: '抽检<经费>',
      tableKind: '项目支出绩效目标表',
      budgetUnit: '市场监督管理局',
      line: 1,
      funds: { total: 100, fiscal: 80, other: 20, unit: '万元' },
      goal: '完成抽检',
      indicators: rows.map(([name, level1, level2, value, target], i) => ({
        id: `${P}.${name}`,
        line: i + 2,
        level1,
        level2,
        name,
        value,
        target,
      })),
    },
  ],
};
const units = new Map(catalogueUnits(catalogue).map((u) => [u.id, u]));

function progress(unit: TrackedUnit, events: Array<[string, MeasureInput]>): Progress {
  const applied: AppliedEvent[] = events.map(([occurredAt, input], i) => ({
    trackedId: unit.id,
    eventId: `${unit.id}-${i}`,
    occurredAt,
    input,
    position: { topic: 't', partition: 0, offset: i },
  }));
  return applyEvents(
    null,
    { id: unit.id, measure: unit.measure, period: unit.period, scale: unit.scale, of: unit.of },
    applied,
    TZ,
  );
}

const gasoline = units.get(`${P}.汽油抽检批次`)!;
const budget = units.get(budgetTrackId(P))!;
const progressById = new Map<string, Progress>([
  // 350 batches by 1 July: on pace for 700.
  [
    gasoline.id,
    progress(gasoline, [
      ['2019-03-01T10:00:00+08:00', { kind: 'add', value: 100 }],
      ['2019-07-01T10:00:00+08:00', { kind: 'add', value: 250 }],
    ]),
  ],
  // 300 000 yuan of 1 000 000 spent by June.
  [budget.id, progress(budget, [['2019-06-15T10:00:00+08:00', { kind: 'add', value: 300_000 }]])],
]);

function input(
  asOf: string,
  deviation: MonitoringReportInput['indicators'][number]['deviation'] = null,
): MonitoringReportInput {
  return {
    project: { ...catalogue.projects[0], fiscalYear: 2019 },
    budget: { unit: budget, progress: progressById.get(budget.id) ?? null },
    indicators: catalogue.projects[0].indicators.map((ind) => ({
      id: ind.id,
      level1: ind.level1,
      level2: ind.level2,
      name: ind.name,
      value: ind.value,
      units: [...units.values()]
        .filter((u) => u.indicatorId === ind.id)
        .map((u) => ({ unit: u, progress: progressById.get(u.id) ?? null })),
      deviation: ind.name === '汽油抽检批次' ? deviation : null,
    })),
    asOf,
    now: Date.parse('2020-01-15T00:00:00+08:00'),
    timeZone: TZ,
  };
}

describe('buildMonitoringReport', () => {
  it('fills the funding rows from the budget track as of the date', () => {
    expect(buildMonitoringReport(input('2019-05-31')).funding[0]).toEqual({
      label: '年度资金总额',
      budget: 100,
      executed: 0,
      executionRate: 0,
      forecast: null,
    });
    const july = buildMonitoringReport(input('2019-07-31'));
    expect(july.month).toBe(7);
    expect(july.title).toBe('项目支出绩效目标执行监控表');
    expect(july.funding.map((f) => f.label)).toEqual(['年度资金总额', '其中：财政拨款', '其他资金']);
    expect(july.funding[0]).toMatchObject({ budget: 100, executed: 30, executionRate: 30 });
    // 30 % of the budget in 7 months projects to about 30 / (212/365) ≈ 51.65 万元.
    expect(july.funding[0].forecast).toBeCloseTo(51.65, 1);
    expect(july.funding[1]).toEqual({
      label: '其中：财政拨款',
      budget: 80,
      executed: null,
      executionRate: null,
      forecast: null,
    });
  });

  it.each([
    // asOf, 执行情况, status, likelihood
    // Nothing yet, inside the 30-day no-data grace: alerting keeps on_track (no alert), but the
    // report says what the page and the API say: no_data, no 完成目标可能性 (never 确定能 without data).
    ['2019-01-20', '暂无数据', 'no_data', null],
    ['2019-02-28', '暂无数据', 'no_data', null],
    ['2019-03-31', '100批次', 'at_risk', '有可能'], // 172.6 due by now
    ['2019-07-02', '350批次', 'on_track', '确定能'], // 351 due by now, within tolerance
  ])('judges 汽油抽检批次 as of %s: %s, %s', (asOf, execution, status, likelihood) => {
    const row = buildMonitoringReport(input(asOf)).indicators.find((r) => r.name === '汽油抽检批次')!;
    expect(row).toMatchObject({ value: '≥700批次', execution, status, likelihood });
  });

  it('shows a compound indicator part by part, a deadline and a qualitative target in words', () => {
    const r = buildMonitoringReport(input('2019-07-31'));
    const byName = new Map(r.indicators.map((i) => [i.name, i]));
    expect(byName.get('会议培训')!.execution).toBe('期 暂无数据；人 暂无数据');
    // A deadline with no data is neither 预计能完成 nor 确定能.
    expect(byName.get('按计划完成抽检任务')).toMatchObject({
      execution: '暂无数据',
      forecast: '暂无数据',
      likelihood: null,
      status: 'no_data',
    });
    expect(byName.get('社会影响力')).toMatchObject({ execution: '待人工评估', likelihood: null, status: 'manual' });
  });

  it('reads a qualitative target from its latest assessment made by then', () => {
    const q = units.get(`${P}.社会影响力`)!;
    progressById.set(
      q.id,
      progress(q, [['2019-06-01T10:00:00+08:00', { kind: 'assessment', likelihood: '有可能', text: '略有提升' }]]),
    );
    try {
      const row = (asOf: string) => buildMonitoringReport(input(asOf)).indicators.find((i) => i.name === '社会影响力')!;
      expect(row('2019-07-31')).toMatchObject({
        execution: '略有提升（人工评估：有可能）',
        likelihood: '有可能',
        status: 'at_risk',
        forecast: '存在不能完成的风险',
      });
      expect(row('2019-05-31')).toMatchObject({ execution: '待人工评估', likelihood: null, status: 'manual' });
    } finally {
      progressById.delete(q.id);
    }
  });

  it('spells the third grade 完全不可能 and carries the owner’s deviation and measures', () => {
    // On its last day the year is not over yet (off_track); the day after it is decided (missed).
    const last = buildMonitoringReport(input('2019-12-31')).indicators.find((i) => i.name === '汽油抽检批次')!;
    expect(last).toMatchObject({ likelihood: '完全不可能', status: 'off_track', deviation: null, measures: '' });
    const late = buildMonitoringReport(
      input('2020-01-10', { category: '经费保障', remark: '资金未到位', measures: '追加预算' }),
    );
    expect(late.month).toBe(12);
    const row = late.indicators.find((i) => i.name === '汽油抽检批次')!;
    expect(row).toMatchObject({
      likelihood: '完全不可能',
      status: 'missed',
      deviation: { category: '经费保障', remark: '资金未到位' },
      measures: '追加预算',
    });
  });

  it.each([
    // asOf, months completed, heading
    ['2019-07-01', 6, '1-6月'],
    ['2019-06-30', 6, '1-6月'],
    ['2019-07-31', 7, '1-7月'],
    ['2019-02-28', 2, '1-2月'],
    ['2019-02-01', 1, '1月'],
    ['2019-01-15', 0, '本年'],
    ['2019-12-31', 12, '1-12月'],
    ['2020-01-10', 12, '1-12月'],
  ])('as of %s counts %d months completed (%s)', (asOf, months, label) => {
    expect(monthsCompleted(asOf, 2019)).toBe(months);
    expect(monthsLabel(months)).toBe(label);
    expect(buildMonitoringReport(input(asOf)).month).toBe(months);
  });

  it('judges a future date as of now', () => {
    const r = buildMonitoringReport({ ...input('2019-12-31'), now: Date.parse('2019-07-02T12:00:00+08:00') });
    expect(r.judgedAt).toBe('2019-07-02T04:00:00.000Z');
  });

  it.each(['2019-13-01', '2019-02-29', '2019-7-1', 'yesterday', '2018-12-31'])('refuses asOf %s', (asOf) => {
    expect(() => buildMonitoringReport(input(asOf))).toThrow(ReportDateError);
  });
});

describe('monitoringReportXlsx', () => {
  it('writes the official layout that exceljs reads back', async () => {
    const report = buildMonitoringReport(
      input('2019-07-31', { category: '制度保障', remark: '', measures: '完善制度' }),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await monitoringReportXlsx(report)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(REPORT_SHEET)!;
    const text: string[][] = [];
    ws.eachRow(
      (row, r) => (text[r] = (row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v as string)))),
    );
    const rowOf = (first: string, col = 4) => text.findIndex((r) => r?.[col - 1] === first);

    expect(text[1][0]).toBe('项目支出绩效目标执行监控表');
    expect(text[rowOf('抽检<经费>')][0]).toBe('项目名称');
    const head = rowOf('三级指标');
    expect(text[head]).toEqual(
      expect.arrayContaining([
        '一级指标',
        '二级指标',
        '1-7月执行情况',
        '全年预计完成情况',
        '完成目标可能性',
        '偏差原因分析',
        '整改措施',
      ]),
    );
    expect(text[head + 1].slice(7, 15)).toEqual([
      '确定能',
      '有可能',
      '完全不可能',
      '经费保障',
      '制度保障',
      '人员保障',
      '硬件条件保障',
      '其他',
    ]);
    // 完成目标可能性 spans H–J and 偏差原因分析 K–O in the header.
    expect(ws.getCell(head, 9).isMerged && ws.getCell(head, 9).master.address).toBe(`H${head}`);
    expect(ws.getCell(head, 15).master.address).toBe(`K${head}`);

    const gas = text[rowOf('汽油抽检批次')];
    expect(gas.slice(4, 7)).toEqual(['≥700批次', '350批次', expect.stringMatching(/^\d+(\.\d+)?批次$/)]);
    expect(gas[7] + gas[8] + gas[9]).toBe('✓');
    expect(gas[11]).toBe('✓'); // 制度保障 without a remark
    expect(gas[15]).toBe('完善制度');
    expect(rowOf('会议培训')).toBeGreaterThan(head);

    const total = text[rowOf('年度资金总额', 2)];
    expect(total.slice(4, 10).filter(Boolean).map(Number)).toEqual([100, 100, 30, 30, 30, 30]);
  });
});

import ExcelJS from 'exceljs';
import { catalogueUnits, applyEvents, type Progress, type TrackedUnit } from '@iw/measures';
import { riskConfig } from '@iw/risk';
import { budgetTrackId, type ParsedCatalogue } from '@iw/targets';
import { buildAgencyReport, elapsedShare, type AgencyReportInput } from './agency-report';
import { agencyReportXlsx, sheetNames, SUMMARY_SHEET } from './agency-xlsx';
import { ReportDateError } from './monitoring-report';

const TZ = 'Asia/Shanghai';

const project = (id: string, name: string, total: number) => ({
  id,
  name,
  tableKind: '项目支出绩效目标表' as const,
  budgetUnit: '某局',
  line: 1,
  funds: { total, fiscal: total, other: 0, unit: '万元' as const },
  goal: '目标',
  indicators: [
    {
      id: `${id}.次数`,
      line: 2,
      level1: '项目完成指标',
      level2: '数量指标',
      name: '检查次数',
      value: '≥100次',
      target: { kind: 'numeric' as const, op: '>=' as const, value: 100, unit: '次' },
    },
    {
      id: `${id}.影响`,
      line: 3,
      level1: '项目效益指标',
      level2: '社会效益指标',
      name: '社会影响',
      value: '有所提升',
      target: { kind: 'qualitative' as const, text: '有所提升' },
    },
  ],
});

const catalogue: ParsedCatalogue = {
  fiscalYear: 2019,
  problems: [],
  projects: [project('2019.a', '甲项目：抽检/监测[经费]', 100), project('2019.b', '乙项目', 50)],
};
const units = new Map(catalogueUnits(catalogue).map((u) => [u.id, u]));

function progress(unit: TrackedUnit, events: Array<[string, number]>): Progress {
  return applyEvents(
    null,
    { id: unit.id, measure: unit.measure, period: unit.period, scale: unit.scale, of: unit.of },
    events.map(([occurredAt, value], i) => ({
      trackedId: unit.id,
      eventId: `${unit.id}-${i}`,
      occurredAt,
      input: { kind: 'add', value },
      position: { topic: 't', partition: 0, offset: i },
    })),
    TZ,
  );
}

const progressById = new Map<string, Progress>([
  // 甲: 60 of 100 次 and 60 万元 of 100 by June: ahead of pace, 60 % spent.
  [`2019.a.次数`, progress(units.get('2019.a.次数')!, [['2019-06-01T10:00:00+08:00', 60]])],
  [budgetTrackId('2019.a'), progress(units.get(budgetTrackId('2019.a'))!, [['2019-06-01T10:00:00+08:00', 600_000]])],
  // 乙: 10 of 100 次 and nothing spent.
  [`2019.b.次数`, progress(units.get('2019.b.次数')!, [['2019-03-01T10:00:00+08:00', 10]])],
]);

function input(asOf: string): AgencyReportInput {
  return {
    agency: '某局',
    fiscalYear: 2019,
    asOf,
    now: Date.parse('2020-01-15T00:00:00+08:00'),
    timeZone: TZ,
    projects: catalogue.projects.map((p) => {
      const b = units.get(budgetTrackId(p.id))!;
      return {
        project: { ...p, fiscalYear: 2019 },
        budget: { unit: b, progress: progressById.get(b.id) ?? null },
        indicators: p.indicators.map((ind) => ({
          id: ind.id,
          level1: ind.level1,
          level2: ind.level2,
          name: ind.name,
          value: ind.value,
          units: [...units.values()]
            .filter((u) => u.indicatorId === ind.id)
            .map((u) => ({ unit: u, progress: progressById.get(u.id) ?? null })),
          deviation: null,
        })),
      };
    }),
  };
}

describe('buildAgencyReport', () => {
  it('sums up every project: 预算执行率 against 序时进度 and the indicators by 完成目标可能性', () => {
    const r = buildAgencyReport(input('2019-07-01'));
    expect(r).toMatchObject({ title: '某局绩效监控表', agency: '某局', month: 6, asOf: '2019-07-01' });
    expect(r.timeElapsed).toBe(elapsedShare(2019, Date.parse('2019-07-01T23:59:59.999+08:00'), TZ));
    expect(r.timeElapsed).toBeCloseTo(49.9, 0);
    expect(r.summary.map((s) => [s.projectName, s.executionRate, s.behind])).toEqual([
      ['甲项目：抽检/监测[经费]', 60, false],
      ['乙项目', 0, true],
    ]);
    expect(r.summary[0].likelihoods).toEqual({ 确定能: 1, 有可能: 0, 不可能: 0, 暂无: 1 });
    expect(r.summary[1].likelihoods.确定能 + r.summary[1].likelihoods.有可能 + r.summary[1].likelihoods.不可能).toBe(1);
    expect(r.summary[1].likelihoods.暂无).toBe(1); // the qualitative one, never assessed
    expect(r.totals.indicators).toBe(4);
    expect(r.projects.map((p) => p.month)).toEqual([6, 6]);
  });

  it('tags 落后 only beyond the pace tolerance (the pace file’s, as the risk engine judges)', () => {
    // End of August: 序时进度 66.6 %; 甲 spent 60 %, within 10 % of it (the line is 59.9 %).
    const r = buildAgencyReport(input('2019-08-31'));
    expect(r.timeElapsed).toBeCloseTo(66.6, 1);
    expect(r.summary.map((s) => [s.executionRate, s.behind])).toEqual([
      [60, false],
      [0, true],
    ]);
    const strict = buildAgencyReport({ ...input('2019-08-31'), riskConfig: riskConfig({ paceTolerance: 0 }) });
    expect(strict.summary.map((s) => s.behind)).toEqual([true, true]);
  });

  it.each(['2018-12-31', '2019-02-30', 'today'])('refuses asOf %s', (asOf) => {
    expect(() => buildAgencyReport(input(asOf))).toThrow(ReportDateError);
    expect(() => buildAgencyReport({ ...input(asOf), projects: [] })).toThrow(ReportDateError);
  });
});

describe('agencyReportXlsx', () => {
  it('writes a 汇总 sheet and one sheet per project in the official layout', async () => {
    const r = buildAgencyReport(input('2019-07-01'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await agencyReportXlsx(r)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([SUMMARY_SHEET, '1 甲项目：抽检 监测 经费', '2 乙项目']);
    const summary = wb.getWorksheet(SUMMARY_SHEET)!;
    expect(summary.getCell(1, 1).value).toBe('某局绩效监控表');
    expect(summary.getCell(2, 1).text).toContain('1-6月');
    expect(summary.getCell(3, 4).value).toBe('1-6月执行数（万元）');
    expect([3, 4, 5].map((c) => summary.getCell(4, c).value)).toEqual([100, 60, 60]);
    expect(summary.getCell(5, 5).value).toBe(0);
    expect((summary.getCell(5, 5).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb).toBe('FFF8D7DA');
    expect((summary.getCell(4, 5).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb).toBeUndefined();
    expect(summary.getCell(6, 2).value).toBe('合计');
    expect(summary.getCell(6, 7).value).toBe(4);
    const sheet = wb.worksheets[2];
    const texts: string[] = [];
    sheet.eachRow((row) => row.eachCell((c) => texts.push(c.text)));
    expect(texts).toEqual(
      expect.arrayContaining(['项目支出绩效目标执行监控表', '乙项目', '1-6月执行情况', '检查次数']),
    );
  });

  it('names sheets within Excel’s rules', () => {
    const names = sheetNames(['a'.repeat(40), "x'y:z*?", '甲']);
    expect(names[0]).toHaveLength(31);
    expect(names[1]).toBe('2 x y z');
    expect(names[2]).toBe('3 甲');
  });
});

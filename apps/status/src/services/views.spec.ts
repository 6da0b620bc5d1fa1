import type { Progress, TrackedUnit } from '@iw/measures';
import type { IndicatorDoc, ProjectDoc } from '@iw/mongo';
import type { Evaluation, Status } from '@iw/risk';
import { indicatorView, projectView, timeElapsed } from './views';
import type { IndicatorState, ProjectState, UnitState } from './tracking.service';

const TZ = 'Asia/Shanghai';

describe('timeElapsed', () => {
  it.each([
    ['2019-01-01T00:00:00+08:00', 0],
    ['2018-12-31T23:00:00+08:00', 0],
    ['2019-07-02T12:00:00+08:00', 50],
    ['2019-12-31T23:59:59+08:00', 100],
    ['2020-03-01T00:00:00+08:00', 100],
  ])('%s → %p%%', (at, pct) => {
    expect(timeElapsed(2019, Date.parse(at), TZ)).toBeCloseTo(pct, 0);
  });
});

const project = {
  _id: 'p',
  name: '项目',
  budgetUnit: '单位',
  fiscalYear: 2019,
  funds: { total: 100, fiscal: 80, other: 20, unit: '万元' },
  goal: '',
  tableKind: '项目支出绩效目标表',
} as unknown as ProjectDoc;

function evaluation(status: Status, extra: Partial<Evaluation> = {}): Evaluation {
  return {
    status,
    likelihood: null,
    expected: null,
    forecast: null,
    reason: status,
    daysLeft: 10,
    deadline: '2019-12-31',
    ...extra,
  };
}

function unitState(
  id: string,
  status: Status,
  likelihood: UnitState['likelihood'],
  extra: Partial<UnitState> = {},
): UnitState {
  const unit = {
    id,
    kind: 'indicator',
    projectId: 'p',
    projectName: '项目',
    indicatorId: id,
    name: id,
    target: { kind: 'numeric', op: '>=', value: 10, unit: '次' },
    period: { from: '2019-01-01', to: '2019-12-31' },
    measure: 'sum',
    scale: 1,
  } as TrackedUnit;
  return {
    unit,
    progress: null,
    evaluation: evaluation(status),
    settled: null,
    status,
    likelihood,
    expectedOn: () => null,
    ...extra,
  };
}

function indicator(id: string, status: Status, likelihood: UnitState['likelihood']): IndicatorState {
  const doc = {
    _id: id,
    projectId: 'p',
    level1: '一',
    level2: '二',
    name: id,
    value: '≥10次',
    target: { kind: 'numeric', op: '>=', value: 10, unit: '次' },
    deviation: null,
  } as unknown as IndicatorDoc;
  return { doc, project, units: [unitState(id, status, likelihood)], status, likelihood, settled: false };
}

describe('projectView', () => {
  it('counts statuses and traffic lights per indicator, and budget execution in 万元 and %', () => {
    const budget = unitState('p#budget', 'at_risk', '有可能', {
      progress: { numerator: 250_000, actual: 25 } as Progress,
      evaluation: evaluation('at_risk', { forecast: 60 }),
    });
    const state: ProjectState = {
      doc: project,
      budget,
      indicators: [
        indicator('a', 'on_track', '确定能'),
        indicator('b', 'achieved', '确定能'),
        indicator('c', 'at_risk', '有可能'),
        indicator('d', 'missed', '不可能'),
        indicator('e', 'no_data', null),
      ],
    };
    const v = projectView(state, Date.parse('2019-07-02T12:00:00+08:00'), TZ, 0.1);
    expect(v.lights).toEqual({ 确定能: 2, 有可能: 1, 不可能: 1, 无: 1 });
    expect(v.statusCounts).toEqual({
      on_track: 1,
      achieved: 1,
      at_risk: 1,
      missed: 1,
      no_data: 1,
      off_track: 0,
      manual: 0,
    });
    expect(v).toMatchObject({
      spent: 25,
      executionRate: 25,
      indicatorCount: 5,
      budget: { status: 'at_risk', forecast: 60 },
      behind: true, // 25 % against 50 %: beyond the tolerance
    });
  });

  it.each<[number, number, boolean]>([
    // 序时进度 50 % on 2 July at noon: the line is 45 % with the default tolerance.
    [460_000, 0.1, false],
    [450_000, 0.1, false],
    [440_000, 0.1, true],
    [460_000, 0, true],
    [500_000, 0, false],
  ])('spent %p yuan of 100 万, tolerance %p → 落后 %p', (spentYuan, tolerance, behind) => {
    const budget = unitState('p#budget', 'on_track', '确定能', { progress: { numerator: spentYuan } as Progress });
    const v = projectView(
      { doc: project, budget, indicators: [] },
      Date.parse('2019-07-02T12:00:00+08:00'),
      TZ,
      tolerance,
    );
    expect([v.timeElapsed, v.executionRate, v.behind]).toEqual([50, spentYuan / 10_000, behind]);
  });

  it('has no execution rate without a budget total, and spent 0 before any spending', () => {
    const v = projectView(
      {
        doc: { ...project, funds: { total: null, fiscal: null, other: null, unit: '万元' } },
        budget: unitState('p#budget', 'no_data', null),
        indicators: [],
      },
      0,
      TZ,
      0.1,
    );
    expect(v).toMatchObject({ spent: 0, executionRate: null, budget: { forecast: null }, behind: false });
  });
});

describe('indicatorView', () => {
  it('shows a compound indicator by its parts, its worst status on top', () => {
    const i = indicator('x', 'at_risk', '有可能');
    i.doc = { ...i.doc, target: { kind: 'compound', parts: [] } };
    i.units = [unitState('x~期', 'on_track', '确定能'), unitState('x~人', 'at_risk', '有可能')].map((u, n) => ({
      ...u,
      unit: { ...u.unit, kind: 'part', part: ['期', '人'][n] },
    }));
    const v = indicatorView(i);
    expect(v.actual).toBeNull();
    expect(v.parts!.map((p) => [p.label, p.status])).toEqual([
      ['期', 'on_track'],
      ['人', 'at_risk'],
    ]);
    expect(v.reason).toBe('期：on_track；人：at_risk');
  });
});

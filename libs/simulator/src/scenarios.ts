import type { Likelihood } from '@iw/measures';
import type { Status } from '@iw/risk';
import { budgetTrackId } from '@iw/targets';
import { fiscalDate } from './calendar';
import type { UnitView } from './view';

/**
 * The story's plot: a small table of scenarios, each applied to one indicator chosen from the
 * catalogue by a rule (never by a hard-coded id), with the statuses it must produce and when.
 * Everything not named here runs on plan, which the unit test checks too ("most indicators on
 * track"). Dates are `MM-DD` of the fiscal year. An expectation holds at every instant of every
 * day of its range (inclusive), so a replay can be checked whenever it stops inside one; events
 * happen in office hours, so what an event on day D changes is expected from D + 1.
 */

export type Effect =
  /** The unit's sources deliver at `rate` × plan inside each segment (a slump, a catch-up). */
  | { kind: 'rate'; segments: ReadonlyArray<{ from: string; to: string; rate: number }> }
  /** Cost per batch of the unit's categories × `factor` from `from` on. */
  | { kind: 'cost'; from: string; factor: number }
  /** The unit's survey answers `below` under its target, in these waves only. */
  | { kind: 'survey'; below: number; waves: ReadonlyArray<{ on: string; respondents: number }> }
  /** One extra payment of `share` × the unit's cap on `on`. */
  | { kind: 'payment'; on: string; share: number }
  /** The unit's source never reports (a survey platform that is never connected, a milestone never done). */
  | { kind: 'silent' }
  /** A manual 完成目标可能性 for a qualitative indicator. */
  | { kind: 'assess'; on: string; likelihood: Likelihood; text: string }
  /** Nothing changes: the scenario names a natural outcome of the plan. */
  | { kind: 'none' };

export interface UnitRule {
  /** How the unit is chosen, in words (printed by `iw simulate --plan`, kept in the story). */
  describe: string;
  select(views: readonly UnitView[]): UnitView | undefined;
}

export interface ScenarioExpectation {
  status: Status;
  from: string;
  to: string;
  /** `budget`: the chosen unit's project budget execution track instead of the unit itself. */
  of?: 'unit' | 'budget';
}

export interface Scenario {
  name: string;
  /** What happens, in one sentence. */
  plot: string;
  rule: UnitRule;
  effect: Effect;
  expect: readonly ScenarioExpectation[];
}

// ---------------------------------------------------------------------------------------------
// Rules

/** Array sort is stable: equal units keep catalogue order. */
const inTableOrder = () => 0;

function rule(
  describe: string,
  match: (v: UnitView) => boolean,
  order: (a: UnitView, b: UnitView) => number = inTableOrder,
): UnitRule {
  return { describe, select: (views) => [...views].filter(match).sort(order)[0] };
}

const numericValue = (v: UnitView) => (v.unit.target.kind === 'numeric' ? v.unit.target.value : NaN);
const whereValues = (v: UnitView, field: string) =>
  v.binding?.where.find((w) => w.field === field)?.values.map(String) ?? [];
const inProject = (v: UnitView, name: string) => v.unit.projectName.normalize('NFKC').includes(name);
const isBatchCount = (v: UnitView) =>
  v.binding?.from === 'inspectionBatches' &&
  v.binding.measure === 'sum' &&
  v.binding.field === 'batches' &&
  whereValues(v, 'category').length === 1;
const isSurveyRatio = (v: UnitView) => v.binding?.from === 'surveys' && v.binding.measure === 'ratio';
const deadlineOf = (v: UnitView) => {
  const t = v.unit.target;
  if (t.kind !== 'deadline') return '';
  return t.byAlternative && t.byAlternative > t.by ? t.byAlternative : t.by;
};

export const RULES = {
  largestBatchCount: rule(
    'the inspection-batch count (a sum of batches of one category) with the largest ≥ target',
    (v) => isBatchCount(v) && v.unit.target.kind === 'numeric' && v.unit.target.op === '>=',
    (a, b) => numericValue(b) - numericValue(a),
  ),
  busiestCostCap: {
    describe: 'the per-batch cost cap (mean of costYuan per batch) over the categories with the most batches a year',
    select(views) {
      const perYear = (category: string) =>
        Math.max(
          0,
          ...views.filter((v) => isBatchCount(v) && whereValues(v, 'category')[0] === category).map(numericValue),
        );
      const batches = (v: UnitView) => whereValues(v, 'category').reduce((n, c) => n + perYear(c), 0);
      return views
        .filter((v) => v.binding?.from === 'inspectionBatches' && v.binding.measure === 'mean' && v.direction === 'cap')
        .sort((a, b) => batches(b) - batches(a))[0];
    },
  },
  lowestSurveyOfBureau: rule(
    'the satisfaction survey of 工商行政管理业务费 with the lowest target',
    (v) => isSurveyRatio(v) && inProject(v, '工商行政管理业务费'),
    (a, b) => numericValue(a) - numericValue(b),
  ),
  largestBudgetExecution: rule(
    'the bound budget-execution indicator (spending counted against 年度资金总额) of the project with the largest budget',
    (v) => v.binding?.from === 'spending' && v.binding.of != null && v.binding.where.length === 0,
    (a, b) => (b.binding!.of ?? 0) - (a.binding!.of ?? 0),
  ),
  smallestSpendingCap: rule(
    'the spending item under a cost cap (成本指标) with the smallest cap',
    (v) => v.binding?.from === 'spending' && whereValues(v, 'item').length === 1 && v.direction === 'cap',
    (a, b) => numericValue(a) / a.binding!.scale - numericValue(b) / b.binding!.scale,
  ),
  earliestDeadline: rule(
    'the milestone with the earliest deadline (its later reading)',
    (v) => v.binding === null && v.unit.measure === 'milestone' && v.unit.target.kind === 'deadline',
    (a, b) => (deadlineOf(a) < deadlineOf(b) ? -1 : deadlineOf(a) > deadlineOf(b) ? 1 : 0),
  ),
  firstQualitativeOfBureau: rule(
    'the first qualitative indicator of 工商行政管理业务费',
    (v) => v.binding === null && v.unit.target.kind === 'qualitative' && inProject(v, '工商行政管理业务费'),
  ),
  surveyOfItProject: rule(
    'the satisfaction survey of 质量监督监管信息化建设项目',
    (v) => isSurveyRatio(v) && inProject(v, '质量监督监管信息化建设项目'),
  ),
  enforcementCaseCount: rule(
    'the count of opened cases (执法办案数) with a floor',
    (v) =>
      v.binding?.from === 'cases' &&
      v.binding.measure === 'count' &&
      whereValues(v, 'action').join() === 'opened' &&
      v.direction === 'floor',
  ),
} satisfies Record<string, UnitRule>;

// ---------------------------------------------------------------------------------------------
// The plot

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'behind-then-recover',
    plot: 'The lab falls behind in February (30 % of plan) and catches up in mid-March (4 × plan).',
    rule: RULES.largestBatchCount,
    effect: {
      kind: 'rate',
      segments: [
        { from: '02-01', to: '03-10', rate: 0.3 },
        { from: '03-11', to: '03-20', rate: 4 },
      ],
    },
    expect: [
      { status: 'on_track', from: '01-01', to: '02-05' },
      { status: 'at_risk', from: '02-16', to: '03-12' },
      { status: 'on_track', from: '03-22', to: '11-15' },
    ],
  },
  {
    name: 'cost-cap-exceeded',
    plot: 'From mid-January sampling fuel costs 1.8 × as much per batch: the cost per batch passes its cap, then stays too far above it.',
    rule: RULES.busiestCostCap,
    effect: { kind: 'cost', from: '01-15', factor: 1.8 },
    expect: [
      { status: 'on_track', from: '01-01', to: '01-14' },
      { status: 'off_track', from: '02-05', to: '12-31' },
    ],
  },
  {
    name: 'survey-below-target',
    plot: 'The public survey answers 8 points under target: too few answers to judge in January, undecided after a small wave in February, decidedly short after a large one in March.',
    rule: RULES.lowestSurveyOfBureau,
    effect: {
      kind: 'survey',
      below: 0.08,
      waves: [
        { on: '01-15', respondents: 20 },
        { on: '02-11', respondents: 45 },
        { on: '03-11', respondents: 300 },
        { on: '06-10', respondents: 300 },
        { on: '09-10', respondents: 300 },
      ],
    },
    expect: [
      { status: 'on_track', from: '01-01', to: '02-10' },
      { status: 'at_risk', from: '02-12', to: '03-10' },
      { status: 'off_track', from: '03-12', to: '12-31' },
    ],
  },
  {
    name: 'spending-lags',
    plot: 'The largest project spends at 60 % of the pace of time all year: its budget execution lags, then cannot be caught up.',
    rule: RULES.largestBudgetExecution,
    effect: { kind: 'rate', segments: [{ from: '01-01', to: '12-31', rate: 0.6 }] },
    expect: [
      { status: 'at_risk', from: '02-05', to: '10-31' },
      { status: 'off_track', from: '11-20', to: '12-31' },
      { status: 'at_risk', from: '02-05', to: '10-31', of: 'budget' },
      { status: 'off_track', from: '11-20', to: '12-31', of: 'budget' },
    ],
  },
  {
    name: 'spending-cap-overrun',
    plot: 'An unplanned maintenance bill of 110 % of the smallest cost cap is paid on 12 March.',
    rule: RULES.smallestSpendingCap,
    effect: { kind: 'payment', on: '03-12', share: 1.1 },
    expect: [
      { status: 'on_track', from: '01-01', to: '03-11' },
      { status: 'off_track', from: '03-13', to: '12-31' },
    ],
  },
  {
    name: 'deadline-missed',
    plot: 'The earliest milestone is never reported done: at risk in its last 30 days, missed after.',
    rule: RULES.earliestDeadline,
    effect: { kind: 'silent' },
    expect: [
      { status: 'on_track', from: '01-01', to: '05-30' },
      { status: 'at_risk', from: '05-31', to: '06-30' },
      { status: 'missed', from: '07-01', to: '12-31' },
    ],
  },
  {
    name: 'qualitative-assessed',
    plot: 'A qualitative indicator is assessed 确定能 on 20 February; the others wait for their assessment until November.',
    rule: RULES.firstQualitativeOfBureau,
    effect: { kind: 'assess', on: '02-20', likelihood: '确定能', text: '设施运行正常，维护及时' },
    expect: [
      { status: 'manual', from: '01-01', to: '02-19' },
      { status: 'on_track', from: '02-21', to: '12-31' },
    ],
  },
  {
    name: 'no-data',
    plot: 'One survey platform is never connected: the indicator it feeds has no data once the 30-day grace is over.',
    rule: RULES.surveyOfItProject,
    effect: { kind: 'silent' },
    expect: [
      { status: 'on_track', from: '01-01', to: '01-30' },
      { status: 'no_data', from: '02-01', to: '12-31' },
    ],
  },
  {
    name: 'achieved-early',
    plot: 'Enforcement cases open steadily: the yearly floor is reached in January and the indicator is achieved.',
    rule: RULES.enforcementCaseCount,
    effect: { kind: 'none' },
    expect: [{ status: 'achieved', from: '02-01', to: '12-31' }],
  },
];

// ---------------------------------------------------------------------------------------------
// Resolution against a catalogue

export interface Expectation {
  scenario: string;
  unitId: string;
  projectName: string;
  /** Indicator name, or 预算执行率 for a budget track. */
  name: string;
  status: Status;
  /** Local dates, inclusive. */
  from: string;
  to: string;
}

export interface ResolvedScenario {
  name: string;
  plot: string;
  rule: string;
  unitId: string;
  indicatorId: string | null;
  projectId: string;
  projectName: string;
  /** Indicator name (预算执行率 for a budget track). */
  unitName: string;
  effect: Effect;
  expectations: Expectation[];
}

/** Picks each scenario's unit; a rule that finds nothing is an error (the catalogue changed). */
export function resolveScenarios(
  views: readonly UnitView[],
  fiscalYear: number,
  scenarios: readonly Scenario[] = SCENARIOS,
): ResolvedScenario[] {
  const byId = new Map(views.map((v) => [v.unit.id, v]));
  const taken = new Set<string>();
  return scenarios.map((s) => {
    const picked = s.rule.select(views);
    if (!picked) throw new Error(`scenario ${s.name}: no unit matches "${s.rule.describe}"`);
    // One plot per unit: two effects on one unit would make neither's expectations hold.
    if (taken.has(picked.unit.id))
      throw new Error(`scenario ${s.name}: ${picked.unit.id} is already taken by another scenario`);
    taken.add(picked.unit.id);
    const u = picked.unit;
    const expectations = s.expect.map((e) => {
      const target = e.of === 'budget' ? byId.get(budgetTrackId(u.projectId))?.unit : u;
      if (!target) throw new Error(`scenario ${s.name}: project ${u.projectName} has no budget track`);
      return {
        scenario: s.name,
        unitId: target.id,
        projectName: target.projectName,
        name: target.name,
        status: e.status,
        from: fiscalDate(fiscalYear, e.from),
        to: fiscalDate(fiscalYear, e.to),
      };
    });
    return {
      name: s.name,
      plot: s.plot,
      rule: s.rule.describe,
      unitId: u.id,
      indicatorId: u.indicatorId,
      projectId: u.projectId,
      projectName: u.projectName,
      unitName: u.name,
      effect: s.effect,
      expectations,
    };
  });
}

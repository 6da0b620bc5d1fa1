import { targetUnit } from '@iw/measures';
import { isCumulative, shownStatus, STATUS_LABELS } from '@iw/risk';
import { budgetBehind, elapsedShare, type DeviationCategory } from '@iw/report';
import { emptyStatusCounts } from '../dtos/common.dto';
import type { IndicatorDetail, IndicatorView, UnitView } from '../dtos/indicator.dto';
import type { ProjectView } from '../dtos/project.dto';
import type { IndicatorState, ProjectState, UnitState } from './tracking.service';

/** Tracking state → API shapes. Pure, so the dashboard and the API show the same figures. */

const round = (n: number | null, digits = 2) =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;

export function unitView(s: UnitState): UnitView {
  const e = s.evaluation;
  return {
    id: s.unit.id,
    label: s.unit.kind === 'part' ? (s.unit.part ?? null) : null,
    target: s.unit.target as UnitView['target'],
    unit: targetUnit(s.unit.target),
    measure: s.unit.measure,
    bound: s.unit.bindingLine !== undefined,
    actual: round(s.progress?.actual ?? null, 4),
    expected: round(e.expected, 4),
    forecast: round(e.forecast, 4),
    status: s.status,
    statusLabel: STATUS_LABELS[s.status],
    likelihood: s.likelihood,
    reason: e.reason,
    settled: s.settled !== null,
    liveStatus: shownStatus(e.status, e.likelihood),
    daysLeft: e.daysLeft,
    deadline: e.deadline,
    pace: e.pace ?? null,
    period: { from: s.unit.period.from, to: s.unit.period.to },
    eventCount: s.progress?.eventCount ?? 0,
    lastEventAt: s.progress?.lastEventAt ?? null,
  };
}

export function indicatorView(i: IndicatorState): IndicatorView {
  const units = i.units.map(unitView);
  const compound = i.doc.target.kind === 'compound';
  const own = compound ? null : units[0];
  const lastEventAt = units
    .map((u) => u.lastEventAt)
    .reduce<string | null>((a, b) => (b !== null && (a === null || Date.parse(b) > Date.parse(a)) ? b : a), null);
  const dev = i.doc.deviation;
  return {
    id: i.doc._id,
    project: { id: i.project._id, name: i.project.name },
    level1: i.doc.level1,
    level2: i.doc.level2,
    name: i.doc.name,
    value: i.doc.value,
    target: i.doc.target as IndicatorView['target'],
    unit: own?.unit ?? '',
    actual: own?.actual ?? null,
    expected: own?.expected ?? null,
    forecast: own?.forecast ?? null,
    status: i.status,
    statusLabel: STATUS_LABELS[i.status],
    likelihood: i.likelihood,
    reason: own ? own.reason : units.map((u) => `${u.label ?? ''}：${u.reason}`).join('；'),
    settled: i.settled,
    daysLeft: own?.daysLeft ?? minOf(units.map((u) => u.daysLeft)),
    deadline: own?.deadline ?? units[0]?.deadline ?? null,
    pace: own?.pace ?? null,
    lastEventAt,
    parts: compound ? units : null,
    deviation: dev
      ? {
          category: dev.category as DeviationCategory,
          remark: dev.remark,
          measures: dev.measures,
          updatedAt: new Date(dev.updatedAt).toISOString(),
          updatedBy: dev.updatedBy ?? null,
        }
      : null,
  };
}

export function indicatorDetail(i: IndicatorState, now: number): IndicatorDetail {
  const base = indicatorView(i);
  // Each day with events: the value at its end, the change from the day before (a running
  // total's increment; the first day's from 0 for a cumulative measure) and the pace's value then.
  const history = (s: UnitState) =>
    (s.progress?.history ?? []).map((p, k, all) => {
      const before = k > 0 ? all[k - 1].actual : isCumulative(s.unit.measure) ? 0 : null;
      return {
        date: p.date,
        actual: round(p.actual, 4),
        increment: p.actual === null || before === null ? null : round(p.actual - before, 4),
        expected: round(s.expectedOn(p.date), 4),
      };
    });
  const compound = base.parts !== null;
  return {
    ...base,
    period: i.units[0] ? { ...i.units[0].unit.period } : { from: '', to: '' },
    measure: compound || !i.units[0] ? null : i.units[0].unit.measure,
    history: compound || !i.units[0] ? [] : history(i.units[0]),
    parts: compound ? i.units.map((s) => ({ ...unitView(s), history: history(s) })) : null,
    now: new Date(now).toISOString(),
  };
}

/** Share of the fiscal year elapsed at `now`, in %. */
export function timeElapsed(fiscalYear: number, now: number, timeZone: string): number {
  return elapsedShare(fiscalYear, now, timeZone);
}

/** `tolerance`: the pace tolerance (RiskConfig.paceTolerance) that 落后 allows (budgetBehind). */
export function projectView(p: ProjectState, now: number, timeZone: string, tolerance: number): ProjectView {
  const counts = emptyStatusCounts();
  const lights = { 确定能: 0, 有可能: 0, 不可能: 0, 无: 0 };
  for (const i of p.indicators) {
    counts[i.status] += 1;
    lights[i.likelihood ?? '无'] += 1;
  }
  const b = p.budget;
  const total = p.doc.funds.total;
  const spentYuan = b?.progress?.numerator ?? (b ? 0 : null);
  const executionRate = total && spentYuan !== null ? round((spentYuan / (total * 10_000)) * 100) : null;
  const elapsed = timeElapsed(p.doc.fiscalYear, now, timeZone);
  return {
    id: p.doc._id,
    name: p.doc.name,
    budgetUnit: p.doc.budgetUnit,
    fiscalYear: p.doc.fiscalYear,
    funds: { total: p.doc.funds.total, fiscal: p.doc.funds.fiscal, other: p.doc.funds.other, unit: '万元' },
    spent: spentYuan === null ? null : round(spentYuan / 10_000),
    executionRate,
    timeElapsed: elapsed,
    behind: budgetBehind(executionRate, elapsed, tolerance),
    budget: {
      status: b?.status ?? 'no_data',
      likelihood: b?.likelihood ?? null,
      forecast: total && b?.evaluation.forecast != null ? round((b.evaluation.forecast / 100) * total) : null,
      reason: b?.evaluation.reason ?? '',
    },
    indicatorCount: p.indicators.length,
    statusCounts: counts,
    lights,
  };
}

function minOf(xs: Array<number | null>): number | null {
  const ns = xs.filter((x): x is number => x !== null);
  return ns.length ? Math.min(...ns) : null;
}

import { budgetTrackId, indicatorParts, type NumericTarget, type ParsedCatalogue, type Target } from '@iw/targets';
import { periodOf, type Period } from './period';
import type { MeasureKind } from './progress';

/**
 * Tracked units: what progress is kept for. Every indicator is one, except a compound
 * indicator, whose parts are (each its own sub-indicator); every project has one more, its
 * budget execution. Unbound units get a measure from their target's shape so that
 * `actuals.measurements` can feed them.
 */
export type UnitKind = 'indicator' | 'part' | 'budget';

export interface TrackedUnit {
  /** Indicator id, part id (`…~label`) or budget track id (`…#budget`). */
  id: string;
  kind: UnitKind;
  projectId: string;
  projectName: string;
  /** null for a budget track. */
  indicatorId: string | null;
  /** Indicator name; 预算执行率 for a budget track. */
  name: string;
  /** Compound part label (or its 1-based index when the part has none). */
  part?: string;
  target: Target;
  period: Period;
  measure: MeasureKind;
  scale: number;
  of?: number | null;
  /** Line of the binding in the bindings file; absent when fed by measurements alone. */
  bindingLine?: number;
}

const READING_OPS = new Set(['<=', '<']);

/** Measures a binding may give a unit with this target. */
export function measuresFor(target: Target): readonly MeasureKind[] {
  switch (target.kind) {
    case 'numeric':
    case 'range':
    case 'formula':
    case 'relative':
      return ['sum', 'count', 'distinct', 'ratio', 'mean', 'max', 'min', 'latest'];
    case 'recurring':
      return ['sum', 'count']; // counted period by period
    case 'deadline':
    case 'window':
      return ['milestone'];
    case 'qualitative':
    case 'missing':
      return ['assessment'];
    case 'compound':
      return []; // its parts are bound, not the indicator
  }
}

/**
 * The measure of a unit nobody binds (fed by actuals.measurements): a rate (`%`) or a cap
 * (`≤48小时`, `<1200元/人`) is a reading that is `set`; any other quantity is a running sum of
 * increments; deadlines are milestones; qualitative targets wait for an assessment.
 */
export function defaultMeasure(target: Target): MeasureKind {
  switch (target.kind) {
    case 'numeric':
      return target.unit.includes('%') || READING_OPS.has(target.op) ? 'latest' : 'sum';
    case 'range':
      return target.unit.includes('%') ? 'latest' : 'sum';
    case 'formula':
    case 'recurring': // one increment per occurrence
    case 'relative':
      return 'sum';
    case 'deadline':
    case 'window':
      return 'milestone';
    default:
      return 'assessment';
  }
}

/** The unit (`%`, `批次` …) a target is written in, '' when none. */
export function targetUnit(target: Target): string {
  // A year-on-year change in % is a share of the base, not the measure's unit.
  if (target.kind === 'relative') return target.unit === '%' ? '' : target.unit;
  if (target.kind === 'recurring') return '次';
  return 'unit' in target ? target.unit : '';
}

/** A ratio, or a count out of a fixed total, is shown in percent when the target is a percentage. */
export function defaultScale(measure: MeasureKind, target: Target, of?: number | null): number {
  const fraction = measure === 'ratio' || (of !== undefined && ['sum', 'count', 'distinct'].includes(measure));
  return fraction && targetUnit(target).includes('%') ? 100 : 1;
}

/** 年度资金总额 (万元) in yuan, rounded to the fen; null when the table gives none. */
export function budgetYuan(total: number | null): number | null {
  return total === null ? null : Math.round(total * 10_000 * 100) / 100;
}

export const BUDGET_TARGET: NumericTarget = { kind: 'numeric', op: '>=', value: 100, unit: '%' };

/**
 * The text two targets share when they are the same target: JSON, with what JSON would blur (an
 * undefined field, a number that is not finite, −0) spelled apart as `#…`, and a text that starts
 * with `#` given a second one.
 */
export function targetKey(target: Target): string {
  return JSON.stringify(target, (_k, v: unknown) => {
    if (v === undefined) return '#undefined';
    if (typeof v === 'string') return v.startsWith('#') ? `#${v}` : v;
    if (typeof v === 'number' && Object.is(v, -0)) return '#-0';
    if (typeof v === 'number' && !Number.isFinite(v)) return `#${v}`;
    return v;
  });
}

/**
 * Every tracked unit of a catalogue with its default (unbound) measure. A province has 100,000:
 * each unit is one object literal of a fixed shape (spreading a head into a second object cost
 * 1.5 KB allocated per unit), units of one period share its object, and units of equal targets
 * one target (a province's 100,000 have 17,000 distinct: `≥2批次`, `是`, a date).
 */
export function catalogueUnits(catalogue: ParsedCatalogue): TrackedUnit[] {
  const units: TrackedUnit[] = [];
  const fy = catalogue.fiscalYear;
  const periods = new Map<string, Period>();
  const period = (target: Target): Period => {
    const p = periodOf(target, fy);
    const key = `${p.from}|${p.to}`;
    const known = periods.get(key);
    if (known) return known;
    periods.set(key, p);
    return p;
  };
  const targets = new Map<string, Target>([[targetKey(BUDGET_TARGET), BUDGET_TARGET]]);
  const shared = <T extends Target>(target: T): T => {
    const key = targetKey(target);
    const known = targets.get(key);
    if (known) return known as T;
    targets.set(key, target);
    return target;
  };
  for (const project of catalogue.projects) {
    const projectId = project.id;
    const projectName = project.name;
    for (const ind of project.indicators) {
      if (ind.target.kind === 'compound') {
        // One rule for part ids everywhere (libs/targets indicatorParts).
        for (const part of indicatorParts(ind)) {
          const target = shared(part.target);
          const measure = defaultMeasure(target);
          units.push({
            projectId,
            projectName,
            id: part.id,
            kind: 'part',
            indicatorId: ind.id,
            name: ind.name,
            part: part.target.label || part.key,
            target,
            period: period(target),
            measure,
            scale: defaultScale(measure, target),
          });
        }
      } else {
        const target = shared(ind.target);
        const measure = defaultMeasure(target);
        units.push({
          projectId,
          projectName,
          id: ind.id,
          kind: 'indicator',
          indicatorId: ind.id,
          name: ind.name,
          target,
          period: period(target),
          measure,
          scale: defaultScale(measure, target),
        });
      }
    }
    units.push({
      projectId,
      projectName,
      id: budgetTrackId(project.id),
      kind: 'budget',
      indicatorId: null,
      name: '预算执行率',
      target: BUDGET_TARGET,
      period: period(BUDGET_TARGET),
      // 执行数 is the sum of amountYuan; actual is 预算执行率 in percent of 年度资金总额.
      measure: 'sum',
      of: budgetYuan(project.funds.total),
      scale: 100,
    });
  }
  return units;
}

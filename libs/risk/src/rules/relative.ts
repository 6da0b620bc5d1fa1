import { describeRelative, type NumericTarget, type RelativeTarget } from '@iw/targets';
import { fmt, opSymbol } from '../format';
import type { RelativeBase } from '../evaluation';

/**
 * A year-on-year target made absolute by its base: `%` changes are a share of the base
 * (较上年增长10% on 120 → ≥132), any other unit an amount (较上年增加3个 on 12 → ≥15). The
 * result is judged like a numeric target of the measure's unit; `text` opens the reason.
 */
export function relativeGoal(target: RelativeTarget, base: RelativeBase): { target: NumericTarget; text: string } {
  const value = target.unit === '%' ? base.value * (1 + target.change / 100) : base.value + target.change;
  const rounded = Math.round(value * 1e6) / 1e6;
  const unit = target.unit === '%' ? '' : target.unit;
  const from = base.source === 'baseline' ? '导入时给定' : base.year ? `${base.year}年实际` : '上年实际';
  return {
    target: { kind: 'numeric', op: target.op, value: rounded, unit },
    text: `上年基数${fmt(base.value)}${unit}（${from}），${describeRelative(target)}，即${opSymbol(target.op)}${fmt(rounded)}${unit}`,
  };
}

/**
 * The base of a year-on-year target: a baseline given at import wins (the office states the
 * official figure), else last year's actual of the same indicator; null when neither exists.
 */
export function relativeBaseOf(
  baseline: number | null | undefined,
  lastYear: { actual: number | null; period?: { from: string } } | null | undefined,
): RelativeBase | null {
  if (typeof baseline === 'number' && Number.isFinite(baseline)) return { value: baseline, source: 'baseline' };
  if (lastYear && typeof lastYear.actual === 'number' && Number.isFinite(lastYear.actual)) {
    const year = lastYear.period ? Number(lastYear.period.from.slice(0, 4)) : NaN;
    return { value: lastYear.actual, source: 'previous_year', ...(Number.isFinite(year) ? { year } : {}) };
  }
  return null;
}

import type { MeasureKind } from '@iw/measures';
import { boundOf } from './bound';
import { DEFAULT_RISK_CONFIG, paceLabel, type RiskConfig } from './config';
import { result, type Ctx, type Evaluation, type EvaluationInput } from './evaluation';
import { cumulative } from './rules/cumulative';
import { deadline, window } from './rules/deadline';
import { level } from './rules/level';
import { noData } from './rules/no-data';
import { qualitative } from './rules/qualitative';
import { range } from './rules/range';
import { noValueYet, ratio } from './rules/ratio';
import { recurring } from './rules/recurring';
import { relativeBaseOf, relativeGoal } from './rules/relative';
import type { FormulaTarget, NumericTarget } from '@iw/targets';
import { DAY_MS, dayNumber, toLocalMs } from './time';
import { hasData, likelihoodOf } from './status';

/**
 * Judges one tracked unit (an indicator or a compound part) at `now`: pure, O(1) in the
 * history's length except a binary search for windows.
 */
export function evaluate(input: EvaluationInput, config: RiskConfig = DEFAULT_RISK_CONFIG): Evaluation {
  const e = judge(input, config);
  // Without data nothing is certain: on_track stays on_track (no alert) but has no 完成目标可能性.
  if (!hasData(input.progress)) e.likelihood = likelihoodOf(e.status, false);
  return e;
}

function judge(input: EvaluationInput, config: RiskConfig): Evaluation {
  const target = input.target;
  if (target.kind === 'missing') return result('no_data', '指标值缺失，无法跟踪', null, null, null, null);
  const ctx = contextOf(input, config);
  const measure = input.measure;
  // The assessment is the measure of a qualitative target; it may arrive without a binding.
  if (target.kind === 'qualitative' || measure === 'assessment') return qualitative(ctx);
  if (measure === null) return result('no_data', '未绑定数据来源', null, null, ctx.toDay - ctx.today, input.period.to);
  if (target.kind === 'deadline') return deadline(ctx, target);
  if (target.kind === 'window') return window(ctx, target);
  if (target.kind === 'recurring') return recurring(ctx, target);
  if (measure === 'milestone') return deadline(ctx, { by: input.period.to });

  const cumulativeMeasure = isCumulative(measure);
  const p = input.progress;
  // A ratio or mean whose denominator is still 0 has data but no value yet (1 closed of 0 opened).
  const hasEvents = p !== null && p.eventCount > 0;
  const hasData = hasEvents && p.actual !== null;
  if (target.kind === 'range') {
    const e = hasData ? range(ctx, target, p.actual!, cumulativeMeasure) : noData(ctx);
    if (cumulativeMeasure && hasData) e.pace = paceLabel(input.pace ?? config.pace);
    return e;
  }

  let numeric: NumericTarget | FormulaTarget;
  let prefix = '';
  if (target.kind === 'relative') {
    // The caller's base (relativeBaseOf: baseline, else last year's actual), else the baseline read with the table.
    const base = input.base ?? relativeBaseOf(target.baseline, null);
    if (!base) return result('no_data', '缺少上年基数', null, null, ctx.toDay - ctx.today, input.period.to);
    const goal = relativeGoal(target, base);
    numeric = goal.target;
    prefix = `${goal.text}：`;
  } else numeric = target;

  // A formula is tracked as its stated result, like a bare number.
  const b =
    numeric.kind === 'formula'
      ? boundOf('=', numeric.value, numeric.unit, input.level2 === '成本指标')
      : boundOf(numeric.op, numeric.value, numeric.unit, input.level2 === '成本指标');
  let e: Evaluation;
  if (!hasData) {
    // A cap on a count or sum holds while nothing happens: no complaint, no accident.
    if (b.dir === 'cap' && cumulativeMeasure) e = cumulative(ctx, b, 0);
    else if (hasEvents && (measure === 'ratio' || measure === 'mean')) e = noValueYet(ctx, b);
    else e = noData(ctx);
  } else if (cumulativeMeasure) {
    e = cumulative(ctx, b, p.actual!);
  } else if (measure === 'ratio') {
    e = ratio(ctx, b);
  } else {
    e = level(ctx, b, p.actual!);
  }
  if (cumulativeMeasure && (hasData || b.dir === 'cap')) e.pace = paceLabel(input.pace ?? config.pace);
  if (numeric.kind === 'formula' && !numeric.consistent)
    e.reason += `；按所写结果跟踪（${numeric.expression}算式不成立）`;
  if (prefix) e.reason = prefix + e.reason;
  return e;
}

/** Measures that only grow. */
export function isCumulative(measure: MeasureKind | null): boolean {
  return measure === 'sum' || measure === 'count' || measure === 'distinct';
}

function contextOf(input: EvaluationInput, cfg: RiskConfig): Ctx {
  const nowLocal = toLocalMs(input.now, input.timeZone);
  const fromDay = dayNumber(input.period.from);
  const toDay = dayNumber(input.period.to);
  const startLocal = fromDay * DAY_MS;
  const today = Math.floor(nowLocal / DAY_MS);
  return {
    input,
    cfg,
    progress: input.progress,
    nowLocal,
    today,
    startLocal,
    endLocal: (toDay + 1) * DAY_MS,
    toDay,
    ended: today > toDay,
    warming: nowLocal < startLocal + cfg.paceWarmupDays * DAY_MS,
  };
}

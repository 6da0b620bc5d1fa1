import type { MeasureKind } from '@iw/measures';
import { boundOf } from './bound';
import { DEFAULT_RISK_CONFIG, type RiskConfig } from './config';
import { result, type Ctx, type Evaluation, type EvaluationInput } from './evaluation';
import { cumulative } from './rules/cumulative';
import { deadline, window } from './rules/deadline';
import { level } from './rules/level';
import { noData } from './rules/no-data';
import { qualitative } from './rules/qualitative';
import { range } from './rules/range';
import { ratio } from './rules/ratio';
import { DAY_MS, dayNumber, toLocalMs } from './time';

/**
 * Judges one tracked unit (an indicator or a compound part) at `now`: pure, O(1) in the
 * history's length except a binary search for windows.
 */
export function evaluate(input: EvaluationInput, config: RiskConfig = DEFAULT_RISK_CONFIG): Evaluation {
  const target = input.target;
  if (target.kind === 'missing') return result('no_data', '指标值缺失，无法跟踪', null, null, null, null);
  const ctx = contextOf(input, config);
  const measure = input.measure;
  // The assessment is the measure of a qualitative target; it may arrive without a binding.
  if (target.kind === 'qualitative' || measure === 'assessment') return qualitative(ctx);
  if (measure === null) return result('no_data', '未绑定数据来源', null, null, ctx.toDay - ctx.today, input.period.to);
  // Read by libs/targets; tracked period by period / against last year by the engine's own rules.
  if (target.kind === 'relative' && target.baseline === undefined)
    return result('no_data', '缺少上年基数', null, null, ctx.toDay - ctx.today, input.period.to);
  if (target.kind === 'relative' || target.kind === 'recurring')
    return result('no_data', '按期或同比目标尚未跟踪', null, null, ctx.toDay - ctx.today, input.period.to);
  if (target.kind === 'deadline') return deadline(ctx, target);
  if (target.kind === 'window') return window(ctx, target);
  if (measure === 'milestone') return deadline(ctx, { by: input.period.to });

  const cumulativeMeasure = isCumulative(measure);
  const p = input.progress;
  const hasData = p !== null && p.eventCount > 0 && p.actual !== null;
  if (target.kind === 'range') return hasData ? range(ctx, target, p.actual!, cumulativeMeasure) : noData(ctx);

  // A formula is tracked as its stated result, like a bare number.
  const b =
    target.kind === 'formula'
      ? boundOf('=', target.value, target.unit, input.level2 === '成本指标')
      : boundOf(target.op, target.value, target.unit, input.level2 === '成本指标');
  let e: Evaluation;
  if (!hasData) {
    // A cap on a count or sum holds while nothing happens: no complaint, no accident.
    e = b.dir === 'cap' && cumulativeMeasure ? cumulative(ctx, b, 0) : noData(ctx);
  } else if (cumulativeMeasure) {
    e = cumulative(ctx, b, p.actual!);
  } else if (measure === 'ratio') {
    e = ratio(ctx, b);
  } else {
    e = level(ctx, b, p.actual!);
  }
  if (target.kind === 'formula' && !target.consistent) e.reason += `；按所写结果跟踪（${target.expression}算式不成立）`;
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

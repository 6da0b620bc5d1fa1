import type { MeasureKind } from '@iw/measures';
import { meets, type Bound } from '../bound';
import { fmt, opSymbol, pct } from '../format';
import { result, type Ctx, type Evaluation } from '../evaluation';

const LEVEL_NAMES: Partial<Record<MeasureKind, string>> = {
  mean: '平均值',
  max: '最大值',
  min: '最小值',
  latest: '最新值',
};

/**
 * Level measures (mean, latest, max, min) are judged on their current value. Outside the
 * target they are at_risk while they can still come back, off_track when they cannot:
 * a max above a cap and a min below a floor never return, and a mean with at least
 * minSample behind it and more than levelTolerance beyond the target is too heavy to turn.
 */
export function level(ctx: Ctx, b: Bound, current: number): Evaluation {
  const measure = ctx.input.measure;
  const name = (measure && LEVEL_NAMES[measure]) ?? '当前值';
  const deadline = ctx.input.period.to;
  const daysLeft = ctx.toDay - ctx.today;
  const t = `${opSymbol(b.op)}${fmt(b.value)}${b.unit}`;
  const now = `${name}${fmt(current)}${b.unit}`;
  if (meets(b, current)) {
    return ctx.ended
      ? result('achieved', `考核期已结束：${now}，达到目标${t}`, b.value, current, daysLeft, deadline)
      : result('on_track', `${now}，符合目标${t}`, b.value, current, daysLeft, deadline);
  }
  if (ctx.ended) return result('missed', `考核期已结束：${now}，未达到目标${t}`, b.value, current, daysLeft, deadline);
  const side = b.dir === 'cap' ? '超过上限' : '低于目标';
  if ((measure === 'max' && b.dir === 'cap') || (measure === 'min' && b.dir === 'floor')) {
    return result('off_track', `${now}已${side}${t}，不会再回到目标内`, b.value, current, daysLeft, deadline);
  }
  if (measure === 'mean') {
    const p = ctx.progress!;
    const sample = p.denominator ?? p.eventCount;
    const gap = b.value === 0 ? Infinity : Math.abs(current - b.value) / Math.abs(b.value);
    if (sample >= ctx.cfg.minSample && gap > ctx.cfg.levelTolerance) {
      return result(
        'off_track',
        `${now}${side}${t}达${pct(gap)}（样本${fmt(sample)}），难以拉回`,
        b.value,
        current,
        daysLeft,
        deadline,
      );
    }
  }
  return result('at_risk', `${now}${side}${t}`, b.value, current, daysLeft, deadline);
}

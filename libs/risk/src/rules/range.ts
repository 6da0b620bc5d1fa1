import type { RangeTarget } from '@iw/targets';
import { fmt } from '../format';
import { result, type Ctx, type Evaluation } from '../evaluation';
import { forecastOf, paceFloor, shareOf } from './cumulative';

/** `10-20场次`: reach the minimum without passing the maximum. */
export function range(ctx: Ctx, target: RangeTarget, actual: number, cumulative: boolean): Evaluation {
  const { min, max, unit } = target;
  const t = `${fmt(min)}-${fmt(max)}${unit}`;
  const q = `${fmt(actual)}${unit}`;
  const deadline = ctx.input.period.to;
  const daysLeft = ctx.toDay - ctx.today;
  const inside = actual >= min && actual <= max;
  if (!cumulative) {
    if (inside) {
      return result(
        ctx.ended ? 'achieved' : 'on_track',
        `${ctx.ended ? '考核期已结束：' : ''}当前值${q}，在目标${t}内`,
        null,
        actual,
        daysLeft,
        deadline,
      );
    }
    if (ctx.ended)
      return result('missed', `考核期已结束：当前值${q}，不在目标${t}内`, null, actual, daysLeft, deadline);
    const m = ctx.input.measure;
    const gone = (m === 'max' && actual > max) || (m === 'min' && actual < min);
    return result(gone ? 'off_track' : 'at_risk', `当前值${q}，不在目标${t}内`, null, actual, daysLeft, deadline);
  }
  const share = shareOf(ctx);
  const forecast = forecastOf(ctx, actual, share);
  if (actual > max) {
    return ctx.ended
      ? result('missed', `考核期已结束，实际${q}超过目标${t}`, min * share, actual, daysLeft, deadline)
      : result('off_track', `实际${q}已超过目标上限${fmt(max)}${unit}`, min * share, forecast, daysLeft, deadline);
  }
  if (!ctx.ended && forecast !== null && forecast > max) {
    return result(
      'at_risk',
      `按当前速度全年预计${fmt(forecast)}${unit}，将超过目标${t}`,
      min * share,
      forecast,
      daysLeft,
      deadline,
    );
  }
  // Reaching the minimum is not final: the maximum can still be passed.
  return paceFloor(ctx, min, actual >= min, false, actual, share, forecast, t, unit);
}

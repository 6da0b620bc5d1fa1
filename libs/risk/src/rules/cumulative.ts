import { meets, type Bound } from '../bound';
import { paceShare } from '../time';
import { fmt, opSymbol, pct } from '../format';
import { result, type Ctx, type Evaluation } from '../evaluation';

/**
 * Cumulative measures (sum, count, distinct) only grow. Forecast = linear projection of the
 * average rate so far against the pace: actual / paceShare (with a linear pace, actual ÷
 * elapsed share). It is O(1) and, with a seasonal pace, already accounts for the season.
 */

export function cumulative(ctx: Ctx, b: Bound, actual: number): Evaluation {
  const share = shareOf(ctx);
  const expected = b.value * share;
  const forecast = forecastOf(ctx, actual, share);
  const deadline = ctx.input.period.to;
  const daysLeft = ctx.toDay - ctx.today;
  const t = `${opSymbol(b.op)}${fmt(b.value)}${b.unit}`;
  const u = b.unit;
  if (b.dir === 'cap') {
    if (!meets(b, actual)) {
      return ctx.ended
        ? result('missed', `考核期已结束，实际${fmt(actual)}${u}超过上限${t}`, expected, actual, daysLeft, deadline)
        : result('off_track', `已超过上限${t}：实际${fmt(actual)}${u}`, expected, forecast, daysLeft, deadline);
    }
    if (ctx.ended)
      return result(
        'achieved',
        `考核期已结束，实际${fmt(actual)}${u}未超过上限${t}`,
        expected,
        actual,
        daysLeft,
        deadline,
      );
    if (forecast === null)
      return result(
        'on_track',
        `考核期初，暂不预测：实际${fmt(actual)}${u}，上限${t}`,
        expected,
        null,
        daysLeft,
        deadline,
      );
    if (!meets(b, forecast)) {
      return result(
        'at_risk',
        `按当前速度全年预计${fmt(forecast)}${u}，将超过上限${t}（实际${fmt(actual)}${u}）`,
        expected,
        forecast,
        daysLeft,
        deadline,
      );
    }
    return result(
      'on_track',
      `实际${fmt(actual)}${u}，全年预计${fmt(forecast)}${u}，在上限${t}以内`,
      expected,
      forecast,
      daysLeft,
      deadline,
    );
  }
  const distinctOf = ctx.progress?.distinctOf;
  if (
    ctx.input.measure === 'distinct' &&
    distinctOf != null &&
    !b.unit.includes('%') &&
    !meets(b, distinctOf) &&
    !ctx.ended
  ) {
    return result(
      'off_track',
      `可覆盖总数仅${distinctOf}，达不到目标${t}（实际${fmt(actual)}${u}）`,
      expected,
      forecast,
      daysLeft,
      deadline,
    );
  }
  return paceFloor(ctx, b.value, meets(b, actual), !b.exact, actual, share, forecast, t, b.unit);
}

/** Share of the target due by now under the input's (or the configured) pace. */
export function shareOf(ctx: Ctx): number {
  return paceShare(ctx.input.pace ?? ctx.cfg.pace, ctx.nowLocal, ctx.startLocal, ctx.endLocal);
}

/** 全年预计: none during the warm-up (a few days project nothing), the actual once the period is over. */
export function forecastOf(ctx: Ctx, actual: number, share: number): number | null {
  if (ctx.ended) return actual;
  if (ctx.warming || !(share > 0)) return null;
  return actual / share;
}

/**
 * A floor `value` on a cumulative measure. `reached` says whether the actual satisfies it;
 * `finalOnReach` makes reaching it final before the period ends (`>=`, `>`; not `=`, nor a
 * range's minimum, which may still be overshot).
 */
export function paceFloor(
  ctx: Ctx,
  value: number,
  reached: boolean,
  finalOnReach: boolean,
  actual: number,
  share: number,
  forecast: number | null,
  t: string,
  unit: string,
): Evaluation {
  const expected = value * share;
  const deadline = ctx.input.period.to;
  const daysLeft = ctx.toDay - ctx.today;
  const u = unit;
  if (reached && (finalOnReach || ctx.ended)) {
    return result('achieved', `已完成：实际${fmt(actual)}${u}，目标${t}`, expected, forecast, daysLeft, deadline);
  }
  if (ctx.ended)
    return result(
      'missed',
      `考核期已结束，实际${fmt(actual)}${u}，未达到目标${t}`,
      expected,
      actual,
      daysLeft,
      deadline,
    );
  if (reached)
    return result(
      'on_track',
      `已达到目标${t}（实际${fmt(actual)}${u}），待期末确认`,
      expected,
      forecast,
      daysLeft,
      deadline,
    );
  if (forecast === null) {
    return result(
      'on_track',
      `考核期初，暂不判断进度：实际${fmt(actual)}${u}，目标${t}`,
      expected,
      null,
      daysLeft,
      deadline,
    );
  }
  const remainingShare = 1 - share;
  const remaining = value - actual;
  // The rest's rate against the planned rate (value per whole period). Not against the observed
  // rate: a slow start would make any shortfall "impossible", and ahead of plan nothing is.
  const factor = remainingShare > 0 ? remaining / (remainingShare * value) : Infinity;
  if (factor > ctx.cfg.implausibleRateFactor) {
    return result(
      'off_track',
      `剩余${fmt(remaining)}${u}需在${daysLeft}天内完成，所需速度为计划速度的${fmt(factor)}倍，难以完成`,
      expected,
      forecast,
      daysLeft,
      deadline,
    );
  }
  if (actual < expected * (1 - ctx.cfg.paceTolerance)) {
    return result(
      'at_risk',
      `落后进度：实际${fmt(actual)}${u}，按进度应达${fmt(expected)}${u}（完成${pct(actual / expected)}），全年预计${fmt(forecast)}${u}，低于目标${t}`,
      expected,
      forecast,
      daysLeft,
      deadline,
    );
  }
  return result(
    'on_track',
    `进度正常：实际${fmt(actual)}${u}，按进度应达${fmt(expected)}${u}，全年预计${fmt(forecast)}${u}`,
    expected,
    forecast,
    daysLeft,
    deadline,
  );
}

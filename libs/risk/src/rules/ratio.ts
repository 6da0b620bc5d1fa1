import type { Bound } from '../bound';
import { fmt, opSymbol } from '../format';
import { result, type Ctx, type Evaluation } from '../evaluation';
import { wilsonInterval } from '../wilson';
import { level } from './level';

/**
 * Ratios (closure rates, satisfaction, complaint rates) over numerator/denominator. The point
 * estimate decides on_track and the period-end final; off_track needs the Wilson bound on the
 * far side of the target, and nothing but on_track is said below the minimum sample — three
 * unhappy answers out of four must not page anyone.
 */
export function ratio(ctx: Ctx, b: Bound): Evaluation {
  const p = ctx.progress!;
  const n = p.denominator;
  const x = p.numerator;
  if (n == null || x == null) return level(ctx, b, p.actual!); // a rate set directly: judge it as a level
  if (!(n > 0)) return noValueYet(ctx, b);
  // Targets in % (or written as 95 without a unit) are percentages; 0.95 is a share.
  const scale = b.unit.includes('%') || Math.abs(b.value) > 1 ? 100 : 1;
  const p0 = b.value / scale;
  const point = n > 0 ? x / n : 0;
  const ci = wilsonInterval(x, n, ctx.cfg.wilsonZ);
  const deadline = ctx.input.period.to;
  const daysLeft = ctx.toDay - ctx.today;
  const u = scale === 100 ? '%' : b.unit;
  const t = `${opSymbol(b.op)}${fmt(b.value)}${b.unit}`;
  const now = `${fmt(point * scale)}${u}（${fmt(x)}/${fmt(n)}）`;
  const ok = meetsShare(b, point, p0);
  let e: Evaluation;
  if (ctx.ended) {
    e = ok
      ? result('achieved', `考核期已结束：实际${now}，达到目标${t}`, b.value, point * scale, daysLeft, deadline)
      : result('missed', `考核期已结束：实际${now}，未达到目标${t}`, b.value, point * scale, daysLeft, deadline);
  } else if (ok) {
    e = result('on_track', `实际${now}，达到目标${t}`, b.value, point * scale, daysLeft, deadline);
  } else if (n < ctx.cfg.minSample) {
    e = result(
      'on_track',
      `样本不足（${fmt(n)}/${ctx.cfg.minSample}），暂不判断：实际${now}，目标${t}`,
      b.value,
      point * scale,
      daysLeft,
      deadline,
    );
  } else {
    // The bound nearest the target: upper for a floor, lower for a cap.
    const decided = !meetsShare(b, b.dir === 'floor' ? ci.upper : ci.lower, p0);
    e = decided
      ? result(
          'off_track',
          `实际${now}，置信区间${b.dir === 'floor' ? '上限' : '下限'}${fmt((b.dir === 'floor' ? ci.upper : ci.lower) * scale)}${u}仍${b.dir === 'floor' ? '未达' : '超过'}目标${t}`,
          b.value,
          point * scale,
          daysLeft,
          deadline,
        )
      : result(
          'at_risk',
          `实际${now}${b.dir === 'floor' ? '低于' : '高于'}目标${t}，置信区间${fmt(ci.lower * scale)}${u}–${fmt(ci.upper * scale)}${u}尚未定论`,
          b.value,
          point * scale,
          daysLeft,
          deadline,
        );
  }
  ci.lower *= scale; // the caller gets the interval in the target's unit
  ci.upper *= scale;
  e.interval = ci;
  return e;
}

/**
 * Events arrived but the rate has no value yet: its denominator (cases opened, respondents,
 * weights) is still 0 — 1 case closed of 0 opened this year. Not 仍无数据, and not judged:
 * like a sample below minSample, on_track until it can be computed; no_data once the period
 * is over without one.
 */
export function noValueYet(ctx: Ctx, b: Bound): Evaluation {
  const p = ctx.progress!;
  const counts =
    p.numerator != null || p.denominator != null ? `（${fmt(p.numerator ?? 0)}/${fmt(p.denominator ?? 0)}）` : '';
  const what = `已收到${fmt(p.eventCount)}条数据，但分母为0${counts}，尚无法计算`;
  const deadline = ctx.input.period.to;
  const daysLeft = ctx.toDay - ctx.today;
  const t = `${opSymbol(b.op)}${fmt(b.value)}${b.unit}`;
  return ctx.ended
    ? result('no_data', `考核期已结束：${what}，无法判断是否达到目标${t}`, b.value, null, daysLeft, deadline)
    : result('on_track', `${what}，暂不判断（目标${t}）`, b.value, null, daysLeft, deadline);
}

/** Whether a share satisfies the bound whose value is `p0` as a share. */
function meetsShare(b: Bound, share: number, p0: number): boolean {
  if (b.dir === 'floor') return b.strict ? share > p0 : share >= p0;
  return b.strict ? share < p0 : share <= p0;
}
